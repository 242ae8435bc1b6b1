"""Use case: `migrate-store --to URL`, the settings' store copied into another: from the home's
SQLite file into PostgreSQL (to run workers on it), or back. The copy is verified table by table
(rows counted, checksummed on both sides) before the target keeps it; the source is left as it was,
and no run may write it meanwhile (the run lock is held)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.config import Settings
from dailypapers.errors import ConfigError
from dailypapers.pipeline.day import lock_for
from dailypapers.pipeline.events import Collect, Reporter
from dailypapers.pipeline.wiring import open_store
from dailypapers.store import Store, dialect
from dailypapers.store.copy import TableCopy, copy_store


@dataclass
class MigrateReport:
    """What was copied: from where, to where, and each table with its rows and checksums."""

    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows copied, in every table."""
        return sum(t.rows for t in self.tables)


def open_target(to: str) -> Store:
    """The store `--to` names: a PostgreSQL URL, a `sqlite:///FILE` URL, or the path of a SQLite file."""
    if dialect.is_postgres(to):
        return Store(to)
    if to.startswith("sqlite:///"):
        return Store.open(Path(to.removeprefix("sqlite:///")))
    if "://" in to:
        raise ConfigError(f"--to {to.split('://')[0]}://...: give a postgresql:// URL, a sqlite:/// URL or a file")
    return Store.open(Path(to).expanduser())


def migrate_store(settings: Settings, to: str, reporter: Reporter | None = None) -> MigrateReport:
    """Copy the settings' store into the empty store `to`, verified; StoreError (nothing kept) otherwise."""
    reporter = reporter or Collect()
    with lock_for(settings, reporter):
        source = open_store(settings)
        target = open_target(to)
        try:
            if dialect.engine_url(source.url) == dialect.engine_url(target.url):
                raise ConfigError("--to names the store itself; give another, empty one")
            report = MigrateReport(source.where, target.where)
            report.tables = copy_store(source, target)
        finally:
            target.close()
            source.close()
    return report
