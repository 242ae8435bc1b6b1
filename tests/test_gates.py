"""The gates in a PostgreSQL store, which hold for every process and machine that shares it: arXiv's
pace (one request at a time, `interval` seconds apart) and an LLM's requests and tokens per
minute. Each user below has a store of its own (its own connections), as separate processes do;
one is a real process, killed while it holds the gate."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest

from dailypapers.store import Store
from dailypapers.store.gates import DatabaseGate, DatabaseRateLimiter


def in_threads(count: int, work: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)


def test_the_gate_spaces_requests_of_separate_stores(pg_url: str) -> None:
    interval = 0.25
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        store = Store(pg_url)
        gate = DatabaseGate(store, "arxiv", interval)
        for _ in range(3):
            with gate.slot():
                start = time.time()
                time.sleep(0.02)  # the exchange
                with lock:
                    spans.append((start, time.time()))
        store.close()

    in_threads(3, user)
    spans.sort()
    assert len(spans) == 9
    gaps = [nxt[0] - cur[1] for cur, nxt in zip(spans, spans[1:])]
    assert min(gaps) >= interval - 0.002, gaps  # never two at once, never closer than the interval


def test_a_process_killed_while_it_holds_the_gate_lets_it_go(pg_url: str) -> None:
    code = ("import sys, time; from dailypapers.store import Store; from dailypapers.store.gates import DatabaseGate\n"
            "gate = DatabaseGate(Store(sys.argv[1]), 'arxiv', 0.1)\n"
            "with gate.slot():\n    print('holding', flush=True); time.sleep(600)\n")
    child = subprocess.Popen([sys.executable, "-c", code, pg_url], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "holding"
        store = Store(pg_url)
        taken = threading.Event()

        def take() -> None:
            with DatabaseGate(store, "arxiv", 0.1).slot():
                taken.set()

        waiter = threading.Thread(target=take, daemon=True)
        waiter.start()
        assert not taken.wait(1.0)  # held by the child
        os.kill(child.pid, signal.SIGKILL)
        assert taken.wait(30)  # its connection died with it, and the gate with the connection
        store.close()
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()


@pytest.mark.parametrize("rpm, tpm, tokens", [(3, None, 10), (None, 100, 40)])
def test_the_rate_limiter_counts_every_store_in_one_window(pg_url: str, rpm: int | None, tpm: int | None,
                                                           tokens: int) -> None:
    window = 1.0
    sent: list[float] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        store = Store(pg_url)
        limiter = DatabaseRateLimiter(store, "llm:fake/model", rpm, tpm, window=window)
        for _ in range(4):
            limiter.acquire(tokens)
            with lock:
                sent.append(time.time())
        store.close()

    in_threads(2, user)
    sent.sort()
    per_window = rpm if rpm is not None else (tpm or 0) // tokens  # 3 requests, or 2 of 40 tokens in 100
    assert len(sent) == 8
    # Any `per_window + 1` requests in a row span at least the window (less the time to return).
    spans = [sent[i + per_window] - sent[i] for i in range(len(sent) - per_window)]
    assert min(spans) >= window - 0.05, spans
