"""Use case: fetch a day's listing into the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from dailypapers.config import Settings
from dailypapers.errors import HTTPProblem, SourceError
from dailypapers.pipeline.wiring import make_source
from dailypapers.progress import NoProgress, Progress
from dailypapers.store import Store


@dataclass
class FetchReport:
    """What a fetch found: papers listed, new to the store, updated (upvotes, metadata)."""

    date: str
    listed: int
    added: int
    updated: int
    not_found: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # items skipped, values mended, caps reached


def fetch(store: Store, settings: Settings, date: str, source: str = "hf",
          categories: list[str] | None = None, ids: list[str] | None = None,
          progress: Progress | None = None) -> FetchReport:
    """Read the day's listing from `source` and store it (again: upvotes refreshed, new papers added)."""
    src = make_source(source, settings, categories, ids, store)
    progress = progress or NoProgress()
    progress.start(f"listing {date} ({source})", 0)
    try:
        listing = src.fetch_day(date)
    except (SourceError, HTTPProblem) as e:  # the source's failure is the day's, in its ledger
        store.record_day_event(date, "listing-failed", f"{source}: {e}")
        raise
    finally:
        progress.stop()
    added, updated = store.save_listing(listing)
    return FetchReport(date, len(listing.entries), added, updated, list(getattr(src, "missing", [])),
                       listing.warnings)
