"""Publishers: where a day's digest goes after it is written (e-mail, Slack, Discord, Telegram).

A publisher is one method, `publish(digest, journal) -> list[str]` (the ids of the messages it sent),
plus two names that make the key of what it sent: `target` ("email", "slack", ...) and `channel`
(the mailing list or chat channel). The journal says which parts of the day were sent already and
takes a record of each part right after the service accepted it, so a retry sends only the rest;
the pipeline keeps the journal in the store's `publications` table.

A publisher of the whole archive (the site) has `publish_archive(days)` instead: it is rebuilt on
every publish from every day, and keeps no journal.

Publishers are found by name in the `dailypapers.publishers` entry-point group (`plugins.Registry`);
the built-ins register there exactly as a plugin package would, and tests may `register` their own.
A factory is `make(options: PublishOptions, env) -> Publisher` (secrets and endpoints are read from
`env` only).

Owns: turning a digest into messages and sending them; the site's folder (media, search index,
the atomic swap). Must not import: sources, fulltext, summarize, checks, the store, the pipeline.
It may import `render`, whose pure renderers give it the pages to publish.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from dailypapers.config import PublishOptions
from dailypapers.plugins import Registry

if TYPE_CHECKING:
    from dailypapers.models import Digest
    from dailypapers.publish.site import SiteReport
    from dailypapers.render.site import SiteDay


class Journal(Protocol):
    """What was sent of one day to one target and channel, part by part."""

    def sent(self, part: str) -> str | None:
        """The message id recorded for `part` ("" when the service gives none), or None if unsent."""
        ...

    def record(self, part: str, message_id: str, detail: dict[str, Any] | None = None) -> None:
        """Record `part` as sent, with the message id the service gave and any detail."""


class Publisher(Protocol):
    """Sends one day's digest (`publish`), part by part, skipping the parts the journal has, and
    returns the ids of the messages it sent; a failure is a PublishError."""

    target: str   # "email", "slack", ...
    channel: str  # the list or channel it sends to; with target, date and lang, the key of a send

    def publish(self, digest: Digest, journal: Journal) -> list[str]: ...


class SitePublisher(Protocol):
    """A publisher of the whole archive rather than of one day (the site): it is rebuilt on every
    publish, from every day the store holds, and keeps no journal."""

    target: str
    channel: str

    def publish_archive(self, days: list[SiteDay], progress: Any = None) -> SiteReport: ...


class MemoryJournal:
    """A journal kept in memory: for code that embeds dailypapers, and for tests."""

    def __init__(self) -> None:
        self.parts: dict[str, tuple[str, dict[str, Any]]] = {}

    def sent(self, part: str) -> str | None:
        """The message id recorded for `part`, or None if unsent."""
        found = self.parts.get(part)
        return None if found is None else found[0]

    def record(self, part: str, message_id: str, detail: dict[str, Any] | None = None) -> None:
        """Record `part` as sent."""
        self.parts[part] = (message_id, detail or {})


Factory = Callable[[PublishOptions, Mapping[str, str]], "Publisher | SitePublisher"]
publishers: Registry[Factory] = Registry("dailypapers.publishers", "publish target", {
    "site": "dailypapers.publish.site:make",
    "email": "dailypapers.publish.email:make",
    "slack": "dailypapers.publish.slack:make",
    "discord": "dailypapers.publish.discord:make",
    "telegram": "dailypapers.publish.telegram:make",
})


def register(target: str, factory: Factory) -> None:
    """Add a publisher by hand (tests, or code that embeds dailypapers)."""
    publishers.register(target, factory)


def targets() -> list[str]:
    """Every publish target there is: the built-ins and the plugins'."""
    return publishers.names()


def get_publisher(target: str, options: PublishOptions, env: Mapping[str, str] | None = None) -> Any:
    """The publisher for `target`, configured from the options and the environment; a missing
    setting or secret is a ConfigError that says what to set."""
    import os

    return publishers.factory(target)(options, os.environ if env is None else env)
