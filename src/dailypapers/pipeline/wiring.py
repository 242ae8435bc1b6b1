"""What every use case starts from: the store, and the plugins built from the settings (a source,
a backend, a publisher), each through its registry with its own small options."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from dailypapers.config import Settings, SiteOptions
from dailypapers.cost import Budget, PriceTable
from dailypapers.errors import ConfigError
from dailypapers.http import Gate, Limiter, PoliteGate
from dailypapers.publish import publishers
from dailypapers.sources import Source, sources
from dailypapers.sources.arxiv import ArxivClient, client_from
from dailypapers.store import Store
from dailypapers.store.gates import DatabaseGate, DatabaseRateLimiter
from dailypapers.summarize.backends import Backend
from dailypapers.summarize.backends import get_backend as _get_backend


def open_store(settings: Settings) -> Store:
    """The store of the settings: the PostgreSQL database of `database_url`, else the SQLite file of
    the home (created, or migrated, on first use)."""
    if settings.database_url:
        return Store(settings.database_url)
    return Store.open(settings.db_path)


def make_source(name: str, settings: Settings, categories: list[str] | None = None,
                ids: list[str] | None = None, store: Store | None = None) -> Source:
    """The source registered as `name` (hf, arxiv, or a plugin's); with a PostgreSQL `store`, its
    arXiv requests go through the store's gate."""
    options = settings.source_options(categories or (), ids or ())
    if store is not None and store.is_postgres:
        options = replace(options, arxiv_gate=arxiv_gate(settings, store))
    return sources.factory(name)(options, os.environ)


def arxiv_gate(settings: Settings, store: Store | None = None) -> Gate:
    """The arXiv politeness gate: the settings' delay for every process of the home (a lock file in
    it), or, with a PostgreSQL `store`, for every process and machine that shares the store."""
    if store is not None and store.is_postgres:
        return DatabaseGate(store, "arxiv", settings.arxiv_delay)
    return PoliteGate(settings.arxiv_delay, settings.arxiv_lock)


def arxiv_client(settings: Settings, gate: Gate | None = None) -> ArxivClient:
    """The arXiv API client: the settings' delay, held by `gate` (by default, the home's lock file)."""
    return client_from(settings.source_options(), gate or arxiv_gate(settings))


def get_backend(spec: str | None, settings: Settings, store: Store | None = None) -> Backend:
    """The backend for `spec` (PROVIDER/MODEL), built from the settings' LLM options. With a
    PostgreSQL store (given, or the settings'), its requests and tokens per minute are counted in
    the store, for every process that shares it."""
    options = settings.llm_options()
    if store is None and settings.database_url:
        store = open_store(settings)
    if store is not None and store.is_postgres:
        shared = store

        def limiter(name: str, rpm: int | None, tpm: int | None) -> Limiter:
            return DatabaseRateLimiter(shared, f"llm:{name}", rpm, tpm)

        options = replace(options, limiter=limiter)
    return _get_backend(spec, options, os.environ)


def preflight(backend: Backend) -> str | None:
    """Ask the backend, once, whether it can be used at all (a backend without `check` can):
    LLMUnavailable stops the command before any other work. Returns what a server that may still
    work did instead of answering (busy, slow: left to the run's retries), else None."""
    check = getattr(backend, "check", None)
    if callable(check):
        note = check()
        return None if note is None else str(note)
    return None


def run_budget(settings: Settings, backend: Backend) -> Budget:
    """One budget for a whole command, across the days it works through."""
    return Budget(settings.budget, PriceTable(settings.prices).price(backend.model_id))


def check_targets(targets: list[str], where: str) -> list[str]:
    """`targets`, each a publisher that exists (a ConfigError naming the unknown ones otherwise)."""
    known = publishers.names()
    bad = [t for t in targets if t not in known]
    if bad:
        raise ConfigError(f"{where}: unknown target(s) {', '.join(bad)}; use {', '.join(known)}")
    return list(dict.fromkeys(targets))


def run_targets(settings: Settings) -> list[str]:
    """Where `run` publishes each day, from the `publish` setting."""
    return check_targets(settings.run_publishes(), f"publish {settings.publish!r}")


def publish_targets(settings: Settings) -> list[str]:
    """Where `publish` sends with no --to: e-mail when [email] names recipients, and the chat
    services listed in [chat] services."""
    out = ["email"] if settings.email.to else []
    return check_targets(out + list(settings.chat.services), "[chat] services")


def publisher(settings: Settings, target: str, site: SiteOptions | None = None) -> Any:
    """The publisher registered as `target`, built from the settings' publish options."""
    return publishers.factory(target)(settings.publish_options(site), os.environ)
