"""Loanwords: telling that 클러스터링 (Korean) or クラスタリング (Japanese) is the paper's "clustering".

Korean and Japanese write most new technical words as they sound in English. Both sides are read
into a skeleton of consonant classes, the part of a loanword that survives the change of script:
`clustering` and 클러스터링 are both K-L-S-T-L-NG. English letters that sound two ways in loanwords
(`ch` in architecture, `g` in generation) give several skeletons. A summary word matches a
paper word when the skeletons are equal and long enough (four classes
) that chance agreement is rare; common English words are not compared.
"""

from __future__ import annotations

import re
from functools import lru_cache

_INITIAL = ["K", "K", "N", "T", "T", "L", "M", "P", "P", "S", "S", "", "S", "S", "S", "K", "T", "P", ""]
_FINAL = ["", "K", "K", "K", "N", "N", "N", "T", "L", "K", "M", "L", "L", "L", "P", "L", "M", "P", "P", "T",
          "T", "NG", "T", "T", "K", "T", "P", "T"]
# Katakana, by the consonant of each syllable (small kana and the long mark carry none).
_KANA_ROWS = {
    "K": "カキクケコガギグゲゴ", "S": "サシスセソザジズゼゾチツヂヅ", "T": "タテトダデド",
    "N": "ナニヌネノン", "H": "ハヒヘホ", "P": "バビブベボパピプペポフヴ", "M": "マミムメモ",
    "L": "ラリルレロ",
}
_KANA = {ch: cls for cls, chars in _KANA_ROWS.items() for ch in chars}
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{3,}")
_KATAKANA_WORD = re.compile(r"[\u30a1-\u30fa\u30fc]{3,}")
_ENGLISH_WORD = re.compile(r"[A-Za-z][a-z]+(?:-[a-z]+)*")
_VOWELS = "aeiouy"
# Korean endings that follow a noun: particles, the copula, 하다 forms.
_KO_SUFFIX = re.compile("(?:을|를|이|가|은|는|의|에|에서|에게|으로|로|와|과|도|만|까지|부터|처럼|보다|이다|입니다|"
                        "이며|이고|하는|하여|해|한|된|되는|적인|적으로|적|들|들을|들이|들은|들의|에는|으로는|과의|"
                        "와의|이라는|라는|란)$")
_COMMON = frozenset("""about above after again against almost along already although always among
    another around based because become before being below between beyond both built cannot could
    different does doing during each either enough every first following found from further given
    great having however itself large later least little many might more most much must never next
    often only other over should since small some still such than that their them then there these
    they thing think this those though three through together toward under until upon using various
    very well were what when where whether which while whose within without would years address
    thereby finally utilize utilizes utilizing applied evaluate achieve achieves achieved require
    requires required research question capable essential ability thorough general highest similar
    certain various additional additionally details detail specific specifically""".split())


def hangul_skeleton(word: str) -> tuple[str, ...]:
    """The consonant classes of a Hangul word; () when it holds anything but Hangul syllables."""
    out: list[str] = []
    for ch in word:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            return ()
        out += [_INITIAL[code // 588], _FINAL[code % 28]]
    return _collapse(out)


def katakana_skeleton(word: str) -> tuple[str, ...]:
    """The consonant classes of a katakana word."""
    word = word.replace("ング", "\0")
    return _collapse(["NG" if ch == "\0" else _KANA.get(ch, "") for ch in word])


def _collapse(parts: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for p in parts:
        if p and p != "H" and (not out or out[-1] != p):
            out.append(p)
    return tuple(out)


def _english_skeleton(word: str) -> tuple[str, ...]:
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        c, nxt, prev = word[i], word[i + 1:i + 2], word[i - 1:i]
        two = word[i:i + 2]
        if two in ("ph", "th", "ch", "sh", "ck", "ng", "qu"):
            out.append({"ph": "P", "th": "S", "ch": "S", "sh": "S", "ck": "K", "ng": "NG", "qu": "K"}[two])
            i += 2
            continue
        if c == "r":
            if not (prev and prev in _VOWELS and (not nxt or nxt not in _VOWELS)):
                out.append("L")  # an r after a vowel and before a consonant is silent in loanwords
        elif c == "x":
            out += ["K", "S"]
        elif c == "g":
            out.append("S" if nxt in ("e", "i") else "K")
        elif c == "c":
            out.append("S" if nxt in ("e", "i", "y") else "K")
        else:
            out.append({"l": "L", "b": "P", "p": "P", "f": "P", "v": "P", "d": "T", "t": "T", "k": "K",
                        "q": "K", "s": "S", "z": "S", "j": "S", "m": "M", "n": "N"}.get(c, ""))
        i += 1
    return _collapse(out)


_READINGS = (("ch", "k"), ("tion", "shon"), ("sion", "shon"), ("ture", "chur"), ("tial", "shal"), ("th", "t"),
             ("ge", "ke"), ("gi", "ki"))


@lru_cache(maxsize=4096)
def english_skeletons(word: str) -> frozenset[tuple[str, ...]]:
    """Every skeleton an English word may have as a loanword, from its spellings and its stem
    (`tuning`, `tuned` and `tune` are one word to a loanword)."""
    word = re.sub(r"[^a-z]", "", word.lower())
    forms = [word]
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            forms.append(word[:-len(suffix)])
    for a, b in _READINGS:
        forms += [f.replace(a, b) for f in forms if a in f]
    return frozenset(s for f in forms[:12] if (s := _english_skeleton(f)))


@lru_cache(maxsize=32)
def _source_index(source: str) -> dict[tuple[str, ...], frozenset[str]]:
    index: dict[tuple[str, ...], set[str]] = {}
    for word in set(_ENGLISH_WORD.findall(source)):
        low = word.lower()
        if len(low) < 5 or low in _COMMON:
            continue
        for skeleton in english_skeletons(low):
            if len(skeleton) >= 4:
                index.setdefault(skeleton, set()).add(low)
    return {k: frozenset(v) for k, v in index.items()}


def loanword_matches(text: str, source: str, lang: str) -> list[str]:
    """The English words of `source` that Hangul (ko) or katakana (ja) loanwords of `text` spell."""
    if lang == "ko":
        words, skeleton = _HANGUL_WORD.findall(text), hangul_skeleton
    elif lang == "ja":
        words, skeleton = _KATAKANA_WORD.findall(text), katakana_skeleton
    else:
        return []
    index = _source_index(source)
    found: set[str] = set()
    for word in set(words):
        candidates = [word]
        if lang == "ko" and (m := _KO_SUFFIX.search(word)) and m.start() >= 2:
            candidates.append(word[:m.start()])
        for candidate in candidates:
            hit = index.get(skeleton(candidate))
            if hit:
                found.update(hit)
                break
    return sorted(found)
