"""Summary styles end to end (docs/styles.md): a style file changes the sections of the prompt, the JSON
schema, the checks, the Markdown, the site, the feeds and the e-mail; the style is part of a summary's
key, so a summary in one style is never served for another; the default style still writes the seed's
layout byte for byte. Real local servers: a fake Hugging Face, a fake OpenAI-compatible LLM that answers
in whatever shape the request's schema asks for, a fake CDN and a real SMTP server."""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path
from typing import Any

import pytest

from dailypapers import styles
from dailypapers.checks.shape import check_shape
from dailypapers.errors import ConfigError, LLMOutputError
from dailypapers.models import HARD, SOFT, Section
from dailypapers.summarize import prompts
from dailypapers.summarize.parsing import parse_sections
from tests.fakes import FakeHF, FakeLLM, paper_id_of
from tests.site_helpers import MediaHost, read
from tests.test_cli_run import GOLDEN, answer_for, digest_blocks

REVIEW = """\
name = "review"
sentences = [1, 2]

[[section]]
key = "problem"
says = "the problem the paper takes on"
names = { ko = "문제", en = "Problem" }

[[section]]
key = "approach"
says = "how the paper solves it"
names = { ko = "접근", en = "Approach" }

[[section]]
key = "evidence"
says = "the figures that show it works"
required = "results"
names = { ko = "근거", en = "Evidence" }
"""
REVIEW_KEYS = ["problem", "approach", "evidence"]
REVIEW_KO = ["문제", "접근", "근거"]
TLDR_KO = "한 줄 요약"


def keys_asked(body: dict[str, Any]) -> list[str]:
    """The JSON keys a request's schema asks for, in its order."""
    return list(body["response_format"]["json_schema"]["schema"]["properties"])


def system_of(body: dict[str, Any]) -> str:
    return str(next(m["content"] for m in body["messages"] if m["role"] == "system"))


def answer(body: dict[str, Any]) -> str:
    """What the fake LLM writes: the default style's answer (tests/golden/run_ko.md) when asked for its
    keys, else one Korean sentence per key the schema asks for, naming the paper and the key."""
    pid, keys = paper_id_of(body), keys_asked(body)
    if keys == list(styles.SECTIONS.keys):
        return json.dumps(answer_for(pid), ensure_ascii=False)
    return json.dumps({k: f"{pid} 논문의 {k} 항목은 이렇게 요약됩니다." for k in keys}, ensure_ascii=False)


def env_for(hf: FakeHF, llm: FakeLLM, **extra: str) -> dict[str, str]:
    # The abstract only (no arXiv), and no checks, so that each paper is one request; the checks
    # under a style have tests of their own below.
    return {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_TEXT_SOURCES": "abstract",
            "DAILYPAPERS_CHECKS": "off", **extra}


def llm_args(date: str, *more: str) -> list[str]:
    return ["--date", date, "--lang", "ko", "--llm", "openai-compatible/test", *more]


@pytest.fixture
def review(tmp_path: Path) -> Path:
    path = tmp_path / "styles" / "review.toml"
    path.parent.mkdir()
    path.write_text(REVIEW, encoding="utf-8")
    return path


# -- a style file, end to end --------------------------------------------------------------------

