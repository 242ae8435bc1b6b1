"""arXiv's HTML rendering (LaTeXML) cut into sections, with figure and table captions.

Math becomes its LaTeX source (the `alttext`), the bibliography is left out, and nothing in the
page is executed or followed: we read text only.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from dailypapers.errors import HTMLTextError
from dailypapers.fulltext.nesting import nesting_depth
from dailypapers.fulltext.sections import kind_of
from dailypapers.models import TextSection
from dailypapers.text import one_line

_DROP = "script, style, nav, header, footer, .ltx_bibliography, .ltx_page_footer, .ltx_page_header, " \
        ".ltx_authors, .ltx_dates, .ltx_tag_note, .ltx_note_mark, button, .ltx_ERROR, .package-alerts"


MAX_DEPTH = 1000  # how deeply elements may nest; LaTeXML pages nest a few dozen levels


def html_sections(html: str, where: str = "HTML", max_depth: int = MAX_DEPTH) -> list[TextSection]:
    """The sections of an arXiv HTML page, the abstract first and the figure and table captions last;
    HTMLTextError for a page that nests deeper than `max_depth`, has no body or almost no text.
    `where` names the page in messages."""
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
    return sections


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
