"""arXiv's HTML rendering (LaTeXML) cut into sections, with figure and table captions.

Math becomes its LaTeX source (the `alttext`), the bibliography is left out, and nothing in the
page is executed or followed: we read text only. Given the page's own URL, the first figure's
image is noted too (its URL on that page's host and its caption): the site shows it where Hugging
Face has no thumbnail, and downloads it then, by the media cache's rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from dailypapers.errors import HTMLTextError
from dailypapers.fulltext.nesting import nesting_depth
from dailypapers.fulltext.sections import kind_of
from dailypapers.models import Figure, TextSection
from dailypapers.text import clean_figure, one_line

_DROP = "script, style, nav, header, footer, .ltx_bibliography, .ltx_page_footer, .ltx_page_header, " \
        ".ltx_authors, .ltx_dates, .ltx_tag_note, .ltx_note_mark, button, .ltx_ERROR, .package-alerts"


MAX_DEPTH = 1000  # how deeply elements may nest; LaTeXML pages nest a few dozen levels


@dataclass(frozen=True)
class HTMLPage:
    """What is read of an arXiv HTML page: its sections, and its first figure when it has one."""

    sections: list[TextSection]
    figure: Figure | None = None


def html_sections(html: str, where: str = "HTML", max_depth: int = MAX_DEPTH) -> list[TextSection]:
    """The sections of an arXiv HTML page, the abstract first and the figure and table captions last;
    HTMLTextError for a page that nests deeper than `max_depth`, has no body or almost no text.
    `where` names the page in messages."""
    return html_page(html, where, max_depth).sections


def html_page(html: str, where: str = "HTML", max_depth: int = MAX_DEPTH, page_url: str | None = None) -> HTMLPage:
    """The sections of an arXiv HTML page (as `html_sections`) and, given the page's URL
    (`https://arxiv.org/html/2501.01234v1/`), its first figure with an image on that host."""
    if nesting_depth(html, max_depth) > max_depth:
        raise HTMLTextError(f"{where}: elements nest more than {max_depth} levels deep; the page is not read")
    tree = HTMLParser(html)
    article = tree.css_first("article.ltx_document") or tree.css_first("article") or tree.body
    if article is None:
        raise HTMLTextError(f"{where}: the page has no body")
    for node in article.css(_DROP):
        node.decompose()
    for math in article.css("math"):
        alt = math.attributes.get("alttext") or math.text(deep=True)
        math.replace_with(f" {alt} " if alt else " ")
    sections: list[TextSection] = []
    abstract = article.css_first(".ltx_abstract")
    if abstract is not None:
        heading = abstract.css_first(".ltx_title")
        if heading is not None:
            heading.decompose()
        sections.append(TextSection("Abstract", _paragraphs(abstract), "abstract"))
        abstract.decompose()
    figure = first_figure(article, page_url) if page_url else None
    captions = []
    for fig in article.css("figure.ltx_figure, figure.ltx_table, figure"):
        cap = fig.css_first("figcaption")
        if cap is not None:
            text = one_line(cap.text(deep=True))
            if text:
                captions.append(text)
        fig.decompose()
    for sec in article.css("section.ltx_section, section.ltx_appendix"):
        heading = sec.css_first("h2, h3, .ltx_title")
        title = one_line(heading.text(deep=True)) if heading is not None else ""
        appendix = "ltx_appendix" in (sec.attributes.get("class") or "")
        sections.extend(_section(sec, title, "appendix" if appendix else None, _anchor(sec)))
    if len(sections) <= (1 if abstract is not None else 0):
        body = _paragraphs(article)
        if body:
            sections.append(TextSection("Body", body, "other"))
    if captions:
        sections.append(TextSection("Figure and table captions", " ".join(captions), "captions"))
    if sum(len(s.text) for s in sections) < 200:
        raise HTMLTextError(f"{where}: the page has almost no text (is it an error page?)")
    return HTMLPage(sections, figure)


def first_figure(article: Node, page_url: str) -> Figure | None:
    """The first `figure.ltx_figure` with an image on the page's own host (not SVG, not data:), with
    its own caption; None when the page has none."""
    for fig in article.css("figure.ltx_figure"):
        for img in fig.css("img"):
            url = _image_url(img.attributes.get("src") or "", page_url)
            found = clean_figure(url, _caption(fig)) if url else None
            if found is not None:
                return found
    return None


def _image_url(src: str, page_url: str) -> str | None:
    """An image's `src` resolved against the page, kept only on the page's scheme and host; SVG
    (it can carry script) and inline data are never kept."""
    src = src.strip()
    if not src or src.lower().startswith("data:"):
        return None
    try:
        url = urljoin(page_url, src)
        parts, page = urlsplit(url), urlsplit(page_url)
    except ValueError:
        return None
    if (parts.scheme, parts.netloc) != (page.scheme, page.netloc) or parts.path.lower().endswith(".svg"):
        return None
    return url


def _caption(fig: Node) -> str:
    """A figure's own caption: its figcaption child (a sub-figure's caption comes first in the page,
    and is not it), else the first one inside it."""
    for child in fig.iter():
        if child.tag == "figcaption":
            return one_line(child.text(deep=True))
    cap = fig.css_first("figcaption")
    return one_line(cap.text(deep=True)) if cap is not None else ""


def _anchor(sec: Node) -> str | None:
    """The section's id, for links into arXiv's page: LaTeXML's ids are short (`S3`, `A1`)."""
    anchor = sec.attributes.get("id") or ""
    return anchor if _ANCHOR.fullmatch(anchor) else None


_ANCHOR = re.compile(r"[A-Za-z][A-Za-z0-9.]{0,30}")


def _section(sec: Node, title: str, kind: str | None = None, anchor: str | None = None) -> list[TextSection]:
    """A top-level section; its subsections are kept inside it, their titles inline."""
    parts = []
    for node in sec.css(".ltx_para, .ltx_title_subsection, .ltx_title_subsubsection, .ltx_title_paragraph"):
        if node.parent is not None and "ltx_para" in (node.parent.attributes.get("class") or ""):
            continue
        text = one_line(node.text(deep=True))
        if text:
            parts.append(text if "ltx_para" in (node.attributes.get("class") or "") else f"[{text}]")
    text = " ".join(parts)
    text = re.sub(r"^\[[^\]]*\]\s*", "", text) if parts and parts[0] == f"[{title}]" else text
    return [TextSection(title, text, kind or kind_of(title), anchor)] if text else []


def _paragraphs(node: Node) -> str:
    paras = [one_line(p.text(deep=True)) for p in node.css("p")]
    paras = [p for p in paras if p]
    return " ".join(paras) if paras else one_line(node.text(deep=True))
