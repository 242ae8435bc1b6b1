"""An offline summarizer with no model: it picks sentences of the abstract for each section.
Deterministic and English only; for the demo, the tests, and people with no LLM."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dailypapers.errors import LLMOutputError
from dailypapers.models import SECTION_LABELS, Section, Usage
from dailypapers.summarize.backends import Backend, Draft, Job

if TYPE_CHECKING:
    from dailypapers.config import Settings

# A sentence ends at . ! or ? followed by a space and a capital, unless the dot ends a common
# abbreviation ("e.g.", "et al.", "Fig.").
_SPLIT = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bet al)(?<!\bFig)(?<!\bvs)(?<!\bEq)(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_NEW = re.compile(r"\b(we (propose|present|introduce)|this (paper|work)|novel|first)\b", re.I)
_NUMBER = re.compile(r"\d")
_RESULT = re.compile(r"\b(outperform\w*|state-of-the-art|achiev\w*|improv\w*|surpass\w*|results?)\b", re.I)
_METHOD = re.compile(r"\b(method|model|architecture|framework|train\w*|dataset|module|approach|"
                     r"algorithm|loss|encoder|decoder|pipeline|uses?|using|based on)\b", re.I)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SPLIT.split(" ".join(text.split())) if s.strip()]


class ExtractiveSummarizer:
    model_id = "extractive"
    prompt_version = "extractive-v1"
    languages = frozenset({"en"})

    def summarize(self, job: Job) -> Draft:
        pool = sentences(job.paper.abstract or job.text.text)
        if len(pool) < 2:
            raise LLMOutputError(f"paper {job.paper.id}: the abstract has fewer than 2 sentences to pick from")
        used: set[int] = set()
        new = _pick(pool, used, [_NEW])
        result = _pick(pool, used, [_NUMBER, _RESULT], prefer_last=True)
        method = _pick(pool, used, [_METHOD])
        sections = [Section(label, " ".join(pool[i] for i in picks))
                    for label, picks in zip(SECTION_LABELS, (new, method, result)) if picks]
        return Draft(sections, Usage())


def _pick(pool: list[str], used: set[int], patterns: list[re.Pattern[str]], prefer_last: bool = False,
          limit: int = 2) -> list[int]:
    """Up to `limit` unused sentences matching the first pattern that matches any, else the first
    unused sentence."""
    order = list(range(len(pool)))
    if prefer_last:
        order.reverse()
    picks: list[int] = []
    for pattern in patterns:
        picks = [i for i in order if i not in used and pattern.search(pool[i])][:limit]
        if picks:
            break
    if not picks:
        picks = [i for i in order if i not in used][:1]
    picks.sort()
    used.update(picks)
    return picks


def extractive(model: str, settings: Settings) -> Backend:
    return ExtractiveSummarizer()
