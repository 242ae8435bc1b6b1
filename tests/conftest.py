"""Shared fixtures: the CLI with a clean environment (in-process by default, a real subprocess when a
test needs one), and a small invented day of Hugging Face Daily Papers in the real response shape."""

from __future__ import annotations

import copy
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

HF_DATE = "2025-02-03"
_DROPPED_ENV_PREFIXES = ("DAILYPAPERS_", "OPENAI_", "HF_", "SMTP_", "SLACK_", "DISCORD_", "TELEGRAM_")
_INTERNET_ENDPOINTS = ("HF_ENDPOINT", "DAILYPAPERS_ARXIV_API_URL", "DAILYPAPERS_ARXIV_URL", "SLACK_API_URL",
                       "TELEGRAM_API_URL")
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there


def _item(pid: str, title: str, authors: list[str], summary: str, upvotes: int, thumbnail: str,
          comments: int = 0) -> dict[str, Any]:
    """One element of GET /api/daily_papers, shaped like the real response (trimmed)."""
    return {
        "paper": {
            "id": pid,
            "authors": [{"_id": f"{pid}-{i}", "name": n, "hidden": False} for i, n in enumerate(authors)],
            "publishedAt": "2025-01-31T17:00:00.000Z",
            "submittedOnDailyAt": "2025-02-03T00:00:00.000Z",
            "title": title,
            "summary": summary,
            "upvotes": upvotes,
            "discussionId": f"fixture-{pid}",
            "ai_keywords": [],
        },
        "publishedAt": "2025-01-31T13:00:00.000Z",
        "title": " ".join(title.split()),
        "summary": summary,
        "thumbnail": thumbnail,
        "numComments": comments,
        "isAuthorParticipating": False,
    }


def _thumb(pid: str) -> str:
    return f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{pid}.png"


_ITEMS = [
    _item("2502.00101", "Sparse Routers for Long-Context Retrieval", ["Mina Park", "Jonas Weber"],
          "Retrieval over long inputs is slow. We propose sparse routers that send each token to two "
          "experts. The router is trained with a contrastive loss. On 128K-token inputs accuracy rises "
          "by 4.2 points.", 42, _thumb("2502.00101"), 3),
    _item("2502.00202", "Teaching Small Models\n  to Check Their Own Arithmetic", ["Aiko Tanaka"],
          "Small models make arithmetic slips. This paper introduces self-checking, a training recipe. "
          "A 1.5B model reaches 71.3% on GSM8K.", 31, _thumb("2502.00202"), 1),
    _item("2502.00303", "A Benchmark of Tables in Scanned Reports", ["Priya Raman", "Tomás Ortega", "Lea Vogel"],
          "Tables in scanned reports are hard to read. We present a benchmark of 12,000 tables. The best "
          "model scores 64.0 F1.", 18, ""),
    _item("2502.00404", "An [IDK] Token for Honest Answers", ["Noor Haddad", "Ben Carter"],
          "Models answer even when they do not know. We introduce an [IDK] token trained with a "
          "calibration loss. Hallucinations drop by a third.", 12, _thumb("2502.00404")),
    _item("2502.00505", "Korean Speech Recognition with Little Data", ["김민수", "이지은"],
          "Low-resource speech recognition needs data. We propose a pseudo-labeling pipeline for Korean. "
          "Word error rate falls from 14.1% to 9.8%.", 9, _thumb("2502.00505")),
    _item("2502.00606", "Position: Evaluations Should Report Variance", ["Grace Liu"],
          "Leaderboards report single numbers. This work argues that every evaluation should report "
          "variance over seeds.", 0, _thumb("2502.00606")),
    _item("2502.00707", "Diffusion Policies for Dexterous Grasping", ["Omar Farouk", "Sofia Rossi"],
          "Grasping unfamiliar objects is hard for robot hands. We train a diffusion policy on 3,000 "
          "demonstrations. Success rises to 87% on unseen objects.", 7, _thumb("2502.00707"), 2),
    _item("2502.00808", "Cheap Verifiers for Code Agents", ["Hana Kobayashi", "Luis Mendes"],
          "Code agents waste time on wrong patches. We present a small verifier model that ranks "
          "patches. It resolves 8% more issues at the same cost.", 5, _thumb("2502.00808")),
]


