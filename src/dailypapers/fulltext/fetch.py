"""Download a paper's HTML or PDF from arXiv, politely and safely, and cache it by id and version.

Only the configured arXiv host is contacted (redirects elsewhere are refused), bodies are capped,
content types are checked, and a download is cached on disk: a paper's text does not change
within a version. A page that arXiv does not have (404) is remembered too, so it is not asked for
again. The text is read in a limited child process (`sandbox`); a file it cannot read is dropped
from the cache, and the reason remembered in its place.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from dailypapers.errors import (
    ArxivUnreachable,
    DownloadRefused,
    ExtractionFailed,
    FullTextError,
    GaveUp,
    LimitExceeded,
    Unavailable,
)
from dailypapers.fulltext.budget import select
from dailypapers.fulltext.sandbox import Extracted, ExtractLimits, extract_page
from dailypapers.fulltext.sections import render_sections
from dailypapers.http import HTML_PAGE, PDF_FILE, Gate, Limits, PoliteGate, RetryPolicy, guarded_client, request
from dailypapers.models import Paper, PaperText, TextSection
from dailypapers.text import strip_userinfo

DEFAULT_ARXIV_URL = "https://arxiv.org"
SOURCES = ("html", "pdf", "abstract")


class FullTextFetcher:
    """arxiv_url: where /html/ and /pdf/ pages live; cache_dir: downloads by id and version;
    gate: the shared arXiv politeness gate; max_pdf_bytes / max_html_bytes: size limits."""

    def __init__(self, arxiv_url: str = DEFAULT_ARXIV_URL, cache_dir: Path | None = None,
                 gate: Gate | None = None, max_pdf_bytes: int = 50 * 1024 * 1024,
                 max_html_bytes: int = 20 * 1024 * 1024, timeout: float = 60.0,
                 policy: RetryPolicy | None = None, extract_limits: ExtractLimits | None = None) -> None:
        self.arxiv_url = arxiv_url.rstrip("/")
        self.cache_dir = cache_dir
        self.policy = policy or RetryPolicy(retries=2)
        host = urlsplit(self.arxiv_url).hostname or ""
        self.max_pdf_bytes = max_pdf_bytes
        self.max_html_bytes = max_html_bytes
        self.gate = gate or PoliteGate(3.0)
        self.client = guarded_client({host}, timeout)
        # What each kind of download may cost: the caps are on decoded bytes, read as they come.
        self.limits = {"pdf": Limits(max_pdf_bytes, PDF_FILE.deadline, PDF_FILE.what),
                       "html": Limits(max_html_bytes, HTML_PAGE.deadline, HTML_PAGE.what)}
        self.extract_limits = extract_limits or ExtractLimits()
        self.unreachable: str | None = None  # set when arXiv cannot be reached: stop asking this run

    def sections(self, paper: Paper, source: str) -> list[TextSection]:
        """The paper's text from one source, or FullTextError saying why not."""
        return self.read(paper, source).sections

    def read(self, paper: Paper, source: str) -> Extracted:
        """The paper's text from one source, with the first figure of its HTML page (source html);
        FullTextError saying why not."""
        if source == "abstract":
            if not paper.abstract.strip():
                raise FullTextError(f"{paper.id}: no abstract is stored", paper_id=paper.id)
            return Extracted([TextSection("Abstract", paper.abstract, "abstract")])
        data = self._download(paper, source)
        where = f"{paper.id} ({source})"
        # The page's own address, as a folder: its images are named relative to it (`x1.png`).
        page_url = f"{self.arxiv_url}/html/{self._ref(paper)}/" if source == "html" else None
        try:
            return extract_page(source, data, where, self.extract_limits, page_url)
        except ExtractionFailed as e:  # a bad or hostile file: the next source is tried
            self._forget(paper, source, str(e))
            raise FullTextError(str(e), paper_id=paper.id) from e

    def _ref(self, paper: Paper) -> str:
        return f"{paper.id}v{paper.version}" if paper.version else paper.id

    def _forget(self, paper: Paper, kind: str, why: str) -> None:
        """Drop a cached download whose text could not be read, and remember why, so that neither
        the download nor the reading is tried again for this version."""
        cached = self._cache_path(self._ref(paper), kind)
        if cached is not None:
            cached.unlink(missing_ok=True)
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.with_suffix(cached.suffix + ".bad").write_text(why[:2000], encoding="utf-8")

    def _download(self, paper: Paper, kind: str) -> bytes:
        ref = self._ref(paper)
        cached = self._cache_path(ref, kind)
        if cached is not None:
            if cached.exists():
                return cached.read_bytes()
            if cached.with_suffix(cached.suffix + ".missing").exists():
                raise Unavailable(f"{paper.id}: arXiv has no {kind.upper()} for {ref} (remembered)",
                                  paper_id=paper.id)
            bad = cached.with_suffix(cached.suffix + ".bad")
            if bad.exists():
                raise FullTextError(f"{bad.read_text(encoding='utf-8', errors='replace')} (remembered)",
                                    paper_id=paper.id)
        if self.unreachable:
            raise ArxivUnreachable(f"{paper.id}: skipped {kind}: {self.unreachable}", paper_id=paper.id)
        url = f"{self.arxiv_url}/{kind}/{ref}"
        shown = strip_userinfo(url)
        try:
            response = request(self.client, "GET", url, self.policy, limits=self.limits[kind], gate=self.gate)
        except GaveUp as e:
            self.unreachable = f"arXiv at {self.arxiv_url} could not be reached ({e})"
            raise ArxivUnreachable(f"{paper.id}: {url}: {e}", paper_id=paper.id, url=shown)
        except (DownloadRefused, LimitExceeded) as e:
            raise FullTextError(f"{paper.id}: {e}", paper_id=paper.id, url=shown)
        if response.status_code == 404:
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.with_suffix(cached.suffix + ".missing").touch()
            raise Unavailable(f"{paper.id}: arXiv has no {kind.upper()} for {ref} ({url}: HTTP 404)",
                              paper_id=paper.id, url=shown)
        if response.status_code != 200:
            raise FullTextError(f"{paper.id}: {url}: HTTP {response.status_code}", paper_id=paper.id, url=shown)
        _check_type(response, kind, url, paper.id)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(cached.suffix + ".tmp")
            tmp.write_bytes(response.content)
            tmp.replace(cached)
        return response.content

    def _cache_path(self, ref: str, kind: str) -> Path | None:
        if self.cache_dir is None or "v" not in ref.split("/")[-1]:
            return None  # an unversioned download may change: not cached
        return self.cache_dir / (re.sub(r"[^A-Za-z0-9.\-]", "_", ref) + f".{kind}")


