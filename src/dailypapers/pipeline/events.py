"""What the day's workflow tells its caller as it goes: events, one dataclass each, handed to a
`Reporter`. The CLI prints them; a library caller may collect them, log them or ignore them. The
workflow never prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from dailypapers.models import Digest
from dailypapers.progress import NoProgress, Progress

if TYPE_CHECKING:
    from dailypapers.pipeline.deliver import PublishReport
    from dailypapers.pipeline.fetch import FetchReport
    from dailypapers.pipeline.summarize import SummarizeReport
    from dailypapers.publish.site import SiteReport


@dataclass(frozen=True)
class Waiting:
    """Another run holds the home's run lock; this one waits (`message` says for how long)."""

    message: str


@dataclass(frozen=True)
class Fetched:
    """A day's listing was read and stored from `source` (`categories`: those of an arXiv source)."""

    report: FetchReport
    source: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class SteppedBack:
    """Nothing was listed for `day` yet (Hugging Face fills a date over many hours): `previous` instead."""

    day: str
    previous: str


@dataclass(frozen=True)
class Summarized:
    """A day's summaries were made; the report says how many, what failed and what it cost."""

    report: SummarizeReport


@dataclass(frozen=True)
class Written:
    """The day's digest was written to `path`."""

    path: Path
    digest: Digest


@dataclass(frozen=True)
class SiteBuilt:
    """The site was built (or rebuilt) from every day the store holds."""

    report: SiteReport


@dataclass(frozen=True)
class Published:
    """A day went to one day publisher (e-mail, a chat service): what was sent, or why not."""

    report: PublishReport


@dataclass(frozen=True)
class TargetFailed:
    """A publish target failed as a whole (its own bug, a site that could not be built); the
    others went on."""

    target: str
    reason: str


@dataclass(frozen=True)
class EmptyDay:
    """A day had no papers, so no digest was written: `why` says so in one line; `expected`: the
    day should have had papers (a weekday that is not a holiday)."""

    date: str
    why: str
    expected: bool


@dataclass(frozen=True)
class Warned:
    """A day's ledger has a warning (a weekday with no papers, too many failed): `message` names
    the day and language."""

    date: str
    lang: str
    message: str


@dataclass(frozen=True)
class Alerted:
    """A day with warnings was posted as a one-line alert to a chat target and channel (`alert`)."""

    target: str
    channel: str
    date: str
    lang: str
    text: str


@dataclass(frozen=True)
class Queued:
    """Work went to the work queue, or a worker did some of it: `message` says what (the days of a
    `run --queue`, a day's papers given out, a worker waiting for the database)."""

    message: str


class Reporter(Protocol):
    """Where the workflow's events go, and the progress display for its long steps."""

    def event(self, event: Any) -> None: ...

    def progress(self) -> Progress: ...


@dataclass
class Collect:
    """A reporter that keeps every event (for library callers and tests), with no progress shown."""

    events: list[Any] = field(default_factory=list)

    def event(self, event: Any) -> None:
        """Keep the event."""
        self.events.append(event)

    def progress(self) -> Progress:
        """No progress display."""
        return NoProgress()

    def of(self, kind: type) -> list[Any]:
        """The events of one kind, in order."""
        return [e for e in self.events if isinstance(e, kind)]
