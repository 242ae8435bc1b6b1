"""Small text helpers shared by the stages."""

from __future__ import annotations

import re
import unicodedata

from dailypapers.models import Figure

# An arXiv identifier: 2412.19712 (since 2007) or astro-ph/0601001 (before), with its version.
ARXIV_ID = re.compile(r"^(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<v>\d+))?$")
# Characters that are never part of an identifier or a URL: controls, zero-width and bidi marks.
_INVISIBLE = re.compile("[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def clean_id(raw: str) -> str:
    """An identifier as typed or served, normalized: NFKC, controls and invisible marks removed,
    white space trimmed."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", raw)).strip()


def clean_line(raw: str) -> str:
    """A text on one line (runs of white space, line breaks included, made one space), with control
    characters and invisible marks removed."""
    return _INVISIBLE.sub("", one_line(raw))


def arxiv_id(raw: str) -> tuple[str, int | None] | None:
    """('2104.12255', 1) for '2104.12255v1' (also written arXiv:..., or as an abs URL); None for
    anything that is not an arXiv id."""
    text = clean_id(raw)
    for prefix in ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "arXiv:", "arxiv:"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    m = ARXIV_ID.match(text)
    return (m.group("id"), int(m.group("v")) if m.group("v") else None) if m else None


def and_list(words: list[str]) -> str:
    """Words as an English list: `a`, `a and b`, `a, b and c`."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def one_line(text: str) -> str:
    """Collapse line breaks and runs of white space to single spaces, and trim."""
    return " ".join(text.split())  # the same as re's \s+, and about three times faster


def utc_now() -> str:
    """The time now in UTC, to the second, as ISO 8601 with a Z (`2025-03-14T09:26:53Z`)."""
    import datetime as dt

    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


MAX_URL = 2_000
_SAFE_URL = re.compile(r"^https?://[^\s/?#\"'<>`\\\x00-\x1f\x7f][^\s\"'<>`\\\x00-\x1f\x7f]*$", re.I)


def safe_url(url: object) -> str | None:
    """An http(s) URL with a host and no white space, control characters, quotes, backslashes or
    angle brackets, else None (javascript:, data:, relative and broken URLs). The one rule for every
    URL that comes from outside: shown on the site, posted to chat, written to the digest."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if len(url) <= MAX_URL and _SAFE_URL.match(url) else None


# Sentences end at . ! ? followed by space (or the end), or at 。！？ anywhere. A period is no
# end when it closes a known abbreviation or an initial, or when a lower-case Latin letter follows.
_ABBREVIATIONS = frozenset("""e.g i.e etc vs cf al fig figs eq eqs eqn sec secs no nos approx
    resp ref refs tab dr mr ms prof inc ltd jr sr st vol pp ch app alg thm def lem prop ex incl""".split())
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)|[。！？]+[」』”’)）]*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, surrounding white space left out."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group(0)[0] == ".":
            before = text[start:m.start()].rsplit(None, 1)
            word = before[-1].lower().lstrip("(\"'“‘[") if before else ""
            if word.rstrip(".") in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            rest = text[m.end():].lstrip()
            if rest[:1].isascii() and rest[:1].islower():
                continue
        _add_span(text, start, m.end(), out)
        start = m.end()
    tail = text[start:]
    if tail.strip() and any(ch.isalnum() for ch in tail):
        _add_span(text, start, len(text), out)
    return out


def _add_span(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        a = start + (len(piece) - len(piece.lstrip()))
        out.append((a, a + len(stripped)))


MAX_CAPTION = 1_000


def clip_words(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters with `…`: at its last space when there is one in its
    second half, else mid-word (Chinese and Japanese put no spaces between words)."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0] if " " in text[limit // 2:limit] else text[:limit - 1]
    return cut + "…"


def clean_figure(url: object, caption: object) -> Figure | None:
    """A figure as it may be kept and shown: its URL passes `safe_url`, its caption is one line of at
    most MAX_CAPTION characters (controls and invisible marks removed); None when the URL does not, or
    carries a user name or password (never stored)."""
    checked = safe_url(url)
    if checked is None or "@" in checked.split("/", 3)[2]:
        return None
    text = clean_line(caption) if isinstance(caption, str) else ""
    return Figure(checked, clip_words(text, MAX_CAPTION))


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@\"'<>]+@")


def strip_userinfo(text: str) -> str:
    """The text with every user name and password taken out of the URLs in it
    (`https://user:secret@host/` becomes `https://***@host/`): for messages, logs and the store."""
    return _USERINFO.sub(r"\1***@", text) if "@" in text else text


_WIDE = re.compile("[\u2e80-\U0010ffff]")  # CJK and everything after it: about a token each


def estimate_tokens(text: str) -> int:
    """A model-free estimate: about 4 characters a token for Latin script, 1 for CJK."""
    # Counted by the regex engine, not a Python loop: a paper's 40,000 characters are estimated
    # several times per summary (the budget's cut, the prompt's size), 20 ms each in a loop.
    cjk = 0 if text.isascii() else len(_WIDE.findall(text))
    return (len(text) - cjk) // 4 + cjk + 1
