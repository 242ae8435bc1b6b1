"""Small text helpers shared by the stages."""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Collapse line breaks and runs of white space to single spaces, and trim."""
    return _WS.sub(" ", text).strip()


def utc_now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
