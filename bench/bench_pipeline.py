"""The pipeline's own overhead, and its memory over a long backfill.

1. Throughput against an instant fake LLM (latency 0): `pipeline.summarize` over `--papers` papers
   at `--concurrency`, in papers (= requests) per second; the baseline, measured in the same run
   against the same kind of fake, is bare httpx POSTs from the same number of threads through one
   `make_client()` client, with no store, prompt, parsing or pipeline. `pipeline / raw` is the share
   of the bare rate the pipeline keeps: what reading the day, building prompts, parsing answers,
   storing summaries and the run record cost on top of HTTP.

2. Memory of a backfill: `dailypapers run --since D1 --until D2` as a subprocess over `--days` days of
   `--per-day` papers (a fake Hugging Face and an instant fake LLM in this process), and its peak
   RSS (VmHWM from /proc, read as it exits). Baselines from the same command: the peak RSS
   of `dailypapers --help`, and of a one-day run of the same size. A flat line from one day to
   twenty means that memory does not grow with the length of a backfill.

    .venv/bin/python bench/bench_pipeline.py [--papers 1000] [--concurrency 16] [--repeat 3]
                                             [--days 20] [--per-day 50] [--backend fake|extractive]
                                             [--skip-throughput] [--skip-memory]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.fakes, tests.faultkit
sys.path.insert(1, str(ROOT / "src"))

from dailypapers import pipeline  # noqa: E402
from dailypapers.config import load_settings  # noqa: E402
from dailypapers.models import Listing  # noqa: E402
from dailypapers.sources.hf_daily import parse_items  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from dailypapers.summarize.backends import get_backend  # noqa: E402
from tests.fakes import FakeHF, FakeLLM, paper_id_of  # noqa: E402
from tests.faultkit import hf_items  # noqa: E402

FIRST_DAY = dt.date(2025, 3, 3)


def respond(body: dict[str, Any]) -> str:
    pid = paper_id_of(body)
    return json.dumps({
        "whats_new": f"Paper {pid} proposes a sparse router that picks experts per token.",
        "technical_details": "The router is trained with a load-balancing loss over 64 experts.",
        "performance_highlights": "It matches the dense baseline at a third of the compute.",
    })


def fast(fake: FakeLLM | FakeHF) -> FakeLLM | FakeHF:
    # http.server writes headers and body in two send()s; with Nagle on, the body waits for the
    # client's delayed ACK (40 ms). Real servers set TCP_NODELAY; so does this fake instance.
    fake.server.RequestHandlerClass.disable_nagle_algorithm = True
    return fake


# -- 1. throughput --------------------------------------------------------------------------------

def pipeline_rate(n: int, concurrency: int) -> dict[str, float]:
    date = FIRST_DAY.isoformat()
    with tempfile.TemporaryDirectory(prefix="dailypapers-bench-") as tmp, fast(FakeLLM(respond)) as fake:
        (Path(tmp) / "none.toml").touch()  # an empty config file: never the developer's
        env = {"OPENAI_BASE_URL": f"{fake.url}/v1", "DAILYPAPERS_CONFIG": str(Path(tmp) / "none.toml"),
               "DAILYPAPERS_TEXT_SOURCES": "abstract", "DAILYPAPERS_CHECKS": "off"}
        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            settings = load_settings(home=Path(tmp), concurrency=concurrency)
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        store = Store.open(settings.db_path)
        store.save_listing(Listing(date, "hf", parse_items(hf_items(n), date, "bench")))
        backend = get_backend("openai-compatible/bench", settings)
        t0 = time.perf_counter()
        report = pipeline.summarize(store, settings, date, "en", backend, concurrency=concurrency)
        elapsed = time.perf_counter() - t0
        store.close()
        if report.done != n or report.failures:
            raise SystemExit(f"bench run incomplete: {report.done} done, failures: {report.failures[:3]}")
        return {"rate": n / elapsed, "elapsed": elapsed, "max_in_flight": fake.max_in_flight,
                "requests": len(fake.requests)}


def raw_rate(n: int, concurrency: int) -> float:
    """Bare POSTs from `concurrency` threads through one make_client() client: papers/second."""
    from concurrent.futures import ThreadPoolExecutor

    from dailypapers.http import make_client

    body = {"model": "bench", "messages": [{"role": "user", "content": "Here is arXiv paper 2503.00001.\n"}]}
    with fast(FakeLLM(respond)) as fake, make_client(30.0) as client:
        url = f"{fake.url}/v1/chat/completions"
        t0 = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            for r in pool.map(lambda _: client.post(url, json=body), range(n)):
                r.raise_for_status()
        return n / (time.perf_counter() - t0)


def throughput(args: argparse.Namespace) -> None:
    runs = [pipeline_rate(args.papers, args.concurrency) for _ in range(args.repeat)]
    raws = [raw_rate(args.papers, args.concurrency) for _ in range(args.repeat)]
    rate = statistics.median(r["rate"] for r in runs)
    raw = statistics.median(raws)
    print(f"## throughput: {args.papers} papers, concurrency {args.concurrency}, fake latency 0, "
          f"{args.repeat} runs (median)")
    each = ", ".join(f"{r['rate']:.0f}" for r in runs)
    print(f"pipeline      {rate:.0f} papers/s  (runs: {each}; "
          f"max_in_flight {max(r['max_in_flight'] for r in runs)})")
    each = ", ".join(f"{r:.0f}" for r in raws)
    print(f"raw httpx     {raw:.0f} requests/s  (runs: {each})")
    print(f"pipeline/raw  {rate / raw:.3f}")
    print(f"per paper     {1000 / rate:.2f} ms pipeline, {1000 / raw:.2f} ms raw: "
          f"{1000 / rate - 1000 / raw:.2f} ms of the pipeline's own per paper (wall clock, {args.concurrency} threads)")


# -- 2. memory ------------------------------------------------------------------------------------

# `python -m dailypapers ARGS` that writes its peak RSS (VmHWM, KiB) to $BENCH_HWM_FILE at exit.
# Not ru_maxrss: Linux keeps that high-water mark across fork and exec, so a child of this (large)
# process would report this process's size.
_MEASURED = """
import atexit, os, runpy, sys