def test_a_style_file_changes_the_sections_end_to_end(cli: Any, hf_day: Any, review: Path, tmp_path: Path) -> None:
    from tests.publish_day import write_config
    from tests.test_publish_email import email_toml, parts, smtp_server

    date, items = hf_day
    ids = [i["paper"]["id"] for i in items]
    out = tmp_path / "review.md"
    with FakeHF({date: items}) as hf, FakeLLM(answer) as llm, MediaHost() as cdn:
        env = env_for(hf, llm)
        r = cli("run", *llm_args(date, "--style", str(review), "-o", str(out)), env=env)
        assert r.returncode == 0, r.stderr
        # The LLM was asked for the style's sections, in its shape, and nothing else.
        assert sorted(paper_id_of(b) for b in llm.completions) == sorted(ids)
        for body in llm.completions:
            schema = body["response_format"]["json_schema"]["schema"]
            assert keys_asked(body) == schema["required"] == REVIEW_KEYS
            system = system_of(body)
            assert "The entry has three sections:\n- problem: the problem the paper takes on." in system
            assert "- Each section is one paragraph of 1 to 2 sentences, written in Korean." in system
            assert "If the text gives no results, answer evidence with an empty string" in system
            assert "whats_new" not in system and "performance_highlights" not in system

        # The Markdown: the layout of docs/format.md, with the style's Korean names.
        text = out.read_text(encoding="utf-8")
        assert text.startswith(f"## Daily Papers ({date})\n\n") and text.endswith("\n\n")
        blocks = digest_blocks(text)
        assert list(blocks) == ids
        for pid in ids:
            assert blocks[pid] == [(name, f"{pid} 논문의 {key} 항목은 이렇게 요약됩니다.")
                                   for name, key in zip(REVIEW_KO, REVIEW_KEYS)]
        assert "What's New" not in text
        rendered = cli("render", "--date", date, "--lang", "ko", "--style", str(review), env=env)
        assert rendered.returncode == 0 and rendered.stdout == text

        # Never served for another style: the default style has nothing for the day.
        default = cli("render", "--date", date, "--lang", "ko", env=env)
        assert default.returncode == 0 and default.stdout == f"## Daily Papers ({date})\n\n"
        assert f"left out {len(ids)} of {len(ids)} papers with no summary" in default.stderr

        # The feeds: the style's sections as the content and in the description.
        feed = cli("render", "--format", "rss", "--lang", "ko", "--style", str(review), env=env)
        assert feed.returncode == 0, feed.stderr
        assert "summarized in ko: 문제, 접근 and 근거 (one entry per paper)" in feed.stdout
        assert feed.stdout.count("&lt;strong&gt;문제&lt;/strong&gt;") == len(ids)
        assert "What's New" not in feed.stdout

        # The site: the style's names as the headings of every card and paper page.
        site = tmp_path / "site"
        built = cli("render", "--format", "html", "-o", str(site), "--style", str(review),
                    env={**env, "HF_ENDPOINT": cdn.url})
        assert built.returncode == 0, built.stderr
        day = read(site / "ko" / "days" / f"{date}.html")
        assert [day.text.count(name) for name in REVIEW_KO] == [len(ids)] * 3 and "What's New" not in day.text
        assert len(day.find("h3")) == 3 * len(ids)  # one heading per section of each card
        paper = read(site / "ko" / "papers" / f"{ids[0]}.html")
        assert f"{ids[0]} 논문의 approach 항목은" in paper.text and "Technical Details" not in paper.text
        rss = (site / "feeds" / "ko" / "papers.rss.xml").read_text(encoding="utf-8")
        assert "summarized in ko: 문제, 접근 and 근거" in rss

        # The e-mail: the style's names before each text, in both parts.
        with smtp_server() as (inbox, port):
            write_config(cli.config_home, email_toml(port))
            sent = cli("publish", "--date", date, "--lang", "ko", "--to", "email", "--style", str(review), env=env)
            assert sent.returncode == 0, sent.stderr
            body = parts(email.message_from_bytes(inbox.envelopes[0].original_content, policy=policy.default))
        plain = " ".join(body["text/plain"].split())
        assert f"문제: {ids[0]} 논문의 problem 항목은 이렇게 요약됩니다." in plain
        assert "<strong>근거</strong>: " in body["text/html"] and "What's New" not in body["text/html"]

        # The style is part of the key: the same style again asks for nothing ...
        asked = len(llm.completions)
        again = cli("summarize", *llm_args(date, "--style", str(review)), env=env)
        assert again.returncode == 0 and len(llm.completions) == asked
        assert f"0 summarized, {len(ids)} already done" in again.stderr
        # ... and a changed style is new work, whose summaries are then the ones served.
        review.write_text(REVIEW.replace("how the paper solves it", "the method, step by step"), encoding="utf-8")
        changed = cli("summarize", *llm_args(date, "--style", str(review)), env=env)
        assert changed.returncode == 0 and len(llm.completions) == asked + len(ids)
        assert "the method, step by step." in system_of(llm.completions[-1])