@pytest.fixture
def hf_day() -> tuple[str, list[dict[str, Any]]]:
    """(date, items): eight invented papers as the Hugging Face API lists them, in that order."""
    return HF_DATE, copy.deepcopy(_ITEMS)


class CliTimeout(BaseException):
    """An in-process CLI call that ran past its `timeout` (a BaseException, like KeyboardInterrupt,
    so that no `except Exception` on the way swallows it)."""


@contextmanager
def _deadline(seconds: float, what: str) -> Iterator[None]:
    """Raise CliTimeout in the main thread after `seconds`, as subprocess.run(timeout=) would
    raise TimeoutExpired: a call that hangs fails its test instead of the whole suite."""
    if threading.current_thread() is not threading.main_thread() or not seconds:
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise CliTimeout(f"{what} took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _like_a_process(cwd: Path | None) -> Iterator[None]:
    """What a separate process would have had of its own, given back afterwards: the working
    directory; the `dailypapers` logger (`logs.configure` points it at the stderr of the call and
    stops it propagating; no later test may see that); and the stores the command opened, closed
    as the end of a process closes them (SQLite then folds its write-ahead log into the file, as a
    reader that cannot write, like a read-only home, needs)."""
    from dailypapers.store import Store

    log = logging.getLogger("dailypapers")
    saved = (log.handlers[:], log.level, log.propagate, log.disabled)
    opened: list[Store] = []
    init = Store.__init__

    def recorded(self: Store, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        opened.append(self)

    before = os.getcwd()
    os.chdir(cwd or before)
    Store.__init__ = recorded  # type: ignore[method-assign]
    try:
        yield
    finally:
        Store.__init__ = init  # type: ignore[method-assign]
        for store in opened:
            store.close()
        os.chdir(before)
        log.handlers[:], log.level, log.propagate, log.disabled = saved


@contextmanager
def _recorded_waits(waits: list[float]) -> Iterator[None]:
    """The clock of the command: each retry policy and chat pacer it makes with the real
    `time.sleep` gets `waits.append` instead, so a backoff, a Retry-After or the pause between
    chat messages is recorded, not slept (the request count and order, which the tests check,
    stay the same). Locks between processes and the fakes' own delays keep real time."""
    from dailypapers.http import RetryPolicy
    from dailypapers.publish.chat import Pacer

    originals = {cls: cls.__init__ for cls in (RetryPolicy, Pacer)}

    def with_fake_sleep(init: Any) -> Any:
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            init(self, *args, **kwargs)
            if self.sleep is time.sleep:
                self.sleep = waits.append
        return __init__

    for cls, init in originals.items():
        cls.__init__ = with_fake_sleep(init)  # type: ignore[method-assign]
    try:
        yield
    finally:
        for cls, init in originals.items():
            cls.__init__ = init  # type: ignore[method-assign]


def run_in_process(args: list[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 60,
                   text: bool = True, waits: list[float] | None = None) -> subprocess.CompletedProcess[Any]:
    """`dailypapers ARGS` run by click's CliRunner in this process, as `subprocess.run` would run
    `python -m dailypapers ARGS` with this whole environment `env` in `cwd` (None: this one): the
    same CompletedProcess back (str, or bytes when not `text`), a traceback on stderr for a crash,
    and CliTimeout where subprocess.run would raise TimeoutExpired. Retry and chat waits are
    recorded in `waits` instead of slept."""
    from click.testing import CliRunner

    from dailypapers.cli import cli

    # CliRunner's env only sets and overrides: every variable the child would not have is unset.
    overrides: dict[str, str | None] = {k: None for k in os.environ if k not in env}
    overrides.update({k: v for k, v in env.items() if os.environ.get(k) != v})
    with _like_a_process(cwd), _recorded_waits([] if waits is None else waits), \
            _deadline(timeout, f"dailypapers {' '.join(args)}"):
        result = CliRunner().invoke(cli, args, env=overrides, prog_name="dailypapers")
    stderr = result.stderr_bytes
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # What the interpreter would have printed before exiting 1: tests look for "Traceback".
        stderr += "".join(traceback.format_exception(*result.exc_info)).encode("utf-8")
    if text:
        return subprocess.CompletedProcess(["dailypapers", *args], result.exit_code, result.stdout,
                                           stderr.decode("utf-8", "replace").replace("\r\n", "\n"))
    return subprocess.CompletedProcess(["dailypapers", *args], result.exit_code, result.stdout_bytes, stderr)


class Cli:
    """`dailypapers --home HOME ARGS...` in a clean environment.

    Calling it runs the command in this process (click's CliRunner), which is what most tests
    need and costs no interpreter start-up; `cli.subprocess(...)` runs the real
    `python -m dailypapers` in a child process, for what only a separate process shows: being
    killed, Ctrl-C, locks between processes, resource limits, the real entry point. Both take the
    same arguments and give a `subprocess.CompletedProcess` (returncode, stdout, stderr)."""

    def __init__(self, home: Path, config_home: Path, cwd: Path) -> None:
        self.home = home
        self.config_home = config_home
        self.cwd = cwd
        self.waits: list[float] = []  # what the in-process calls would have slept, in order

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED_ENV_PREFIXES)}
        env["XDG_CONFIG_HOME"] = str(self.config_home)
        # Endpoints whose defaults are on the internet point at a closed local port unless a test
        # gives its fake: a test that forgets one fails at once instead of using the network.
        env.update({name: UNREACHABLE for name in _INTERNET_ENDPOINTS})
        env.update(extra or {})
        return env

    def argv(self, *args: str) -> list[str]:
        """The command line of the real program (for tests that start it themselves)."""
        return [sys.executable, "-m", "dailypapers", "--home", str(self.home), *args]

    def __call__(self, *args: str, env: dict[str, str] | None = None,
                 timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return run_in_process(["--home", str(self.home), *args], self.env(env), self.cwd, timeout,
                              waits=self.waits)

    def subprocess(self, *args: str, env: dict[str, str] | None = None,
                   timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """The same, as a real `python -m dailypapers` process."""
        return subprocess.run(self.argv(*args), env=self.env(env), cwd=self.cwd, capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    config_home = tmp_path / "xdg-config"
    config_home.mkdir()
    work = tmp_path / "cwd"
    work.mkdir()
    return Cli(tmp_path / "home", config_home, work)


# -- PostgreSQL -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's own database, for making test databases: the server of
    DAILYPAPERS_TEST_DATABASE_URL (`.ci/run` starts one), else a throwaway cluster started here
    (tests/pgserver.py); the tests that need one are skipped, saying why, when neither can be had."""
    import shutil
    import tempfile

    from tests import pgserver

    given = os.environ.get(pgserver.URL_VARIABLE)
    if given:
        yield given
        return
    reason = pgserver.why_not()
    if reason:
        pytest.skip(f"no PostgreSQL: {reason}, and {pgserver.URL_VARIABLE} names no server")
    folder = Path(tempfile.mkdtemp(prefix="dp-pg-"))  # not under pytest's tmp: its parents are the root's only
    cluster = pgserver.Cluster(folder).start()
    try:
        yield cluster.url()
    finally:
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_shared(pg_server: str) -> Iterator[str]:
    """One database for the session, migrated once; `pg_url` empties it for each test."""
    from dailypapers.store import Store
    from tests import pgserver

    url = pgserver.create_database(pg_server)
    Store(url).close()
    yield url
    pgserver.drop_database(pg_server, url)


@pytest.fixture
def pg_url(pg_shared: str) -> str:
    """A migrated PostgreSQL database with nothing in it, for one test: the session's, its tables
    emptied first (TRUNCATE takes milliseconds; a new database, half a second)."""
    import psycopg

    from dailypapers.store.schema import metadata, schema_migrations

    tables = ", ".join(t.name for t in metadata.sorted_tables if t is not schema_migrations)
    with psycopg.connect(pg_shared, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    return pg_shared


@pytest.fixture
def pg_empty_url(pg_server: str) -> Iterator[str]:
    """A new PostgreSQL database with no tables at all (dropped after the test)."""
    from tests import pgserver

    url = pgserver.create_database(pg_server)
    yield url
    pgserver.drop_database(pg_server, url)

