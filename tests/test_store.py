"""The store, on SQLite and on a real PostgreSQL server: migrations, listings merged across fetches,
atomic writes, summaries, runs. The `store` fixture is each of the two in turn."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dailypapers.errors import DailyPapersError, StoreError
from dailypapers.models import (
    Failure,
    Figure,
    Listing,
    ListingEntry,
    Paper,
    Section,
    Summary,
    SummaryKey,
    TextSection,
    Usage,
)
from dailypapers.sources.hf_daily import parse_items
from dailypapers.store import Store
from dailypapers.store.schema import MIGRATIONS

DATE = "2025-01-22"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    s = Store.open(":memory:") if request.param == "sqlite" else Store(request.getfixturevalue("pg_url"))
    yield s
    s.close()


def paper(pid: str, **kw: object) -> Paper:
    kw.setdefault("title", f"Title of {pid}")
    kw.setdefault("authors", [f"Author {pid}", "Second Author"])
    kw.setdefault("abstract", f"Abstract of {pid}.")
    return Paper(pid, **kw)  # type: ignore[arg-type]


def listing(date: str, items: list[tuple[str, int | None]], source: str = "hf", raw: list[str] | None = None,
            read_at: str = "2025-01-22T08:00:00Z", **paper_kw: object) -> Listing:
    entries = [ListingEntry(date, paper(pid, **paper_kw), source, position=i, upvotes=up, upvotes_read_at=read_at)
               for i, (pid, up) in enumerate(items)]
    return Listing(date, source, entries, raw=raw if raw is not None else [], url="http://hf.test/api/daily_papers")


def key(pid: str = "2501.00001", lang: str = "ko", model: str = "openai/gpt-4o-mini",
        prompt_version: str = "v1", version: int = 0, text_source: str = "abstract") -> SummaryKey:
    return SummaryKey(pid, version, text_source, lang, model, prompt_version)


def summary(k: SummaryKey, *texts: str, created_at: str | None = None) -> Summary:
    texts = texts or ("new", "details", "results")
    labels = ("What's New", "Technical Details", "Performance Highlights")
    return Summary(k, [Section(label, t) for label, t in zip(labels, texts)], Usage(100, 50, 1),
                   created_at=created_at)


# -- migrations -----------------------------------------------------------------------------------

def migration_rows(db: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").fetchall()


def test_memory_store_is_migrated(store: Store) -> None:
    assert store.schema_version() == max(v for v, _, _ in MIGRATIONS)
    assert store.days() == []
    assert store.runs() == []


def test_file_store_migrations_recorded_and_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "dir" / "papers.db"  # parents are created
    s = Store.open(db)
    s.save_listing(listing(DATE, [("2501.00001", 3)]))
    s.close()
    first = migration_rows(db)
    assert [(v, n) for v, n, _ in first] == [(v, n) for v, n, _ in MIGRATIONS]
    assert all(applied for _, _, applied in first)

    for _ in range(2):
        again = Store.open(db)
        assert again.schema_version() == max(v for v, _, _ in MIGRATIONS)
        assert [e.paper.id for e in again.day(DATE)] == ["2501.00001"]  # data survived, nothing re-created
        again.close()
    assert migration_rows(db) == first  # same rows, same applied_at: nothing ran twice

    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"schema_migrations", "papers", "fetches", "listings", "runs", "failures", "summaries"} <= tables


def test_a_store_of_the_version_before_figures_is_migrated_and_keeps_its_text(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import dailypapers.store as store_module

    db = tmp_path / "papers.db"
    figures = next(v for v, name, _ in MIGRATIONS if name.startswith("figures:"))
    monkeypatch.setattr(store_module, "MIGRATIONS", [m for m in MIGRATIONS if m[0] < figures])
    old = Store.open(db)
    old.save_listing(listing(DATE, [("2501.00001", 3)], version=1))
    old.close()
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        conn.execute("INSERT INTO texts VALUES ('2501.00001', 1, 'html', '[[\"Abstract\", \"Text.\", \"abstract\"]]', 'x')")
    assert "figures" not in tables
    monkeypatch.undo()
    new = Store.open(db)
    assert new.schema_version() == max(v for v, _, _ in MIGRATIONS) >= figures
    assert new.text("2501.00001", 1, "html") == [TextSection("Abstract", "Text.", "abstract")]
    assert new.paper("2501.00001").figure_url is None  # type: ignore[union-attr]
    new.save_text("2501.00001", 1, "html", [TextSection("Abstract", "Text.", "abstract")],
                  Figure("https://arxiv.org/html/2501.00001v1/x1.png", "Figure 1: A gate."))
    assert [(e.paper.figure_url, e.paper.figure_caption) for e in new.day(DATE)] == \
        [("https://arxiv.org/html/2501.00001v1/x1.png", "Figure 1: A gate.")]


def test_a_figure_is_kept_with_its_paper_version_and_checked_both_ways(store: Store) -> None:
    store.save_listing(listing(DATE, [("2501.00001", 3), ("2501.00002", 1)], version=2))
    text = [TextSection("Abstract", "Text.", "abstract")]
    store.save_text("2501.00001", 2, "html", text, Figure("https://arxiv.org/html/2501.00001v2/x1.png", "Fig. 1"))
    # a URL that is not a plain http(s) one is never stored: the text is, without a figure
    store.save_text("2501.00002", 2, "html", text, Figure("javascript:alert(1)", "<script>"))
    assert store.text("2501.00002", 2, "html") == text
    got = {e.paper.id: e.paper.figure_url for e in store.day(DATE)}
    assert got == {"2501.00001": "https://arxiv.org/html/2501.00001v2/x1.png", "2501.00002": None}
    # a row written by something else is checked again when it is read
    with store.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO figures VALUES ('2501.00002', 2, 'https://a.example/\"onload=x', 'c', 'now')")
    assert store.paper("2501.00002").figure_url is None  # type: ignore[union-attr]
    # the figure belongs to the version it was read from: a newer version has none yet
    store.save_arxiv_metadata(paper("2501.00001", version=3))
    assert store.paper("2501.00001").figure_url is None  # type: ignore[union-attr]


def test_open_on_a_directory_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as exc:
        Store.open(tmp_path)
    assert str(tmp_path) in str(exc.value)


# -- listings -------------------------------------------------------------------------------------

def test_save_listing_and_read_back(store: Store) -> None:
    added, updated = store.save_listing(listing(DATE, [("2501.00003", 9), ("2501.00001", 4), ("2501.00002", 0)],
                                                thumbnail="https://t/x.png", media_urls=["https://m/a.mp4"]))
    assert (added, updated) == (3, 0)
    day = store.day(DATE)
    assert [(e.paper.id, e.position, e.upvotes) for e in day] == [
        ("2501.00003", 0, 9), ("2501.00001", 1, 4), ("2501.00002", 2, 0)]
    p = day[0].paper
    assert (p.title, p.authors, p.abstract) == ("Title of 2501.00003", ["Author 2501.00003", "Second Author"],
                                                "Abstract of 2501.00003.")
    assert p.thumbnail == "https://t/x.png" and p.media_urls == ["https://m/a.mp4"]
    assert day[0].upvotes_read_at == "2025-01-22T08:00:00Z" and day[0].source == "hf"
    assert store.days() == [(DATE, 3)]
    assert store.day("2025-01-23") == []


def test_refetch_updates_upvotes_keeps_positions_appends_new(store: Store) -> None:
    store.save_listing(listing(DATE, [("A", 10), ("B", 8), ("C", 5)], read_at="2025-01-22T08:00:00Z"))
    # Later in the day: upvotes moved, the order changed, and a newcomer is listed first.
    added, updated = store.save_listing(listing(DATE, [("NEW", 50), ("C", 30), ("A", 11), ("B", 8)],
                                                read_at="2025-01-22T15:00:00Z"))
    assert (added, updated) == (1, 3)
    day = store.day(DATE)
    assert [e.paper.id for e in day] == ["A", "B", "C", "NEW"]
    assert [e.position for e in day] == [0, 1, 2, 3]
    assert {e.paper.id: e.upvotes for e in day} == {"A": 11, "B": 8, "C": 30, "NEW": 50}
    assert {e.upvotes_read_at for e in day} == {"2025-01-22T15:00:00Z"}
    assert store.days() == [(DATE, 4)]


def test_refetch_without_upvotes_keeps_the_old_ones(store: Store) -> None:
    store.save_listing(listing(DATE, [("A", 10)], read_at="2025-01-22T08:00:00Z"))
    store.save_listing(listing(DATE, [("A", None)], source="import", read_at=None))  # type: ignore[arg-type]
    (e,) = store.day(DATE)
    assert (e.upvotes, e.upvotes_read_at) == (10, "2025-01-22T08:00:00Z")


def test_a_source_that_knows_less_does_not_erase(store: Store) -> None:
    store.save_listing(listing(DATE, [("A", 3)], thumbnail="https://t/A.png", media_urls=["https://m/A.mp4"],
                               github_repo="https://github.com/x/y"))
    store.save_listing(Listing(DATE, "import", [ListingEntry(DATE, Paper("A", "Better Title"), "import")]))
    p = store.paper("A")
    assert p is not None
    assert p.title == "Better Title"
    assert p.thumbnail == "https://t/A.png" and p.media_urls == ["https://m/A.mp4"]
    assert p.github_repo == "https://github.com/x/y"
    assert p.abstract == "Abstract of A." and p.authors == ["Author A", "Second Author"]


def test_same_paper_on_two_days_is_one_paper(store: Store) -> None:
    store.save_listing(listing("2025-01-22", [("A", 3), ("B", 2)]))
    store.save_listing(listing("2025-01-23", [("B", 7)]))
    assert store.days() == [("2025-01-22", 2), ("2025-01-23", 1)]
    assert [(e.paper.id, e.upvotes, e.position) for e in store.day("2025-01-23")] == [("B", 7, 0)]
    assert [(e.paper.id, e.upvotes) for e in store.day("2025-01-22")] == [("A", 3), ("B", 2)]


def test_failed_save_leaves_nothing(store: Store) -> None:
    bad = listing(DATE, [("A", 1), ("B", 2), ("C", 3)], raw=['[{"paper": {}}]'])
    bad.entries[1].paper.title = None  # type: ignore[assignment]  # violates papers.title NOT NULL
    with pytest.raises(DailyPapersError):
        store.save_listing(bad)
    assert store.day(DATE) == []
    assert store.paper("A") is None  # the paper inserted before the failure was rolled back
    assert store.raw_fetches(DATE) == []
    assert store.days() == []


def test_failed_refetch_keeps_the_previous_day(tmp_path: Path) -> None:
    s = Store.open(tmp_path / "p.db")
    s.save_listing(listing(DATE, [("A", 1), ("B", 2)], raw=["[1]"]))
    bad = listing(DATE, [("A", 100), ("B", 200), ("NEW", 5)], raw=["[2]"])
    bad.entries[2].paper.title = None  # type: ignore[assignment]
    with pytest.raises(StoreError) as exc:
        s.save_listing(bad)
    assert DATE in str(exc.value)
    s.close()
    s = Store.open(tmp_path / "p.db")
    assert [(e.paper.id, e.upvotes) for e in s.day(DATE)] == [("A", 1), ("B", 2)]
    assert [r for _, _, r in s.raw_fetches(DATE)] == [["[1]"]]
    s.close()


def test_raw_fetches_let_parsing_be_redone(store: Store) -> None:
    items = [{"paper": {"id": "2501.12380", "title": "MMVU: Measuring Expert-Level\n  Multi-Discipline",
                        "authors": [{"name": "Yilun Zhao"}], "upvotes": 23}, "thumbnail": ""},
             {"paper": {"id": "2501.11425", "title": "Agent-R", "authors": [], "upvotes": 15}}]
    bodies = [json.dumps(items[:1]), json.dumps(items[1:])]
    entries = [e for i, body in enumerate(bodies) for e in parse_items(json.loads(body), DATE, page=i)]
    store.save_listing(Listing(DATE, "hf", entries, raw=bodies, url="https://huggingface.co/api/daily_papers"))
    store.save_listing(Listing(DATE, "hf", entries[:1], raw=bodies[:1], url="https://huggingface.co/api/daily_papers"))

    fetched = store.raw_fetches(DATE)
    assert [(src, url) for src, url, _ in fetched] == [("hf", "https://huggingface.co/api/daily_papers")] * 2
    assert fetched[0][2] == bodies and fetched[1][2] == bodies[:1]  # byte-for-byte, in fetch order
    redone = [e for i, body in enumerate(fetched[0][2]) for e in parse_items(json.loads(body), DATE, page=i)]
    assert [(e.paper.id, e.paper.title, e.upvotes) for e in redone] == [
        (e.paper.id, e.paper.title, e.upvotes) for e in store.day(DATE)]
    assert store.raw_fetches("2025-01-23") == []


def test_listing_without_raw_records_no_fetch(store: Store) -> None:
    store.save_listing(listing(DATE, [("A", 1)], raw=[]))
    assert store.raw_fetches(DATE) == []


# -- summaries ------------------------------------------------------------------------------------

@pytest.fixture
def with_papers(store: Store) -> Store:
    store.save_listing(listing(DATE, [("2501.00001", 5), ("2501.00002", 3)]))
    return store


def test_same_key_keeps_the_first_unless_replace(with_papers: Store) -> None:
    s = with_papers
    k = key()
    assert not s.has_summary(k)
    s.save_summary(summary(k, "first new", "first details", "first results"))
    assert s.has_summary(k)
    s.save_summary(summary(k, "second new", "second details", "second results"))
    (only,) = s.summaries_for(k.paper_id)
    assert [x.text for x in only.sections] == ["first new", "first details", "first results"]

    s.save_summary(summary(k, "third new", "third details", "third results"), replace=True)
    (only,) = s.summaries_for(k.paper_id)
    assert [x.text for x in only.sections] == ["third new", "third details", "third results"]
    assert only.key == k
    assert (only.usage.prompt_tokens, only.usage.completion_tokens, only.usage.requests) == (100, 50, 1)


def test_new_prompt_version_adds_a_summary_and_keeps_the_old(with_papers: Store) -> None:
    s = with_papers
    s.save_summary(summary(key(prompt_version="v1"), "old", "old d", "old r", created_at="2025-01-22T09:00:00Z"))
    s.save_summary(summary(key(prompt_version="v2"), "new", "new d", "new r", created_at="2025-01-22T10:00:00Z"))
    all_ = s.summaries_for("2501.00001")
    assert [x.key.prompt_version for x in all_] == ["v2", "v1"]  # newest first
    assert [x.sections[0].text for x in all_] == ["new", "old"]
    assert s.has_summary(key(prompt_version="v1")) and s.has_summary(key(prompt_version="v2"))


def test_every_key_field_makes_a_distinct_summary(with_papers: Store) -> None:
    s = with_papers
    variants = [key(), key(version=2), key(text_source="pdf"), key(lang="en"), key(model="extractive"),
                key(prompt_version="v9")]
    for k in variants:
        s.save_summary(summary(k))
    assert len(s.summaries_for("2501.00001")) == len(variants)
    assert len(s.summaries_for("2501.00001", "ko")) == len(variants) - 1


def test_empty_sections_are_refused(with_papers: Store) -> None:
    s = with_papers
    with pytest.raises(StoreError) as exc:
        s.save_summary(summary(key(), "fine", "   \n", "fine"))
    assert "2501.00001" in str(exc.value)
    with pytest.raises(StoreError):
        s.save_summary(Summary(key(), []))
    assert s.summaries_for("2501.00001") == []
    assert not s.has_summary(key())


def test_unlabeled_sections_round_trip(with_papers: Store) -> None:
    s = with_papers
    s.save_summary(Summary(key(), [Section(None, "첫 번째 요점"), Section(None, "두 번째 요점")]))
    (got,) = s.summaries_for("2501.00001")
    assert got.sections == [Section(None, "첫 번째 요점"), Section(None, "두 번째 요점")]
    assert got.as_dict() == {"Point 1": "첫 번째 요점", "Point 2": "두 번째 요점"}


def test_latest_summary_by_language_and_model(with_papers: Store) -> None:
    s = with_papers
    s.save_summary(summary(key(lang="ko", model="m1"), "ko m1", created_at="2025-01-22T09:00:00Z"))
    s.save_summary(summary(key(lang="ko", model="m2"), "ko m2", created_at="2025-01-22T11:00:00Z"))
    s.save_summary(summary(key(lang="en", model="m1"), "en m1", created_at="2025-01-22T12:00:00Z"))
    s.save_summary(summary(key(lang="ko", model="m1", prompt_version="v2"), "ko m1 v2",
                           created_at="2025-01-22T10:00:00Z"))

    def latest(lang: str, model: str | None = None) -> str | None:
        got = s.latest_summary("2501.00001", lang, model)
        return got.sections[0].text if got else None

    assert latest("ko") == "ko m2"
    assert latest("ko", "m1") == "ko m1 v2"
    assert latest("en") == "en m1"
    assert latest("en", "m2") is None
    assert latest("ja") is None
    assert s.latest_summary("2501.00002", "ko") is None


def test_same_second_ties_go_to_the_later_write(with_papers: Store) -> None:
    s = with_papers
    s.save_summary(summary(key(model="a"), "written first", created_at="2025-01-22T09:00:00Z"))
    s.save_summary(summary(key(model="b"), "written second", created_at="2025-01-22T09:00:00Z"))
    got = s.latest_summary("2501.00001", "ko")
    assert got is not None and got.sections[0].text == "written second"


# -- runs -----------------------------------------------------------------------------------------

def test_runs_and_failures_are_recorded(with_papers: Store) -> None:
    s = with_papers
    r1 = s.start_run("summarize", {"date": DATE, "lang": "ko", "when": dt.date(2025, 1, 22)})
    s.record_failure(r1, Failure("2501.00002", "LLM answered garbage twice"), "summarize")
    s.save_summary(summary(key()), run_id=r1)
    s.finish_run(r1, "failed", 1, Usage(1200, 300, 3))
    r2 = s.start_run("fetch", {"date": DATE})

    runs = s.runs()
    assert [r["id"] for r in runs] == [r1, r2] and r1 != r2
    first, second = runs
    assert first["command"] == "summarize" and first["outcome"] == "failed"
    assert json.loads(first["args"]) == {"date": DATE, "lang": "ko", "when": "2025-01-22"}
    assert (first["papers_done"], first["prompt_tokens"], first["completion_tokens"], first["requests"]) == (
        1, 1200, 300, 3)
    assert first["finished_at"] is not None and first["started_at"] is not None
    assert [(f["paper_id"], f["stage"], f["reason"]) for f in first["failures"]] == [
        ("2501.00002", "summarize", "LLM answered garbage twice")]
    assert second["outcome"] == "running" and second["finished_at"] is None and second["failures"] == []


# -- crash safety ---------------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import datetime as dt, sys
    from dailypapers.models import Listing, ListingEntry, Paper
    from dailypapers.store import Store

    store = Store.open(sys.argv[1])
    start = dt.date(2024, 1, 1)
    for i in range(100000):
        date = (start + dt.timedelta(days=i)).isoformat()
        entries = [ListingEntry(date, Paper(f"{i}.{j:05d}", "t " * 50, ["a", "b"], "abstract " * 200),
                                "hf", upvotes=j) for j in range(40)]
        store.save_listing(Listing(date, "hf", entries, raw=["x" * 20000], url="http://x"))
        print(i, flush=True)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_while_writing_leaves_a_sound_database(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout is not None
        for _ in range(5):  # let it commit a few listings; it is writing the next one when killed
            line = child.stdout.readline()
            assert line, "the writer died before it was killed"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        per_day = conn.execute("SELECT date, count(*) FROM listings GROUP BY date").fetchall()
        fetches = conn.execute("SELECT count(*) FROM fetches").fetchone()[0]
    assert len(per_day) >= 5
    assert {n for _, n in per_day} == {40}  # each day is all there or not at all
    assert fetches == len(per_day)  # each raw body was committed with its listing

    s = Store.open(db)  # and the store opens and writes after the crash
    s.save_listing(listing("2030-01-01", [("A", 1)]))
    assert len(s.days()) == len(per_day) + 1
    s.close()


def test_processes_making_the_same_new_store_at_once_all_open_it(tmp_path: Path) -> None:
    # A store being made is an empty file for a moment; no process may take it for a damaged one.
    db = tmp_path / "home" / "dailypapers.db"
    code = ("import sys, time; from dailypapers.store import Store; "
            "time.sleep(max(0.0, float(sys.argv[2]) - time.time())); Store.open(sys.argv[1]).close()")
    start = time.time() + 1.0
    procs = [subprocess.Popen([sys.executable, "-c", code, str(db), str(start)], stderr=subprocess.PIPE, text=True)
             for _ in range(6)]
    results = [(p.wait(timeout=60), p.stderr.read() if p.stderr else "") for p in procs]
    assert [rc for rc, _ in results] == [0] * 6, [err for _, err in results]
    assert Store.open(db).schema_version() >= 1
