"""The one place HTTP clients are made, and the retry loop every caller shares.

Politeness lives here: a user agent that says who we are, timeouts, retries with exponential
backoff that honour `Retry-After` (seconds or an HTTP date) and Hugging Face's
`RateLimit: "api";r=0;t=<seconds>` header.

So do the limits on what an answer may cost us (`Limits`, one per kind of answer): every body is
read as a stream and decoded here, chunk by bounded chunk, so the cap counts decoded bytes (a
gzip bomb stops at the cap, not after inflating); a declared Content-Length over the cap is refused
before anything is read; and a deadline covers the whole exchange (connecting, the headers, the
body): a server that sends a byte a second is given up on when it passes, whichever part it drips.
"""

from __future__ import annotations

import contextvars
import email.utils
import fcntl
import functools
import os
import random
import re
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpcore
import httpx

from dailypapers import __version__
from dailypapers.errors import DownloadRefused, GaveUp, LimitExceeded
from dailypapers.text import strip_userinfo

USER_AGENT = f"dailypapers/{__version__} (+https://pypi.org/project/dailypapers/)"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MB = 1024 * 1024
# Only encodings we decode ourselves, in bounded steps (no brotli or zstd, whose ratios are worse).
ACCEPT_ENCODING = "gzip, deflate"
_STEP = 64 * 1024  # decoded bytes produced per step of decompression


@dataclass(frozen=True)
class Limits:
    """What one answer may cost: at most `max_bytes` of decoded body, and `deadline` seconds for the
    whole exchange (connect, headers and body together). `what` names the answer in messages."""

    max_bytes: int
    deadline: float
    what: str = "the answer"


# The limits of each kind of answer (docs/security.md lists them with the reasons).
HF_LISTING = Limits(20 * MB, 120.0, "the Hugging Face listing")
ARXIV_API = Limits(20 * MB, 120.0, "the arXiv API answer")
HTML_PAGE = Limits(20 * MB, 180.0, "the arXiv HTML page")
PDF_FILE = Limits(50 * MB, 300.0, "the PDF")
MEDIA_FILE = Limits(50 * MB, 300.0, "the media file")
LLM_ANSWER = Limits(8 * MB, 900.0, "the LLM answer")
SERVICE_ANSWER = Limits(1 * MB, 120.0, "the service's answer")  # e-mail and chat services


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


# -- the deadline of an exchange --------------------------------------------------------------------
# Set by `request` around each exchange (a sync client sends in the calling thread, so a context
# variable reaches the socket reads); every read and write is then given at most the time left.

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("dailypapers_deadline", default=None)


class DeadlinePassed(httpcore.TimeoutException):
    """The deadline of an exchange passed during a read or write (a timeout of httpcore's kind)."""


