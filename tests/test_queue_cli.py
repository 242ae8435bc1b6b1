"""The work queue's commands where they cannot work: no PostgreSQL store, flags that do not go with
--queue; and a database URL with a password in the config file, which is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest


@pytest.mark.parametrize("args", [("run", "--date", "2025-02-03", "--llm", "extractive", "--lang", "en", "--queue"),
                                  ("worker",), ("queue",)])
def test_the_queue_needs_a_postgres_store(cli: Any, args: tuple[str, ...]) -> None:
    r = cli(*args)
    assert r.returncode == 2
    assert "PostgreSQL store" in r.stderr and "DAILYPAPERS_DATABASE_URL" in r.stderr


def test_flags_that_do_not_go_with_queue(cli: Any, pg_url: str) -> None:
    env = {"DAILYPAPERS_DATABASE_URL": pg_url}
    base = ("run", "--date", "2025-02-03", "--llm", "extractive", "--lang", "en", "--queue")
    out = cli(*base, "-o", "digest.md", env=env)
    assert out.returncode == 2 and "-o does not go with --queue" in out.stderr
    budget = cli(*base, "--budget", "1", env=env)
    assert budget.returncode == 2 and "--budget does not go with --queue" in budget.stderr
    unknown = cli(*base[:-4], "--llm", "nosuch/model", "--lang", "en", "--queue", env=env)
    assert unknown.returncode == 2 and "nosuch" in unknown.stderr
    status = cli("queue", "--json", env=env)  # nothing was queued by the refused commands
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["days"] == []


def test_a_password_in_the_config_files_database_url_is_refused(cli: Any) -> None:
    config = cli.config_home / "dailypapers" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('database_url = "postgresql://papers:s3cret@db.example/papers"\n')
    config.chmod(0o600)
    r = cli("list")
    assert r.returncode == 2
    assert "names a password" in r.stderr and "PGPASSWORD" in r.stderr and "s3cret" not in r.stderr
