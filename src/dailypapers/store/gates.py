"""Gates in the database, for every process and machine that shares a PostgreSQL store: arXiv's
politeness (one request at a time, a few seconds apart) and an LLM provider's requests and tokens
per minute. A lock file holds only on one machine; these hold wherever the workers run.

Each gate is a row of `gates`, locked while it is being passed (SELECT ... FOR UPDATE: PostgreSQL's
row lock; these gates are for PostgreSQL, SQLite's stores keep to lock files), and times come from
the database's clock, so that machines whose clocks disagree still keep the same pace. A process
killed while it holds a gate loses its connection, and the database gives the gate to the next one."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from dailypapers.store import dialect
from dailypapers.store.schema import gate_log, gates

if TYPE_CHECKING:
    from dailypapers.store import Store


def _hold(conn: sa.Connection, name: str) -> float:
    """Lock the gate `name` (its row, made on first use) for the transaction of `conn`; returns when
    its next request may go, on the database's clock."""
    if conn.dialect.name == "postgresql":  # two processes making the row at once: one does, the other waits
        conn.execute(postgresql.insert(gates).values(name=name, next_at=0.0).on_conflict_do_nothing())
    elif conn.scalar(sa.select(gates.c.name).where(gates.c.name == name)) is None:
        conn.execute(gates.insert().values(name=name, next_at=0.0))
    return float(conn.scalar(sa.select(gates.c.next_at).where(gates.c.name == name).with_for_update()) or 0.0)


class DatabaseGate:
    """At most one request every `interval` seconds and one at a time through the gate `name`, for
    every process that shares the store (the database's `PoliteGate`). As there, the interval
    counts from the end of one exchange to the start of the next."""

    def __init__(self, store: Store, name: str, interval: float) -> None:
        self.store, self.name, self.interval = store, name, interval
        self._thread_lock = threading.Lock()  # this process's threads queue here, not on connections

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold the gate for one exchange: waits for the interval, then lets one request through.

        The start of each request is also recorded in a transaction of its own, committed before
        the request goes: a holder killed during its exchange takes its gate transaction (and the
        time it would have set) with it, but not that record, so the next request still waits a
        whole interval after it."""
        with self._thread_lock, self.store.engine.begin() as conn:
            next_at = _hold(conn, self.name)
            started = conn.scalar(sa.select(sa.func.max(gate_log.c.at)).where(gate_log.c.name == self.name))
            if started is not None:  # the request of a holder that died during it
                next_at = max(next_at, float(started) + self.interval)
            wait = next_at - dialect.now(conn)
            if wait > 0:
                time.sleep(min(wait, self.interval))
            with self.store.engine.begin() as record:
                record.execute(gate_log.insert().values(name=self.name, at=dialect.now(record), tokens=0))
            try:
                yield
            finally:
                conn.execute(gate_log.delete().where(gate_log.c.name == self.name))
                conn.execute(gates.update().where(gates.c.name == self.name)
                             .values(next_at=dialect.now(conn) + self.interval))


class DatabaseRateLimiter:
    """Requests and tokens per `window` seconds through the gate `name`, for every process that
    shares the store (the database's `http.RateLimiter`): `acquire` blocks until one more request
    of `tokens` fits. None: no limit of that kind."""

    def __init__(self, store: Store, name: str, rpm: int | None = None, tpm: int | None = None,
                 window: float = 60.0) -> None:
        self.store, self.name = store, name
        self.rpm, self.tpm, self.window = rpm, tpm, window

    def acquire(self, tokens: int = 0) -> None:
        """Wait until one more request of `tokens` tokens fits within the limits, and count it."""
        if self.rpm is None and self.tpm is None:
            return
        while True:
            wait = self._try(tokens)
            if wait is None:
                return
            time.sleep(max(wait, 0.01))

    def _try(self, tokens: int) -> float | None:
        """Count the request if it fits now (None), else say how long to wait."""
        with self.store.engine.begin() as conn:
            _hold(conn, self.name)
            now = dialect.now(conn)
            conn.execute(gate_log.delete().where(gate_log.c.name == self.name, gate_log.c.at <= now - self.window))
            count, used, oldest = conn.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(gate_log.c.tokens), 0),
                          sa.func.min(gate_log.c.at)).where(gate_log.c.name == self.name)).one()
            fits_requests = self.rpm is None or count < self.rpm
            # A single call larger than the whole budget goes alone rather than never.
            fits_tokens = self.tpm is None or used + tokens <= self.tpm or count == 0
            if fits_requests and fits_tokens:
                conn.execute(gate_log.insert().values(name=self.name, at=now, tokens=tokens))
                return None
            return float(oldest) + self.window - now
