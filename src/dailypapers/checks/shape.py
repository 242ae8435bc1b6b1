"""Shape: the sections the summary style asks for are there and say something, in the style's
number of sentences (2 to 4 by default), within length limits, and nothing of the LLM's answer
format is left in the text.

Hard: a required section missing (What's New or Technical Details by default), a section empty or
a placeholder, text over the limit the parser enforces, JSON keys or code fences in the text, a
label twice.
Soft: a section the style lets go without results (Performance Highlights by default) missing
although the paper reports figures, a sentence count out of the style's range, a section shorter
or longer than usual.
"""

from __future__ import annotations

import re
from functools import cache

from dailypapers.checks import HARD, SOFT, Finding
from dailypapers.checks._text import clip, section_name, split_sentences
from dailypapers.models import Section
from dailypapers.styles import RESULTS, SECTIONS, YES, Style

RULE = "shape"
HARD_MAX_CHARS = 2000  # the parser's own limit (summarize.parsing.MAX_SECTION_CHARS)
# Usual lengths in characters. CJK text carries about twice the meaning per character.
LENGTHS = {"ko": (30, 700), "ja": (30, 700), "zh": (25, 600)}
LATIN_LENGTHS = (60, 1200)
LEGACY_POINTS = (3, 6)  # the older style: 3 to 6 unlabeled bullets

_PLACEHOLDER = re.compile(r"^\W*(n/?a|none|null|todo|tbd|…|없음|해당 없음|なし|无|empty)?\W*$", re.I)
# A figure the paper reports as a result: a percentage or a multiplier.
_RESULT_FIGURE = re.compile(r"\d(?:\.\d+)?\s?(?:%|×|x\b|-?fold\b|times\b|points?\b)", re.I)


@cache
def _format_leak(keys: tuple[str, ...]) -> re.Pattern[str]:
    """The answer's format in a section's text: code fences, JSON punctuation, a heading, and the
    style's JSON keys that read as identifiers (`whats_new`; a key like `impact` is an ordinary word)."""
    names = [re.escape(k) for k in keys if "_" in k]
    words = r"|\b(?:" + "|".join(names) + r")\b" if names else ""
    return re.compile(r"```|[{}]\s*\"|\"\s*:\s*\"" + words + r"|^\s*#{1,6}\s")


def check_shape(sections: list[Section], lang: str, source: str = "", style: Style = SECTIONS) -> list[Finding]:
    """The rule: the sections `style` asks for, each saying something in a usual length, and nothing of
    the answer's format in the text (see the module docstring for what is hard and what is soft).
    `source` tells whether the paper reports results, which a section the style lets go without
    results should then hold."""
    if sections and all(s.label is None for s in sections):
        return _check_points(sections, lang, style)
    findings: list[Finding] = []
    labels = [s.label for s in sections]
    names = style.labels(lang)
    for part, label in zip(style.sections, names):
        if label in labels:
            continue
        if part.required == YES:
            findings.append(Finding(RULE, HARD, f"{label}: the section is missing", label))
        elif part.required == RESULTS and _RESULT_FIGURE.search(source):
            findings.append(Finding(RULE, SOFT, f"{label}: the section is missing, though the paper "
                                    "reports results", label))
    ranges = {label: style.sentence_range(part) for part, label in zip(style.sections, names)}
    seen: set[str] = set()
    for i, s in enumerate(sections):
        name = section_name(s, i)
        if s.label is not None and s.label in seen:
            findings.append(Finding(RULE, HARD, f"{name}: the section appears twice", name))
        if s.label is not None:
            seen.add(s.label)
        findings += _check_text(s.text, name, lang, style, ranges.get(s.label or "", style.sentences))
    return findings


def _check_points(sections: list[Section], lang: str, style: Style) -> list[Finding]:
    findings: list[Finding] = []
    low, high = LEGACY_POINTS
    if not low <= len(sections) <= high:
        findings.append(Finding(RULE, SOFT, f"the summary has {len(sections)} points; the older "
                                f"style has {low} to {high}"))
    for i, s in enumerate(sections):
        findings += _check_text(s.text, section_name(s, i), lang, style, None)
    return findings


def _check_text(text: str, name: str, lang: str, style: Style, sentences: tuple[int, int] | None) -> list[Finding]:
    """One section's text; `sentences`: the range of sentences it has (None: an old-style point)."""
    if _PLACEHOLDER.match(text):
        what = "empty" if not text.strip() else f"a placeholder ({clip(text)!r})"
        return [Finding(RULE, HARD, f"{name}: the section is {what}", name)]
    found: list[Finding] = []
    leak = _format_leak(style.keys).search(text) if any(c in text for c in "`{}\"#_") else None
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
    elif n < low and sentences and sentences[1] > 1:  # a point or a one-line section is one short sentence
        word = "character" if n == 1 else "characters"
        found.append(Finding(RULE, SOFT, f"{name}: {n} {word}, shorter than the usual {low}", name))
    if sentences:
        least, most = sentences
        count = len(split_sentences(text))
        if not least <= count <= most:
            word = "sentence" if count == 1 else "sentences"
            span = f"{least}" if least == most else f"{least} to {most}"
            found.append(Finding(RULE, SOFT, f"{name}: {count} {word}; each section has {span}", name))
    return found