def test_the_default_style_keeps_the_seed_layout_beside_another(cli: Any, hf_day: Any, tmp_path: Path) -> None:
    """The default style's digest is the golden file, before and after the same day is summarized in
    another style; each style renders its own summaries."""
    date, items = hf_day
    out = tmp_path / "digest.md"
    with FakeHF({date: items}) as hf, FakeLLM(answer) as llm:
        env = env_for(hf, llm)
        first = cli("run", *llm_args(date, "-o", str(out)), env=env)
        assert first.returncode == 0, first.stderr
        assert out.read_bytes() == GOLDEN.read_bytes()
        assert all(keys_asked(b) == list(styles.SECTIONS.keys) for b in llm.completions)
        tldr = cli("run", *llm_args(date, "--style", "tldr", "-o", str(tmp_path / "tldr.md")), env=env)
        assert tldr.returncode == 0, tldr.stderr
        assert len(llm.completions) == 2 * len(items)
        assert [keys_asked(b) for b in llm.completions[len(items):]] == [["tldr"]] * len(items)
        again = cli("render", "--date", date, "--lang", "ko", env=env)
        assert again.stdout.encode("utf-8") == GOLDEN.read_bytes()
        short = (tmp_path / "tldr.md").read_text(encoding="utf-8")
    blocks = digest_blocks(short)
    assert {pid: [label for label, _ in sections] for pid, sections in blocks.items()} == \
        {i["paper"]["id"]: [TLDR_KO] for i in items}
    listed = json.loads(cli("list", "--date", date, "--json").stdout)
    assert {it["summary_info"]["ko"]["style"] for it in listed} == {"tldr"}  # the newest summary's style


def test_an_imported_digest_is_read_in_the_default_layout(cli: Any, tmp_path: Path) -> None:
    r = cli("import", str(GOLDEN), "--lang", "ko")
    assert r.returncode == 0, r.stderr
    date = GOLDEN.read_text(encoding="utf-8").split("(", 1)[1][:10]
    default = cli("render", "--date", date, "--lang", "ko")
    assert default.stdout.encode("utf-8") == GOLDEN.read_bytes()
    tldr = cli("render", "--date", date, "--lang", "ko", "--style", "tldr")
    assert tldr.returncode == 0 and tldr.stdout == f"## Daily Papers ({date})\n\n"


# -- refused before any work ----------------------------------------------------------------------

