"""A paper's text from its PDF, with pypdfium2, cleaned the way a careful reader would:
Unicode normalized (ligatures such as "ﬁ" expanded), words hyphenated across lines joined, running
headers, footers, page numbers and the arXiv stamp removed, the reference list cut off, and the
text cut into sections at its numbered headings."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from dailypapers.errors import DailyPapersError
from dailypapers.fulltext.sections import kind_of
from dailypapers.models import TextSection

MIN_TEXT_CHARS = 500  # below this the PDF is taken for scanned images with no text layer


class PDFTextError(DailyPapersError):
    pass


def pdf_pages(data: bytes, where: str = "PDF") -> list[str]:
    """The raw text of each page, or PDFTextError for a corrupt, encrypted or empty file."""
    import pypdfium2 as pdfium

    if not data.startswith(b"%PDF"):
        raise PDFTextError(f"{where}: not a PDF file (it does not start with %PDF)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        reason = str(e)
        if "password" in reason.lower():
            raise PDFTextError(f"{where}: the PDF is encrypted")
        raise PDFTextError(f"{where}: the PDF cannot be read ({reason})")
    try:
        if len(pdf) == 0:
            raise PDFTextError(f"{where}: the PDF has no pages")
        pages = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def pdf_sections(data: bytes, where: str = "PDF") -> list[TextSection]:
    pages = pdf_pages(data, where)
    if sum(len(p.strip()) for p in pages) < MIN_TEXT_CHARS:
        raise PDFTextError(f"{where}: the PDF has no text layer to read (scanned images only?)")
    return sections_from_pages(pages)


# -- cleaning -------------------------------------------------------------------------------------

_STAMP = re.compile(r"^arXiv:\s*\S+\s+\[[^\]]+\]\s+\d{1,2}\s+\w{3}\s+\d{4}$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_HEADING = re.compile(r"^(?P<num>(?:\d{1,2}|[A-H])(?:\.\d{1,2}){0,2})\.?\s+(?P<title>[A-Z][^\n]{1,80})$")
_NAMED = re.compile(r"^(abstract|references|bibliography|acknowledge?ments?|appendix|appendices|"
                    r"conclusions?|introduction|related work)$", re.I)
_REFERENCES = re.compile(r"^(?:\d{1,2}\.?\s+)?(references|bibliography|literature cited)$", re.I)
_APPENDIX = re.compile(r"^(?i:appendix|appendices|supplementary material)\b|^[A-H](?:\.\d)?\s+[A-Z][A-Za-z\- ]{2,60}$")


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _strip_running(pages: list[list[str]]) -> list[list[str]]:
    """Drop lines that repeat at the top or bottom of many pages (running headers and footers),
    page numbers there, and the arXiv stamp anywhere."""
    edge = 3
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_shape(ln) for ln in lines[:edge] + lines[-edge:] if ln.strip()})
    threshold = max(3, int(len(pages) * 0.4))
    running = {k for k, n in counts.items() if n >= threshold and k}
    out = []
    for lines in pages:
        kept = []
        for i, ln in enumerate(lines):
            at_edge = i < edge or i >= len(lines) - edge
            s = ln.strip()
            if _STAMP.match(s) or (at_edge and (_PAGE_NUMBER.match(s) or _shape(ln) in running)):
                continue
            kept.append(ln)
        out.append(kept)
    return out


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


_SOFT_HYPHEN = re.compile(r"(\w+)[\ufffe\u00ad\u2010-]\n?(\w[\w\-]*)")


def _join_hyphen(m: re.Match[str]) -> str:
    left, right = m.group(1), m.group(2)
    # "English-to-German", "GPT-4", "CC-News": a real hyphen that fell at the end of a line.
    if "-" in right or right[0].isdigit() or left[-1].isdigit() or left[0].isupper() and right[0].isupper():
        return f"{left}-{right}"
    return left + right


def _dehyphenate(text: str) -> str:
    text = re.sub(r"(\w+)\ufffe(\w[\w\-]*)", _join_hyphen, text)
    return re.sub(r"(\w+)-\n(\w[\w\-]*)", _join_hyphen, text)


def sections_from_pages(raw_pages: list[str]) -> list[TextSection]:
    pages = [_normalize(p).split("\n") for p in raw_pages]
    lines = [ln.rstrip() for page in _strip_running(pages) for ln in page]
    text = _dehyphenate("\n".join(lines))
    return _cut_sections(text.split("\n"))


def _cut_sections(lines: list[str]) -> list[TextSection]:
    sections: list[TextSection] = []
    title, buf = "", []
    in_references = False
    last_top = 0
    parent_kind = "other"  # a subsection is of its section's kind unless its own title says more

    in_appendix = False

    def flush() -> None:
        body = " ".join(x.strip() for x in buf if x.strip())
        if body and not in_references:
            kind = kind_of(title) if title else "other"
            kind = "appendix" if in_appendix else parent_kind if kind == "other" else kind
            sections.append(TextSection(title or "Front matter", _squash(body), kind))

    for ln in lines:
        s = ln.strip()
        if not s:
            continue
        if _REFERENCES.match(s):
            flush()
            buf, title, in_references = [], s, True
            continue
        heading = _heading(s, last_top, in_references)
        if heading is None:
            buf.append(s)
            continue
        flush()
        in_references = False
        title, buf = s, []
        in_appendix = in_appendix or heading[:1].isalpha() or s.lower().startswith(("appendix", "appendices"))
        if "." not in heading:
            parent_kind = kind_of(s) if heading else "other"
        top = heading.split(".")[0]
        last_top = int(top) if top.isdigit() else last_top
    flush()
    return sections


def _heading(s: str, last_top: int, in_references: bool) -> str | None:
    """The section number of a heading line ('3.1'), '' for a named heading, or None."""
    if len(s) > 90 or s.endswith((".", ",", ";")):
        return None
    if _NAMED.match(s) and not in_references:
        return ""
    if in_references:
        if not _APPENDIX.match(s):
            return None
        first = s.split()[0]
        return first if re.fullmatch(r"[A-H](?:\.\d)?", first) else ""
    m = _HEADING.match(s)
    if not m:
        return None
    num, title = m.group("num"), m.group("title")
    words = title.split()
    if len(words) > 10 or sum(ch.isdigit() for ch in title) > 3 or not re.search(r"[a-z]{3}", title):
        return None
    top = num.split(".")[0]
    if top.isdigit() and not (last_top <= int(top) <= last_top + 1 or (int(top) == 1 and "." not in num)):
        return None  # "2 BLEU points" in a table is not the heading after section 5
    return num


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
