"""One way to plug in: sources, LLM backends and publishers are each a `Registry` of factories,
found by name in an entry-point group. The built-ins register in `pyproject.toml` exactly as a
plugin package would; code that embeds dailypapers (and tests) may `register` its own by hand.

    [project.entry-points."dailypapers.publishers"]
    matrix = "my_package.matrix:make"      # make(options: PublishOptions, env) -> Publisher

A factory is given a small typed options object (`config.SourceOptions`, `LLMOptions`,
`PublishOptions`) and its environment (a mapping: secrets and endpoints are read from it, never
from `os.environ` directly), so a plugin sees only what it needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from dailypapers.errors import ConfigError

F = TypeVar("F", bound=Callable[..., object])


class Registry(Generic[F]):
    """The factories of one kind of plugin. `builtin` maps the names this package ships to
    "module:attribute", so an install whose entry points are stale still knows its own."""

    def __init__(self, group: str, what: str, builtin: dict[str, str]) -> None:
        self.group = group
        self.what = what
        self.builtin = builtin
        self._registered: dict[str, F] = {}

    def register(self, name: str, factory: F) -> None:
        """Add a factory by hand, before (and instead of) any entry point of that name."""
        self._registered[name] = factory

    def unregister(self, name: str) -> None:
        """Remove a factory added by hand (nothing happens if there is none)."""
        self._registered.pop(name, None)

    def names(self) -> list[str]:
        """Every name that can be asked for, sorted."""
        found = {ep.name for ep in entry_points(group=self.group)}
        return sorted(found | set(self._registered) | set(self.builtin))

    def factory(self, name: str) -> F:
        """The factory registered as `name`, or a ConfigError naming the ones there are."""
        if name in self._registered:
            return self._registered[name]
        for ep in entry_points(group=self.group):
            if ep.name == name:
                loaded: F = ep.load()
                return loaded
        if name in self.builtin:
            module, _, attribute = self.builtin[name].partition(":")
            builtin: F = getattr(importlib.import_module(module), attribute)
            return builtin
        raise ConfigError(f"unknown {self.what} {name!r}; known: {', '.join(self.names())}")
