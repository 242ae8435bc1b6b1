"""The newsletter Markdown of docs/format.md, both ways: `render` writes it byte for byte, `parse`
reads it back (and the older variants the archives carry), reporting what it normalized.

Everything that comes from papers, APIs or LLMs is written so that any CommonMark viewer shows it
as the text it is, and nothing else: `<` and `>` as `&lt;` `&gt;`, a `&` that would start an
entity as `&amp;`, a backslash that would escape the next character doubled, and a bracket that
would open or close a link (`]` right before `(`, and in a title a bracket that breaks the title's
own link) escaped with a backslash; code spans are left as they are (CommonMark shows their
content literally). Ordinary text is written byte for byte as it is. Thumbnail and video URLs
must be http(s) and are percent-encoded where they hold a character that could end the link or
the `src="…"` attribute. `parse` undoes exactly this, so import → render gives the same bytes."""

from __future__ import annotations

import ast
import html
import re
import string
from dataclasses import dataclass, field
from html.entities import html5

from dailypapers.errors import FormatError
from dailypapers.models import Digest, Section, format_order, is_video
from dailypapers.text import arxiv_id, one_line

ABS_PREFIX = "https://arxiv.org/abs/"
_PAIRS = {"[": "]", "(": ")"}


def render(digest: Digest) -> str:
    """The day's digest; entries without a summary are left out (the caller reports them)."""
    out = [f"## Daily Papers ({digest.date})\n\n"]
    for entry in digest.entries:
        if entry.summary is None or not entry.summary.sections:
            continue
        p = entry.paper
        out.append(f"### [{escape_title(one_line(p.title))}]({ABS_PREFIX}{_encode_url(p.id)})\n\n")
        thumbnail = digest_url(p.thumbnail)
        if thumbnail:
            out.append(_thumbnail_lines(thumbnail))
        if entry.upvotes is not None:
            out.append(f"Vote: {entry.upvotes}\n\n")
        out.append(f"Authors: {escape_authors([_flat(a) for a in p.authors])}\n\n")
        for s in format_order(entry.summary.sections):
            if s.label is not None:
                out.append(f"- ***{escape_label(_flat(s.label))}***: {escape_text(_flat(s.text))}\n")
            else:
                out.append(f"- {escape_text(_flat(s.text), bullet=True)}\n")
        out.append("\n")
    return "".join(out)


def _thumbnail_lines(url: str) -> str:
    if is_video(url):
        return f'[Watch Video]({url})\n<div><video controls src="{url}" muted="false"></video></div>\n\n'
    return f"![]({url})\n\n"


def _flat(text: str) -> str:
    # Text is stored on one line already; this only guards the layout against a stray newline.
    return re.sub(r"\s*[\r\n]\s*", " ", text) if "\n" in text or "\r" in text else text


# -- URLs ---------------------------------------------------------------------------------------

_HTTP_URL = re.compile(r"https?://[^\s/?#\\]", re.I)
# Characters that could end `![](URL)`, `[Watch Video](URL)` or `src="URL"`, or that a viewer
# reads as markup there; white space, control and other invisible characters are added per char.
_URL_UNSAFE = frozenset("\"'<>()[]\\`")


def _encode_url(url: str) -> str:
    if all(ch.isprintable() and not ch.isspace() and ch not in _URL_UNSAFE for ch in url):
        return url
    return "".join(ch if ch.isprintable() and not ch.isspace() and ch not in _URL_UNSAFE
                   else "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
                   for ch in url)


def digest_url(url: str | None) -> str | None:
    """The URL as the digest writes it: None unless it is http(s); percent-encoded where it holds
    white space, control characters, quotes, `<`, `>`, brackets, parentheses, a backslash or a
    backtick. An ordinary URL comes back as it is, and an encoded one too (`%` is left alone)."""
    if not url:
        return None
    url = url.strip()
    return _encode_url(url) if _HTTP_URL.match(url) else None


# -- text -----------------------------------------------------------------------------------------

