"""The one place HTTP clients are made, and the retry loop every caller shares.

Politeness lives here: a user agent that says who we are, timeouts, retries with exponential
backoff that honour `Retry-After` (seconds or an HTTP date) and Hugging Face's
`RateLimit: "api";r=0;t=<seconds>` header.
"""

from __future__ import annotations

import email.utils
import fcntl
import functools
import os
import random
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from dailypapers import __version__
from dailypapers.errors import DailyPapersError

USER_AGENT = f"dailypapers/{__version__} (+https://pypi.org/project/dailypapers/)"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass
class RetryPolicy:
    """How hard to try. `retries` extra attempts; waits double from `backoff` seconds (with jitter)
    and never exceed `max_wait`; a server asking for longer than `max_wait` makes us give up."""

    retries: int = 4
    backoff: float = 1.0
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for every client: loading the CA bundle takes ~25 ms each time (measured
    in bench/bench_summarize.py, where it delayed the first request)."""
    return httpx.create_ssl_context()


def make_client(timeout: float = 60.0, headers: dict[str, str] | None = None) -> httpx.Client:
    all_headers = {"User-Agent": USER_AGENT}
    all_headers.update(headers or {})
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
                        headers=all_headers, follow_redirects=True, verify=_ssl_context(),
                        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32))


_RATELIMIT_T = re.compile(r"(?:^|[;,\s])t=(\d+(?:\.\d+)?)")


def server_wait(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait, from Retry-After or the RateLimit header."""
    value = response.headers.get("Retry-After")
    if value:
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            try:  # an HTTP date; anything else is ignored (Python raises on garbage)
                when = email.utils.parsedate_to_datetime(value) if value else None
            except (TypeError, ValueError):
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
    ratelimit = response.headers.get("RateLimit")
    if ratelimit:
        m = _RATELIMIT_T.search(ratelimit)
        if m:
            return float(m.group(1))
    return None


class GaveUp(DailyPapersError):
    """Raised by `request` when every attempt failed in transport; the caller re-raises its own."""


def request(client: httpx.Client, method: str, url: str, policy: RetryPolicy, *, resend: bool = True,
            wait_of: Callable[[httpx.Response], float | None] = server_wait,
            **kwargs: object) -> httpx.Response:
    """Send with retries. Returns the last response (the caller judges its status); raises GaveUp
    when the last attempt failed with no response or the server asked for too long a wait.

    resend=False is for requests that must not arrive twice (a chat message): only a connection
    that was never made is tried again; any other transport error is raised as it is, since the
    request may have arrived. `wait_of` reads how long a response asks us to wait."""
    attempt = 0
    while True:
        try:
            response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as e:
            if not resend and not isinstance(e, (httpx.ConnectError, httpx.ConnectTimeout)):
                raise
            # Timeouts, refused connections, truncated bodies: all worth another try.
            if attempt >= policy.retries:
                raise GaveUp(f"{type(e).__name__} after {attempt + 1} attempts: {e or 'no detail'}")
            wait = _backoff(policy, attempt)
        else:
            if response.status_code not in RETRY_STATUSES or attempt >= policy.retries:
                return response
            asked = wait_of(response)
            if asked is not None and asked > policy.max_wait:
                raise GaveUp(f"HTTP {response.status_code}; the server asked to wait {asked:.0f}s, "
                             f"more than max_retry_wait={policy.max_wait:.0f}s")
            wait = asked if asked is not None else _backoff(policy, attempt)
        attempt += 1
        policy.sleep(wait)


def _backoff(policy: RetryPolicy, attempt: int) -> float:
    base = policy.backoff * (2**attempt)
    return min(policy.max_wait, base * (0.5 + random.random()))


class DownloadRefused(DailyPapersError):
    """A download the guard would not make or finish: a host not allowed, a body over the limit."""


