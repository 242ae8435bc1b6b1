"""`dailypapers migrate-store --to URL`: a SQLite home copied into a real PostgreSQL database and
back, each copy verified by counts and checksums; what the commands read from the copy is what they
read from the original; a target that is not empty, or a copy that reads back different, keeps
nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import psycopg

from dailypapers.store.copy import copied_tables

DAY = "2025-03-14"  # the bundled sample day
RUN = ("run", "--source", "sample", "--date", DAY, "--lang", "en", "--llm", "extractive", "--text-source", "abstract")


def views(cli: Any, env: dict[str, str] | None = None) -> tuple[Any, Any, Any]:
    """What the commands show of the store: the day's papers, its ledger, its digest."""
    out = []
    for args in (("list", "--date", DAY, "--json"), ("stats", "--json"), ("render", "--date", DAY, "--lang", "en")):
        r = cli(*args, env=env)
        assert r.returncode == 0, r.stderr
        out.append(json.loads(r.stdout) if "--json" in args else r.stdout)
    return out[0], out[1], out[2]


def test_sqlite_to_postgres_and_back_keeps_everything(cli: Any, pg_url: str, tmp_path: Path) -> None:
    assert cli(*RUN).returncode == 0
    before = views(cli)
    copied = cli("migrate-store", "--to", pg_url, "--json")
    assert copied.returncode == 0, copied.stderr
    report = json.loads(copied.stdout)
    tables = {t["name"]: t for t in report["tables"]}
    assert set(tables) == {t.name for t in copied_tables()}
    assert tables["papers"]["rows"] == 5 and tables["summaries"]["rows"] == 5 and tables["runs"]["rows"] >= 1
    assert all(t["source_checksum"] == t["target_checksum"] for t in report["tables"])
    assert report["rows"] == sum(t["rows"] for t in report["tables"])

    on_pg = {"DAILYPAPERS_DATABASE_URL": pg_url}
    assert views(cli, on_pg) == before
    again = cli(*RUN, env=on_pg)  # new rows get new ids after the copied ones
    assert again.returncode == 0, again.stderr
    with psycopg.connect(pg_url) as conn:
        ids = [i for (i,) in conn.execute("SELECT id FROM runs ORDER BY id")]
    assert len(ids) == tables["runs"]["rows"] + 1 and len(set(ids)) == len(ids)

    back = tmp_path / "back" / "dailypapers.db"
    returned = cli("migrate-store", "--to", str(back), env=on_pg)
    assert returned.returncode == 0, returned.stderr
    assert "counts and checksums match" in returned.stderr
    home2 = tmp_path / "home2"
    home2.mkdir()
    shutil.copy(back, home2 / "dailypapers.db")
    cli.home, original = home2, cli.home
    try:
        assert views(cli) == views(cli, on_pg)
    finally:
        cli.home = original


def test_a_target_that_is_not_empty_is_refused(cli: Any, pg_url: str) -> None:
    assert cli(*RUN).returncode == 0
    assert cli("migrate-store", "--to", pg_url).returncode == 0
    with psycopg.connect(pg_url) as conn:
        before = conn.execute("SELECT count(*) FROM papers").fetchone()
    second = cli("migrate-store", "--to", pg_url)
    assert second.returncode == 1
    assert "is not empty" in second.stderr and "copy into a new, empty database" in second.stderr
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM papers").fetchone() == before


def test_a_copy_that_reads_back_different_keeps_nothing(cli: Any, pg_url: str) -> None:
    assert cli(*RUN).returncode == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:  # a target that changes what it is given
        conn.execute("CREATE FUNCTION dp_mangle() RETURNS trigger AS $$ BEGIN NEW.title := upper(NEW.title); "
                     "RETURN NEW; END $$ LANGUAGE plpgsql")
        conn.execute("CREATE TRIGGER dp_mangle BEFORE INSERT ON papers FOR EACH ROW EXECUTE FUNCTION dp_mangle()")
    try:
        r = cli("migrate-store", "--to", pg_url)
        assert r.returncode == 1
        assert "the copy of papers differs" in r.stderr and "nothing was kept" in r.stderr
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("SELECT count(*) FROM papers").fetchone() == (0,)
            assert conn.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("DROP TRIGGER dp_mangle ON papers")
            conn.execute("DROP FUNCTION dp_mangle()")


def test_the_store_is_not_copied_into_itself(cli: Any) -> None:
    assert cli(*RUN).returncode == 0
    r = cli("migrate-store", "--to", str(cli.home / "dailypapers.db"))
    assert r.returncode == 2 and "itself" in r.stderr
