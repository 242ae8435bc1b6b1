"""A summary section as HTML with its claims marked: each figure, name and term the checks looked up
becomes a button that reveals, on hover, focus or a tap, the sentence of the paper it was matched
to (and a link to that section of arXiv's HTML), or says that the paper does not have it.

Pure: text and evidence in, HTML out. The section's Markdown is rendered and sanitized as
everywhere else; the claims are carried through that as placeholders, so nothing of the summary's
text can become markup, and the marker's own markup is built here, every text in it escaped. The
revealed sentence is left out of the search index: an excerpt reads the summary's own words, not
the paper's sentence wedged into them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from dailypapers.models import Evidence

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: placeholders through Markdown and nh3
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_PRIVATE = re.compile(f"[{_OPEN}{_CLOSE}]")
ARXIV = "https://arxiv.org"


def source_link(paper_id: str, version: int | None, e: Evidence) -> str | None:
    """Where a reader finds the matched sentence on arXiv: the section of the HTML rendering, or
    the abstract page."""
    if e.anchor:
        return f"{ARXIV}/html/{paper_id}{f'v{version}' if version else ''}#{e.anchor}"
    if e.source in ("Abstract", "Title"):
        return f"{ARXIV}/abs/{paper_id}"
    return None


def annotated(text: str, evidence: list[Evidence], render: Callable[[str], Any], t: Callable[..., str],
              paper_id: str, version: int | None, id_prefix: str) -> Markup:
    """`text` rendered by `render` (Markdown to sanitized HTML) with each claim of `evidence` that
    has a place in it marked. `t` gives the page's words; `id_prefix` keeps ids unique on a page."""
    text = _PRIVATE.sub("", text)
    spans = sorted((e for e in evidence if e.start is not None and e.end is not None
                    and 0 <= e.start < e.end <= len(text) and text[e.start:e.end].strip()),
                   key=lambda e: (e.start or 0, -(e.end or 0)))
    pieces: list[str] = []
    kept: list[Evidence] = []
    pos = 0
    for e in spans:
        assert e.start is not None and e.end is not None
        if e.start < pos:
            continue  # overlapping claims: the first one is marked
        pieces += [text[pos:e.start], f"{_OPEN}{len(kept)}{_CLOSE}"]
        kept.append(e)
        pos = e.end
    pieces.append(text[pos:])
    html = str(render("".join(pieces)))

    def marker(m: re.Match[str]) -> str:
        i = int(m.group(1))
        e = kept[i]
        assert e.start is not None and e.end is not None
        return _marker(text[e.start:e.end], e, t, source_link(paper_id, version, e), f"{id_prefix}-{i}")

    return Markup(_PLACEHOLDER.sub(marker, html))


def _marker(shown: str, e: Evidence, t: Callable[..., str], link: str | None, ident: str) -> str:
    state = "found" if e.found else "missing"
    if e.found and e.sentence:
        where = t("paper_title") if e.source == "Title" else t("abstract") if e.source == "Abstract" else e.source
        body = (f'<span class="ev-head">{escape(t("evidence_found", where=where or ""))}</span> '
                f'<q lang="en">{escape(e.sentence)}</q>')
        if link:
            body += f' <a href="{escape(link)}" rel="noopener noreferrer">{escape(t("evidence_open"))}</a>'
    elif e.found:
        body = f'<span class="ev-head">{escape(t("evidence_spread"))}</span>'
    else:
        body = f'<span class="ev-head">{escape(t("evidence_missing"))}</span>'
    return (f'<span class="claim {state}" data-kind="{escape(e.kind)}">'
            f'<button type="button" class="claim-mark" aria-expanded="false" aria-controls="{ident}" '
            f'aria-describedby="{ident}">{escape(shown)}</button>'
            f'<span class="evidence" id="{ident}" data-pagefind-ignore>{body}</span></span>')
