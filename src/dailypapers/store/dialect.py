"""What differs between SQLite and PostgreSQL, in one place: the driver of a URL, the engine, the
lock that lets one process at a time migrate, the database's clock, and named locks that hold
across processes and machines (PostgreSQL's advisory locks)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from types import TracebackType

import sqlalchemy as sa

from dailypapers.errors import Busy, StoreError

PG_DRIVER = "postgresql+psycopg"  # psycopg 3, the driver of the `postgres` extra
_PG_PREFIXES = ("postgresql+psycopg://", "postgresql://", "postgres://")
INSTALL_HINT = "install the PostgreSQL support: pip install 'dailypapers[postgres]'"


def is_postgres(url: str) -> bool:
    """Whether a database URL names PostgreSQL."""
    return url.startswith(_PG_PREFIXES)


def engine_url(url: str) -> str:
    """The SQLAlchemy URL of a database URL: `postgresql://` and `postgres://` mean psycopg 3
    (SQLAlchemy's own default for them is psycopg2, which dailypapers does not use)."""
    for prefix in _PG_PREFIXES:
        if url.startswith(prefix):
            return f"{PG_DRIVER}://{url[len(prefix):]}"
    return url


def libpq_url(url: str) -> str:
    """The same PostgreSQL URL as libpq reads it (`postgresql://...`), for psycopg itself."""
    for prefix in _PG_PREFIXES:
        if url.startswith(prefix):
            return f"postgresql://{url[len(prefix):]}"
    raise StoreError("not a PostgreSQL URL: it must start with postgresql://")


POOL = 5  # connections a PostgreSQL store keeps open for reuse; more are opened when needed, and closed


def make_engine(url: str, connections: int | None = None) -> sa.Engine:
    """The engine of a database URL. A PostgreSQL server that restarts leaves the pool's connections
    dead: the first statement on one fails (a StoreError, which a job of the queue is tried again
    for), and SQLAlchemy then drops every connection of the pool, so the next ones connect anew.
    Connections are not pinged before each use: that is one more round trip for every statement
    (measured in bench/bench_workers.py, it was most of a worker's time on the store)."""
    url = engine_url(url)
    if not is_postgres(url):
        return sa.create_engine(url)
    try:
        import psycopg  # noqa: F401  (only to say what is missing, before SQLAlchemy's own ImportError)
    except ImportError:
        raise StoreError(f"PostgreSQL needs psycopg 3, which is not installed: {INSTALL_HINT}", hint=INSTALL_HINT)
    # A connection opened past the pool's size is closed when it is handed back: a process that
    # always needs more (a worker) gives its own size, or it pays a new connection every time.
    return sa.create_engine(url, pool_size=connections or POOL, max_overflow=20)


def lock_key(name: str) -> int:
    """A name as the 64-bit key of a PostgreSQL advisory lock (stable across processes and versions)."""
    return int.from_bytes(hashlib.sha256(f"dailypapers:{name}".encode()).digest()[:8], "big", signed=True)


def lock_migrations(conn: sa.Connection) -> None:
    """Make the transaction of `conn` the only one migrating until it ends. SQLite: its transaction
    began with BEGIN IMMEDIATE, which holds the write lock already. PostgreSQL: an advisory lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key("migrations")})


def now(conn: sa.Connection) -> float:
    """The database's clock, in seconds since the epoch: one clock for every process and machine
    that shares the database, whatever their own clocks say."""
    if conn.dialect.name == "postgresql":
        return float(conn.scalar(sa.text("SELECT EXTRACT(EPOCH FROM clock_timestamp())")))
    return float(conn.scalar(sa.text("SELECT (julianday('now') - 2440587.5) * 86400.0")))


class AdvisoryLock:
    """A named lock held by one session of a PostgreSQL database at a time, across processes and
    machines (a process that dies loses it with its connection). Held with `with`: waits up to
    `wait` seconds for the holder (telling `on_wait` once), then raises Busy naming `what`."""

    def __init__(self, engine: sa.Engine, name: str, what: str, wait: float = 600.0,
                 on_wait: Callable[[str], None] | None = None, poll: float = 0.2) -> None:
        self.engine, self.key, self.what = engine, lock_key(name), what
        self.wait, self.on_wait, self.poll = wait, on_wait, poll
        self._conn: sa.Connection | None = None

    def __enter__(self) -> AdvisoryLock:
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        deadline = time.monotonic() + self.wait
        told = False
        try:
            while not conn.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}):
                if time.monotonic() >= deadline:
                    raise Busy(f"another dailypapers run is using {self.what}; waited {self.wait:.0f}s. Try again "
                               "when it is done", hint="try again when the other run is done")
                if not told and self.on_wait:
                    self.on_wait(f"waiting for another dailypapers run on {self.what} to finish")
                    told = True
                time.sleep(self.poll)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            except sa.exc.SQLAlchemyError:
                pass  # the connection is gone, and the lock with it
            self._conn.close()
            self._conn = None


@contextmanager
def try_lock(engine: sa.Engine, name: str) -> Iterator[bool]:
    """Take a named advisory lock if nobody holds it, without waiting: yields whether it was taken
    (then it is held until the block ends)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        key = lock_key(name)
        taken = bool(conn.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": key}))
        try:
            yield taken
        finally:
            if taken:
                try:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                except sa.exc.SQLAlchemyError:
                    pass  # the connection is gone, and the lock with it


@asynccontextmanager
async def try_lock_async(url: str, name: str) -> AsyncIterator[bool]:
    """`try_lock` for asyncio code (a worker's event loop), on a connection of its own: yields whether
    the lock was taken; it is let go when the block ends (with the connection)."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(libpq_url(url), autocommit=True) as conn:
        row = await (await conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(name),))).fetchone()
        yield bool(row and row[0])


def has_table(engine: sa.Engine, name: str) -> bool:
    """Whether the database has a table of that name."""
    with engine.connect() as conn:
        return sa.inspect(conn).has_table(name)
