"""Where a day's papers come from. A source is one small protocol; each lives in its own module
and registers under the `dailypapers.sources` entry-point group, as a plugin would. A factory is
`make(options: SourceOptions, env) -> Source`.

Owns: reading listings (Hugging Face Daily Papers, the arXiv API) and checking every item of them.
Must not import: another stage (fulltext, summarize, checks, render, publish), the store, the pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from dailypapers.config import SourceOptions
from dailypapers.models import Listing
from dailypapers.plugins import Registry


class Source(Protocol):
    """A source of papers: `fetch_day` lists a day's. `name` is how listings from it are recorded;
    `missing` lists the ids asked for that it did not know."""

    name: str
    missing: list[str]  # ids asked for that the source does not know (empty for a day's listing)

    def fetch_day(self, date: str) -> Listing:
        """Every paper listed for `date` (YYYY-MM-DD), in the source's order, with the raw bodies."""
        ...


Factory = Callable[[SourceOptions, Mapping[str, str]], Source]
sources: Registry[Factory] = Registry("dailypapers.sources", "source", {
    "hf": "dailypapers.sources.hf_daily:make",
    "arxiv": "dailypapers.sources.arxiv:make",
    "sample": "dailypapers.sources.sample:make",
})