_PUNCT = frozenset(string.punctuation)  # what CommonMark lets a backslash escape
_ENTITY_LIKE = re.compile(r"#?[0-9A-Za-z]+;")  # after `&`: anything a viewer might read as an entity
_SPECIAL = re.compile(r"[\\<>&\[\]()`]")
_BACKTICKS = re.compile(r"`+")


def _code_spans(text: str) -> list[tuple[int, int]]:
    """The code spans CommonMark finds in `text`, backticks included: a run of n backticks up to
    the next run of exactly n. Escaping never adds, removes or escapes a backtick outside a label,
    so the spans of the written text are those of the text itself."""
    runs = [m.span() for m in _BACKTICKS.finditer(text)]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        a, b = runs[i]
        j = next((k for k in range(i + 1, len(runs)) if runs[k][1] - runs[k][0] == b - a), None)
        if j is None:
            i += 1
        else:
            spans.append((a, runs[j][1]))
            i = j + 1
    return spans


def _outside(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The stretches of a text of `length` characters between its code spans."""
    out, pos = [], 0
    for a, b in spans:
        out.append((pos, a))
        pos = b
    out.append((pos, length))
    return out


def _escape(text: str, marks: set[int], spans: list[tuple[int, int]], backticks: bool = False,
            lead: str | None = None) -> str:
    """`text` as Markdown that shows it as it is. `marks`: positions of ASCII punctuation to escape
    with a backslash (brackets that would make a link, a character that would start a block);
    `spans`: code spans, written as they are; `backticks`: escape backticks too (a label);
    `lead`: what to write for the first character instead (`&#96;` for the backtick of a fence)."""
    out: list[str] = []
    n = len(text)
    for start, end in _outside(spans, n):
        for i in range(start, end):
            ch = text[i]
            if i == 0 and lead is not None:
                out.append(lead)
            elif ch == "\\":
                nxt = text[i + 1] if i + 1 < n else ""
                out.append("\\\\" if not nxt or nxt in _PUNCT else "\\")
            elif ch == "<":
                out.append("&lt;")
            elif ch == ">":
                out.append("&gt;")
            elif ch == "&":
                out.append("&amp;" if _ENTITY_LIKE.match(text, i + 1) else "&")
            elif i in marks or (backticks and ch == "`"):
                out.append("\\" + ch)
            else:
                out.append(ch)
        if end < n:
            span = next(b for a, b in spans if a == end)
            out.append(text[end:span])
    return "".join(out)


def _link_closers(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Every `]` right before a `(`, outside code spans: each would close a link or an image."""
    return {i for a, b in _outside(spans, len(text)) for i in range(a, b)
            if text[i] == "]" and i + 1 < len(text) and text[i + 1] == "("}


_BLOCK_STARTS = (
    re.compile(r"#{1,6}(?=[ \t]|$)"),                # a heading
    re.compile(r"[-+*](?=[ \t]|$)|\*\*"),            # a nested list, or what reads as a bold label
    re.compile(r"([-*_])(?:[ \t]*\1)+[ \t]*$"),      # a thematic break (with the item's own `-`)
    re.compile(r"~{3,}"),                            # a fence
    re.compile(r"\[.*\]:"),                          # a link reference definition
)
_ORDERED = re.compile(r"\d{1,9}(?=[.)](?:[ \t]|$))")


def escape_text(text: str, bullet: bool = False) -> str:
    """A section's text (or a label-less point, `bullet`, which also starts a block: a leading `#`,
    `- `, `1. `, `---`, a fence or `[x]:` is escaped so that it stays the point's text). A fence of
    backticks starts with `&#96;`: a backslash there would change the code spans that follow."""
    marks: set[int] = set()
    lead = None
    if bullet:
        if text.startswith("```"):
            lead = "&#96;"
        elif any(p.match(text) for p in _BLOCK_STARTS):
            marks.add(0)
        elif m := _ORDERED.match(text):
            marks.add(m.end())
    if not marks and lead is None and not _SPECIAL.search(text):
        return text
    spans = _code_spans("\0" + text[1:] if lead else text)
    return _escape(text, marks | _link_closers(text, spans), spans, lead=lead)


def escape_label(label: str) -> str:
    """A section label, between `***` on the line its text follows: no code span may start in it."""
    return _escape(label, _link_closers(label, []), [], backticks=True) if _SPECIAL.search(label) else label


def escape_authors(names: list[str]) -> str:
    """The names joined by `, `, escaped as one text; a leading `[` is escaped so that the line is
    not read as the older Python-list variant."""
    text = ", ".join(names)
    if not _SPECIAL.search(text):
        return text
    spans = _code_spans(text)
    marks = _link_closers(text, spans) | ({0} if text.startswith("[") else set())
    return _escape(text, marks, spans)


def _unbalanced(title: str, spans: list[tuple[int, int]] | None = None) -> set[int]:
    """Indexes of brackets and parentheses that have no partner, and so would break the link, and
    of both brackets of a pair that would make a link of its own (`[a](b)`). Code spans are not
    looked into: CommonMark does not either."""
    bad: set[int] = set()
    stretches = _outside(spans or [], len(title))
    for opener, closer in _PAIRS.items():
        stack: list[int] = []
        for a, b in stretches:
            for i in range(a, b):
                ch = title[i]
                if ch == opener:
                    stack.append(i)
                elif ch == closer:
                    if stack:
                        o = stack.pop()
                        if ch == "]" and i + 1 < len(title) and title[i + 1] == "(":
                            bad.update((o, i))
                    else:
                        bad.add(i)
        bad.update(stack)
    return bad


def escape_title(title: str) -> str:
    """A paper title as written in its heading's link, escaped so that it shows as itself (see the module docstring)."""
    if not _SPECIAL.search(title):
        return title
    spans = _code_spans(title)
    bad = _unbalanced(title, spans)
    # A backslash at the very end would escape the `]` that closes the title's link: `_escape`
    # doubles it, as it doubles one before any punctuation.
    return _escape(title, bad, spans)


_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")


def _unescape_match(m: re.Match[str]) -> str:
    if m.group(1) is not None:
        return m.group(1)
    ref = m.group(2)
    if ref.startswith("#"):
        return html.unescape(m.group(0))
    return html5.get(ref + ";", m.group(0))


def unescape_text(text: str, code: bool = True) -> str:
    """What a CommonMark viewer shows of escaped text: backslash escapes and entities undone outside
    code spans (`code=False`: a label, where backticks are escaped and no code span can be).
    The exact inverse of the escaping `render` does; also reads the older archives' text as their
    readers saw it (`3.6\\%` is `3.6%`)."""
    if "\\" not in text and "&" not in text:
        return text
    spans = _code_spans(text) if code and "`" in text else []
    out: list[str] = []
    for a, b in _outside(spans, len(text)):
        out.append(_UNESCAPE.sub(_unescape_match, text[a:b]))
        if b < len(text):
            out.append(text[b:next(e for s, e in spans if s == b)])
    return "".join(out)


def unescape_title(text: str) -> str:
    """A title as read from a heading's link: the escaping of `escape_title` undone."""
    return unescape_text(text)


# -- reading ------------------------------------------------------------------------------------

@dataclass
class ParsedPaper:
    """A paper as a digest file gives it; `line` is where its heading stands."""

    id: str
    title: str
    authors: list[str] = field(default_factory=list)
    thumbnail: str | None = None
    upvotes: int | None = None
    sections: list[Section] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedDay:
    """A day of a digest file and its papers."""

    date: str
    papers: list[ParsedPaper] = field(default_factory=list)


@dataclass
class ParsedFile:
    """What a digest file holds, what reading it normalized, and the lines it skipped."""

    days: list[ParsedDay]
    notes: list[str] = field(default_factory=list)  # what was normalized, for the user
    warnings: list[str] = field(default_factory=list)  # lines that could not be read, and were skipped


_HEADING = re.compile(r"^## Daily Papers \((\d{4}-\d{2}-\d{2})\)\s*$")
_TITLE = re.compile(r"^### \[(.*)\]\((\S+?)\)\s*$")
_IMAGE = re.compile(r"^!\[[^\]]*\]\((\S+)\)\s*$")
_VIDEO_LINK = re.compile(r"^\[Watch Video\]\(?(\S+?)\)?\s*$")
_VIDEO_TAG = re.compile(r"^<div><video\b.*</video></div>\s*$")
_BARE_VIDEO = re.compile(r"""^<video\b[^>]*\bsrc=(["'])(\S+?)\1[^>]*>\s*</video>\s*$""")
_VOTE = re.compile(r"^Vote: (\d+)\s*$")
_NO_VOTE = re.compile(r"^Vote:\s*[-–—?]?\s*$")
_BOLD_ITALIC = re.compile(r"^- \*\*\*(.+?)\*\*\*: ?(.*)$")
_BOLD = re.compile(r"^- \*\*(.+?)(:?)\*\*(:?) ?(.*)$")
_BULLET = re.compile(r"^[-*] (.*)$")


def parse(text: str, source: str = "<digest>") -> ParsedFile:
    """Read a digest. A line that cannot be understood is skipped with a warning naming the file and
    the line (in `ParsedFile.warnings`), and the rest of the file is read; only a file with no
    `## Daily Papers (DATE)` heading at all raises FormatError."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").split("\n")
    reader = _Reader(source)
    for number, line in enumerate(lines, start=1):
        reader.feed(number, line)
    return reader.finish(text)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.days: dict[str, ParsedDay] = {}
        self.day: ParsedDay | None = None
        self.paper: ParsedPaper | None = None
        self.skipping = False  # inside a paper block whose heading could not be read
        self.notes: list[str] = []
        self.warnings: list[str] = []
        self.first_unread: int | None = None
        self.headings = 0
        self._noted: set[str] = set()

    def note(self, kind: str, message: str) -> None:
        if kind not in self._noted:
            self._noted.add(kind)
            self.notes.append(message)

    def warn(self, number: int, message: str) -> None:
        self.first_unread = self.first_unread or number
        self.warnings.append(f"{self.source}, line {number}: {message}")

    def feed(self, number: int, line: str) -> None:
        stripped = line.strip()
        if not stripped:
            return
        if m := _HEADING.match(line):
            self._close_paper()
            self.headings += 1
            date = m.group(1)
            if date in self.days:
                self.note("runs", f"line {number}: a second run for {date} was merged into the first "
                                  "(a paper listed twice keeps the later text)")
            self.day = self.days.setdefault(date, ParsedDay(date))
            return
        if self.day is None:
            self.warn(number, f"skipped, it comes before the first '## Daily Papers (YYYY-MM-DD)' "
                              f"heading: {stripped[:80]!r}")
            return
        if line.startswith("### "):
            self._close_paper()
            self.paper = self._title(number, line)
            self.skipping = self.paper is None
            return
        if self.skipping:
            return  # the rest of a block whose heading was reported
        if self.paper is None:
            self.warn(number, f"skipped, text outside a paper block: {stripped[:80]!r}")
            return
        self._paper_line(number, line, stripped)

    def _title(self, number: int, line: str) -> ParsedPaper | None:
        m = _TITLE.match(line)
        if not m or "](" not in line:
            self.warn(number, "a paper heading must be '### [TITLE](https://arxiv.org/abs/ID)'; "
                              f"this paper was skipped: {line.strip()[:80]!r}")
            return None
        inner = line[len("### ["):line.rstrip().rindex(")")]
        cut = inner.rindex("](")
        title, url = inner[:cut], inner[cut + 2:]
        paper_id = _paper_id(url)
        if paper_id is None:
            self.warn(number, f"the link {url[:80]!r} is not an arXiv abstract URL; this paper was skipped")
            return None
        return ParsedPaper(id=paper_id, title=unescape_title(title), line=number)

    def _paper_line(self, number: int, line: str, stripped: str) -> None:
        p = self.paper
        assert p is not None
        if m := _IMAGE.match(stripped):
            p.thumbnail = m.group(1)
        elif m := _VIDEO_LINK.match(stripped):
            if not stripped.startswith("[Watch Video]("):
                self.note("video", f"line {number}: '[Watch Video]URL' read as a video link")
            p.thumbnail = m.group(1)
        elif _VIDEO_TAG.match(stripped):
            if p.thumbnail is None:
                src = re.search(r'src="([^"]+)"', stripped)
                p.thumbnail = src.group(1) if src else None
        elif m := _BARE_VIDEO.match(stripped):
            self.note("bare-video", f"line {number}: a bare '<video src=...>' line read as the paper's video")
            p.thumbnail = p.thumbnail or m.group(2)
        elif m := _VOTE.match(stripped):
            p.upvotes = int(m.group(1))
        elif _NO_VOTE.match(stripped):
            self.note("no-vote", f"line {number}: '{stripped}' read as votes unknown")
        elif stripped.startswith("Authors:"):
            p.authors = self._authors(number, line[len("Authors:"):])
        elif m := _BOLD_ITALIC.match(line):
            self._section(number, m.group(1), m.group(2))
        elif m := _BOLD.match(line):
            self.note("bold", f"line {number}: section labels in bold were read as bold italics")
            self._section(number, m.group(1), m.group(4))
        elif m := _BULLET.match(stripped):
            self.note("points", f"line {number}: unlabeled bullets were kept as a list of points")
            p.sections.append(Section(None, unescape_text(m.group(1).strip())))
        elif p.sections:
            # A hard-wrapped section: the sentence belongs to the section above it.
            last = p.sections.pop()
            p.sections.append(Section(last.label, f"{last.text} {unescape_text(stripped)}"))
            self.note("wrap", f"line {number}: a wrapped section line was joined to the one before")
        else:
            self.warn(number, f"skipped, cannot tell what this line is: {stripped[:80]!r}")

    def _section(self, number: int, label: str, text: str) -> None:
        assert self.paper is not None
        if not text.strip():  # nothing to keep; a section the summary does not have is left out
            self.note("empty", f"line {number}: a section with no text was left out")
            return
        self.paper.sections.append(Section(unescape_text(label, code=False), unescape_text(text)))

    def _authors(self, number: int, rest: str) -> list[str]:
        value = rest[1:] if rest.startswith(" ") else rest
        if value.strip().startswith("["):
            try:
                names = ast.literal_eval(value.strip())
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                names = None
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                self.warn(number, "skipped, the Authors line looks like a Python list of names but is "
                                  f"not one: {value.strip()[:80]!r}")
                return []
            self.note("authors", f"line {number}: an Authors line written as a Python list was read")
            return names
        return unescape_text(value).split(", ") if value else []

    def _close_paper(self) -> None:
        if self.paper is None or self.day is None:
            self.paper = None
            return
        p, day = self.paper, self.day
        for i, old in enumerate(day.papers):
            if old.id == p.id:
                # The later text wins; the first position stays; what the later block leaves out
                # (its sections, thumbnail, vote, authors) is kept from the earlier one.
                p.title = p.title or old.title
                p.authors = p.authors or old.authors
                p.thumbnail = p.thumbnail or old.thumbnail
                p.upvotes = old.upvotes if p.upvotes is None else p.upvotes
                p.sections = p.sections or old.sections
                day.papers[i] = p
                break
        else:
            day.papers.append(p)
        self.paper = None

    def finish(self, text: str) -> ParsedFile:
        self._close_paper()
        if not self.days:
            first = f" (line {self.first_unread} is the first line of text)" if self.first_unread else ""
            raise FormatError(f"{self.source}: no '## Daily Papers (YYYY-MM-DD)' heading{first}; is this a digest?")
        if not text.endswith("\n\n"):
            self.note("end", "the file did not end with a blank line")
        return ParsedFile(days=list(self.days.values()), notes=self.notes, warnings=self.warnings)


def _paper_id(url: str) -> str | None:
    for prefix in (ABS_PREFIX, "http://arxiv.org/abs/", "https://huggingface.co/papers/"):
        if url.startswith(prefix):
            found = arxiv_id(url[len(prefix):])
            return found[0] if found else None
    return None
