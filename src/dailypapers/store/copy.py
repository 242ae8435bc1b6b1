"""One store copied into another (SQLite into PostgreSQL, and back): every table of the record, in
the order of their foreign keys, in one transaction of the target, verified before it commits: the
rows of each table counted and checksummed on both sides. Tables of the moment (gates, the work
queue's progress: info={"copy": False}) are left behind."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from dailypapers.errors import StoreError
from dailypapers.store.schema import metadata, schema_migrations

if TYPE_CHECKING:
    from dailypapers.store import Store

BATCH = 1000  # rows read and written at a time
_MOD = 2**256


def copied_tables() -> list[sa.Table]:
    """The tables `copy_store` copies, parents before children."""
    return [t for t in metadata.sorted_tables if t is not schema_migrations and t.info.get("copy", True)]


@dataclass(frozen=True)
class TableCopy:
    """One table copied: its rows, and the checksum of its rows on each side (equal, or nothing was kept)."""

    name: str
    rows: int
    source_checksum: str
    target_checksum: str


def _value(column: sa.Column[Any], value: Any) -> Any:
    """A value as both databases give it back: SQLite may hand a FLOAT column an int."""
    if value is None:
        return None
    if isinstance(column.type, sa.Float):
        return float(value)
    if isinstance(column.type, sa.Integer):
        return int(value)
    return value


class _Checksum:
    """The rows of a table, summed as SHA-256 numbers: the same whatever order the rows come in
    (the two databases sort text differently)."""

    def __init__(self, table: sa.Table) -> None:
        self.columns = list(table.columns)
        self.rows = 0
        self.total = 0

    def add(self, rows: Iterable[Any]) -> None:
        for row in rows:
            values = [_value(c, v) for c, v in zip(self.columns, row)]
            digest = hashlib.sha256(json.dumps(values, ensure_ascii=False, default=repr).encode()).digest()
            self.total = (self.total + int.from_bytes(digest, "big")) % _MOD
            self.rows += 1

    def hex(self) -> str:
        return f"{self.total:064x}"


def _checksum(conn: sa.Connection, table: sa.Table) -> _Checksum:
    check = _Checksum(table)
    result = conn.execute(sa.select(*table.columns).execution_options(yield_per=BATCH))
    for part in result.partitions():
        check.add(part)
    return check


def copy_store(source: Store, target: Store) -> list[TableCopy]:
    """Copy every table of the record from `source` into `target`, which must hold none of it;
    StoreError when the target is not empty or a table's count or checksum differs after the copy
    (then nothing was kept: the target's transaction is rolled back)."""
    if source.schema_version() != target.schema_version():
        raise StoreError(f"the stores are at different versions ({source.schema_version()} and "
                         f"{target.schema_version()}): open both with this dailypapers first")
    try:
        return _copy(source, target, copied_tables())
    except sa.exc.SQLAlchemyError as e:
        detail = " ".join(str(getattr(e, "orig", e)).split())
        raise StoreError(f"could not copy {source.where} into {target.where}: {detail}; nothing was kept")


def _copy(source: Store, target: Store, tables: list[sa.Table]) -> list[TableCopy]:
    out: list[TableCopy] = []
    with target.engine.begin() as into:
        filled = [(t.name, n) for t in tables if (n := into.scalar(sa.select(sa.func.count()).select_from(t)))]
        if filled:
            raise StoreError(f"the store {target.where} is not empty ({filled[0][1]} rows in {filled[0][0]}); "
                             "copy into a new, empty database", hint="copy into a new, empty database")
        with source.engine.connect() as src:
            if source.is_postgres:  # one snapshot of every table (SQLite's read transaction is one already)
                src = src.execution_options(isolation_level="REPEATABLE READ")
            with src.begin():
                for table in tables:
                    check = _Checksum(table)
                    result = src.execute(sa.select(*table.columns).execution_options(yield_per=BATCH))
                    for part in result.partitions():
                        rows = [dict(zip(table.columns.keys(), row)) for row in part]
                        into.execute(table.insert(), rows)
                        check.add(part)
                    _restart_ids(into, table)
                    copied = _checksum(into, table)
                    out.append(TableCopy(table.name, check.rows, check.hex(), copied.hex()))
                    if (copied.rows, copied.total) != (check.rows, check.total):
                        raise StoreError(f"the copy of {table.name} differs: {check.rows} rows, checksum "
                                         f"{check.hex()[:16]}, read back as {copied.rows} rows, checksum "
                                         f"{copied.hex()[:16]}; nothing was kept")
    return out


def _restart_ids(conn: sa.Connection, table: sa.Table) -> None:
    """PostgreSQL: the sequence of a table's `id` goes on after the ids copied into it."""
    if conn.dialect.name != "postgresql" or "id" not in table.columns or not isinstance(table.c.id.type, sa.Integer):
        return
    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                         f"COALESCE((SELECT MAX(id) FROM {table.name}), 1), "
                         f"(SELECT MAX(id) FROM {table.name}) IS NOT NULL)"))