def _check_type(response: httpx.Response, kind: str, url: str, paper_id: str) -> None:
    ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    expected = {"html": ("text/html", "application/xhtml+xml"), "pdf": ("application/pdf",)}[kind]
    if ctype not in expected:
        raise FullTextError(f"{paper_id}: {url}: expected {expected[0]}, got {ctype or 'no content type'}",
                            paper_id=paper_id, url=strip_userinfo(url))


class TextSource(Protocol):
    """Anything that gives a paper's sections from one source, or FullTextError: the fetcher, or
    a reader that looks in the store first."""

    def sections(self, paper: Paper, source: str) -> list[TextSection]: ...


def read_text(fetcher: TextSource, paper: Paper, sources: tuple[str, ...] = SOURCES,
              max_tokens: int | None = None,
              errors: list[tuple[str, FullTextError]] | None = None) -> tuple[PaperText, list[str]]:
    """The first source that gives text, cut to the budget; and why the earlier ones did not (as
    text, and as the errors themselves in `errors` when given)."""
    problems: list[str] = []
    for source in sources:
        try:
            sections = fetcher.sections(paper, source)
        except FullTextError as e:
            problems.append(f"{source}: {e}")
            if errors is not None:
                errors.append((source, e))
            continue
        return budgeted(paper.id, source, sections, max_tokens), problems
    raise FullTextError(f"{paper.id}: no text to read: " + "; ".join(problems), paper_id=paper.id)


def budgeted(paper_id: str, source: str, sections: list[TextSection], max_tokens: int | None) -> PaperText:
    """The paper's text from these sections: as much as `max_tokens` allows (None: all of it), by the
    budget's priority, and the titles of the sections left out."""
    kept, omitted = select(sections, max_tokens) if max_tokens else (sections, [])
    return PaperText(paper_id, source, render_sections(kept), kept, omitted)
