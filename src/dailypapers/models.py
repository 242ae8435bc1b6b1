"""Plain data that flows between the stages. Standard library only, so every stage can import it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypeVar

SECTION_LABELS = ("What's New", "Technical Details", "Performance Highlights")
# JSON keys the LLM answers with, in the order of SECTION_LABELS.
SECTION_KEYS = ("whats_new", "technical_details", "performance_highlights")
VIDEO_SUFFIXES = (".mp4", ".webm")

T = TypeVar("T")


def format_order(sections: list[T], label: Callable[[T], str | None] = attrgetter("label")) -> list[T]:
    """The three labels in FORMAT.md order, in the places they hold; other labels stay where they
    are. `label` reads the label of an item (a Section by default)."""
    known = sorted((s for s in sections if label(s) in SECTION_LABELS),
                   key=lambda s: SECTION_LABELS.index(label(s)))
    queue = iter(known)
    return [next(queue) if label(s) in SECTION_LABELS else s for s in sections]


def is_video(url: str) -> bool:
    """Whether a media URL names a video (by its suffix, query and fragment aside)."""
    return url.split("?", 1)[0].split("#", 1)[0].lower().endswith(VIDEO_SUFFIXES)


@dataclass
class Paper:
    """A paper as the store knows it: identity by arXiv id, plus what the sources said of it."""

    id: str
    title: str
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    version: int | None = None
    published_at: str | None = None
    thumbnail: str | None = None
    media_urls: list[str] = field(default_factory=list)
    num_comments: int | None = None
    github_repo: str | None = None
    github_stars: int | None = None
    project_page: str | None = None
    ai_keywords: list[str] = field(default_factory=list)
    ai_summary: str | None = None
    organization: str | None = None
    # From the arXiv API.
    updated_at: str | None = None
    categories: list[str] = field(default_factory=list)
    primary_category: str | None = None
    affiliations: list[list[str]] = field(default_factory=list)  # per author, in author order
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    pdf_link: str | None = None
    # The first figure of the paper's arXiv HTML (of this version), when it was read: the image's
    # URL on arXiv and its caption (text.clean_figure checked both).
    figure_url: str | None = None
    figure_caption: str | None = None

    @property
    def url(self) -> str:
        """Its arXiv abstract page."""
        return f"https://arxiv.org/abs/{self.id}"

    @property
    def pdf_url(self) -> str:
        """Its PDF on arXiv (the latest version)."""
        return f"https://arxiv.org/pdf/{self.id}"


@dataclass
class ListingEntry:
    """One paper's place in one day's listing, with its upvotes as last read."""

    date: str
    paper: Paper
    source: str
    position: int = 0
    upvotes: int | None = None
    upvotes_read_at: str | None = None


@dataclass
class Listing:
    """A day's listing as a source returned it, with the raw bytes it came from."""

    date: str
    source: str
    entries: list[ListingEntry]
    raw: list[str] = field(default_factory=list)  # one raw body per page, kept for re-parsing
    url: str = ""
    warnings: list[str] = field(default_factory=list)  # items skipped, values mended or dropped


@dataclass(frozen=True)
class Section:
    """One section of a summary. `label` is None for an unlabeled bullet of the older style."""

    label: str | None
    text: str


@dataclass(frozen=True)
class SummaryKey:
    """What makes two summaries the same work; the same key is never sent to an LLM twice."""

    paper_id: str
    version: int
    text_source: str
    lang: str
    model: str
    prompt_version: str


@dataclass
class Usage:
    """Tokens and requests spent on LLM calls."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    def add(self, other: Usage) -> None:
        """Add another usage to this one."""
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.requests += other.requests


HARD, SOFT = "hard", "soft"


@dataclass(frozen=True)
class Finding:
    """What a quality check found. HARD: not publishable; SOFT: published, and kept with it."""

    rule: str      # shape, language, numbers, terms, links, names, injection, output
    severity: str  # HARD or SOFT
    reason: str    # for a person: what is wrong and where
    section: str | None = None  # the section label it is about, if any

    def as_dict(self) -> dict[str, str | None]:
        """As plain data, for the store and JSON."""
        return {"rule": self.rule, "severity": self.severity, "reason": self.reason, "section": self.section}


@dataclass(frozen=True)
class Evidence:
    """Where a claim of a summary (a figure, a name, a parenthesized term) stands in the paper.

    `start`/`end` locate the claim in its summary section's text (None when they cannot be given);
    `source` is the title of the paper section the claim was matched to ("Title", "Abstract",
    "4 Experiments"), `anchor` its id in arXiv's HTML when known, `offset`/`length` the matched
    sentence in that section's text, and `sentence` the sentence itself. A claim the paper does not
    back has `found` False and no sentence."""

    section: str
    kind: str  # figure, name, term
    claim: str
    found: bool
    start: int | None = None
    end: int | None = None
    source: str | None = None
    anchor: str | None = None
    offset: int | None = None
    length: int | None = None
    sentence: str | None = None

    def as_dict(self) -> dict[str, object]:
        """As plain data, for the store and JSON."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Summary:
    """One summary of a paper: its key (the paper version, text, language, model and prompt it was made
    from), its sections, and what making it cost and found."""

    key: SummaryKey
    sections: list[Section]
    usage: Usage = field(default_factory=Usage)
    created_at: str | None = None
    findings: list[Finding] = field(default_factory=list)  # soft findings it was published with
    attempts: int = 1  # answers asked for, repairs included
    cost: float | None = None  # US dollars, when the model's price is known
    evidence: list[Evidence] = field(default_factory=list)  # where its claims stand in the paper

    def as_dict(self) -> dict[str, str]:
        """The sections as label -> text, an unlabeled bullet of the older style as `Point N`."""
        out: dict[str, str] = {}
        points = 0
        for s in self.sections:
            if s.label is None:
                points += 1
                out[f"Point {points}"] = s.text
            else:
                out[s.label] = s.text
        return out


