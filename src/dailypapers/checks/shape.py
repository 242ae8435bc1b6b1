"""Shape: the sections FORMAT.md expects are there and say something, 2 to 4 sentences each,
within length limits, and nothing of the LLM's answer format is left in the text.

Hard: What's New or Technical Details missing, a section empty or a placeholder, text over the
limit the parser enforces, JSON keys or code fences in the text, a label twice.
Soft: Performance Highlights missing although the paper reports figures (the prompt lets the
model leave it out when the text gives no results), a sentence count out of 2..4, a section
shorter or longer than usual.
"""

from __future__ import annotations

import re

from dailypapers.checks import HARD, SOFT, Finding
from dailypapers.checks._text import clip, section_name, split_sentences
from dailypapers.models import SECTION_KEYS, SECTION_LABELS, Section

RULE = "shape"
REQUIRED = SECTION_LABELS[:2]  # Performance Highlights may be left out when there are no results
OPTIONAL = SECTION_LABELS[2:]
MIN_SENTENCES, MAX_SENTENCES = 2, 4
HARD_MAX_CHARS = 2000  # the parser's own limit (summarize.parsing.MAX_SECTION_CHARS)
# Usual lengths in characters. CJK text carries about twice the meaning per character.
LENGTHS = {"ko": (30, 700), "ja": (30, 700), "zh": (25, 600)}
LATIN_LENGTHS = (60, 1200)
LEGACY_POINTS = (3, 6)  # the older style: 3 to 6 unlabeled bullets

_PLACEHOLDER = re.compile(r"^\W*(n/?a|none|null|todo|tbd|…|없음|해당 없음|なし|无|empty)?\W*$", re.I)
_FORMAT_LEAK = re.compile(r"```|[{}]\s*\"|\"\s*:\s*\"|\b(?:" + "|".join(SECTION_KEYS) + r")\b|^\s*#{1,6}\s")
# A figure the paper reports as a result: a percentage or a multiplier.
_RESULT_FIGURE = re.compile(r"\d(?:\.\d+)?\s?(?:%|×|x\b|-?fold\b|times\b|points?\b)", re.I)


def check_shape(sections: list[Section], lang: str, source: str = "") -> list[Finding]:
    """The rule: the sections FORMAT.md expects, each saying something in a usual length, and nothing of
    the answer's format in the text (see the module docstring for what is hard and what is soft).
    `source` tells whether the paper reports results, which Performance Highlights should then say."""
    if sections and all(s.label is None for s in sections):
        return _check_points(sections, lang)
    findings: list[Finding] = []
    labels = [s.label for s in sections]
    for label in REQUIRED:
        if label not in labels:
            findings.append(Finding(RULE, HARD, f"{label}: the section is missing", label))
    for label in OPTIONAL:
        if label not in labels and _RESULT_FIGURE.search(source):
            findings.append(Finding(RULE, SOFT, f"{label}: the section is missing, though the paper "
                                    "reports results", label))
    seen: set[str] = set()
    for i, s in enumerate(sections):
        name = section_name(s, i)
        if s.label is not None and s.label in seen:
            findings.append(Finding(RULE, HARD, f"{name}: the section appears twice", name))
        if s.label is not None:
            seen.add(s.label)
        findings += _check_text(s.text, name, lang, sentences=True)
    return findings


def _check_points(sections: list[Section], lang: str) -> list[Finding]:
    findings: list[Finding] = []
    low, high = LEGACY_POINTS
    if not low <= len(sections) <= high:
        findings.append(Finding(RULE, SOFT, f"the summary has {len(sections)} points; the older "
                                f"style has {low} to {high}"))
    for i, s in enumerate(sections):
        findings += _check_text(s.text, section_name(s, i), lang, sentences=False)
    return findings


def _check_text(text: str, name: str, lang: str, sentences: bool) -> list[Finding]:
    if _PLACEHOLDER.match(text):
        what = "empty" if not text.strip() else f"a placeholder ({clip(text)!r})"
        return [Finding(RULE, HARD, f"{name}: the section is {what}", name)]
    found: list[Finding] = []
    leak = _FORMAT_LEAK.search(text) if any(c in text for c in "`{}\"#_") else None
    if leak:
        found.append(Finding(RULE, HARD, f"{name}: the text carries the answer's format "
                             f"({clip(leak.group(0).strip(), 30)!r}), not prose", name))
    n = len(text)
    low, high = LENGTHS.get(lang, LATIN_LENGTHS)
    if n > HARD_MAX_CHARS:
        found.append(Finding(RULE, HARD, f"{name}: {n} characters, more than the {HARD_MAX_CHARS} "
                             "a section may have", name))
    elif n > high:
        found.append(Finding(RULE, SOFT, f"{name}: {n} characters, longer than the usual {high}", name))
    elif n < low and sentences:  # an old-style point is one short sentence
        word = "character" if n == 1 else "characters"
        found.append(Finding(RULE, SOFT, f"{name}: {n} {word}, shorter than the usual {low}", name))
    if sentences:
        count = len(split_sentences(text))
        if not MIN_SENTENCES <= count <= MAX_SENTENCES:
            word = "sentence" if count == 1 else "sentences"
            found.append(Finding(RULE, SOFT, f"{name}: {count} {word}; each section has "
                                 f"{MIN_SENTENCES} to {MAX_SENTENCES}", name))
    return found
