"""Throughput of `pipeline.summarize` against a fake OpenAI-compatible LLM with a fixed latency.

The baseline is the ideal of the same run: with `concurrency` requests in flight and each taking
`latency` seconds, no client can do better than `concurrency / latency` papers per second. The
script prints the measured papers/second and its ratio to that ideal (aim: >= 0.9 at concurrency
16 over 200 papers), the most requests the fake ever saw at once, and a second baseline measured
in the same command: bare POSTs through the same httpx client against the same fake (the floor
that this machine, this fake and httpx allow, with no pipeline at all).

    .venv/bin/python bench/bench_summarize.py [--papers 200] [--concurrency 16] [--latency 0.25]
                                              [--repeat 1] [--profile] [--no-raw] [--fake-nagle]

Everything is real except the LLM: a SQLite store in a temporary folder, the `openai-compatible`
backend built from settings (OPENAI_BASE_URL pointing at the fake), httpx over TCP to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes
sys.path.insert(1, str(ROOT / "src"))  # harmless when the package is installed in the venv

from dailypapers import pipeline  # noqa: E402
from dailypapers.config import load_settings  # noqa: E402
from dailypapers.models import Listing, ListingEntry, Paper  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from dailypapers.summarize.backends import get_backend  # noqa: E402
from tests.fakes import FakeLLM, paper_id_of  # noqa: E402

DATE = "2025-01-15"


def respond(body: dict[str, Any]) -> str:
    pid = paper_id_of(body)
    return json.dumps({
        "whats_new": f"Paper {pid} proposes a sparse router that picks experts per token.",
        "technical_details": "The router is trained with a load-balancing loss over 64 experts.",
        "performance_highlights": "It matches the dense baseline at a third of the compute.",
    })


def invented_papers(n: int) -> Listing:
    entries = []
    for i in range(n):
        pid = f"2501.{10000 + i:05d}"
        paper = Paper(pid, f"Invented Paper {i}: Sparse Routers at Scale", [f"Author {i}", "Coauthor"],
                      abstract=("We study sparse routing for mixture-of-experts language models. " * 6).strip(),
                      version=1)
        entries.append(ListingEntry(DATE, paper, "bench", position=i, upvotes=i % 50))
    return Listing(DATE, "bench", entries)


def run_once(n: int, concurrency: int, latency: float, profile: bool,
             fake_nagle: bool = False) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="dailypapers-bench-") as tmp, \
            FakeLLM(respond, latency=latency) as fake:
        # The fake's handler (http.server) writes the headers and the body of a response in two
        # send()s with Nagle's algorithm on, so the body waits for the client's delayed ACK (40 ms
        # on Linux) on every request. Real servers (uvicorn, Go's net/http, nginx) set TCP_NODELAY;
        # this does the same for this fake instance only (its handler class is made per instance).
        fake.server.RequestHandlerClass.disable_nagle_algorithm = not fake_nagle
        dead = "http://127.0.0.1:9"  # nothing here may reach arXiv: abstracts only
        (Path(tmp) / "none.toml").touch()  # an empty config file: never the developer's
        env = {"OPENAI_BASE_URL": f"{fake.url}/v1", "DAILYPAPERS_CONFIG": str(Path(tmp) / "none.toml"),
               "DAILYPAPERS_TEXT_SOURCES": "abstract", "DAILYPAPERS_ARXIV_URL": dead,
               "DAILYPAPERS_ARXIV_API_URL": dead}
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            # The fake's answers are one sentence a section, which the quality checks would send
            # back for repair (three requests a paper); this measures the request pipeline, and
            # bench_checks.py measures the checks.
            settings = load_settings(home=Path(tmp), concurrency=concurrency, checks="off")
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        store = Store.open(settings.db_path)
        store.save_listing(invented_papers(n))
        backend = get_backend("openai-compatible/bench", settings)
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0 = time.perf_counter()
        report = pipeline.summarize(store, settings, DATE, "en", backend, concurrency=concurrency)
        elapsed = time.perf_counter() - t0
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        store.close()
        if report.done != n or report.failures:
            raise SystemExit(f"bench run incomplete: {report.done} done, failures: {report.failures[:3]}")
        return {"elapsed": elapsed, "rate": n / elapsed, "max_in_flight": fake.max_in_flight,
                "requests": len(fake.requests)}


def run_raw(n: int, concurrency: int, latency: float, fake_nagle: bool = False) -> float:
    """The floor this machine and this fake allow: `n` bare POSTs from `concurrency` threads through
    one client from dailypapers.http.make_client, no store, no prompt, no parsing. Papers/second."""
    from concurrent.futures import ThreadPoolExecutor

    from dailypapers.http import make_client

    body = {"model": "bench", "messages": [{"role": "user", "content": "Here is arXiv paper 2501.00001.\n"}]}
    with FakeLLM(respond, latency=latency) as fake, make_client(30.0) as client:
        fake.server.RequestHandlerClass.disable_nagle_algorithm = not fake_nagle
        url = f"{fake.url}/v1/chat/completions"
        t0 = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            for r in pool.map(lambda _: client.post(url, json=body), range(n)):
                r.raise_for_status()
        return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--latency", type=float, default=0.25, help="seconds the fake LLM takes per answer")
    ap.add_argument("--repeat", type=int, default=1, help="runs (of each kind); the median is reported")
    ap.add_argument("--profile", action="store_true", help="cProfile the (first) run, calling thread only")
    ap.add_argument("--no-raw", action="store_true", help="skip the bare-httpx baseline run")
    ap.add_argument("--fake-nagle", action="store_true",
                    help="leave Nagle's algorithm on in the fake server (shows its 40 ms artifact)")
    args = ap.parse_args()

    ideal = args.concurrency / args.latency
    results = [run_once(args.papers, args.concurrency, args.latency, args.profile and i == 0,
                        args.fake_nagle)
               for i in range(args.repeat)]
    results.sort(key=lambda r: r["rate"])
    mid = results[len(results) // 2]
    rounds = -(-args.papers // args.concurrency)
    print(f"papers={args.papers} concurrency={args.concurrency} latency={args.latency}s "
          f"runs={args.repeat} fake TCP_NODELAY={'off' if args.fake_nagle else 'on'}")
    if args.repeat > 1:
        print("rates (papers/s): " + ", ".join(f"{r['rate']:.1f}" for r in results))
    print(f"elapsed       {mid['elapsed']:.3f} s  (ideal {args.papers / ideal:.3f} s)")
    print(f"throughput    {mid['rate']:.1f} papers/s")
    print(f"ideal         {ideal:.1f} papers/s  (concurrency / latency)")
    best = args.papers / ideal / (rounds * args.latency)
    print(f"ratio         {mid['rate'] / ideal:.3f}  (aim >= 0.9; at best {best:.3f}"
          f" here: {args.papers} papers need {rounds} rounds of {args.concurrency})")
    print(f"max_in_flight {mid['max_in_flight']}  (requests the fake held at once)")
    if not args.no_raw:
        raw = statistics.median(run_raw(args.papers, args.concurrency, args.latency, args.fake_nagle)
                                for _ in range(args.repeat))
        print(f"raw httpx     {raw:.1f} papers/s  (ratio {raw / ideal:.3f}: bare POSTs, same fake and "
              f"concurrency; pipeline / raw = {mid['rate'] / raw:.3f})")
    print(f"requests      {mid['requests']}")


if __name__ == "__main__":
    main()
