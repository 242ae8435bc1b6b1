"""Where a day's papers come from. A source is one small protocol; each lives in its own module
and registers under the `dailypapers.sources` entry-point group, as a plugin would."""

from __future__ import annotations

from typing import Protocol

from dailypapers.models import Listing


class Source(Protocol):
    name: str

    def fetch_day(self, date: str) -> Listing:
        """Every paper listed for `date` (YYYY-MM-DD), in the source's order, with the raw bodies."""
        ...
