"""Conformance: every page of a real Korean newsletter archive (kept outside the project, in
../shared/data/real/archive/daily_papers_ko/; skipped when absent) imports whole: every paper of
the page, each with its sections, and no line left unread.

The expected papers are counted here from the file's own headings, independently of the parser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dailypapers import pipeline
from dailypapers.store import Store

ARCHIVE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real" / "archive" / "daily_papers_ko"
PAGES = sorted(ARCHIVE.glob("*.md")) if ARCHIVE.is_dir() else []
if not PAGES:
    pytest.skip(f"the real newsletter archive is not present at {ARCHIVE}", allow_module_level=True)

_HEADING = re.compile(r"^### \[.*\]\(https://arxiv\.org/abs/(\d{4}\.\d{4,5})(?:v\d+)?\)\s*$", re.M)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return Store.open(tmp_path_factory.mktemp("archive") / "store.db")


def test_the_archive_is_the_size_its_readme_says() -> None:
    assert len(PAGES) == 180


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_page_imports_whole(store: Store, page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    headings = text.count("\n### ") + text.startswith("### ")
    wanted = list(dict.fromkeys(_HEADING.findall(text)))
    assert len(wanted) == headings, "every paper heading of the page links an arXiv abstract"
    report = pipeline.import_digest(store, page, "ko")
    assert report.warnings == []
    date = page.stem
    assert report.days == [(date, len(wanted))]
    day = store.day(date)
    assert [e.paper.id for e in day] == wanted
    for e in day:
        summary = store.latest_summary(e.paper.id, "ko")
        assert summary is not None and summary.sections, e.paper.id
        assert all(s.text.strip() for s in summary.sections)
