"""Publishers: where a day's digest goes after it is written (e-mail, Slack, Discord, Telegram).

A publisher is one method, `publish(digest, journal) -> list[str]` (the ids of the messages it sent),
plus two names that make the key of what it sent: `target` ("email", "slack", ...) and `channel`
(the mailing list or chat channel). The journal says which parts of the day were sent already and
takes a record of each part right after the service accepted it, so a retry sends only the rest;
the pipeline keeps the journal in the store's `publications` table.

Publishers are found by name in the `dailypapers.publishers` entry-point group; the built-ins
register there exactly as a plugin package would, and tests may `register` their own. A factory
takes the settings and the environment (secrets and endpoints are read from the environment only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol

from dailypapers.errors import ConfigError

if TYPE_CHECKING:
    from dailypapers.config import Settings
    from dailypapers.models import Digest


class Journal(Protocol):
    """What was sent of one day to one target and channel, part by part."""

    def sent(self, part: str) -> str | None:
        """The message id recorded for `part` ("" when the service gives none), or None if unsent."""
        ...

    def record(self, part: str, message_id: str, detail: dict[str, Any] | None = None) -> None: ...


class Publisher(Protocol):
    target: str   # "email", "slack", ...
    channel: str  # the list or channel it sends to; with target, date and lang, the key of a send

    def publish(self, digest: Digest, journal: Journal) -> list[str]: ...


class MemoryJournal:
    """A journal kept in memory: for code that embeds dailypapers, and for tests."""

    def __init__(self) -> None:
        self.parts: dict[str, tuple[str, dict[str, Any]]] = {}

    def sent(self, part: str) -> str | None:
        found = self.parts.get(part)
        return None if found is None else found[0]

    def record(self, part: str, message_id: str, detail: dict[str, Any] | None = None) -> None:
        self.parts[part] = (message_id, detail or {})


Factory = Callable[["Settings", Mapping[str, str]], Publisher]
_registered: dict[str, Factory] = {}
BUILT_IN = ("email", "slack", "discord", "telegram")


def register(target: str, factory: Factory) -> None:
    """Add a publisher by hand (tests, or code that embeds dailypapers)."""
    _registered[target] = factory


def targets() -> list[str]:
    found = {ep.name for ep in entry_points(group="dailypapers.publishers")}
    return sorted(found | set(_registered) | set(BUILT_IN))


def get_publisher(target: str, settings: Settings, env: Mapping[str, str] | None = None) -> Publisher:
    """The publisher for `target`, configured from the settings and the environment; a missing
    setting or secret is a ConfigError that says what to set."""
    import os

    env = os.environ if env is None else env
    if target in _registered:
        return _registered[target](settings, env)
    for ep in entry_points(group="dailypapers.publishers"):
        if ep.name == target:
            return ep.load()(settings, env)
    if target in BUILT_IN:  # an install whose entry points are stale still knows its own
        import importlib

        return importlib.import_module(f"dailypapers.publish.{target}").make(settings, env)
    raise ConfigError(f"unknown publish target {target!r}; known targets: site, {', '.join(targets())}")
