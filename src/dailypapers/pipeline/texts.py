"""Use case: the text a summary reads, for each paper: stored full text, else arXiv's HTML or
PDF (downloaded politely, cached, read in a limited child), else the abstract, cut to the budget."""

from __future__ import annotations

import copy

from dailypapers.config import Settings
from dailypapers.errors import ArxivUnreachable, ConfigError, ExtractionFailed, FullTextError, SourceError, Unavailable
from dailypapers.fulltext.fetch import FullTextFetcher, read_text
from dailypapers.http import RetryPolicy
from dailypapers.models import Paper, PaperText, TextSection
from dailypapers.pipeline.wiring import arxiv_client, arxiv_gate
from dailypapers.sources.arxiv_atom import split_id
from dailypapers.store import Store
from dailypapers.styles import SECTIONS, Style
from dailypapers.summarize.prompts import overhead_tokens

MIN_TEXT_TOKENS = 100  # of a paper's text a prompt keeps, however small --max-input-tokens is


class TextReader:
    """Finds the text each summary reads, in the order the settings give (`sources`); cut to the
    token budget. One arXiv gate serves the API and the downloads."""

    def __init__(self, store: Store, settings: Settings, sources: tuple[str, ...] | None = None,
                 max_tokens: int | None = None, style: Style = SECTIONS) -> None:
        self.store = store
        self.style = style  # whose instructions share the budget with the text
        self.sources = sources or settings.sources_order()
        self.max_tokens = max_tokens or settings.max_input_tokens
        gate = arxiv_gate(settings, store)
        self.arxiv = arxiv_client(settings, gate)
        policy = RetryPolicy(retries=min(settings.retries, 2), max_wait=settings.max_retry_wait)
        self.fetcher = FullTextFetcher(settings.arxiv_url, settings.cache_dir / "papers", gate,
                                       max_pdf_bytes=int(settings.max_pdf_mb * 1024 * 1024),
                                       timeout=settings.timeout, policy=policy)
        self.notes: list[str] = []
        self.fallbacks: list[tuple[str, str, tuple[str, ...]]] = []  # (paper id, source read, why not the others)

    def fresh(self) -> TextReader:
        """A reader of its own (notes, fallbacks, whether arXiv was reachable) that shares this one's
        HTTP clients and gate: a worker makes one per job, and the clients once (8 ms each time)."""
        other = copy.copy(self)
        other.fetcher = copy.copy(self.fetcher)
        other.fetcher.unreachable = None
        other.notes, other.fallbacks = [], []
        return other

    @property
    def needs_arxiv(self) -> bool:
        """Whether a source besides the abstract is tried (so arXiv is asked)."""
        return any(s != "abstract" for s in self.sources)

    @property
    def unreachable(self) -> str | None:
        """Why arXiv could not be reached (its metadata or downloads) by this reader, or None."""
        return self.fetcher.unreachable

    def complete_metadata(self, papers: list[Paper]) -> list[Paper]:
        """Ask arXiv for the version and metadata of papers that lack them (one request per 100)."""
        lacking = [p.id for p in papers if p.version is None]
        if not lacking or not self.needs_arxiv:
            return papers
        try:
            found, missing = self.arxiv.by_ids(lacking)
        except (SourceError, ConfigError) as e:
            self.notes.append(f"arXiv metadata not available, versions unknown: {e}")
            self.fetcher.unreachable = self.fetcher.unreachable or str(e)
            return papers
        for p in found:
            self.store.save_arxiv_metadata(p)
        if missing:
            self.notes.append(f"arXiv does not know {len(missing)} paper(s): {', '.join(missing)}")
        return [self.store.paper(p.id) or p for p in papers]

    def sections(self, paper: Paper, source: str) -> list[TextSection]:
        """One source's sections: as stored for this version, else fetched (and stored, with the
        first figure of an HTML page, for the site)."""
        keep = paper.version is not None and source != "abstract"
        stored = self.store.text(paper.id, paper.version, source) if keep and paper.version else None
        if stored:
            return stored
        got = self.fetcher.read(paper, source)
        if keep and paper.version:
            self.store.save_text(paper.id, paper.version, source, got.sections, got.figure)
        return got.sections

    def read(self, paper: Paper, sources: tuple[str, ...] | None = None) -> PaperText:
        """The first source that gives text, cut so that the whole prompt (instructions and title
        included) keeps to the budget; the sources that failed before it become a note."""
        budget = max(MIN_TEXT_TOKENS, self.max_tokens - overhead_tokens(paper, style=self.style))
        errors: list[tuple[str, FullTextError]] = []
        text, _ = read_text(self, paper, sources or self.sources, budget, errors)
        if errors:
            why = tuple(dict.fromkeys(self._why_not(paper, source, e) for source, e in errors))
            self.fallbacks.append((paper.id, text.source, why))
        return text

    def _why_not(self, paper: Paper, source: str, e: FullTextError) -> str:
        """Why a source gave no text, in words the same for every paper it happened to."""
        name = source.upper()
        detail = str(e).replace(f"{paper.id} ({source}): ", "").replace(f"{paper.id}: ", "")
        detail = detail.replace(f"{paper.id}v{paper.version}", "ID").replace(paper.id, "ID")
        if isinstance(e, ArxivUnreachable):
            return f"arXiv could not be reached ({self.fetcher.unreachable or e})"
        if isinstance(e, Unavailable):
            return f"arXiv has no {name} for them (HTTP 404)"
        if isinstance(e.__cause__, ExtractionFailed) or str(e).endswith("(remembered)"):
            return f"their {name} could not be read ({detail.removesuffix(' (remembered)')})"
        return detail

    def summary_notes(self) -> list[str]:
        """The notes, with the papers that read a later source grouped by what they read and why:
        "11 papers read only their abstract: arXiv could not be reached (...)"."""
        groups: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for paper_id, used, why in self.fallbacks:
            groups.setdefault((used, why), []).append(paper_id)
        lines = list(self.notes)
        for (used, why), ids in groups.items():
            what = "only their abstract" if used == "abstract" else f"their {used.upper()}"
            papers = f"{len(ids)} papers" if len(ids) > 1 else f"1 paper ({ids[0]})"
            lines.append(f"{papers} read {what}: {'; '.join(why)}")
        return lines


def paper_text(store: Store, settings: Settings, raw_id: str,
               source: str | None = None) -> tuple[PaperText, list[str]]:
    """The text a summary of this paper would read (for `dailypapers text`), as `summarize` reads
    it; the paper's arXiv metadata is fetched first when the store lacks it and a source needs
    arXiv (the abstract of a stored paper is read offline)."""
    try:
        paper_id, _ = split_id(raw_id)
    except ValueError as e:
        raise ConfigError(str(e))
    reader = TextReader(store, settings, (source,) if source else None)
    paper = store.paper(paper_id)
    if paper is None or (paper.version is None and reader.needs_arxiv):  # the abstract alone: offline
        found, missing = reader.arxiv.by_ids([raw_id])
        if missing:
            raise SourceError(f"arXiv does not know the paper {raw_id}", paper_id=raw_id)
        store.save_arxiv_metadata(found[0])
        paper = store.paper(paper_id) or found[0]
    return reader.read(paper), reader.summary_notes()


__all__ = ["MIN_TEXT_TOKENS", "FullTextError", "TextReader", "paper_text"]