def _hwm():
    with open("/proc/self/status") as f:
        kib = next(line.split()[1] for line in f if line.startswith("VmHWM:"))
    with open(os.environ["BENCH_HWM_FILE"], "w") as out:
        out.write(kib)

atexit.register(_hwm)
sys.argv = ["dailypapers", *sys.argv[1:]]
runpy.run_module("dailypapers", run_name="__main__", alter_sys=True)
"""


def child_peak(args: list[str], env: dict[str, str]) -> tuple[int, float, int, str]:
    """Run `dailypapers ARGS`; its peak RSS in KiB, seconds, exit status and stderr tail."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as hwm:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _MEASURED, *args], env={**env, "BENCH_HWM_FILE": hwm.name},
                              stdout=subprocess.DEVNULL, stderr=err)
        elapsed = time.perf_counter() - t0
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-600:]
        peak = int(hwm.read() or 0)
    return peak, elapsed, proc.returncode, tail


def backfill(days: int, per_day: int, backend: str, hf: FakeHF, llm: FakeLLM | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dailypapers-backfill-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DAILYPAPERS_", "OPENAI_", "HF_"))}
        (Path(tmp) / "none.toml").touch()  # an empty config file: never the developer's
        env.update({"HF_ENDPOINT": hf.url, "DAILYPAPERS_CONFIG": str(Path(tmp) / "none.toml"),
                    "DAILYPAPERS_TEXT_SOURCES": "abstract", "DAILYPAPERS_CHECKS": "off",
                    "DAILYPAPERS_ARXIV_API_URL": "http://127.0.0.1:9", "DAILYPAPERS_ARXIV_URL": "http://127.0.0.1:9"})
        llm_args = ["--llm", "extractive", "--lang", "en"]
        if backend == "fake":
            assert llm is not None
            env["OPENAI_BASE_URL"] = f"{llm.url}/v1"
            llm_args = ["--llm", "openai-compatible/bench", "--lang", "en"]
        last = FIRST_DAY + dt.timedelta(days=days - 1)
        cmd = ["--home", tmp, "-q", "run", "--since", FIRST_DAY.isoformat(),
               "--until", last.isoformat(), *llm_args, "--concurrency", "16", "-o", str(Path(tmp) / "out")]
        rss, elapsed, code, tail = child_peak(cmd, env)
        if code != 0:
            raise SystemExit(f"backfill exited {code}: {tail}")
        written = len(list((Path(tmp) / "out").glob("*.md")))
        db_mb = (Path(tmp) / "dailypapers.db").stat().st_size / 1e6
        return {"days": days, "papers": days * per_day, "rss": rss, "elapsed": elapsed, "digests": written,
                "db_mb": db_mb}


def memory(args: argparse.Namespace) -> None:
    listing = {(FIRST_DAY + dt.timedelta(days=d)).isoformat(): hf_items(args.per_day, d) for d in range(args.days)}
    help_rss, _, _, _ = child_peak(["--help"], dict(os.environ))
    with fast(FakeHF(listing)) as hf, fast(FakeLLM(respond)) as llm:
        rows = [backfill(d, args.per_day, args.backend, hf, llm) for d in sorted({1, args.days // 4 or 1, args.days})]
    print(f"## memory: `run --since --until`, {args.per_day} papers a day, backend {args.backend}, "
          "peak RSS of the child (VmHWM)")
    print(f"`dailypapers --help`: {help_rss / 1024:.1f} MiB")
    print("| days | papers | peak RSS (MiB) | vs one day | digests written | store (MB) | time (s) | papers/s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    one = rows[0]["rss"]
    for r in rows:
        print(f"| {r['days']} | {r['papers']} | {r['rss'] / 1024:.1f} | {r['rss'] / one:.2f} | {r['digests']} | "
              f"{r['db_mb']:.1f} | {r['elapsed']:.1f} | {r['papers'] / r['elapsed']:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--days", type=int, default=20)
    ap.add_argument("--per-day", type=int, default=50)
    ap.add_argument("--backend", choices=["fake", "extractive"], default="fake")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args()
    if not args.skip_throughput:
        throughput(args)
    if not args.skip_memory:
        memory(args)


if __name__ == "__main__":
    main()
