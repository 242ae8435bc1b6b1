"""Workers on the task queue of a real PostgreSQL store, as real processes (`dailypapers worker`),
with the fakes of Hugging Face, arXiv and the LLM on 127.0.0.1: three workers, one killed with
SIGKILL in the middle of a paper, share a day; and a backfill goes on through a restart of the
database. What must hold: every paper stored once, the LLM asked once per paper (and again at most
for the request the killed worker had in flight), arXiv's requests never closer together than the
configured delay, whichever worker made them, and the day's digest written once."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from dailypapers.store import Store
from tests import pgserver
from tests.fakes import FakeArxiv, FakeHF, FakeLLM, atom_entry, paper_id_of
from tests.test_fulltext_html import PAGE

DATE = "2025-02-03"
DELAY = 0.25  # seconds between two arXiv requests, for all workers together
LEASE = 6  # seconds a worker may be silent before its jobs go to another


def items(date: str, count: int, prefix: str = "2502.1") -> list[dict[str, Any]]:
    """`count` invented papers as Hugging Face lists them for `date`."""
    out = []
    for i in range(count):
        pid = f"{prefix}{i:04d}"
        out.append({"paper": {"id": pid, "title": f"Paper {pid} on Sparse Routing", "summary":
                              f"We study sparse routing in paper {pid}. It is faster by {i + 2}%.",
                              "authors": [{"name": "Mina Park"}], "upvotes": count - i,
                              "publishedAt": f"{date}T00:00:00.000Z"},
                    "title": f"Paper {pid} on Sparse Routing", "thumbnail": "", "numComments": 0})
    return out


def respond(body: dict[str, Any]) -> str:
    pid = paper_id_of(body)
    return json.dumps({"whats_new": f"{pid} 논문은 희소 라우팅을 제안합니다.",
                       "technical_details": f"{pid} 논문은 라우터를 학습합니다.",
                       "performance_highlights": f"{pid} 논문은 더 빠릅니다."}, ensure_ascii=False)


class Workers:
    """`dailypapers worker` processes of one home and database, their logs in files."""

    def __init__(self, cli: Any, env: dict[str, str], logs: Path) -> None:
        self.cli, self.env, self.logs = cli, env, logs
        self.procs: list[subprocess.Popen[bytes]] = []
        logs.mkdir(parents=True, exist_ok=True)

    def start(self, concurrency: int) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"worker-{len(self.procs)}.log", "wb")
        proc = subprocess.Popen(self.cli.argv("worker", "--concurrency", str(concurrency)), env=self.cli.env(self.env),
                                cwd=self.cli.cwd, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.procs.append(proc)
        return proc

    def text(self) -> str:
        return "\n".join(p.read_text("utf-8", "replace") for p in sorted(self.logs.glob("worker-*.log")))

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@contextmanager
def workers(cli: Any, env: dict[str, str], logs: Path) -> Iterator[Workers]:
    w = Workers(cli, env, logs)
    try:
        yield w
    finally:
        w.stop()


def wait_for(what: str, done: Callable[[], bool], timeout: float, logs: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s\n{logs()[-4000:]}"
        time.sleep(0.1)


def all_finished(url: str, days: int) -> bool:
    """Whether the queue has `days` days, every one finished."""
    try:
        store = Store(url)
    except Exception:  # the database is restarting
        return False
    try:
        finished = [d["finished_at"] for d in store.work_progress()]
    except Exception:
        return False
    finally:
        store.close()
    return len(finished) == days and None not in finished


def summaries_per_paper(url: str) -> Counter[str]:
    with psycopg.connect(url) as conn:
        return Counter(pid for (pid,) in conn.execute("SELECT paper_id FROM summaries"))


def test_three_workers_one_killed_share_a_day_once(cli: Any, pg_empty_url: str, tmp_path: Path) -> None:
    day = items(DATE, 16)
    ids = [i["paper"]["id"] for i in day]
    entries = {pid: atom_entry(pid, 1, f"Paper {pid} on Sparse Routing", ["Mina Park"], "Sparse routing.")
               for pid in ids}
    with FakeHF({DATE: day}) as hf, FakeArxiv(entries, htmls={f"{pid}v1": PAGE for pid in ids}) as arxiv, \
            FakeLLM(respond, latency=1.0) as llm:
        env = {"DAILYPAPERS_DATABASE_URL": pg_empty_url, "HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1",
               "DAILYPAPERS_ARXIV_API_URL": arxiv.url + "/api/query", "DAILYPAPERS_ARXIV_URL": arxiv.url,
               "DAILYPAPERS_ARXIV_DELAY": str(DELAY), "DAILYPAPERS_WORKER_LEASE": str(LEASE),
               "DAILYPAPERS_TEXT_SOURCES": "html,abstract", "DAILYPAPERS_CHECKS": "off"}
        queued = cli("run", "--date", DATE, "--lang", "ko", "--llm", "openai-compatible/test", "--queue", "--json",
                     env=env)
        assert queued.returncode == 0, queued.stderr
        assert len(json.loads(queued.stdout)["days"]) == 1
        assert (len(hf.requests), len(arxiv.requests), len(llm.requests)) == (0, 0, 0)  # returned at once
        waiting = json.loads(cli("queue", "--json", env=env).stdout)
        assert [(j["kind"], j["waiting"], j["running"]) for j in waiting["jobs"]] == [("day", 1, 0)]

        with workers(cli, env, tmp_path / "logs") as pool:
            first = pool.start(concurrency=1)  # alone at first: what the LLM is answering is its own
            wait_for("the first worker's second paper", lambda: len(llm.log) >= 2 and llm.in_flight == 1, 60,
                     pool.text)
            pool.start(concurrency=2)
            pool.start(concurrency=2)
            first.send_signal(signal.SIGKILL)  # in the middle of its request to the LLM
            first.wait()
            wait_for("the day finished", lambda: all_finished(pg_empty_url, 1), 180, pool.text)
            status = json.loads(cli("queue", "--json", env=env).stdout)
        logs = pool.text()

    assert first.returncode == -signal.SIGKILL
    assert summaries_per_paper(pg_empty_url) == Counter({pid: 1 for pid in ids}), logs[-3000:]
    asked = Counter(pid for pid, _ in llm.log)
    assert set(asked) == set(ids)
    assert sum(asked.values()) - len(ids) <= 1, asked  # the killed worker's one request, at most
    starts = sorted(r.at for r in arxiv.requests)
    assert len(starts) == len(ids) + 1  # the metadata of the day (one request), and each paper's HTML
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= DELAY - 0.005, gaps
    assert logs.count(f"{DATE}.ko.md") == 1, logs[-3000:]  # "wrote HOME/out/DATE.ko.md", by one worker
    assert (cli.home / "out" / f"{DATE}.ko.md").read_text().count("### [") == len(ids)
    with psycopg.connect(pg_empty_url) as conn:  # the killed worker's job was taken for stalled and done again
        retried = conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE attempts > 0").fetchone()
    assert retried is not None and retried[0] >= 1
    jobs = {j["kind"]: j for j in status["jobs"]}
    assert (jobs["day"]["done"], jobs["paper"]["done"], jobs["finish"]["done"]) == (1, len(ids), 1)
    assert status["days"][0]["done"] == len(ids) and status["days"][0]["todo"] == 0


@pytest.fixture
def own_server() -> Iterator[pgserver.Cluster]:
    """A PostgreSQL server of this test's own, to restart (not the one the other tests share)."""
    reason = pgserver.why_not()
    if reason:
        pytest.skip(f"no PostgreSQL to restart: {reason}")
    folder = Path(tempfile.mkdtemp(prefix="dp-pg-"))
    cluster = pgserver.Cluster(folder).start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop("immediate")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def test_workers_reconnect_after_a_database_restart_and_finish_the_backfill(cli: Any, own_server: pgserver.Cluster,
                                                                            tmp_path: Path) -> None:
    dates = ["2025-02-03", "2025-02-04", "2025-02-05"]
    listing = {d: items(d, 6, prefix=f"2502.{n}") for n, d in enumerate(dates, 3)}
    ids = [i["paper"]["id"] for d in dates for i in listing[d]]
    url = pgserver.create_database(own_server.url())
    with FakeHF(listing) as hf, FakeLLM(respond, latency=0.5) as llm:
        env = {"DAILYPAPERS_DATABASE_URL": url, "HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1",
               "DAILYPAPERS_WORKER_LEASE": str(LEASE), "DAILYPAPERS_TEXT_SOURCES": "abstract",
               "DAILYPAPERS_CHECKS": "off"}
        queued = cli("run", "--since", dates[0], "--until", dates[-1], "--lang", "ko", "--llm",
                     "openai-compatible/test", "--queue", env=env)
        assert queued.returncode == 0, queued.stderr
        with workers(cli, env, tmp_path / "logs") as pool:
            pool.start(concurrency=2)
            pool.start(concurrency=2)
            wait_for("some papers summarized", lambda: len(llm.log) >= 4, 60, pool.text)
            assert not all_finished(url, 3)
            own_server.stop("fast")  # every connection is cut
            time.sleep(1.0)
            own_server.start()
            wait_for("the backfill finished", lambda: all_finished(url, 3), 240, pool.text)
            logs = pool.text()
            assert all(p.poll() is None for p in pool.procs), logs[-3000:]  # the workers lived through it
    assert re.search(r"^worker \S+: .*connect", logs, re.M)  # and said so, each time in one line
    assert "Traceback" not in logs
    assert summaries_per_paper(url) == Counter({pid: 1 for pid in ids})
    for d in dates:
        assert (cli.home / "out" / f"{d}.ko.md").read_text().count("### [") == 6