@dataclass(frozen=True)
class TextSection:
    """A section of a paper's text. `kind` orders what a token budget keeps first: abstract,
    introduction, conclusion, results, captions, method, other, appendix. `anchor` is the
    section's id in arXiv's HTML (`S3`), when the text came from there."""

    title: str
    text: str
    kind: str = "other"
    anchor: str | None = None


@dataclass(frozen=True)
class Figure:
    """A figure of a paper: its image's URL (absolute, on arXiv) and its caption, one line."""

    url: str
    caption: str


@dataclass
class PaperText:
    """The text a summary reads, and where it came from (abstract, html, pdf, import).
    `sections` is the paper cut into sections; `omitted` names those a budget left out."""

    paper_id: str
    source: str
    text: str
    sections: list[TextSection] = field(default_factory=list)
    omitted: list[str] = field(default_factory=list)


@dataclass
class Failure:
    """A paper a run could not do, and why: `reason` for people, `code` (one of REASON_CODES) to
    count and group by."""

    paper_id: str
    reason: str
    code: str = "error"


# Why a paper was not summarized (Failure.code), or what befell a whole day (DayLedger.events), in a
# word each.
REASON_CODES = {
    "no-text": "no text could be read (not even the abstract)",
    "llm-refused": "the LLM provider refused the credentials",
    "llm-error": "the LLM could not be reached or failed after its retries",
    "llm-output": "the LLM's answer was not a usable summary",
    "checks-hard": "the checks found a hard problem in every answer",
    "budget": "not attempted: the budget would have been exceeded",
    "llm-stopped": "not attempted: the provider kept failing, so the run stopped asking it",
    "interrupted": "not attempted: the run was interrupted",
    "store": "the answer could not be stored",
    "plugin-bug": "a backend plugin raised an unexpected error",
    "arxiv-unreachable": "arXiv could not be reached: no metadata or full text, so less (or no) text was read",
    "not-listed-yet": "nothing was listed for the day yet, so the run stepped back to the day before",
    "listing-failed": "the day's listing could not be read from its source",
    "holiday": "a holiday the holidays setting names: no papers were expected",
    "error": "another error",
}


@dataclass
class DayLedger:
    """What happened to one day in one language, across its runs: the answer to "why did nothing
    arrive today?" (for `stats`, the site's status page, the footer of feeds and e-mail)."""

    date: str
    lang: str
    listed: int = 0  # papers the source listed for the day
    summarized: int = 0  # papers with a summary in `lang`
    read: dict[str, int] = field(default_factory=dict)  # text source (html, pdf, abstract, import) -> papers
    failed: list[Failure] = field(default_factory=list)  # the latest failure of each paper not summarized
    published: list[tuple[str, str, str]] = field(default_factory=list)  # (target, channel, when, ISO UTC)
    warnings: list[str] = field(default_factory=list)  # a weekday with no papers, too many failures, ...
    runs: int = 0
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (code, detail, when ISO UTC): a step back, ...

    @property
    def missing(self) -> int:
        """Papers listed but neither summarized nor failed (not tried yet)."""
        return max(0, self.listed - self.summarized - len(self.failed))

    def failed_by_code(self) -> dict[str, int]:
        """How many papers failed for each reason code, the most frequent first."""
        counts: dict[str, int] = {}
        for f in self.failed:
            counts[f.code] = counts.get(f.code, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))


@dataclass
class DigestEntry:
    """A paper in a day's digest, with its upvotes and its summary (None when it has none)."""

    paper: Paper
    upvotes: int | None
    summary: Summary | None


@dataclass
class Digest:
    """A day's papers in one language, in listing order, each summary in the same summary style."""

    date: str
    lang: str
    entries: list[DigestEntry]
    ledger: DayLedger | None = None  # what happened to the day, for footers (never in the Markdown)
    sections: tuple[str, ...] = SECTION_LABELS  # the names of its summary style's sections, in order
