"""What an answer may cost: hostile servers on 127.0.0.1 that flood, bomb and drip. Every body is
capped in decoded bytes, a declared Content-Length over the cap is refused unread, and the deadline
covers the whole exchange, headers included."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib

import pytest

from dailypapers.errors import LimitExceeded
from dailypapers.http import Limits, RetryPolicy, make_client, request
from tests.bombs import gzip_bomb
from tests.fakes import Answer, FakeServer, Fixed

MB = 1024 * 1024
# 1 GiB of zeros, gzipped: about 1 MB on the wire.
BOMB = gzip_bomb(1024 * MB)


def get(fake: FakeServer, limits: Limits, retries: int = 2) -> bytes:
    with make_client(timeout=5) as client:
        response = request(client, "GET", fake.url + "/x", RetryPolicy(retries=retries, sleep=lambda s: None),
                           limits=limits)
    return response.content


def test_a_gzip_bomb_stops_at_the_cap_of_decoded_bytes_with_bounded_memory() -> None:
    assert len(BOMB) < 2 * MB
    with Fixed(Answer(200, BOMB, {"Content-Encoding": "gzip"})) as fake:
        tracemalloc.start()
        try:
            with pytest.raises(LimitExceeded, match="over the limit of 10,485,760 bytes .decoded."):
                get(fake, Limits(10 * MB, 30, "the bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert len(fake.requests) == 1  # not retried
    assert peak < 40 * MB, peak  # a few times the cap, never the gigabyte


@pytest.mark.parametrize("encoding,body", [("gzip", gzip.compress(b"hello " * 50_000)),
                                           ("deflate", zlib.compress(b"hello " * 50_000)),
                                           ("deflate", zlib.compress(b"hello " * 50_000)[2:-4])],
                         ids=["gzip", "deflate", "raw-deflate"])
def test_an_encoded_body_is_decoded(encoding: str, body: bytes) -> None:
    with Fixed(Answer(200, body, {"Content-Encoding": encoding})) as fake:
        assert get(fake, Limits(MB, 30)) == b"hello " * 50_000


def test_an_encoding_we_did_not_ask_for_is_refused() -> None:
    with Fixed(Answer(200, b"\x8b\x00junk", {"Content-Encoding": "br"})) as fake:
        with pytest.raises(LimitExceeded, match="encoded as 'br'"):
            get(fake, Limits(MB, 30))
        assert fake.requests[0].headers["accept-encoding"] == "gzip, deflate"


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    with Fixed(Answer(200, b"x" * 1000, declared=5 * MB)) as fake:
        with pytest.raises(LimitExceeded, match="5,242,880 bytes, over the limit of 1,048,576; not read"):
            get(fake, Limits(MB, 30))


@pytest.mark.parametrize("body", [b"", b"x" * 200], ids=["headers", "body"])
def test_a_server_that_drips_is_given_up_on_at_the_deadline(body: bytes) -> None:
    """A byte every 20 ms: each read is well within the read timeout, so only the deadline of the
    whole exchange stops it, whether it drips the headers or the body."""
    with Fixed(Answer(200, body, {"X-Padding": "p" * 100}, drip=0.02)) as fake:
        with pytest.raises(LimitExceeded, match="deadline of 1 s"):
            get(fake, Limits(MB, 1.0))
        assert len(fake.requests) == 1  # not retried


def test_an_answer_within_its_limits_is_read_whole() -> None:
    with Fixed(Answer(200, b'{"ok": true}')) as fake:
        assert get(fake, Limits(MB, 30)) == b'{"ok": true}'
