"""Text helpers the rules share: section names, sentences, scripts. Standard library only."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from dailypapers.models import Section
from dailypapers.text import sentence_spans

__all__ = ["sentence_spans", "split_sentences"]  # sentence_spans: the one sentence rule, in dailypapers.text


def section_name(section: Section, index: int) -> str:
    """The label a person sees in a finding: the section's label, or `Point N` for an old bullet."""
    return section.label if section.label is not None else f"Point {index + 1}"


@lru_cache(maxsize=256)
def nfkc(text: str) -> str:
    """Full-width digits, letters and signs (`９２．３％`) as their ordinary forms."""
    return unicodedata.normalize("NFKC", text)


def clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


# Scripts, on NFKC text. U+30FB (katakana middle dot) is punctuation in all three languages.
SCRIPT_PATTERNS = {
    "hangul": r"\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff",
    "kana": r"\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff",
    "han": r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3007\U00020000-\U0002ffff",
    "latin": r"A-Za-z\u00c0-\u024f",
}
SCRIPT_RUNS = {name: re.compile(f"[{chars}]+") for name, chars in SCRIPT_PATTERNS.items()}
_KNOWN = re.compile("[" + "".join(SCRIPT_PATTERNS.values()) + "]")
SCRIPT_NAMES = {"hangul": "Hangul", "kana": "kana", "han": "Chinese characters (Han)", "latin": "Latin"}


class _ScriptCodes(dict[int, str | None]):
    """A str.translate table, filled as characters are met: each letter becomes one code letter
    (h Hangul, k kana, c Han, l Latin, o any other script but Greek); everything else goes."""

    def __missing__(self, key: int) -> str | None:
        ch = chr(key)
        code = None
        for name, pattern in _SINGLE.items():
            if pattern.match(ch):
                code = name
                break
        else:
            if ch.isalpha() and not unicodedata.name(ch, "").startswith("GREEK"):
                code = "o"
        self[key] = code
        return code


_SINGLE = {"h": re.compile(f"[{SCRIPT_PATTERNS['hangul']}]"), "k": re.compile(f"[{SCRIPT_PATTERNS['kana']}]"),
           "c": re.compile(f"[{SCRIPT_PATTERNS['han']}]"), "l": re.compile(f"[{SCRIPT_PATTERNS['latin']}]")}
_CODES = _ScriptCodes()
_CODE_NAMES = {"h": "hangul", "k": "kana", "c": "han", "l": "latin"}


def count_scripts(text: str) -> dict[str, int]:
    """Letters per script. Letters of other scripts are counted under their Unicode script word
    (CYRILLIC, ARABIC, THAI...); Greek is left out, it is the mathematicians' alphabet."""
    codes = text.translate(_CODES)
    counts = {name: codes.count(code) for code, name in _CODE_NAMES.items()}
    if "o" in codes:
        for script, run in other_script_runs(text):
            counts[script] = counts.get(script, 0) + len(run)
    return counts


def other_script_runs(text: str) -> list[tuple[str, str]]:
    """(script word, run) for letters outside Hangul, kana, Han, Latin and Greek."""
    if "o" not in text.translate(_CODES):
        return []
    rest = _KNOWN.sub(" ", text)
    runs: list[tuple[str, str]] = []
    current = ""
    buf: list[str] = []
    for ch in rest + " ":
        script = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0] if ch.isalpha() else ""
        if script == "GREEK":
            script = ""
        if script != current and buf:
            runs.append((current, "".join(buf)))
            buf = []
        current = script
        if script:
            buf.append(ch)
    return runs
