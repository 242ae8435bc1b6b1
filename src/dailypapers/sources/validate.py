"""What a source says of a paper, checked value by value: identifiers normalized and checked,
numbers coerced or dropped, URLs kept only when safe to show and follow, texts capped in length.
Nothing here raises for one bad value: the value is mended or dropped, and a `Notes` says what was
done and where, for the run to report."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from dailypapers.text import arxiv_id, clean_line, clip_words
from dailypapers.text import safe_url as safe_url  # one of the checks of a value: validate.safe_url

# How long a value may be; the longest real ones are far shorter.
MAX_TITLE = 1_000
MAX_NAME = 300
MAX_AUTHORS = 3_000
MAX_ABSTRACT = 20_000
MAX_SHORT_TEXT = 5_000  # an AI summary, an organization, a comment
MAX_KEYWORDS = 100
MAX_KEYWORD = 200
MAX_COUNT = 10**9  # upvotes, stars, comments



@dataclass
class Notes:
    """The warnings of one listing, each naming where the value was."""

    where: str
    warnings: list[str] = field(default_factory=list)

    def warn(self, item: str, message: str) -> None:
        """Note what was done with a value of `item` (`page 0, item 3`)."""
        self.warnings.append(f"{self.where}, {item}: {message}")


def paper_id(value: object) -> str | None:
    """The arXiv id (without version) a source gave, or None for anything else."""
    if not isinstance(value, str):
        return None
    found = arxiv_id(value)
    return found[0] if found else None


def text(value: object, limit: int) -> str | None:
    """A string on one line, at most `limit` characters (cut at a word, with an ellipsis)."""
    if not isinstance(value, str):
        return None
    return clip_words(clean_line(value), limit)


def count(value: object) -> tuple[int | None, str | None]:
    """(the count, None) for a whole number from 0 to MAX_COUNT, also written as a string ("12") or a
    whole float (12.0); (None, why) otherwise."""
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    if isinstance(value, int):
        return (value, None) if 0 <= value <= MAX_COUNT else (None, f"{value} is out of range")
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and 0 <= value <= MAX_COUNT:
            return int(value), None
        return None, f"{value!r} is not a whole number in range"
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 10:
        number = int(value.strip())
        return (number, None) if number <= MAX_COUNT else (None, f"{value!r} is out of range")
    return None, f"{str(value)[:40]!r} is not a number"


def keywords(value: object) -> tuple[list[str], str | None]:
    """A list of short strings; a single string is one keyword; anything else is dropped."""
    if isinstance(value, str):
        value, why = [value], "a string, not a list: read as one keyword"
    elif isinstance(value, list):
        why = None
    else:
        return [], f"{type(value).__name__}, not a list of keywords: dropped"
    out = [k for k in (text(v, MAX_KEYWORD) for v in value[:MAX_KEYWORDS]) if k]
    return out, why


def urls(values: Any) -> tuple[list[str], list[str]]:
    """The safe URLs of a list, and the ones dropped."""
    if not isinstance(values, list):
        return [], [str(values)[:60]] if values else []
    kept: list[str] = []
    dropped: list[str] = []
    for v in values[:50]:
        url = safe_url(v)
        (kept if url else dropped).append(url or str(v)[:60])
    return kept, dropped
