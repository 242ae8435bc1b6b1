"""Hostile papers: a PDF whose page stream inflates to a gigabyte, a page tree that never ends, HTML
nested half a million levels deep, an HTML page that is a gzip bomb. Text is read in a limited
child; a paper whose text cannot be read falls back to its next source and finally its abstract,
its cached download is dropped (and the reason remembered), and the run goes on, every time."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dailypapers.errors import ExtractionFailed
from dailypapers.fulltext.html import html_sections
from dailypapers.fulltext.sandbox import ExtractLimits, extract, extract_page
from dailypapers.models import Figure
from tests import minipdf
from tests.bombs import gzip_bomb
from tests.fakes import Answer, FakeArxiv, FakeHF, FakeLLM, atom_entry, paper_id_of

GIB = 1024 * 1024 * 1024


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return minipdf.bomb_pdf()


def test_a_pdf_bomb_kills_the_child_not_the_run(bomb: bytes) -> None:
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(ExtractionFailed, match="crashed .* out of its 512 MB of memory|needed more than 512 MB"):
        extract("pdf", bomb, "2501.00001 (pdf)", ExtractLimits(memory_mb=512))
    # The parent is untouched: the next paper is read as ever.
    sections = extract("pdf", minipdf.paper_pdf(), "2501.00002 (pdf)")
    assert any(s.title == "2 Method" for s in sections)


def test_a_child_that_runs_too_long_is_stopped() -> None:
    pages = minipdf.many_pages_pdf(2_000_000)
    with pytest.raises(ExtractionFailed, match="took more than 1 s|more than 1 s of CPU time"):
        extract("pdf", pages, "2501.00003 (pdf)", ExtractLimits(seconds=1.0, cpu_seconds=1, max_pages=10**9))


def test_html_nested_too_deep_is_refused_before_it_is_parsed() -> None:
    page = "<html><body><article class='ltx_document'>" + "<div>" * 500_000 + "text" + "</div>" * 500_000
    with pytest.raises(ExtractionFailed, match="nest more than 1000 levels"):
        extract("html", page.encode(), "2501.00004 (html)")


def test_an_html_pages_first_figure_comes_back_from_the_child_with_its_text() -> None:
    from tests.test_fulltext_html import PAGE

    got = extract_page("html", PAGE.encode(), "2501.01234 (html)", page_url="https://arxiv.org/html/2501.01234v2/")
    assert got.sections == html_sections(PAGE)
    assert got.figure == Figure("https://arxiv.org/html/2501.01234v2/x1.png",
                                "Figure 1: Tidal adapters between frozen encoder layers.")
    assert extract_page("pdf", minipdf.paper_pdf(), "2501.00002 (pdf)").figure is None


# -- a whole day of hostile papers, twice, in a run with a 3 GiB address space ------------------------

DATE = "2025-02-03"
IDS = [f"2502.0{n}001" for n in range(1, 5)]
ABSTRACT = ("Streaming speech translation must emit words before the speaker has finished. We introduce tidal "
            "adapters, small gates that let a frozen encoder wait. They cut the average lag by 31% at equal BLEU.")


def _hf_items() -> list[dict[str, Any]]:
    return [{"paper": {"id": pid, "authors": [{"_id": "a", "name": "Ines Okafor", "hidden": False}],
                       "publishedAt": "2025-01-31T17:00:00.000Z", "title": f"Tidal Adapters {n}",
                       "summary": ABSTRACT, "upvotes": 10 - n, "discussionId": "d", "ai_keywords": []},
             "title": f"Tidal Adapters {n}", "thumbnail": "", "numComments": 0}
            for n, pid in enumerate(IDS)]


def _answer(body: dict[str, Any]) -> str:
    pid = paper_id_of(body)
    return json.dumps({"whats_new": f"Tidal adapters {pid[-4:]} are small gates that let a frozen encoder wait "
                                    "before it translates streaming speech.",
                       "technical_details": "Each adapter is a gate between two frozen layers. It decides when "
                                            "to read and when to write.",
                       "performance_highlights": "The adapters cut the average lag by 31% at equal BLEU. The "
                                                 "quality of the translation stays the same."})


def _run_limited(args: list[str], env: dict[str, str], limit: int) -> tuple[subprocess.CompletedProcess[str], int]:
    """`dailypapers ARGS` under an address-space limit (set by the shell, so no code runs between fork and
    exec in this threaded test process); returns the result and the peak resident memory in bytes of
    the run and the children it waited for."""
    cmd = f"ulimit -v {limit // 1024} && exec {sys.executable} -m dailypapers " + " ".join(args)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.Popen(["sh", "-c", cmd], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=600)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), max(peak, before) * 1024


def test_a_day_of_bombs_is_summarized_from_abstracts_twice_within_bounded_memory(bomb: bytes, tmp_path: Path,
                                                                                 cli: Any) -> None:
    html_bomb = Answer(200, gzip_bomb(GIB), {"Content-Type": "text/html", "Content-Encoding": "gzip"})
    entries = {pid: atom_entry(pid, 1, f"Tidal Adapters {n}", ["Ines Okafor"], ABSTRACT) for n, pid in enumerate(IDS)}
    with FakeHF({DATE: _hf_items()}) as hf, FakeLLM(_answer) as llm, \
            FakeArxiv(entries, pdfs={f"{pid}v1": bomb for pid in IDS}, htmls={f"{pid}v1": html_bomb for pid in IDS}) as ax:
        env = cli.env({"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_ARXIV_URL": ax.url,
                       "DAILYPAPERS_ARXIV_API_URL": ax.url + "/api/query", "DAILYPAPERS_ARXIV_DELAY": "0"})
        args = ["--home", str(cli.home), "run", "--date", DATE, "--lang", "en", "--llm", "openai-compatible/t",
                "-o", str(tmp_path / "day.md")]
        first, peak = _run_limited(args, env, 3 * GIB)
        assert first.returncode == 0, first.stderr
        downloads = [r.path for r in ax.requests if not r.path.startswith("/api/")]
        second, peak2 = _run_limited(args, env, 3 * GIB)
        assert second.returncode == 0, second.stderr
        again = [r.path for r in ax.requests if not r.path.startswith("/api/")][len(downloads):]
    assert sorted(downloads) == sorted([f"/html/{pid}v1" for pid in IDS] + [f"/pdf/{pid}v1" for pid in IDS])
    assert again == []  # the bombs are remembered as such, not downloaded or read again
    digest = (tmp_path / "day.md").read_text(encoding="utf-8")
    assert all(pid in digest for pid in IDS)
    listed = json.loads(cli("list", "--date", DATE, "--json").stdout)
    assert [p["summary_info"]["en"]["text_source"] for p in listed] == ["abstract"] * len(IDS)
    print(f"peak resident memory of the runs: {peak / 2**20:.0f} MiB, {peak2 / 2**20:.0f} MiB")
    assert max(peak, peak2) < GIB
    cache = cli.home / "cache" / "papers"
    assert not list(cache.glob("*.pdf")) and len(list(cache.glob("*.pdf.bad"))) == len(IDS)
    assert os.path.getsize(cli.home / "dailypapers.db") > 0