def test_a_built_in_style_in_a_language_it_does_not_name_is_refused(cli: Any, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf, FakeLLM(answer) as llm:
        r = cli("run", "--date", date, "--lang", "fr", "--llm", "openai-compatible/test", "--style", "prior-work",
                env=env_for(hf, llm))
        assert r.returncode == 2
        assert "the style 'prior-work' (built-in) names its sections in en, ja, ko, zh, not in fr (French)" in r.stderr
        assert llm.requests == [] and llm.pings == [] and hf.requests == []


def test_the_extractive_summarizer_writes_only_the_default_style(cli: Any, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        r = cli("run", "--date", date, "--lang", "en", "--llm", "extractive", "--style", "tldr",
                env={"HF_ENDPOINT": hf.url, "DAILYPAPERS_TEXT_SOURCES": "abstract"})
        assert r.returncode == 2 and "extractive writes only the style sections" in r.stderr
        assert hf.requests == []


@pytest.mark.parametrize("style", ["nonsense", "tl;dr"])
def test_an_unknown_style_name_is_refused(cli: Any, style: str) -> None:
    r = cli("render", "--date", "2025-02-03", "--style", style)
    assert r.returncode == 2 and f"unknown style {style!r}: use sections, tldr, prior-work" in r.stderr


def test_the_style_setting_from_the_config_file_and_the_environment(cli: Any, review: Path) -> None:
    """A style file named in the config file is found beside it; DAILYPAPERS_STYLE wins over the file,
    and --style over both. The feed's description says which sections the style asks for."""
    from tests.publish_day import write_config

    assert cli("import", str(GOLDEN), "--lang", "ko").returncode == 0
    config = write_config(cli.config_home, "style = 'mine.toml'\n")
    (config.parent / "mine.toml").write_text(REVIEW.replace('"review"', '"mine"'), encoding="utf-8")

    def described(*args: str, **env: str) -> str:
        r = cli("render", "--format", "rss", "--lang", "ko", *args, env=env)
        assert r.returncode == 0, r.stderr
        return re.findall(r"<description>(.*?)</description>", r.stdout)[0]

    assert described() == "Each day's AI papers, summarized in ko: 문제, 접근 and 근거 (one entry per paper)."
    assert "summarized in ko: 한 줄 요약 (one entry" in described(DAILYPAPERS_STYLE="tldr")
    assert "summarized in ko: What's New, Technical Details and Performance Highlights" in \
        described("--style", "sections", DAILYPAPERS_STYLE="tldr")
    config.write_text("style = 'missing.toml'\n", encoding="utf-8")
    r = cli("check", "--date", "2025-02-03")
    assert r.returncode == 2 and f"style file {config.parent / 'missing.toml'}: no such file" in r.stderr


# -- the checks and the repair follow the style -----------------------------------------------------

EN_STYLE = REVIEW.replace('ko = "문제", ', "").replace('ko = "접근", ', "").replace('ko = "근거", ', "")


def test_a_repair_asks_for_the_style_s_keys_and_the_shape_check_counts_its_sentences(
        cli: Any, hf_day: Any, tmp_path: Path) -> None:
    date, items = hf_day
    items = items[:1]  # Sparse Routers for Long-Context Retrieval
    path = tmp_path / "en.toml"
    path.write_text(EN_STYLE, encoding="utf-8")
    good = {"problem": "Retrieval over long inputs is slow, and sparse routers aim to fix it.",
            "approach": "The sparse routers send each token to two experts. The router is trained with a "
                        "contrastive loss. It needs no other change.",
            "evidence": "On 128K-token inputs accuracy rises by 4.2 points with the sparse routers."}

    def respond(body: dict[str, Any]) -> str:
        asked_again = sum(m["role"] == "user" for m in body["messages"]) > 1
        return json.dumps(good if asked_again else {**good, "problem": ""})

    with FakeHF({date: items}) as hf, FakeLLM(respond) as llm:
        env = {**env_for(hf, llm), "DAILYPAPERS_CHECKS": "standard"}
        assert cli("fetch", "--date", date, env=env).returncode == 0
        r = cli("summarize", "--date", date, "--lang", "en", "--llm", "openai-compatible/test", "--style", str(path),
                env=env)
        assert r.returncode == 0, r.stderr
        # The answer with an empty required section; asked again for the style's keys; the answer then
        # has one sentence too many for the style, sent back once; the same answer again is kept.
        first, repair, shape = llm.completions
        assert "problem and approach must both say something" in repair["messages"][-1]["content"]
        assert '["problem", "approach", "evidence"]' in repair["messages"][-1]["content"]
        assert "- Approach: 3 sentences; each section has 1 to 2" in shape["messages"][-1]["content"]
        assert keys_asked(first) == keys_asked(repair) == keys_asked(shape) == REVIEW_KEYS
    [listed] = json.loads(cli("list", "--date", date, "--json").stdout)
    assert listed["summaries"]["en"] == {"Problem": good["problem"], "Approach": good["approach"],
                                          "Evidence": good["evidence"]}
    assert [f["reason"] for f in listed["findings"]["en"] if f["rule"] == "shape"] == \
        ["Approach: 3 sentences; each section has 1 to 2"]
    checked = cli("check", "--date", date, "--lang", "en", "--style", str(path), "--json")
    [row] = json.loads(checked.stdout)
    assert [f["reason"] for f in row["findings"] if f["rule"] == "shape"] == \
        ["Approach: 3 sentences; each section has 1 to 2"]


# -- the pieces ----------------------------------------------------------------------------------

def test_the_default_style_s_prompt_is_the_seed_s_word_for_word() -> None:
    """Its summaries are keyed `v1`, as they always were: the prompt of that key must not change."""
    from dailypapers.models import Paper, PaperText

    seed = (Path(__file__).parent / "golden" / "prompt_v1_ko.txt").read_text(encoding="utf-8")
    p = prompts.build(Paper("2502.00101", "T"), PaperText("2502.00101", "abstract", "x"), "ko")
    assert p.system == seed and p.version == "v1"
    assert styles.SECTIONS.key_version(prompts.PROMPT_VERSION) == "v1"
    assert prompts.RESPONSE_SCHEMA == {"type": "object", "required": ["whats_new", "technical_details",
                                                                       "performance_highlights"],
                                       "properties": {k: {"type": "string"} for k in styles.SECTIONS.keys},
                                       "additionalProperties": False}


def test_built_in_styles_prompts() -> None:
    tldr = prompts.system_prompt("ja", style=styles.TLDR)
    assert "The entry has one section:\n- tldr: the paper in one line" in tldr
    assert "- The section is a single sentence, written in Japanese." in tldr
    assert "with exactly the key tldr (in English), a string." in tldr
    prior = prompts.system_prompt("zh", style=styles.PRIOR_WORK)
    assert "The entry has four sections:" in prior and "of 1 to 3 sentences, written in Chinese" in prior
    assert "If the text gives nothing for limits, answer it with an empty string" in prior
    assert "the keys prior_work, contribution, limits and impact\n  (keys in English)" in prior
    assert all(len(line) <= prompts.WIDTH for line in (tldr + prior).splitlines())


def test_a_section_with_its_own_range_says_it_on_its_line() -> None:
    style = styles.parse({"name": "mixed", "sentences": [2, 3], "section": [
        {"key": "gist", "says": "the gist", "names": {"*": "Gist"}, "sentences": [1, 1]},
        {"key": "detail", "says": "the details", "names": {"*": "Detail"}}]})
    text = prompts.system_prompt("en", style=style)
    assert "- gist (1 sentence): the gist." in text and "- detail (2 to 3 sentences): the details." in text
    assert "- Each section is one paragraph, of as many sentences as its line above says" in text
    found = check_shape([Section("Gist", "One line. Two lines here."), Section("Detail", "A detail. Another.")],
                        "en", style=style)
    assert [f.reason for f in found if "sentence" in f.reason] == ["Gist: 2 sentences; each section has 1"]


def test_parse_sections_labels_with_the_style_s_names_in_the_language() -> None:
    answer_text = json.dumps({"prior_work": "Earlier routers.", "contribution": "A new router.",
                              "limits": "", "impact": "Faster retrieval."})
    got = parse_sections(answer_text, styles.PRIOR_WORK, "ko")
    assert [s.label for s in got] == ["선행 연구", "기여", "영향"]  # limits may be left out
    with pytest.raises(LLMOutputError, match="prior_work, contribution and impact must all say something"):
        parse_sections(answer_text.replace("A new router.", ""), styles.PRIOR_WORK, "ko")
    with pytest.raises(LLMOutputError, match="the answer lacks the keys tldr"):
        parse_sections(answer_text, styles.TLDR, "en")


def test_the_shape_check_follows_the_style() -> None:
    ok = "선행 연구는 긴 문맥 검색을 다루었습니다. 이 논문은 그 위에 희소 라우터를 더합니다."
    found = check_shape([Section("선행 연구", ok), Section("기여", ok)], "ko", "accuracy up 4%", styles.PRIOR_WORK)
    assert [(f.severity, f.reason) for f in found] == [(HARD, "영향: the section is missing")]
    leak = check_shape([Section("Prior Work", "prior_work: earlier routers were slow on long inputs, "
                                "as the paper says.")], "en", style=styles.PRIOR_WORK)
    assert "Prior Work: the text carries the answer's format ('prior_work'), not prose" in \
        [f.reason for f in leak if f.severity == HARD]
    plain = check_shape([Section("Impact", "The impact of the work is large for retrieval systems in practice.")],
                        "en", style=styles.parse({"name": "one", "section": [
                            {"key": "impact", "says": "x", "names": {"en": "Impact"}}], "sentences": [1, 1]}))
    assert plain == []  # `impact` is a word in prose, not a leaked JSON key
    missing = check_shape([Section("What's New", ok), Section("Technical Details", ok)], "ko", "up 4.2%")
    assert [(f.severity, f.section) for f in missing] == [(SOFT, "Performance Highlights")]


def test_style_of_and_key_version() -> None:
    version = styles.PRIOR_WORK.key_version("v1")
    assert re.fullmatch(r"v1\+prior-work\.[0-9a-f]{8}", version) and len(version) <= 40
    assert [styles.style_of(v) for v in ("v1", "import", "extractive-v2", version)] == \
        ["sections", "sections", "sections", "prior-work"]
    assert styles.TLDR.key_version("v1") != styles.TLDR.key_version("v2")


# -- style files, checked ---------------------------------------------------------------------------

def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "style.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_style_file_is_read(tmp_path: Path) -> None:
    style = styles.resolve(str(_write(tmp_path, REVIEW)))
    assert style.name == "review" and style.keys == tuple(REVIEW_KEYS) and style.sentences == (1, 2)
    assert style.labels("ko") == tuple(REVIEW_KO) and style.labels("en") == ("Problem", "Approach", "Evidence")
    assert [s.required for s in style.sections] == [styles.YES, styles.YES, styles.RESULTS]
    assert style.origin == str(tmp_path / "style.toml")
    with pytest.raises(ConfigError, match=r"names its sections in en, ko, not in ja \(Japanese\)"):
        style.labels("ja")


SECTION = '[[section]]\nkey = "a"\nsays = "x"\nnames = { en = "A" }\n'


@pytest.mark.parametrize("text,problem", [
    ('name = "x"\ncolour = "red"\n' + SECTION, "unknown keys colour"),
    ('name = "Bad Name"\n' + SECTION, "`name` must be lowercase letters"),
    ('name = "tldr"\n' + SECTION, "the name 'tldr' is a built-in style's"),
    ('name = "x"\n', "give 1 to 8 sections"),
    ('name = "x"\nsentences = [3, 2]\n' + SECTION, "sentences must be [least, most]"),
    ('name = "x"\nsentences = [0, 2]\n' + SECTION, "sentences must be [least, most]"),
    ('name = "x"\n' + SECTION + SECTION, "two sections have the same key"),
    ('name = "x"\n' + SECTION.replace('key = "a"', 'key = "A-1"'), "`key` must be lowercase letters"),
    ('name = "x"\n' + SECTION.replace('says = "x"', 'says = ""'), "`says` must say what the section holds"),
    ('name = "x"\n' + SECTION.replace('"A"', '"***A***"'), "its name in en must be 1 to 60 characters"),
    ('name = "x"\n' + SECTION.replace('"A"', '"A: B"'), "its name in en must be"),
    ('name = "x"\n' + SECTION.replace("en =", "english ="), "'english' is not a language code"),
    ('name = "x"\n' + SECTION + "required = 1\n", "`required` is true, false or \"results\""),
    ('name = "x"\n' + SECTION + "required = false\n", "at least one section must be required"),
    ('name = "x"\n' + SECTION + SECTION.replace('"a"', '"b"').replace("en =", "ko ="),
     "section b has no name in en, which other sections are named in"),
    ('name = "x"\n' + SECTION + SECTION.replace('"a"', '"b"'), "two sections have the same name in en"),
    ("name = ", "is not valid TOML"),
])
def test_a_bad_style_file_is_refused_saying_why(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as e:
        styles.resolve(str(_write(tmp_path, text)))
    assert problem in str(e.value) and str(tmp_path / "style.toml") in str(e.value)


def test_a_style_file_that_is_not_a_small_regular_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a regular file"):
        styles.load(tmp_path)
    big = _write(tmp_path, "# " + "x" * styles.MAX_FILE_BYTES + "\n" + REVIEW)
    with pytest.raises(ConfigError, match="a style file is at most"):
        styles.load(big)


def test_a_chat_message_names_the_style_s_sections_in_its_order() -> None:
    from dailypapers.models import DigestEntry, Paper, Summary, SummaryKey
    from dailypapers.publish.chat import paper_text
    from dailypapers.publish.slack import SlackFormat

    texts = ["이전 연구는 긴 입력에서 느렸습니다.", "희소 라우터를 더합니다.", "긴 문맥 검색이 빨라집니다."]
    names = ["선행 연구", "기여", "영향"]
    key = SummaryKey("2502.00101", 1, "abstract", "ko", "fake/model", styles.PRIOR_WORK.key_version("v1"))
    entry = DigestEntry(Paper("2502.00101", "Sparse Routers"), 3, Summary(key, [Section(n, t) for n, t in zip(names, texts)]))
    lines = paper_text(1, entry, SlackFormat()).splitlines()
    assert lines[-3:] == [f"*{n}*: {t}" for n, t in zip(names, texts)]
