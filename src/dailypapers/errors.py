"""Every error dailypapers raises on purpose, in one tree.

    DailyPapersError                 exit status 1 unless a subclass says otherwise
    ├── ConfigError                  bad settings or usage; exit status 2
    │   ├── NoLLMConfigured          summarize was asked for with no LLM named
    │   └── LLMUnavailable           the LLM's first request: a rejected key, no server, no such model
    ├── HTTPProblem                  an exchange that did not give an answer
    │   ├── GaveUp                   every attempt failed in transport (the caller re-raises its own)
    │   ├── DownloadRefused          a host not allowed, a redirect elsewhere
    │   └── LimitExceeded            an answer over its size cap or past its deadline (not retried)
    ├── SourceError                  a listing could not be read (network, HTTP status)
    │   └── ResponseShapeError       the response was not the shape we expect
    ├── FullTextError                a paper's HTML or PDF gave no text
    │   ├── Unavailable              arXiv has no such rendering (404), remembered
    │   ├── ArxivUnreachable         arXiv could not be reached (this download, and the rest of the run)
    │   ├── ExtractionFailed         the limited child ran out of memory or time, or crashed
    │   ├── HTMLTextError            the page is not an arXiv paper page, or nests too deeply
    │   └── PDFTextError             the file is not a readable PDF, or holds almost no text
    ├── LLMError                     one LLM request failed after its retries
    │   ├── LLMAuthError             the provider rejected the credentials
    │   └── LLMOutputError           the answer was not valid for the schema
    │       └── SummaryRejected      every answer had a hard finding of the checks
    ├── FormatError                  a digest file did not follow FORMAT.md; exit status 2
    ├── PublishError                 a mail server or chat service did not take a message
    │   └── SiteError                the site could not be built (the indexer failed, the folder is not ours)
    ├── StoreError                   the database could not be opened, read or written
    └── Busy                         another run holds the home's run lock past the wait

An error carries its context the way an httpx error carries `.request`: `paper_id`, `url`, `path`
and a `hint` (what to do), each None when it does not apply; `str(error)` is the whole message.
Errors of other libraries (httpx, SQLAlchemy, json, pypdfium2) are caught where they happen and
re-raised as one of these. (One exception lives elsewhere on purpose: `http.DeadlinePassed` is an
httpcore timeout, raised inside the transport so that httpx handles it as one, and always turned
into `LimitExceeded` before `http.request` returns.)
"""

from __future__ import annotations

from typing import Any


class DailyPapersError(Exception):
    """The root of the tree. `exit_code` is the CLI's exit status for it."""

    exit_code = 1

    def __init__(self, message: str = "", *, paper_id: str | None = None, url: str | None = None,
                 path: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.paper_id = paper_id
        self.url = url
        self.path = path
        self.hint = hint

    def context(self) -> dict[str, str]:
        """The context that is known, for logs and JSON reports."""
        found = {"paper_id": self.paper_id, "url": self.url, "path": self.path, "hint": self.hint}
        return {k: v for k, v in found.items() if v is not None}


class ConfigError(DailyPapersError):
    """Bad settings or usage: what to change is in the message."""

    exit_code = 2


class NoLLMConfigured(ConfigError):
    """A summary was asked for with no LLM named; the message lists the choices."""


class LLMUnavailable(ConfigError):
    """The LLM cannot be used at all (found by one small request before any work): the key is
    rejected, the server cannot be reached, or it has no such model."""


class HTTPProblem(DailyPapersError):
    """An HTTP exchange that did not give an answer."""


class GaveUp(HTTPProblem):
    """Raised by `http.request` when every attempt failed in transport; the caller re-raises its own."""


class DownloadRefused(HTTPProblem):
    """A download the guard would not make or finish: a host not allowed, a redirect elsewhere."""


class LimitExceeded(HTTPProblem):
    """An answer over its size limit or past its deadline. Not retried: the same server would only
    do it again."""


class SourceError(DailyPapersError):
    """A listing could not be read (the network, an HTTP status, an error from the API)."""


class ResponseShapeError(SourceError):
    """A source answered with something that is not the shape we expect."""


class FullTextError(DailyPapersError):
    """A paper's HTML or PDF gave no text."""


class Unavailable(FullTextError):
    """arXiv does not have this rendering (404): remembered, not asked for again."""


class ArxivUnreachable(FullTextError):
    """arXiv could not be reached: this download failed, and the run asks it no more."""


class ExtractionFailed(FullTextError):
    """The child could not give text: it ran out of memory or time, crashed, or the file was bad."""


class HTMLTextError(FullTextError):
    """The page is not an arXiv paper page, or its elements nest too deeply."""


class PDFTextError(FullTextError):
    """The file is not a readable PDF, or holds almost no text."""


class LLMError(DailyPapersError):
    """One LLM request failed after its retries."""

    usage: Any = None  # tokens spent before the failure, when known (a models.Usage)


class LLMAuthError(LLMError):
    """The provider rejected the credentials."""


class LLMOutputError(LLMError):
    """The answer was not valid for the schema, or could not be used."""


class SummaryRejected(LLMOutputError):
    """Every answer had a hard finding; `findings` says which."""

    def __init__(self, message: str, findings: list[Any], *, paper_id: str | None = None) -> None:
        super().__init__(message, paper_id=paper_id)
        self.findings = findings


class FormatError(DailyPapersError):
    """A digest file did not follow FORMAT.md."""

    exit_code = 2


class PublishError(DailyPapersError):
    """A mail server or chat service did not take a message."""


class SiteError(PublishError):
    """The site could not be built (the search indexer failed, the output folder is not ours)."""


class StoreError(DailyPapersError):
    """The database could not be opened, read or written."""


class Busy(DailyPapersError):
    """Another run holds the run lock of this home, past the time we were willing to wait."""
