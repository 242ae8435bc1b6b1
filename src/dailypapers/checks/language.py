"""Language: each section is written in the target language, measured by script.

English technical terms are welcome in any language, so Latin letters weigh a third of a
Hangul syllable or a Han character (an English word says in about six letters what Korean
says in two syllables). A section is in the wrong language when the target script is less than
`MIN_SHARE` of its weighted letters; Japanese also needs kana (Japanese with none is Chinese).
A sentence with no letter of the target script that reads as English prose (six words or more,
two of them English function words) is wrong language too.

Text leaking into another script is a script the target language does not use: Han or kana in
Korean, Hangul in Japanese, kana or Hangul in Chinese, any CJK in English, and Cyrillic, Arabic,
Thai... in all of them. A leaked run that the source itself contains (a Chinese benchmark's
name, a quoted example) is allowed. Greek letters are always allowed (they are maths).

All findings are hard. Languages outside `TARGET_SCRIPTS` are not checked.
"""

from __future__ import annotations

import re

from dailypapers.checks import HARD, Finding
from dailypapers.checks._text import (
    SCRIPT_NAMES,
    SCRIPT_RUNS,
    clip,
    count_scripts,
    nfkc,
    other_script_runs,
    section_name,
    split_sentences,
)
from dailypapers.languages import english_name
from dailypapers.models import Section

RULE = "language"
MIN_SHARE = 0.3
LATIN_WEIGHT = 1 / 3
MIN_LETTERS = 4  # weighted letters below which a text is too short to tell its language
# The scripts a language is written in. Latin is always allowed for terms.
TARGET_SCRIPTS: dict[str, tuple[str, ...]] = {
    "ko": ("hangul",), "ja": ("kana", "han"), "zh": ("han",),
    **{code: ("latin",) for code in ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "no",
                                     "fi", "pl", "cs", "tr", "id", "vi")},
}
_CJK = ("hangul", "kana", "han")
_FUNCTION_WORDS = frozenset("""the a an of and or to in on for with by from is are was were be been
    this that these those it its we our they their which as at than into over under""".split())
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def check_language(sections: list[Section], lang: str, source: str = "") -> list[Finding]:
    """The rule: hard findings for a section in the wrong language, a sentence in English, or text
    leaking into a script `lang` does not use (and `source` does not contain). Languages outside
    TARGET_SCRIPTS are not checked."""
    targets = TARGET_SCRIPTS.get(lang)
    if targets is None:
        return []
    src = nfkc(source)
    findings: list[Finding] = []
    for i, s in enumerate(sections):
        name = section_name(s, i)
        text = nfkc(s.text)
        wrong = _wrong_language(text, lang, targets)
        if wrong:
            findings.append(Finding(RULE, HARD, f"{name}: {wrong}", name))
            continue
        foreign = _foreign_sentence(text, targets)
        if foreign:
            findings.append(Finding(RULE, HARD, f"{name}: the sentence {clip(foreign)!r} is in English, "
                                    f"not {english_name(lang)}", name))
        leaks = _leaks(text, lang, targets, src)
        if leaks:
            shown = ", ".join(f"{what} {clip(run, 20)!r}" for what, run in leaks[:3])
            findings.append(Finding(RULE, HARD, f"{name}: text leaks into another script: {shown} "
                                    f"in {english_name(lang)} text", name))
    return findings


def _weighted(counts: dict[str, int], script: str) -> float:
    return counts.get(script, 0) * (LATIN_WEIGHT if script == "latin" else 1.0)


def dominant_language(counts: dict[str, int]) -> str:
    """A name for what a text is written in, by its scripts."""
    if counts.get("kana", 0) >= 2:
        return "Japanese"
    weights = {k: _weighted(counts, k) for k in counts}
    best = max(weights, key=lambda k: weights[k], default="latin")
    return {"hangul": "Korean", "han": "Chinese", "latin": "English"}.get(best, best.title())


def _wrong_language(text: str, lang: str, targets: tuple[str, ...]) -> str | None:
    counts = count_scripts(text)
    total = sum(_weighted(counts, k) for k in counts)
    if total < MIN_LETTERS:
        return None  # too little text to tell (a placeholder, a figure): the shape rule speaks
    target = sum(_weighted(counts, k) for k in targets)
    want = english_name(lang)
    if target / total < MIN_SHARE:
        got = dominant_language(counts)
        return f"written in {got}, not {want} ({clip(text, 40)!r})"
    kana, han = counts.get("kana", 0), counts.get("han", 0)
    if lang == "zh" and kana >= 5 and kana >= 0.2 * (kana + han):
        return f"written in Japanese, not Chinese ({clip(text, 40)!r})"
    if lang == "ja" and kana == 0 and han >= 4:
        return f"written in Chinese, not Japanese: no kana at all ({clip(text, 40)!r})"
    return None


def _foreign_sentence(text: str, targets: tuple[str, ...]) -> str | None:
    if "latin" in targets:
        return None
    for sentence in split_sentences(text):
        if any(SCRIPT_RUNS[t].search(sentence) for t in targets):
            continue
        words = [w.lower() for w in _LATIN_WORD.findall(sentence)]
        if len(words) >= 6 and len({w for w in words if w in _FUNCTION_WORDS}) >= 2:
            return sentence
    return None


def _leaks(text: str, lang: str, targets: tuple[str, ...], source: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for script in _CJK:
        if script in targets:
            continue
        for run in SCRIPT_RUNS[script].findall(text):
            if run not in source:
                found.append((SCRIPT_NAMES[script], run))
    for script, run in other_script_runs(text):
        if run not in source:
            found.append((script.title(), run))
    return found
