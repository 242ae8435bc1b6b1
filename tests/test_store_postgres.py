"""What only PostgreSQL shows of the store: processes migrating one database at once (an advisory
lock), a database migrated by a newer dailypapers refused, and a password kept out of messages.
The store's other tests run on both databases (tests/test_store.py)."""

from __future__ import annotations

import subprocess
import sys
import time

import psycopg
import pytest

from dailypapers.errors import StoreError
from dailypapers.store import Store, dialect
from dailypapers.store.schema import MIGRATIONS


def test_processes_migrating_one_new_database_at_once_apply_each_migration_once(pg_empty_url: str) -> None:
    code = ("import sys, time; from dailypapers.store import Store; "
            "time.sleep(max(0.0, float(sys.argv[2]) - time.time())); Store(sys.argv[1]).close()")
    start = time.time() + 1.5
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_empty_url, str(start)], stderr=subprocess.PIPE,
                              text=True) for _ in range(5)]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert [rc for rc, _ in results] == [0] * 5, [err for _, err in results]
    with psycopg.connect(pg_empty_url) as conn:
        rows = conn.execute("SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version").fetchall()
    assert rows == [(version, 1) for version, _, _ in MIGRATIONS]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_store_migrated_by_a_newer_dailypapers_is_refused(kind: str, request: pytest.FixtureRequest,
                                                           tmp_path: object) -> None:
    url = f"sqlite+pysqlite:///{tmp_path}/s.db" if kind == "sqlite" else request.getfixturevalue("pg_url")
    Store(url).close()
    future = max(v for v, _, _ in MIGRATIONS) + 50
    engine = dialect.make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO schema_migrations (version, name, applied_at) "
                             f"VALUES ({future}, 'from the future', '2099-01-01T00:00:00Z')")
    engine.dispose()
    with pytest.raises(StoreError) as exc:
        Store(url)
    assert f"migration {future}" in str(exc.value) and "newer dailypapers" in str(exc.value)
    with engine.begin() as conn:  # the refused store was left as it was
        assert conn.exec_driver_sql("SELECT count(*) FROM schema_migrations").scalar() == len(MIGRATIONS) + 1
    engine.dispose()


def test_an_unreachable_server_is_a_store_error_without_the_password() -> None:
    with pytest.raises(StoreError) as exc:
        Store("postgresql://papers:s3cret-pw@127.0.0.1:9/papers")
    assert "s3cret-pw" not in str(exc.value)
    assert "127.0.0.1:9" in str(exc.value) and "papers" in str(exc.value)


def test_postgres_urls_mean_psycopg_3() -> None:
    assert dialect.engine_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert dialect.engine_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert dialect.libpq_url("postgresql+psycopg://u@h:5/db") == "postgresql://u@h:5/db"
    assert dialect.engine_url("sqlite:///x.db") == "sqlite:///x.db"
    assert not dialect.is_postgres("sqlite:///x.db") and dialect.is_postgres("postgres://h/db")
