"""The shared retry loop: what may be sent again, and how long a server's answer asks to wait."""

from __future__ import annotations

import datetime
import email.utils

import httpx
import pytest

from dailypapers.errors import GaveUp
from dailypapers.http import SERVICE_ANSWER, RetryPolicy, make_client, request
from tests.fakes import Answer, FakeServer, Recorded, json_answer


class Slow(FakeServer):
    def answer(self, request: Recorded) -> Answer:
        return Answer(200, b"{}", delay=0.4)


class Busy(FakeServer):
    def answer(self, request: Recorded) -> Answer:
        return json_answer({"retry_after": 7}, 429)


def policy(retries: int = 2) -> RetryPolicy:
    waits: list[float] = []
    return RetryPolicy(retries=retries, max_wait=60, sleep=waits.append)


def test_a_request_that_may_have_arrived_is_not_resent() -> None:
    with Slow() as fake, make_client(timeout=0.1) as client:
        with pytest.raises(httpx.ReadTimeout):
            request(client, "POST", fake.url + "/m", policy(), limits=SERVICE_ANSWER, resend=False, json={"text": "hi"})
        assert len(fake.requests) == 1


def test_an_idempotent_request_is_retried_after_a_timeout() -> None:
    with Slow() as fake, make_client(timeout=0.1) as client:
        with pytest.raises(GaveUp, match="ReadTimeout after 3 attempts"):
            request(client, "GET", fake.url + "/m", policy(retries=2), limits=SERVICE_ANSWER)
        assert len(fake.requests) == 3


def test_a_refused_connection_is_retried_even_without_resend() -> None:
    p = policy(retries=2)
    with make_client(timeout=1) as client:
        with pytest.raises(GaveUp, match="ConnectError after 3 attempts"):
            request(client, "POST", "http://127.0.0.1:9/m", p, limits=SERVICE_ANSWER, resend=False, json={})


def test_wait_of_reads_the_wait_from_the_body() -> None:
    waits: list[float] = []
    p = RetryPolicy(retries=1, max_wait=60, sleep=waits.append)
    body_wait = lambda r: float(r.json()["retry_after"])
    with Busy() as fake, make_client(timeout=5) as client:
        response = request(client, "POST", fake.url + "/m", p, limits=SERVICE_ANSWER, resend=False, wait_of=body_wait, json={})
    assert response.status_code == 429 and waits == [7.0]


class Sequence(FakeServer):
    """Gives its answers in order, the last one for every request after."""

    def __init__(self, *answers: Answer) -> None:
        super().__init__()
        self.answers = list(answers)

    def answer(self, request: Recorded) -> Answer:
        with self.lock:
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def _http_date(seconds_from_now: float) -> str:
    return email.utils.format_datetime(datetime.datetime.now(datetime.UTC)
                                       + datetime.timedelta(seconds=seconds_from_now), usegmt=True)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_as_a_future_http_date_is_waited_for(status: int) -> None:
    waits: list[float] = []
    p = RetryPolicy(retries=2, max_wait=120, sleep=waits.append)
    busy = Answer(status, b"busy", {"Retry-After": _http_date(40)})
    with Sequence(busy, json_answer({"ok": True})) as fake, make_client(timeout=5) as client:
        response = request(client, "GET", fake.url + "/m", p, limits=SERVICE_ANSWER)
    assert response.status_code == 200 and len(fake.requests) == 2
    # The date has whole seconds: 39 to 40 seconds from when it was made, less the time since.
    assert len(waits) == 1 and 30 < waits[0] <= 40, waits


def test_retry_after_as_a_past_http_date_is_no_wait_and_a_far_one_is_refused() -> None:
    waits: list[float] = []
    p = RetryPolicy(retries=2, max_wait=120, sleep=waits.append)
    past = Answer(503, b"busy", {"Retry-After": _http_date(-3600)})
    with Sequence(past, json_answer({"ok": True})) as fake, make_client(timeout=5) as client:
        assert request(client, "GET", fake.url + "/m", p, limits=SERVICE_ANSWER).status_code == 200
    assert waits == [0.0]
    far = Answer(503, b"busy", {"Retry-After": _http_date(3600)})
    with Sequence(far) as fake, make_client(timeout=5) as client:
        with pytest.raises(GaveUp, match=r"asked to wait 3[56]\d\ds, more than max_retry_wait=120s"):
            request(client, "GET", fake.url + "/m", p, limits=SERVICE_ANSWER)
    assert len(fake.requests) == 1
