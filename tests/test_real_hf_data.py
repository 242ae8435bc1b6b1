"""Conformance: real Hugging Face Daily Papers responses (recorded by others, kept outside the
project in ../shared/data/real/hf/daily_papers/) served by the fake HF and read by HFDailySource.

Expected values are computed here from the JSON, independently of the parser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dailypapers.http import RetryPolicy
from dailypapers.models import Listing
from dailypapers.pipeline import list_json
from dailypapers.sources.hf_daily import HFDailySource
from dailypapers.store import Store
from tests.fakes import FakeHF

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
HF_DIR = REAL / "hf" / "daily_papers"

if not HF_DIR.is_dir():
    pytest.skip(f"real recorded data not present at {HF_DIR}", allow_module_level=True)

FILES = sorted(HF_DIR.glob("*.json"))
if not FILES:
    pytest.skip(f"no recorded Daily Papers files in {HF_DIR}", allow_module_level=True)

PAGE_SIZE = 7  # every file has more than 7 items, so every fetch pages


def load(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


DAYS = {p.stem: load(p) for p in FILES}


@pytest.fixture(scope="module")
def fetched() -> Iterator[dict[str, Listing]]:
    """Every recorded day served by one fake HF and fetched once by the real source."""
    with FakeHF(dict(DAYS)) as fake:
        src = HFDailySource(fake.url, token="", page_size=PAGE_SIZE, policy=RetryPolicy(retries=0))
        out = {date: src.fetch_day(date) for date in DAYS}
        src.client.close()
        pages = {date: [r for r in fake.requests if r.query.get("date") == [date]] for date in DAYS}
    for date, reqs in pages.items():
        n = len(DAYS[date])
        assert len(reqs) == n // PAGE_SIZE + 1, date  # full pages, then the short (or empty) one
    yield out


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("date", sorted(DAYS))
def test_every_item_matches_the_json(fetched: dict[str, Listing], date: str) -> None:
    items = DAYS[date]
    listing = fetched[date]
    assert len(DAYS[date]) > PAGE_SIZE
    assert [e.paper.id for e in listing.entries] == [it["paper"]["id"] for it in items]
    assert [e.position for e in listing.entries] == list(range(len(items)))
    assert len(listing.raw) == len(items) // PAGE_SIZE + 1
    for e, it in zip(listing.entries, items):
        p = it["paper"]
        assert e.date == date and e.source == "hf"
        assert e.paper.title == one_line(p["title"])
        assert e.paper.authors == [a["name"] for a in p["authors"]]
        assert e.upvotes == p["upvotes"]
        assert e.paper.abstract == one_line(p["summary"])
        assert e.paper.published_at == p["publishedAt"]
        assert e.paper.num_comments == it["numComments"]
        if it.get("thumbnail"):
            assert e.paper.thumbnail == it["thumbnail"]
        media = it.get("mediaUrls") or p.get("mediaUrls") or []
        for url in media:
            assert url in e.paper.media_urls


def test_upvotes_descending_in_every_real_day(fetched: dict[str, Listing]) -> None:
    for date, listing in fetched.items():
        ups = [e.upvotes for e in listing.entries]
        assert ups == sorted(ups, reverse=True), date  # the documented order survives paging


def test_oldest_schema_media_url_is_the_thumbnail(fetched: dict[str, Listing]) -> None:
    items = DAYS["2024-05-27"]
    assert all("thumbnail" not in it and "mediaUrl" in it for it in items)
    for e, it in zip(fetched["2024-05-27"].entries, items):
        assert e.paper.thumbnail == it["mediaUrl"]
        assert e.paper.thumbnail.endswith(f"/papers/{it['paper']['id']}.png")


def test_known_hard_wrapped_titles(fetched: dict[str, Listing]) -> None:
    agent_r = next(it for it in DAYS["2025-01-22"] if it["paper"]["id"] == "2501.11425")
    assert "\n  " in agent_r["paper"]["title"]  # the recorded title really is wrapped
    got = {e.paper.id: e.paper for e in fetched["2025-01-22"].entries}
    assert got["2501.11425"].title == "Agent-R: Training Language Model Agents to Reflect via Iterative Self-Training"

    # The top-level title keeps LaTeX; the parser reads paper.title, which does not.
    autocoder = next(it for it in DAYS["2024-05-27"] if it["paper"]["id"] == "2405.14906")
    assert "\\textsc" in autocoder["title"]
    got = {e.paper.id: e.paper for e in fetched["2024-05-27"].entries}
    assert got["2405.14906"].title == "AutoCoder: Enhancing Code Large Language Model with AIEV-Instruct"

    game_tars = {e.paper.id: e.paper for e in fetched["2025-10-29"].entries}["2510.23691"]
    assert game_tars.title == "Game-TARS: Pretrained Foundation Models for Scalable Generalist Multimodal Game Agents"
    assert all("\n" not in e.paper.title and "  " not in e.paper.title
               for listing in fetched.values() for e in listing.entries)


def test_video_media_is_kept_but_not_the_thumbnail(fetched: dict[str, Listing]) -> None:
    video = "https://cdn-uploads.huggingface.co/production/uploads/62f93abbc4817cfc0756b6f8/zNn6mopOAxkRN6UWy4luo.mp4"
    p = {e.paper.id: e.paper for e in fetched["2024-12-02"].entries}["2411.19189"]
    assert p.title == "Video Depth without Video Models"
    assert p.media_urls == [video]
    assert p.thumbnail == "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2411.19189.png"
    assert p.authors[0] == "Bingxin Ke" and p.authors[-1] == "Konrad Schindler" and len(p.authors) == 8

    # 2026 schema: mediaUrls appear both at the top and inside paper; no duplicates come out.
    p = {e.paper.id: e.paper for e in fetched["2026-08-12"].entries}["2607.27749"]
    assert [u for u in p.media_urls if u.endswith(".mp4")] == [
        "https://cdn-uploads.huggingface.co/production/uploads/67e4ae9f765e3105ef0928c3/XoXKw-kio3zyIWYwxix1o.mp4"]
    assert p.thumbnail.endswith("/papers/2607.27749.png")


def test_zero_upvotes_are_zero_not_missing(fetched: dict[str, Listing]) -> None:
    zero = [e for e in fetched["2025-01-22"].entries if e.upvotes == 0]
    assert [e.paper.id for e in zero] == [it["paper"]["id"] for it in DAYS["2025-01-22"]
                                          if it["paper"]["upvotes"] == 0]
    assert len(zero) == 2


def test_store_and_list_json(fetched: dict[str, Listing], tmp_path: Path) -> None:
    store = Store.open(tmp_path / "real.db")
    try:
        for date, listing in fetched.items():
            added, updated = store.save_listing(listing)
            assert (added, updated) == (len(DAYS[date]), 0)
        assert store.days() == [(d, len(DAYS[d])) for d in sorted(DAYS)]
        for date, items in DAYS.items():
            out = list_json(store, date)
            assert [o["id"] for o in out] == [it["paper"]["id"] for it in items]
            for o, it in zip(out, items):
                assert {"id", "title", "url", "authors", "upvotes", "thumbnail", "date", "summaries"} <= set(o)
                p = it["paper"]
                assert o["title"] == one_line(p["title"])
                assert o["url"] == f"https://arxiv.org/abs/{p['id']}"
                assert o["authors"] == [a["name"] for a in p["authors"]]
                assert o["upvotes"] == p["upvotes"]
                assert o["thumbnail"] == (it.get("thumbnail") or it.get("mediaUrl"))
                assert o["date"] == date
                assert o["summaries"] == {}
            json.dumps(out)  # the CLI prints it as JSON
            # the raw pages are kept and parse back to the same items
            ((source, url, bodies),) = store.raw_fetches(date)
            assert source == "hf" and url.endswith("/api/daily_papers")
            assert [it for body in bodies for it in json.loads(body)] == items
    finally:
        store.close()
