"""The LLM rate limiter: requests and tokens per minute, shared by threads, on a fake clock."""

from __future__ import annotations

import threading

from dailypapers.http import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_requests_per_minute_are_kept() -> None:
    clock = Clock()
    limiter = RateLimiter(rpm=3, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(7):
        limiter.acquire()
        times.append(clock.now)
    assert times == [0, 0, 0, 60, 60, 60, 120]
    for i in range(len(times) - 3):
        assert times[i + 3] - times[i] >= 60  # never more than 3 in any minute


def test_tokens_per_minute_are_kept() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=1000, clock=clock, sleep=clock.sleep)
    limiter.acquire(600)
    limiter.acquire(300)
    assert clock.now == 0
    limiter.acquire(300)  # 1,200 would be over: waits for the first to leave the window
    assert clock.now == 60


def test_a_call_larger_than_the_budget_goes_alone() -> None:
    clock = Clock()
    limiter = RateLimiter(tpm=100, clock=clock, sleep=clock.sleep)
    limiter.acquire(500)
    assert clock.now == 0
    limiter.acquire(10)
    assert clock.now == 60


def test_no_limits_never_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        limiter.acquire(10_000)
    assert clock.slept == []


def test_threads_share_one_limit() -> None:
    clock = Clock()
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            clock.now += seconds

    limiter = RateLimiter(rpm=5, clock=clock, sleep=sleep)
    granted: list[float] = []

    def worker() -> None:
        for _ in range(3):
            limiter.acquire()
            with lock:
                granted.append(clock.now)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    granted.sort()
    assert len(granted) == 12
    for i in range(len(granted) - 5):
        assert granted[i + 5] - granted[i] >= 60
