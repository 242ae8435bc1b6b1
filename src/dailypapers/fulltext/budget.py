"""Choose what of a paper fits a token budget.

Sections are taken by priority (abstract, introduction, conclusion, results and captions, method,
the rest; document order within a kind) while they fit whole; the first one that does not fit is
cut at a sentence boundary and nothing after it is taken. So the kept text is a prefix of one
fixed order, and a larger budget never drops a section that a smaller one kept. The kept
sections are then given back in document order.
"""

from __future__ import annotations

import re

from dailypapers.fulltext.sections import PRIORITY
from dailypapers.models import TextSection
from dailypapers.text import estimate_tokens

__all__ = ["MIN_USEFUL_TOKENS", "estimate_tokens", "select"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MIN_USEFUL_TOKENS = 40


def select(sections: list[TextSection], max_tokens: int) -> tuple[list[TextSection], list[str]]:
    """Returns (kept sections in document order, titles of the sections left out)."""
    order = sorted(range(len(sections)), key=lambda i: (PRIORITY.get(sections[i].kind, 9), i))
    kept: dict[int, TextSection] = {}
    left = max_tokens
    for i in order:
        s = sections[i]
        cost = estimate_tokens(s.title) + estimate_tokens(s.text)
        if cost <= left:
            kept[i] = s
            left -= cost
            continue
        if left >= MIN_USEFUL_TOKENS:
            cut = _cut(s.text, left - estimate_tokens(s.title))
            if cut:
                kept[i] = TextSection(s.title, cut, s.kind, s.anchor)
        break
    omitted = [sections[i].title or sections[i].kind for i in range(len(sections)) if i not in kept]
    return [kept[i] for i in sorted(kept)], omitted


def _cut(text: str, tokens: int) -> str:
    out, used = [], 0
    for sentence in _SENTENCE_END.split(text):
        cost = estimate_tokens(sentence)
        if used + cost > tokens:
            break
        out.append(sentence)
        used += cost
    return " ".join(out)
