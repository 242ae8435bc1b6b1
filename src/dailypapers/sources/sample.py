"""The bundled sample day (invented papers, written by this project), as a source: the offline
demo reads it, and `fetch --source sample` does too. No network."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources

from dailypapers.config import SourceOptions
from dailypapers.models import Listing
from dailypapers.sources.hf_daily import parse_items

SAMPLE_DATE = "2025-03-14"


def sample_items() -> list[dict[str, object]]:
    """The sample day in the shape of Hugging Face's daily_papers answer."""
    items: list[dict[str, object]] = json.loads(
        resources.files("dailypapers").joinpath("data", "sample_day.json").read_text("utf-8"))
    return items


class SampleSource:
    """Lists the bundled papers on SAMPLE_DATE, and nothing on any other day."""

    name = "sample"
    missing: list[str] = []

    def fetch_day(self, date: str) -> Listing:
        """The bundled papers on SAMPLE_DATE; an empty listing on any other day."""
        if date != SAMPLE_DATE:
            return Listing(date, "sample", [], [], "bundled:sample_day.json")
        items = sample_items()
        entries = parse_items(items, date, "bundled sample_day.json")
        return Listing(date, "hf", entries, [json.dumps(items)], "bundled:sample_day.json")


def make(options: SourceOptions, env: Mapping[str, str]) -> SampleSource:
    """The `sample` source (the entry point)."""
    return SampleSource()
