"""Workers on the task queue against the single-process run: a backfill of `--papers` papers (over
`--days` days) summarized with the fake LLM at a fixed latency, from full PDF texts, by 1, 2 and 4
`dailypapers worker` processes on one PostgreSQL, and by one `dailypapers run --since/--until` on
PostgreSQL and on SQLite. Prints throughput against the ideal, the time each paper holds a slot
beyond the LLM's latency, and the peak memory of each worker process.

Everything is real but the network: a throwaway PostgreSQL cluster (tests/pgserver.py), the CLI as
subprocesses, tests.fakes.FakeHF and FakeLLM on 127.0.0.1 (in this process). The papers and their
texts are put in the store first (the text: what the project's PDF reader extracts from a generated
twelve-page paper, about 40,000 characters, the same for every paper but its title), so that the
runs measure the queue, the store and the summarizing, not arXiv's pace.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes, tests.pgserver
sys.path.insert(1, str(ROOT / "src"))

import psycopg  # noqa: E402

from dailypapers.fulltext.sandbox import extract  # noqa: E402
from dailypapers.models import Listing, ListingEntry, Paper, TextSection  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from dailypapers.store.copy import copy_store  # noqa: E402
from tests import minipdf, pgserver  # noqa: E402
from tests.fakes import FakeHF, FakeLLM, paper_id_of  # noqa: E402

FIRST_DAY = "2025-03-03"
MODEL = "openai-compatible/bench"
SENTENCES = [
    "We study how sparse routing layers change the cost of attention over long inputs.",
    "The router sends each token to two of sixteen experts chosen by a learned score.",
    "Training uses a contrastive loss between routed and dense representations.",
    "On inputs of 128K tokens the method raises retrieval accuracy by 4.2 points.",
    "Latency falls by a factor of 1.8 compared with dense attention at equal quality.",
    "Ablations show that the number of experts matters more than their width.",
    "We release the code, the checkpoints and the evaluation scripts.",
]


def paper_text() -> list[TextSection]:
    """The sections the PDF reader finds in a generated twelve-page paper."""
    pages = [[f"{n} Section {n}" if i == 0 else SENTENCES[(n + i) % len(SENTENCES)] for i in range(52)]
             for n in range(1, 13)]
    pages[0] = ["Sparse Routers for Long Inputs", "Mina Park", "Abstract", *SENTENCES[:3], "1 Introduction",
                *pages[0][1:45]]
    return extract("pdf", minipdf.text_pdf(pages), "bench paper")


def listing_items(days: list[str], per_day: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for d, day in enumerate(days):
        out[day] = [{"paper": {"id": f"25{d:02d}.{i:05d}", "title": f"Sparse Routers {d}-{i}",
                               "summary": " ".join(SENTENCES[:3]), "authors": [{"name": "Mina Park"}],
                               "upvotes": per_day - i}, "title": f"Sparse Routers {d}-{i}", "thumbnail": ""}
                    for i in range(per_day)]
    return out


def fill(store: Store, items: dict[str, list[dict[str, Any]]], text: list[TextSection]) -> None:
    """The days' listings and every paper's text, as a fetch and a download would have left them."""
    for day, rows in items.items():
        entries = [ListingEntry(day, Paper(r["paper"]["id"], r["title"], ["Mina Park"], r["paper"]["summary"],
                                           version=1), "hf", position=i, upvotes=r["paper"]["upvotes"])
                   for i, r in enumerate(rows)]
        store.save_listing(Listing(day, "hf", entries, url="http://hf.bench/api/daily_papers"))
        for e in entries:
            store.save_text(e.paper.id, 1, "pdf", text)


def respond(body: dict[str, Any]) -> str:
    pid = paper_id_of(body)
    return json.dumps({"whats_new": f"{pid} proposes sparse routers.", "technical_details": "Two of sixteen experts.",
                       "performance_highlights": "Accuracy rises by 4.2 points."})


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a live process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path, cluster: pgserver.Cluster) -> None:
        self.args, self.work, self.cluster = args, work, cluster
        self.days = [f"2025-03-{3 + i:02d}" for i in range(args.days)]
        self.items = listing_items(self.days, args.papers // args.days)
        self.papers = sum(len(v) for v in self.items.values())

    def env(self, hf: FakeHF, llm: FakeLLM, home: Path, url: str | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DAILYPAPERS_", "OPENAI_", "HF_"))}
        env.update({"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_HOME": str(home),
                    "DAILYPAPERS_TEXT_SOURCES": "pdf", "DAILYPAPERS_CHECKS": "off", "DAILYPAPERS_LLM": MODEL,
                    "DAILYPAPERS_LANG": "en", "DAILYPAPERS_ARXIV_API_URL": "http://127.0.0.1:9",
                    "DAILYPAPERS_ARXIV_URL": "http://127.0.0.1:9", "PYTHONPATH": str(ROOT / "src")})
        if url:
            env["DAILYPAPERS_DATABASE_URL"] = url
        return env

    def templates(self) -> tuple[Path, str]:
        """A SQLite file and a PostgreSQL database holding the papers and texts, copied for each run."""
        text = paper_text()
        sqlite = self.work / "template.db"
        store = Store.open(sqlite)
        fill(store, self.items, text)
        url = pgserver.create_database(self.cluster.url(), "bench_template")
        target = Store(url)
        copy_store(store, target)
        target.close()
        store.close()
        print(f"{self.papers} papers, text {sum(len(s.text) for s in text):,} characters each", flush=True)
        return sqlite, "bench_template"

    def single(self, label: str, hf: FakeHF, sqlite: Path | None, template: str | None) -> dict[str, Any]:
        """One `dailypapers run --since --until` over the whole backfill."""
        home = Path(tempfile.mkdtemp(dir=self.work))
        url = None
        if sqlite is not None:
            shutil.copy(sqlite, home / "dailypapers.db")
        else:
            url = pgserver.create_database(self.cluster.url(), template=template)
        with FakeLLM(respond, latency=self.args.latency) as llm:
            argv = [sys.executable, "-m", "dailypapers", "-q", "run", "--since", self.days[0], "--until",
                    self.days[-1], "--concurrency", str(self.args.concurrency)]
            start, cpu = time.perf_counter(), children_cpu()
            done = subprocess.run(argv, env=self.env(hf, llm, home, url), capture_output=True, text=True)
            elapsed, cpu = time.perf_counter() - start, children_cpu() - cpu
            assert done.returncode == 0, done.stderr[-2000:]
            asked = len(llm.requests)
        return self.row(label, 1, elapsed, asked, [], cpu)

    def queued(self, workers: int, hf: FakeHF, template: str) -> dict[str, Any]:
        """The backfill given to the queue, done by `workers` worker processes."""
        home = Path(tempfile.mkdtemp(dir=self.work))
        url = pgserver.create_database(self.cluster.url(), template=template)
        with FakeLLM(respond, latency=self.args.latency) as llm:
            env = self.env(hf, llm, home, url) | {"DAILYPAPERS_WORKER_LEASE": "60"}
            procs = [subprocess.Popen([sys.executable, "-m", "dailypapers", "-q", "worker", "--concurrency",
                                       str(self.args.concurrency)], env=env, stdout=subprocess.DEVNULL,
                                      stderr=open(home / f"worker-{i}.log", "w"))
                     for i in range(workers)]
            try:
                wait_until(lambda: registered(url) >= workers, 120)  # started, before the clock starts
                cpu = sum(cpu_seconds(p.pid) for p in procs)
                start = time.perf_counter()
                queued = subprocess.run([sys.executable, "-m", "dailypapers", "run", "--since", self.days[0],
                                         "--until", self.days[-1], "--queue"], env=env, capture_output=True,
                                        text=True)
                assert queued.returncode == 0, queued.stderr
                wait_until(lambda: finished(url) == len(self.days), 3600)
                elapsed = time.perf_counter() - start
                memory = [peak_rss_mb(p.pid) for p in procs]
                cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu
            finally:
                for p in procs:
                    p.send_signal(signal.SIGTERM)
                for p in procs:
                    p.wait(timeout=120)
            asked = len(llm.requests)
        return self.row(f"{workers} worker(s) on PostgreSQL", workers, elapsed, asked, memory, cpu)

    def row(self, label: str, processes: int, elapsed: float, asked: int, memory: list[float],
            cpu: float) -> dict[str, Any]:
        slots = processes * self.args.concurrency
        throughput = self.papers / elapsed
        ideal = slots / self.args.latency
        held = elapsed * slots / self.papers  # seconds each paper kept a slot busy
        return {"run": label, "processes": processes, "slots": slots, "seconds": round(elapsed, 1),
                "papers_per_s": round(throughput, 1), "ideal": round(ideal, 1), "ratio": round(throughput / ideal, 3),
                "overhead_ms": round((held - self.args.latency) * 1000),
                "cpu_ms_per_paper": round(cpu * 1000 / self.papers, 1), "llm_requests": asked,
                "worker_peak_rss_mb": [round(m) for m in memory]}


def registered(url: str) -> int:
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return 0


def finished(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM work_days WHERE finished_at IS NOT NULL").fetchone()
        return int(row[0]) if row else 0


def wait_until(done: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark's run did not finish in time")
        time.sleep(0.2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=2000)
    ap.add_argument("--days", type=int, default=4, help="the backfill's days (papers are spread over them)")
    ap.add_argument("--latency", type=float, default=0.25, help="seconds the fake LLM takes per answer")
    ap.add_argument("--concurrency", type=int, default=8, help="papers at once per process")
    ap.add_argument("--workers", default="1,2,4", help="worker processes, one run per number")
    ap.add_argument("--no-single", action="store_true", help="skip the single-process runs")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON too")
    args = ap.parse_args()
    reason = pgserver.why_not()
    if reason:
        sys.exit(f"cannot start PostgreSQL: {reason}")
    work = Path(tempfile.mkdtemp(prefix="dp-bench-"))
    work.chmod(0o755)  # the server (the postgres user, when we are root) reaches its folder through it
    cluster = pgserver.Cluster(work / "pg", settings={"fsync": "on", "full_page_writes": "on",
                                                      "synchronous_commit": "on"}).start()
    rows = []
    try:
        bench = Bench(args, work, cluster)
        sqlite, template = bench.templates()
        with FakeHF(bench.items) as hf:
            if not args.no_single:
                rows.append(bench.single("single run on SQLite", hf, sqlite, None))
                rows.append(bench.single("single run on PostgreSQL", hf, None, template))
            for n in [int(x) for x in args.workers.split(",")]:
                rows.append(bench.queued(n, hf, template))
                print(rows[-1], flush=True)
    finally:
        cluster.stop("immediate")
        shutil.rmtree(work, ignore_errors=True)
    head = ["run", "slots", "seconds", "papers_per_s", "ideal", "ratio", "overhead_ms", "cpu_ms_per_paper",
            "llm_requests", "worker_peak_rss_mb"]
    print(f"\n{bench.papers} papers over {args.days} days, fake LLM latency {args.latency} s, "
          f"concurrency {args.concurrency} per process\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(str(r[h]) for h in head) + " |")
    if any(r["worker_peak_rss_mb"] for r in rows):
        peaks = [m for r in rows for m in r["worker_peak_rss_mb"]]
        print(f"\nworker peak RSS: median {statistics.median(peaks):.0f} MB, max {max(peaks):.0f} MB")
    if args.json:
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
