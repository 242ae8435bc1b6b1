"""A paper's text from its PDF, with pypdfium2, cleaned the way a careful reader would:
Unicode normalized (ligatures such as "ﬁ" expanded), words hyphenated across lines joined, running
headers, footers, page numbers and the arXiv stamp removed, the reference list cut off, and the
text cut into sections at its numbered headings."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

from dailypapers.errors import PDFTextError
from dailypapers.fulltext.sections import kind_of
from dailypapers.models import TextSection

MIN_TEXT_CHARS = 500  # below this the PDF is taken for scanned images with no text layer


MAX_PAGES = 300  # pages read; a paper is rarely longer, a hostile file can claim millions


def pdf_pages(data: bytes, where: str = "PDF", max_pages: int = MAX_PAGES) -> list[str]:
    """The raw text of each page (the first `max_pages`), or PDFTextError for a corrupt, encrypted
    or empty file."""
    import pypdfium2 as pdfium

    if not data.startswith(b"%PDF"):
        raise PDFTextError(f"{where}: not a PDF file (it does not start with %PDF)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise PDFTextError(f"{where}: {_why_unreadable(data)}")
    try:
        if len(pdf) == 0:
            raise PDFTextError(f"{where}: the PDF has no pages")
        pages = []
        for i in range(min(len(pdf), max_pages)):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as e:
                raise PDFTextError(f"{where}: page {i + 1} of the PDF cannot be read ({e})")
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()


def _why_unreadable(data: bytes) -> str:
    """pypdfium2 raises the same error for a file pdfium cannot open and for one with no pages, with
    pdfium's last error, which a file with no pages leaves as it was (so it could say "password"
    after an encrypted file). Asking pdfium again tells them apart."""
    from pypdfium2 import raw

    handle = raw.FPDF_LoadMemDocument64(data, len(data), None)
    if handle:
        raw.FPDF_CloseDocument(handle)
        return "the PDF has no pages"
    code = raw.FPDF_GetLastError()
    if code == raw.FPDF_ERR_PASSWORD:
        return "the PDF is encrypted (it needs a password)"
    if code == raw.FPDF_ERR_SECURITY:
        return "the PDF is encrypted with a security scheme that cannot be read"
    names = {raw.FPDF_ERR_FORMAT: "damaged or not a PDF", raw.FPDF_ERR_FILE: "file access error",
             raw.FPDF_ERR_PAGE: "page not found or content error"}
    return f"the PDF cannot be read ({names.get(code, f'pdfium error {code}')})"


def pdf_sections(data: bytes, where: str = "PDF", max_pages: int = MAX_PAGES) -> list[TextSection]:
    """The sections of a PDF's text, cleaned; PDFTextError for a file that cannot be read or holds
    almost no text (scanned images). `where` names the file in messages."""
    pages = pdf_pages(data, where, max_pages)
    if sum(len(p.strip()) for p in pages) < MIN_TEXT_CHARS:
        raise PDFTextError(f"{where}: the PDF has no text layer to read (scanned images only?)")
    sections = sections_from_pages(pages)
    if sum(len(s.text) for s in sections) < MIN_TEXT_CHARS:
        raise PDFTextError(f"{where}: the PDF has almost no text once its running headers and footers are "
                           "taken out")
    return sections


# -- cleaning -------------------------------------------------------------------------------------

_STAMP = re.compile(r"^arXiv:\s*\S+\s+\[[^\]]+\]\s+\d{1,2}\s+\w{3}\s+\d{4}$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_HEADING = re.compile(r"^(?P<num>(?:\d{1,2}|[A-H])(?:\.\d{1,2}){0,2})\.?\s+(?P<title>[A-Z][^\n]{1,80})$")
_NAMED = re.compile(r"^(abstract|references|bibliography|acknowledge?ments?|appendix|appendices|"
                    r"conclusions?|introduction|related work)$", re.I)
_REFERENCES = re.compile(r"^(?:\d{1,2}\.?\s+)?(references|bibliography|literature cited)$", re.I)
_APPENDIX = re.compile(r"^(?i:appendix|appendices|supplementary material)\b|^[A-H](?:\.\d)?\s+[A-Z][A-Za-z\- ]{2,60}$")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # glyphs with no Unicode ("\x0f" for an epsilon)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A soft hyphen is shown only where a word is broken at the end of a line.
    return _CONTROL.sub("", text.replace("\u00ad\n", "").replace("\u00ad", ""))


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




def _join_hyphen(m: re.Match[str], words: Counter[str] | None = None) -> str:
    left, right = m.group(1), m.group(2)
    # How the paper spells the word elsewhere decides first: "decoder-only" stays, "transduction" joins.
    hyphened, joined = (words[f"{left}-{right}".lower()], words[(left + right).lower()]) if words else (0, 0)
    if hyphened != joined:
        return f"{left}-{right}" if hyphened > joined else left + right
    # "English-to-German", "GPT-4", "CC-News": a real hyphen that fell at the end of a line.
    if "-" in right or right[0].isdigit() or left[-1].isdigit() or left[0].isupper() and right[0].isupper():
        return f"{left}-{right}"
    return left + right


_WORD = re.compile(r"\w+(?:-\w+)*")  # words as the paper spells them, compounds whole
_LINE_BREAK_NOT_AFTER_HYPHEN = re.compile(r"\n(?<!-\n)")


def _dehyphenate(text: str) -> str:
    join = functools.partial(_join_hyphen, words=Counter(_WORD.findall(text.lower())))
    # The patterns are tried only on the lines that can hold a match, with the same result: tried at
    # every position of a whole paper, `(\w+)` made this most of the cleaning's time. A match of the
    # first lies within one line; one of the second can span only line breaks that follow a "-".
    text = "\n".join(re.sub(r"(\w+)\ufffe(\w[\w\-]*)", join, part) if "\ufffe" in part else part
                     for part in text.split("\n"))
    return "\n".join(re.sub(r"(\w+)-\n(\w[\w\-]*)", join, part) if "-\n" in part else part
                     for part in _LINE_BREAK_NOT_AFTER_HYPHEN.split(text))


def sections_from_pages(raw_pages: list[str]) -> list[TextSection]:
    """The raw text of a PDF's pages, cleaned (see the module docstring) and cut into sections."""
    pages = [_normalize(p).split("\n") for p in raw_pages]
    lines = [ln.rstrip() for page in _strip_running(pages) for ln in page]
    text = _dehyphenate("\n".join(lines)).replace("\ufffe", "-")  # a break hyphen before a non-letter
    return _cut_sections(text.split("\n"))


def _cut_sections(lines: list[str]) -> list[TextSection]:
    sections: list[TextSection] = []
    title = ""
    buf: list[str] = []
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
    # As re.sub(r"\s+", " ", text).strip() (str.split's white space is re's \s), at a third of the time.
    return " ".join(text.split())
