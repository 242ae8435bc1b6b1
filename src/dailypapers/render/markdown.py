"""The newsletter Markdown of FORMAT.md, both ways: `render` writes it byte for byte, `parse`
reads it back (and the older variants the archives carry), reporting what it normalized."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from dailypapers.errors import FormatError
from dailypapers.models import SECTION_LABELS, VIDEO_SUFFIXES, Digest, Section
from dailypapers.text import one_line

ABS_PREFIX = "https://arxiv.org/abs/"
_PAIRS = {"[": "]", "(": ")"}


def render(digest: Digest) -> str:
    """The day's digest; entries without a summary are left out (the caller reports them)."""
    out = [f"## Daily Papers ({digest.date})\n\n"]
    for entry in digest.entries:
        if entry.summary is None or not entry.summary.sections:
            continue
        p = entry.paper
        out.append(f"### [{escape_title(one_line(p.title))}]({ABS_PREFIX}{p.id})\n\n")
        if p.thumbnail:
            out.append(_thumbnail_lines(p.thumbnail))
        if entry.upvotes is not None:
            out.append(f"Vote: {entry.upvotes}\n\n")
        out.append(f"Authors: {', '.join(_flat(a) for a in p.authors)}\n\n")
        for s in _format_order(entry.summary.sections):
            text = _flat(s.text)
            out.append(f"- ***{s.label}***: {text}\n" if s.label is not None else f"- {text}\n")
        out.append("\n")
    return "".join(out)


def is_video(url: str) -> bool:
    return url.split("?", 1)[0].split("#", 1)[0].lower().endswith(VIDEO_SUFFIXES)


def _thumbnail_lines(url: str) -> str:
    if is_video(url):
        return f'[Watch Video]({url})\n<div><video controls src="{url}" muted="false"></video></div>\n\n'
    return f"![]({url})\n\n"


def _flat(text: str) -> str:
    # Text is stored on one line already; this only guards the layout against a stray newline.
    return re.sub(r"\s*[\r\n]\s*", " ", text) if "\n" in text or "\r" in text else text


def _format_order(sections: list[Section]) -> list[Section]:
    """The three labels in FORMAT.md order, in the places they hold; other labels stay where they are."""
    known = sorted((s for s in sections if s.label in SECTION_LABELS),
                   key=lambda s: SECTION_LABELS.index(s.label))
    queue = iter(known)
    return [next(queue) if s.label in SECTION_LABELS else s for s in sections]


def _unbalanced(title: str) -> set[int]:
    """Indexes of brackets and parentheses that have no partner, and so would break the link."""
    bad: set[int] = set()
    for opener, closer in _PAIRS.items():
        stack: list[int] = []
        for i, ch in enumerate(title):
            if ch == opener:
                stack.append(i)
            elif ch == closer:
                if stack:
                    stack.pop()
                else:
                    bad.add(i)
        bad.update(stack)
    return bad


def escape_title(title: str) -> str:
    bad = _unbalanced(title)
    return "".join("\\" + ch if i in bad else ch for i, ch in enumerate(title))


def unescape_title(text: str) -> str:
    return re.sub(r"\\([\[\]()])", r"\1", text)


# -- reading ------------------------------------------------------------------------------------

@dataclass
class ParsedPaper:
    id: str
    title: str
    authors: list[str] = field(default_factory=list)
    thumbnail: str | None = None
    upvotes: int | None = None
    sections: list[Section] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedDay:
    date: str
    papers: list[ParsedPaper] = field(default_factory=list)


@dataclass
class ParsedFile:
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
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})$")


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
            p.sections.append(Section(None, m.group(1).strip()))
        elif p.sections:
            # A hard-wrapped section: the sentence belongs to the section above it.
            last = p.sections.pop()
            p.sections.append(Section(last.label, f"{last.text} {stripped}"))
            self.note("wrap", f"line {number}: a wrapped section line was joined to the one before")
        else:
            self.warn(number, f"skipped, cannot tell what this line is: {stripped[:80]!r}")

    def _section(self, number: int, label: str, text: str) -> None:
        assert self.paper is not None
        if not text.strip():  # nothing to keep; a section the summary does not have is left out
            self.note("empty", f"line {number}: a section with no text was left out")
            return
        self.paper.sections.append(Section(label, text))

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
        return value.split(", ") if value else []

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
            candidate = re.sub(r"v\d+$", "", url[len(prefix):])
            return candidate if _ARXIV_ID.match(candidate) else None
    return None
