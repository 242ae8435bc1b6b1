"""Small text helpers shared by the stages."""

from __future__ import annotations


def one_line(text: str) -> str:
    """Collapse line breaks and runs of white space to single spaces, and trim."""
    return " ".join(text.split())  # the same as re's \s+, and about three times faster


def utc_now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