def _bounded(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("the deadline of the exchange passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.inner.connect_tcp(host, port, _bounded(timeout), local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self.inner.connect_unix_socket(path, _bounded(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's own transport, its connections made through a backend that keeps each exchange
    within the deadline `request` sets."""

    def __init__(self, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits(max_connections=64, max_keepalive_connections=32)
        super().__init__(verify=_ssl_context(), limits=limits)
        # httpx takes no network backend; its pool (httpcore's, public API) is made again with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(), max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend())


def make_client(timeout: float = 60.0, headers: dict[str, str] | None = None) -> httpx.Client:
    """A client for one service: `timeout` per read and write (the whole exchange is bounded by the
    deadline of its `Limits`)."""
    all_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING}
    all_headers.update(headers or {})
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
                        headers=all_headers, follow_redirects=True, transport=DeadlineTransport())


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


def request(client: httpx.Client, method: str, url: str, policy: RetryPolicy, *, limits: Limits,
            gate: Gate | None = None, resend: bool = True,
            wait_of: Callable[[httpx.Response], float | None] = server_wait,
            **kwargs: Any) -> httpx.Response:
    """Send with retries. Returns the last response, its body read whole within `limits` (the
    caller judges its status); raises GaveUp when the last attempt failed with no response or the
    server asked for too long a wait, and LimitExceeded (not retried) for a body over the size limit
    or an exchange past its deadline. With a `gate`, each exchange holds it from the first byte
    sent to the last byte read (one connection at a time).

    resend=False is for requests that must not arrive twice (a chat message): only a connection
    that was never made is tried again; any other transport error is raised as it is, since the
    request may have arrived. `wait_of` reads how long a response asks us to wait."""
    attempt = 0
    while True:
        try:
            response = _exchange(client, method, url, limits, gate, kwargs)
        except httpx.HTTPError as e:
            if not resend and not isinstance(e, (httpx.ConnectError, httpx.ConnectTimeout)):
                raise
            # Timeouts, refused connections, truncated bodies: all worth another try.
            if attempt >= policy.retries:
                raise GaveUp(f"{type(e).__name__} after {attempt + 1} attempts: {e or 'no detail'}",
                             url=strip_userinfo(url))
            wait = _backoff(policy, attempt)
        else:
            if response.status_code not in RETRY_STATUSES or attempt >= policy.retries:
                return response
            asked = wait_of(response)
            if asked is not None and asked > policy.max_wait:
                raise GaveUp(f"HTTP {response.status_code}; the server asked to wait {asked:.0f}s, "
                             f"more than max_retry_wait={policy.max_wait:.0f}s", url=strip_userinfo(url))
            wait = asked if asked is not None else _backoff(policy, attempt)
        attempt += 1
        policy.sleep(wait)


def _exchange(client: httpx.Client, method: str, url: str, limits: Limits, gate: Gate | None,
              kwargs: dict[str, Any]) -> httpx.Response:
    started = time.monotonic()
    deadline = started + limits.deadline
    with gate.slot() if gate is not None else nullcontext():
        token = _DEADLINE.set(deadline)
        try:
            with client.stream(method, url, **kwargs) as response:
                body = _read_body(response, limits, deadline)
        except httpx.TimeoutException as e:
            if time.monotonic() >= deadline or isinstance(e.__cause__ or e.__context__, DeadlinePassed):
                raise LimitExceeded(f"{url}: {limits.what} took more than its deadline of "
                                    f"{limits.deadline:.0f} s; gave up", url=strip_userinfo(url)) from e
            raise
        finally:
            _DEADLINE.reset(token)
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
    return httpx.Response(response.status_code, headers=headers, content=body, request=response.request,
                          extensions={"http_version": response.extensions.get("http_version", b"HTTP/1.1")})


def _read_body(response: httpx.Response, limits: Limits, deadline: float) -> bytes:
    """The body, decoded in bounded steps, never more than `limits.max_bytes` of it."""
    where = f"{response.request.url}: {limits.what}"
    url = strip_userinfo(str(response.request.url))
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise LimitExceeded(f"{where} is {int(declared):,} bytes, over the limit of {limits.max_bytes:,}; "
                            "not read", url=url)
    decoder = _decoder(response.headers.get("Content-Encoding", ""), where, url)
    body = bytearray()
    for raw in response.iter_raw():
        for piece in decoder(raw):
            body += piece
            if len(body) > limits.max_bytes:
                raise LimitExceeded(f"{where} is over the limit of {limits.max_bytes:,} bytes (decoded); "
                                    "the rest was not read", url=url)
        if time.monotonic() > deadline:
            raise LimitExceeded(f"{where} took more than its deadline of {limits.deadline:.0f} s; gave up",
                                url=url)
    body += b"".join(decoder(b""))
    if len(body) > limits.max_bytes:
        raise LimitExceeded(f"{where} is over the limit of {limits.max_bytes:,} bytes (decoded)", url=url)
    return bytes(body)


def _decoder(encoding: str, where: str, url: str | None = None) -> Callable[[bytes], Iterator[bytes]]:
    """A function from raw chunks to decoded pieces of at most _STEP bytes each (b"" ends it);
    `where` and `url` name the answer in its errors."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
    if not codings:
        return lambda raw: iter((raw,) if raw else ())
    if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise LimitExceeded(f"{where} is encoded as {encoding!r}, which we did not ask for; not read", url=url)
    gzip = codings[0] != "deflate"
    state: dict[str, Any] = {"d": zlib.decompressobj(zlib.MAX_WBITS | 16) if gzip else None}

    def steps(raw: bytes) -> Iterator[bytes]:
        if state["d"] is None and raw:
            # `deflate` comes with its zlib header or, from many servers, raw: the header tells.
            zlib_header = len(raw) >= 2 and raw[0] & 0x0F == 8 and (raw[0] * 256 + raw[1]) % 31 == 0
            state["d"] = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        d = state["d"]
        if d is None:
            return
        try:
            data = raw
            while data:
                piece = d.decompress(data, _STEP)  # at most _STEP bytes out, the rest kept back
                data = d.unconsumed_tail
                if piece:
                    yield piece
            if not raw:
                rest = d.flush()
                if rest:
                    yield rest
        except zlib.error as e:
            raise LimitExceeded(f"{where} is not valid {codings[0]} ({e}); not read", url=url) from e

    return steps


def _backoff(policy: RetryPolicy, attempt: int) -> float:
    base: float = policy.backoff * (2**attempt)
    return min(policy.max_wait, base * (0.5 + random.random()))


class Gate(Protocol):
    """What paces the requests to one host: `slot()` is held for each exchange. A `PoliteGate`
    (threads, and processes that share a lock file), or a store's gate (every process and machine
    that shares a PostgreSQL store)."""

    def slot(self) -> AbstractContextManager[None]: ...


class Limiter(Protocol):
    """Requests and tokens per minute to one provider: `acquire(tokens)` returns when one more
    request fits. A `RateLimiter` (one process), or a store's (every process sharing the store)."""

    def acquire(self, tokens: int = 0) -> None: ...


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
        """Hold the gate for one exchange: waits for the interval, then lets one request through."""
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
    """A transport that sends only to `allowed_hosts` (every hop of a redirect too)."""

    def __init__(self, allowed_hosts: set[str], inner: httpx.BaseTransport | None = None) -> None:
        self.allowed_hosts = allowed_hosts
        self.inner = inner or DeadlineTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request; DownloadRefused when its host is not allowed."""
        if request.url.host not in self.allowed_hosts:
            raise DownloadRefused(f"refused to fetch {request.url}: {request.url.host} is not one of the "
                                  f"configured hosts ({', '.join(sorted(self.allowed_hosts))})",
                                  url=strip_userinfo(str(request.url)))
        return self.inner.handle_request(request)

    def close(self) -> None:
        """Close the inner transport."""
        self.inner.close()


def guarded_client(allowed_hosts: set[str], timeout: float = 60.0) -> httpx.Client:
    """A client that fetches from `allowed_hosts` only (what it may read: the `Limits` of `request`)."""
    return httpx.Client(transport=GuardedTransport(allowed_hosts),
                        timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
                        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
                        follow_redirects=True)


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
        """Wait until one more request of `tokens` tokens fits within the limits, and count it."""
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