class PoliteGate:
    """At most one request every `interval` seconds and one at a time, for every thread and every
    process that shares `lock_path` (arXiv's terms cover all of a user's machines together, so a
    script calling dailypapers in a loop must not break them either). The time of the last request
    lives in the lock file itself. The interval counts from the end of one exchange, so a request
    that leaves late cannot arrive closer than `interval` to the one before it."""

    def __init__(self, interval: float, lock_path: Path | None = None) -> None:
        self.interval = interval
        self.lock_path = lock_path
        self._thread_lock = threading.Lock()
        self._last = 0.0  # used when there is no lock file

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._thread_lock:
            if self.lock_path is None:
                self._wait(self._last)
                self._last = time.time()
                try:
                    yield
                finally:
                    self._last = time.time()
                return
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                raw = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
                self._wait(float(raw) if _is_float(raw) else 0.0)
                stamp = f"{time.time():.6f}".encode().ljust(32)
                os.pwrite(fd, stamp, 0)
                try:
                    yield
                finally:
                    os.pwrite(fd, f"{time.time():.6f}".encode().ljust(32), 0)
            finally:
                os.close(fd)  # closing releases the flock

    def _wait(self, last: float) -> None:
        delay = last + self.interval - time.time()
        if delay > 0:
            time.sleep(min(delay, self.interval))


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


class GuardedTransport(httpx.BaseTransport):
    """A transport that sends only to `allowed_hosts`, refuses bodies over `max_bytes`, and, with
    a gate, holds the gate for the whole exchange, body included (one connection at a time)."""

    def __init__(self, allowed_hosts: set[str], max_bytes: int, gate: PoliteGate | None = None,
                 inner: httpx.BaseTransport | None = None) -> None:
        self.allowed_hosts = allowed_hosts
        self.max_bytes = max_bytes
        self.gate = gate
        self.inner = inner or httpx.HTTPTransport(retries=0, verify=_ssl_context())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host not in self.allowed_hosts:
            raise DownloadRefused(f"refused to fetch {request.url}: {request.url.host} is not one of the "
                                  f"configured hosts ({', '.join(sorted(self.allowed_hosts))})")
        if self.gate is None:
            return self._exchange(request)
        with self.gate.slot():
            return self._exchange(request)

    def _exchange(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            response.close()
            raise DownloadRefused(f"{request.url}: the body is {int(declared):,} bytes, over the "
                                  f"limit of {self.max_bytes:,}")
        chunks, size = [], 0
        try:
            for chunk in response.stream:  # type: ignore[union-attr]
                size += len(chunk)
                if size > self.max_bytes:
                    raise DownloadRefused(f"{request.url}: the body is over the limit of {self.max_bytes:,} bytes")
                chunks.append(chunk)
        finally:
            response.close()
        return httpx.Response(response.status_code, headers=response.headers, content=b"".join(chunks),
                              request=request, extensions=response.extensions)

    def close(self) -> None:
        self.inner.close()


def guarded_client(allowed_hosts: set[str], max_bytes: int, gate: PoliteGate | None = None,
                   timeout: float = 60.0) -> httpx.Client:
    return httpx.Client(transport=GuardedTransport(allowed_hosts, max_bytes, gate),
                        timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
                        headers={"User-Agent": USER_AGENT}, follow_redirects=True)


class RateLimiter:
    """Requests and tokens per minute, shared by every thread that calls one provider: `acquire`
    blocks until one more request of `tokens` fits in the last sixty seconds. None: no limit."""

    def __init__(self, rpm: int | None = None, tpm: int | None = None, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.rpm, self.tpm, self.window = rpm, tpm, window
        self.clock, self.sleep = clock, sleep
        self._sent: list[tuple[float, int]] = []  # (when, tokens) within the window
        self._lock = threading.Lock()

    def acquire(self, tokens: int = 0) -> None:
        if self.rpm is None and self.tpm is None:
            return
        while True:
            with self._lock:
                now = self.clock()
                self._sent = [(t, n) for t, n in self._sent if now - t < self.window]
                used = sum(n for _, n in self._sent)
                fits_requests = self.rpm is None or len(self._sent) < self.rpm
                # A single call larger than the whole budget goes alone rather than never.
                fits_tokens = self.tpm is None or used + tokens <= self.tpm or not self._sent
                if fits_requests and fits_tokens:
                    self._sent.append((now, tokens))
                    return
                wait = self._sent[0][0] + self.window - now
            self.sleep(max(wait, 0.01))
