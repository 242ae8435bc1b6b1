"""The bundled sample day (invented papers, written by this project), as a source: the offline
demo reads it, and `fetch --source sample` does too. No network.

With it ships the day's digest in Korean (`data/sample_day.ko.md`, in the layout of
docs/format.md), written by this project from the papers' abstracts: the demo imports it, so the
demo shows Korean summaries with no LLM."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from importlib.abc import Traversable

from dailypapers.config import SourceOptions
from dailypapers.errors import ConfigError
from dailypapers.models import Listing
from dailypapers.sources.hf_daily import parse_items

SAMPLE_DATE = "2025-03-14"
SAMPLE_DIGEST_LANGS = ("ko",)  # the languages of the shipped digests of the sample day


def sample_items() -> list[dict[str, object]]:
    """The sample day in the shape of Hugging Face's daily_papers answer."""
    items: list[dict[str, object]] = json.loads(
        resources.files("dailypapers").joinpath("data", "sample_day.json").read_text("utf-8"))
    return items


def sample_digest(lang: str) -> Traversable:
    """The shipped digest of the sample day in `lang` (one of SAMPLE_DIGEST_LANGS)."""
    if lang not in SAMPLE_DIGEST_LANGS:
        raise ConfigError(f"no sample digest in {lang!r}; shipped: {', '.join(SAMPLE_DIGEST_LANGS)}")
    return resources.files("dailypapers").joinpath("data", f"sample_day.{lang}.md")


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
