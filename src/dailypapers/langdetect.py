"""Which language a text is in, by script. Enough to label imported digests."""

from __future__ import annotations

import re

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect(text: str) -> str:
    """ko, ja or zh when the text has five or more letters of that script (checked in that order), else en."""
    counts = {name: len(p.findall(text)) for name, p in
              (("ko", _HANGUL), ("ja", _KANA), ("zh", _HAN), ("en", _LATIN))}
    if counts["ko"] >= 5:
        return "ko"
    if counts["ja"] >= 5:
        return "ja"
    if counts["zh"] >= 5:
        return "zh"
    return "en"
