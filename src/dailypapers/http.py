"""The one place HTTP clients are made, and the retry loop every caller shares.

Politeness lives here: a user agent that says who we are, timeouts, retries with exponential
backoff that honour `Retry-After` (seconds or an HTTP date) and Hugging Face's
`RateLimit: "api";r=0;t=<seconds>` header.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

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


def make_client(timeout: float = 60.0, headers: dict[str, str] | None = None) -> httpx.Client:
    all_headers = {"User-Agent": USER_AGENT}
    all_headers.update(headers or {})
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
                        headers=all_headers, follow_redirects=True,
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
            when = email.utils.parsedate_to_datetime(value) if value else None
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


def request(client: httpx.Client, method: str, url: str, policy: RetryPolicy,
            **kwargs: object) -> httpx.Response:
    """Send with retries. Returns the last response (the caller judges its status); raises GaveUp
    when the last attempt failed with no response or the server asked for too long a wait."""
    attempt = 0
    while True:
        try:
            response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as e:
            # Timeouts, refused connections, truncated bodies: all worth another try.
            if attempt >= policy.retries:
                raise GaveUp(f"{type(e).__name__} after {attempt + 1} attempts: {e or 'no detail'}")
            wait = _backoff(policy, attempt)
        else:
            if response.status_code not in RETRY_STATUSES or attempt >= policy.retries:
                return response
            asked = server_wait(response)
            if asked is not None and asked > policy.max_wait:
                raise GaveUp(f"HTTP {response.status_code}; the server asked to wait {asked:.0f}s, "
                             f"more than max_retry_wait={policy.max_wait:.0f}s")
            wait = asked if asked is not None else _backoff(policy, attempt)
        attempt += 1
        policy.sleep(wait)


def _backoff(policy: RetryPolicy, attempt: int) -> float:
    base = policy.backoff * (2**attempt)
    return min(policy.max_wait, base * (0.5 + random.random()))
