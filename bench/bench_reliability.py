"""Reliability under injected faults: what `pipeline.summarize` makes of a fake LLM that answers
429 (with and without Retry-After), 500, too late (a timeout), with truncated bodies or with invalid
JSON, at set (seeded) rates.

For each scenario it prints: papers completed; papers failed with a reason; papers silently missing
(neither: must be 0); requests sent per completed paper; faults the fake injected; placeholders
published (digest entries whose text the fake did not write for that paper: must be 0); and what a
second run against a healthy LLM sent (only the failed papers) and left incomplete (must be 0).
The baseline is the same run with no faults (one request per paper).

    .venv/bin/python bench/bench_reliability.py [--papers 100] [--concurrency 8] [--rates 0.1,0.3]
                                                [--timeout 1.0] [--seed 1] [--only NAME]

Everything is real except the LLM: the settings as shipped (retries 4, backoff from 1 s doubling,
Retry-After honoured, circuit breaker after 5 consecutive failures), the `openai-compatible`
backend built from them, a SQLite store in a temporary folder, httpx over TCP to 127.0.0.1. Quality
checks are off so that each answer the fake gives is one the client must take or retry (with checks
on, the fake's one-line answers would draw repair requests, which are measured elsewhere).
"""

from __future__ import annotations

import argparse
import logging
import os
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
from tests.fakes import FakeLLM  # noqa: E402
from tests.faultkit import Pen, digest_blocks, hf_items  # noqa: E402

DATE = "2025-03-03"
SCENARIOS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "429 + Retry-After: 1": (("429",), "1"),
    "429, no Retry-After": (("429-bare",), None),
    "500": (("500",), None),
    "timeout": (("timeout",), None),
    "truncated body": (("truncated",), None),
    "invalid JSON": (("garbage", "badbody"), None),
    "all of them": (("429", "429-bare", "500", "timeout", "truncated", "garbage", "badbody"), "1"),
}


def placeholders(text: str, pen: Pen, done: set[str]) -> int:
    """Digest entries that are not exactly an answer the fake wrote for that paper, entries for
    papers that were not summarized, and lines that are not part of the layout."""
    bad = 0
    for pid, sections in digest_blocks(text).items():
        if pid not in done or not sections or sections not in pen.all_sections(pid):
            bad += 1
    for line in text.split("\n"):
        if line.startswith("- ") and not line.startswith("- ***"):
            bad += 1  # an unlabelled bullet: nothing the fake writes looks like that
    return bad


def one(name: str, faults: tuple[str, ...], retry_after: str | None, rate: float, n: int,
        concurrency: int, timeout: float, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dailypapers-reliability-") as tmp:
        pen = Pen()
        with FakeLLM(pen, fault_rate=rate, faults=faults, seed=seed, retry_after=retry_after,
                     timeout_delay=timeout * 1.5) as fake:
            fake.server.RequestHandlerClass.disable_nagle_algorithm = True
            settings = _settings(Path(tmp), fake.url, concurrency, timeout)
            store = Store.open(settings.db_path)
            entries = parse_items(hf_items(n), DATE, "bench")
            store.save_listing(Listing(DATE, "hf", entries))
            ids = [e.paper.id for e in entries]
            backend = get_backend("openai-compatible/bench", settings)
            t0 = time.perf_counter()
            report = pipeline.summarize(store, settings, DATE, "ko", backend)
            elapsed = time.perf_counter() - t0
            text = pipeline.render(pipeline.digest(store, DATE, "ko", backend.model_id))
            requests = len(fake.requests)
            injected = sum(1 for _, what in fake.log if what != "ok")
        failed_ids = {f.paper_id for f in report.failures}
        with_reason = {f.paper_id for f in report.failures if f.reason.strip()}
        done = {pid for pid in ids if store.latest_summary(pid, "ko") is not None}
        missing = [pid for pid in ids if pid not in done and pid not in failed_ids]
        # The next run, with the LLM healthy again.
        with FakeLLM(pen) as healthy:
            again_settings = _settings(Path(tmp), healthy.url, concurrency, timeout)
            again = pipeline.summarize(store, again_settings, DATE, "ko",
                                       get_backend("openai-compatible/bench", again_settings))
            resent = len(healthy.requests)
        store.close()
        return {"name": name, "rate": rate, "completed": len(done), "failed": len(with_reason),
                "no_reason": len(failed_ids - with_reason), "missing": len(missing),
                "requests": requests, "per_completed": requests / len(done) if done else float("nan"),
                "injected": injected, "placeholders": placeholders(text, pen, done), "stopped": report.stopped,
                "elapsed": elapsed, "resent": resent, "left": n - again.done - again.skipped}


def _settings(home: Path, url: str, concurrency: int, timeout: float) -> Any:
    (home / "none.toml").touch()  # an empty config file: never the developer's
    env = {"OPENAI_BASE_URL": f"{url}/v1", "DAILYPAPERS_CONFIG": str(home / "none.toml"),
           "DAILYPAPERS_TEXT_SOURCES": "abstract", "DAILYPAPERS_CHECKS": "off"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return load_settings(home=home, concurrency=concurrency, timeout=timeout)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=100)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rates", default="0.1,0.3", help="fault rates to run each scenario at")
    ap.add_argument("--timeout", type=float, default=1.0, help="the client's timeout; late answers come 1.5x later")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default=None, help="run only the scenarios whose name contains this")
    args = ap.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    logging.getLogger("dailypapers").setLevel(logging.ERROR)  # the per-paper warnings; counted below

    rows = [one("no faults (baseline)", (), None, 0.0, args.papers, args.concurrency, args.timeout, args.seed)]
    for name, (faults, retry_after) in SCENARIOS.items():
        if args.only and args.only not in name:
            continue
        for rate in rates:
            rows.append(one(name, faults, retry_after, rate, args.papers, args.concurrency, args.timeout, args.seed))
            print(f"  {name} at {rate:.0%}: done in {rows[-1]['elapsed']:.1f} s", file=sys.stderr, flush=True)

    print(f"papers={args.papers} concurrency={args.concurrency} client timeout={args.timeout}s "
          f"seed={args.seed}; settings as shipped (retries 4, max_consecutive_failures 5)")
    head = ["scenario", "rate", "faults injected", "completed", "failed, with a reason", "failed, no reason",
            "silently missing", "requests / completed", "placeholders published", "next run: sent / left",
            "time (s)"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|")
    for r in rows:
        print(f"| {r['name']} | {r['rate']:.0%} | {r['injected']} | {r['completed']} | {r['failed']} | "
              f"{r['no_reason']} | {r['missing']} | {r['per_completed']:.2f} | {r['placeholders']} | "
              f"{r['resent']} / {r['left']} | {r['elapsed']:.1f} |")
    stopped = [r for r in rows if r["stopped"]]
    for r in stopped:
        print(f"note: {r['name']} at {r['rate']:.0%} stopped asking the provider: {r['stopped']}")
    bad = [r for r in rows if r["placeholders"] or r["missing"] or r["no_reason"] or r["left"]]
    if bad:
        raise SystemExit(f"FAILED: {len(bad)} scenario(s) published a placeholder, lost a paper, failed "
                         "one without a reason, or left work for a healthy run")


if __name__ == "__main__":
    main()
