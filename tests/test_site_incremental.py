"""A rebuild writes only what changed, into a new folder that replaces the old one in one step:
pages whose inputs did not change are the very same files (hard links, same inode) as before; a
build that fails midway, on bad input, leaves the old site exactly as it was; a build that died
during the swap is recovered by the next one."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dailypapers import pipeline
from dailypapers.models import Listing, Paper, Section, Summary, SummaryKey
from dailypapers.publish.site import MANIFEST, build_site
from dailypapers.render.site import SiteDay, SiteEntry
from dailypapers.sources.hf_daily import parse_items
from dailypapers.store import Store
from tests.site_helpers import (
    DAYS,
    en_sections,
    fill,
    inodes,
    items,
    ko_sections,
    settings_for,
    summary,
)

GENERATED = ("pagefind/", "feeds/", MANIFEST)  # rewritten by every build


def _pages(changed: set[str]) -> set[str]:
    return {p for p in changed if not p.startswith(GENERATED)}


@pytest.fixture
def store_and_settings(tmp_path: Path) -> tuple[Store, object]:
    settings = settings_for(tmp_path / "home")
    store = Store.open(settings.db_path)
    fill(store)
    return store, settings


def test_a_rebuild_with_nothing_new_writes_no_page(tmp_path: Path, store_and_settings: tuple[Store, object]) -> None:
    store, settings = store_and_settings
    site = tmp_path / "site"
    first = pipeline.build_site(store, settings, site, download_media=False)  # type: ignore[arg-type]
    before = inodes(site)
    second = pipeline.build_site(store, settings, site, download_media=False)  # type: ignore[arg-type]
    after = inodes(site)
    assert second.written == [] and second.kept == len(first.written)
    search_index = [p for p in before if p.startswith("pagefind/")]
    assert search_index and all(after[p] == before[p] for p in search_index)  # not indexed again
    assert _pages({p for p in after if after[p] != before.get(p)}) == set()
    assert set(after) == set(before) or {p for p in set(after) ^ set(before) if not p.startswith(GENERATED)} == set()


def test_after_one_day_changes_only_its_pages_are_written(tmp_path: Path,
                                                        store_and_settings: tuple[Store, object]) -> None:
    store, settings = store_and_settings
    site = tmp_path / "site"
    pipeline.build_site(store, settings, site, download_media=False)  # type: ignore[arg-type]
    before = inodes(site)
    # A new Korean summary (another model) of a paper listed only on the first day.
    newer = [Section(x.label, x.text + " 개정판.") for x in ko_sections("2502.00404")]
    store.save_summary(summary("2502.00404", "ko", model="fake/model-b", sections=newer,
                               created_at="2025-02-06T00:00:00Z"))
    report = pipeline.build_site(store, settings, site, download_media=False)  # type: ignore[arg-type]
    after = inodes(site)
    changed = {p for p in after if after[p] != before.get(p)}
    expected = {f"ko/days/{DAYS[0]}.html", "ko/papers/2502.00404.html"}
    assert _pages(changed) == expected
    assert set(report.written) == expected
    assert any(p.startswith("pagefind/") for p in changed)  # the search index is rebuilt
    assert "fake/model-b" in (site / "ko" / "papers" / "2502.00404.html").read_text(encoding="utf-8")
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["pages"]) >= expected | {"index.html", "assets/site.css"}


def test_a_new_day_rewrites_the_index_pages_and_its_neighbour(tmp_path: Path,
                                                             store_and_settings: tuple[Store, object]) -> None:
    store, settings = store_and_settings
    site = tmp_path / "site"
    pipeline.build_site(store, settings, site, download_media=False)  # type: ignore[arg-type]
    before = inodes(site)
    day4 = "2025-02-06"
    its = items(None)[3:5]
    store.save_listing(Listing(day4, "hf", parse_items(its, day4), [json.dumps(its)]))
    report = pipeline.build_site(store, settings, site, download_media=False)  # type: ignore[arg-type]
    after = inodes(site)
    changed = _pages({p for p in after if after[p] != before.get(p)})
    assert f"ko/days/{day4}.html" in changed and f"en/days/{day4}.html" in changed
    assert {"index.html", "ko/index.html", "en/index.html", "ko/archive.html", "en/archive.html"} <= changed
    assert f"ko/days/{DAYS[2]}.html" in changed  # its "next day" link
    assert f"ko/days/{DAYS[0]}.html" not in changed and f"en/days/{DAYS[0]}.html" not in changed
    assert "ko/papers/2502.00101.html" not in changed and "ko/search.html" not in changed
    assert "ko/papers/2502.00404.html" in changed  # now listed on two days
    assert set(report.written) == changed


def _snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


class Pages:
    """A progress display that counts the pages written."""

    def __init__(self) -> None:
        self.done, self.stopped = 0, False

    def start(self, label: str, total: int) -> None:
        self.total = total

    def advance(self, note: str = "") -> None:
        self.done += 1

    def note(self, text: str) -> None:
        pass

    def stop(self) -> None:
        self.stopped = True


def test_a_build_that_fails_midway_leaves_the_old_site_intact(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite")
    fill(store)
    days = [SiteDay(d, [SiteEntry(e.paper, e.upvotes, store.summaries_for(e.paper.id)) for e in store.day(d)])
            for d, _ in store.days()]
    site = tmp_path / "site"
    build_site(days, site, search=False)
    before, ino = _snapshot(site), inodes(site)
    # Bad input: a paper whose authors are not a list, on the first day. The front page (the
    # latest day) is written before the first day's page fails.
    bad = Paper("2502.09999", "A paper with broken authors", authors=None)  # type: ignore[arg-type]
    s = Summary(SummaryKey(bad.id, 1, "abstract", "ko", "m", "v1"), en_sections(bad.id))
    days[0].entries.append(SiteEntry(bad, 1, [s]))
    written = Pages()
    with pytest.raises(TypeError):
        build_site(days, site, search=False, progress=written)
    assert written.done >= 1 and written.stopped  # midway: the front page was written before the failure
    assert _snapshot(site) == before and inodes(site) == ino
    assert not (tmp_path / "site.new").exists() and not (tmp_path / "site.old").exists()


def test_a_corrupt_store_row_fails_the_build_and_keeps_the_site(tmp_path: Path,
                                                              store_and_settings: tuple[Store, object]) -> None:
    store, settings = store_and_settings
    site = tmp_path / "site"
    pipeline.build_site(store, settings, site, download_media=False, search=False)  # type: ignore[arg-type]
    before = _snapshot(site)
    with sqlite3.connect(settings.db_path) as db:  # type: ignore[attr-defined]
        db.execute("UPDATE summaries SET sections = 'not json' WHERE paper_id = '2502.00808'")
    with pytest.raises(ValueError):
        pipeline.build_site(store, settings, site, download_media=False, search=False)  # type: ignore[arg-type]
    assert _snapshot(site) == before
    assert not (tmp_path / "site.new").exists()


def test_a_build_that_died_during_the_swap_is_recovered(tmp_path: Path,
                                                       store_and_settings: tuple[Store, object]) -> None:
    store, settings = store_and_settings
    site = tmp_path / "site"
    pipeline.build_site(store, settings, site, download_media=False, search=False)  # type: ignore[arg-type]
    before = _snapshot(site)
    # What a crash between "DIR -> DIR.old" and "DIR.new -> DIR" leaves: no DIR, the old site
    # aside, a half-built new one.
    site.rename(tmp_path / "site.old")
    (tmp_path / "site.new" / "ko").mkdir(parents=True)
    (tmp_path / "site.new" / "ko" / "half.html").write_text("half", encoding="utf-8")
    report = pipeline.build_site(store, settings, site, download_media=False, search=False)  # type: ignore[arg-type]
    assert report.written == []  # the old site was put back, and every page of it reused
    assert _snapshot(site) .keys() == before.keys()
    assert not (tmp_path / "site.new").exists() and not (tmp_path / "site.old").exists()


def test_the_old_site_is_never_half_replaced(tmp_path: Path, store_and_settings: tuple[Store, object]) -> None:
    """Between builds there is always exactly one complete site at DIR, whose manifest lists
    every page it holds."""
    store, settings = store_and_settings
    site = tmp_path / "site"
    for i in range(3):
        store.save_summary(summary("2502.00202", "ko", model=f"fake/m{i}", created_at=f"2025-02-0{6 + i}T00:00:00Z"))
        pipeline.build_site(store, settings, site, download_media=False, search=False)  # type: ignore[arg-type]
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))["pages"]
        on_disk = {str(p.relative_to(site)) for p in site.rglob("*.html")} | \
                  {str(p.relative_to(site)) for p in (site / "assets").iterdir()}
        assert set(manifest) == on_disk
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("site")) == ["site"]
