"""End to end through the command line (in this process, as the cli fixture runs it), with a fake Hugging
Face and a fake LLM."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.fakes import FakeHF, FakeLLM, paper_id_of

GOLDEN = Path(__file__).parent / "golden" / "run_ko.md"
LABELS = ("What's New", "Technical Details", "Performance Highlights")


def answer_for(pid: str) -> dict[str, str]:
    """What the fake LLM writes for a paper; the golden file was written by hand from this."""
    return {
        "whats_new": f"{pid} 논문은 새로운 방법을 제안합니다.",
        "technical_details": f"{pid} 논문의 방법은 두 단계로 학습됩니다.",
        # a position paper with no results: the prompt allows an empty section, left out
        "performance_highlights": "" if pid == "2502.00606" else f"{pid} 논문은 기준선보다 높은 점수를 보고합니다.",
    }


def respond(body: dict[str, Any]) -> str:
    return json.dumps(answer_for(paper_id_of(body)), ensure_ascii=False)


def env_for(hf: FakeHF, llm: FakeLLM, **extra: str) -> dict[str, str]:
    # Summaries read the abstract here, so arXiv is never needed. The fake's one-sentence answers
    # would draw soft findings (and repair requests) from the quality checks, which have tests of
    # their own (test_checks_*, test_repair_*); here they are off so that each paper is one request.
    return {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1",
            "DAILYPAPERS_TEXT_SOURCES": "abstract", "DAILYPAPERS_CHECKS": "off", **extra}


def run_args(date: str, out: Path, *more: str) -> list[str]:
    return ["run", "--date", date, "--lang", "ko", "--llm", "openai-compatible/test", "-o", str(out), *more]


def digest_blocks(text: str) -> dict[str, list[tuple[str, str]]]:
    """paper id -> its (label, text) section lines, read from a digest with plain regexes."""
    blocks: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in text.split("\n"):
        m = re.match(r"^### \[.*\]\(https://arxiv\.org/abs/(\S+)\)$", line)
        if m:
            current = m.group(1)
            blocks[current] = []
            continue
        m = re.match(r"^- \*\*\*(.+?)\*\*\*: (.*)$", line)
        if m:
            assert current is not None
            blocks[current].append((m.group(1), m.group(2)))
    return blocks


def expected_sections(pid: str) -> list[tuple[str, str]]:
    a = answer_for(pid)
    return [(label, a[k]) for label, k in zip(LABELS, ("whats_new", "technical_details", "performance_highlights"))
            if a[k]]


# -- a day, end to end ------------------------------------------------------------------------------

def test_run_writes_the_golden_digest_and_a_rerun_sends_nothing(cli: Any, hf_day: Any, tmp_path: Path) -> None:
    date, items = hf_day
    out = tmp_path / "out" / "digest.md"
    with FakeHF({date: items}) as hf, FakeLLM(respond) as llm:
        r = cli(*run_args(date, out), env=env_for(hf, llm))
        assert r.returncode == 0, r.stderr
        assert out.read_bytes() == GOLDEN.read_bytes()
        assert sorted(paper_id_of(b) for b in llm.completions) == sorted(i["paper"]["id"] for i in items)
        assert {b["model"] for b in llm.completions} == {"test"}
        assert len(hf.requests) == 1 and hf.requests[0].query["date"] == [date]

        again = cli(*run_args(date, out), env=env_for(hf, llm))
        assert again.returncode == 0, again.stderr
        assert len(llm.requests) == 8  # nothing new was sent
        assert len(hf.requests) == 2   # the listing was read again (upvotes change)
        assert out.read_bytes() == GOLDEN.read_bytes()

        alone = cli("summarize", "--date", date, "--lang", "ko", "--llm", "openai-compatible/test",
                    env=env_for(hf, llm))
        assert alone.returncode == 0, alone.stderr
        assert len(llm.requests) == 8

        rendered = cli("render", "--date", date, "--lang", "ko", env=env_for(hf, llm))
        assert rendered.returncode == 0, rendered.stderr
        assert rendered.stdout.encode("utf-8") == GOLDEN.read_bytes()


def test_run_with_a_flaky_llm_names_exactly_the_failed_papers(cli: Any, hf_day: Any, tmp_path: Path) -> None:
    date, items = hf_day
    ids = [i["paper"]["id"] for i in items]
    out = tmp_path / "digest.md"
    # One paper at a time, so the fixed seed gives the same faults to the same papers every run.
    with FakeHF({date: items}) as hf, \
            FakeLLM(respond, fault_rate=0.5, faults=("429", "500", "garbage"), seed=10) as llm:
        r = cli(*run_args(date, out, "--concurrency", "1"), env=env_for(hf, llm))
        answered = {paper_id_of(b) for b in llm.completions}
        assert len(llm.requests) > len(llm.completions)  # the fake did misbehave
    failed = set(re.findall(r"^  failed (\S+): \S", r.stderr, re.M))
    digest = out.read_text(encoding="utf-8")
    blocks = digest_blocks(digest)
    assert failed, "seed 10 with one paper at a time fails at least one paper"
    assert r.returncode == 1, r.stderr
    assert set(blocks) | failed == set(ids) and not set(blocks) & failed
    assert list(blocks) == [i for i in ids if i in blocks]  # digest order kept
    for pid, sections in blocks.items():
        assert pid in answered
        assert sections == expected_sections(pid)  # what the fake answered, never a placeholder
    left_out = re.search(r"left out \d+ of 8 papers with no summary: (.*)$", r.stderr, re.M)
    assert left_out and set(left_out.group(1).split(", ")) == failed

    # Again with a healthy LLM: only the failed papers are sent, and the day is complete.
    with FakeHF({date: items}) as hf, FakeLLM(respond) as llm:
        r = cli(*run_args(date, out), env=env_for(hf, llm))
        assert r.returncode == 0, r.stderr
        assert sorted(paper_id_of(json.loads(q.body)) for q in llm.requests) == sorted(failed)
    assert out.read_bytes() == GOLDEN.read_bytes()


def test_list_json_has_the_documented_keys(cli: Any, hf_day: Any, tmp_path: Path) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf, FakeLLM(respond) as llm:
        assert cli(*run_args(date, tmp_path / "d.md"), env=env_for(hf, llm)).returncode == 0
        r = cli("list", "--date", date, "--json")
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    assert isinstance(listed, list) and len(listed) == 8
    for obj, item in zip(listed, items):
        p = item["paper"]
        assert {"id", "title", "url", "authors", "upvotes", "thumbnail", "date", "summaries"} <= set(obj)
        assert obj["id"] == p["id"]
        assert obj["title"] == " ".join(p["title"].split())
        assert obj["url"] == f"https://arxiv.org/abs/{p['id']}"
        assert obj["authors"] == [a["name"] for a in p["authors"]]
        assert obj["upvotes"] == p["upvotes"]
        assert obj["thumbnail"] == (item["thumbnail"] or None)
        assert obj["date"] == date
        assert obj["summaries"] == {"ko": dict(expected_sections(p["id"]))}


# -- configuration and empty days -----------------------------------------------------------------

def test_summarize_without_an_llm_says_how_to_configure_one(cli: Any) -> None:
    r = cli("summarize", "--date", "2025-02-03")
    assert r.returncode == 2
    for needed in ("--llm", "DAILYPAPERS_LLM", "OPENAI_API_KEY", "Ollama"):
        assert needed in r.stderr, needed
    assert "Traceback" not in r.stderr


def test_run_without_an_llm_stops_before_fetching(cli: Any, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        r = cli("run", "--date", date, env={"HF_ENDPOINT": hf.url})
    assert r.returncode == 2
    assert "--llm" in r.stderr and "DAILYPAPERS_LLM" in r.stderr
    assert hf.requests == []


def test_the_llm_can_come_from_the_environment(cli: Any, hf_day: Any, tmp_path: Path) -> None:
    date, items = hf_day
    out = tmp_path / "d.md"
    with FakeHF({date: items}) as hf, FakeLLM(respond) as llm:
        r = cli("run", "--date", date, "-o", str(out),
                env=env_for(hf, llm, DAILYPAPERS_LLM="openai-compatible/test", DAILYPAPERS_LANG="ko"))
        assert r.returncode == 0, r.stderr
        assert len(llm.completions) == 8
    assert out.read_bytes() == GOLDEN.read_bytes()


def test_unknown_provider_is_a_usage_error(cli: Any) -> None:
    r = cli("summarize", "--date", "2025-02-03", "--llm", "nosuch/model")
    assert r.returncode == 2
    assert "nosuch" in r.stderr and "extractive" in r.stderr


def test_extractive_refuses_korean_on_the_command_line(cli: Any, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        assert cli("fetch", "--date", date, env={"HF_ENDPOINT": hf.url}).returncode == 0
    r = cli("summarize", "--date", date, "--lang", "ko", "--llm", "extractive",
            env={"DAILYPAPERS_TEXT_SOURCES": "abstract"})
    assert r.returncode == 2
    assert "--lang en" in r.stderr


def test_render_of_a_day_with_no_papers_says_so(cli: Any) -> None:
    """As the README's render row says: the digest of an empty day is its heading alone, the
    reason is said on stderr, and the exit status is 0 (rendering worked; there was nothing to
    render). With -o the file is written just the same."""
    r = cli("render", "--date", "2025-02-03", "--lang", "ko")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "## Daily Papers (2025-02-03)\n\n"
    assert "2025-02-03" in r.stderr and "no papers" in r.stderr and "run fetch first" in r.stderr
    assert "Traceback" not in r.stderr
    out = cli.cwd / "empty.md"
    r = cli("render", "--date", "2025-02-03", "--lang", "ko", "-o", str(out))
    assert r.returncode == 0 and out.read_text(encoding="utf-8") == "## Daily Papers (2025-02-03)\n\n"


def test_render_of_a_day_with_no_summaries_in_the_language_names_every_paper(cli: Any, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        assert cli("fetch", "--date", date, env={"HF_ENDPOINT": hf.url}).returncode == 0
    r = cli("render", "--date", date, "--lang", "ja")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"## Daily Papers ({date})\n\n"
    assert f"left out {len(items)} of {len(items)} papers with no summary" in r.stderr
    assert all(i["paper"]["id"] in r.stderr for i in items)
