"""Real HTTP servers on 127.0.0.1 that stand in for Hugging Face and an OpenAI-compatible LLM.

Each fake runs a ThreadingHTTPServer in a background thread, records every request it gets, and
can be told to misbehave: answer 429 (with or without Retry-After), 500, garbage, or be slow.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from dailypapers.summarize.backends.openai_compat import PING as PING_TEXT


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False  # declare a Content-Length longer than the body, send the body, close
    drip: float = 0.0  # send the whole response (status line, headers, body) a byte at a time, this far apart
    declared: int | None = None  # a Content-Length to declare instead of the body's
    drop: bool = False  # read the request, then close the connection without a word of answer


class FakeServer:
    """Subclasses implement `answer(request) -> Answer`."""

    def __init__(self, latency: float = 0.0) -> None:
        self.requests: list[Recorded] = []
        self.lock = threading.Lock()
        self.latency = latency  # seconds every answer takes
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests it was answering at once
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; without this, each response waits ~40 ms
            # for the client's delayed ACK, which real servers avoid the same way.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urlparse(self.path)
                rec = Recorded(self.command, url.path, parse_qs(url.query),
                               {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic())
                if fake.keep(rec):
                    with fake.lock:
                        fake.requests.append(rec)
                ans = fake.timed_answer(rec)
                if ans.delay:
                    time.sleep(ans.delay)
                if ans.drop:
                    self.close_connection = True  # the client sees the server hang up
                    return
                if ans.drip:
                    self._drip(ans)
                    return
                self.send_response(ans.status)
                headers = {"Content-Type": "application/json", **ans.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                declared = ans.declared if ans.declared is not None else len(ans.body) + (1000 if ans.truncate else 0)
                self.send_header("Content-Length", str(declared))
                if ans.truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(ans.body)
                if ans.truncate:
                    self.wfile.flush()
                    self.close_connection = True  # the client sees the body end early

            def _drip(self, ans: Answer) -> None:
                head = f"HTTP/1.1 {ans.status} OK\r\nContent-Length: {len(ans.body)}\r\n".encode()
                head += b"".join(f"{k}: {v}\r\n".encode() for k, v in ans.headers.items()) + b"\r\n"
                self.close_connection = True
                try:
                    for i in range(len(head + ans.body)):
                        self.wfile.write((head + ans.body)[i:i + 1])
                        self.wfile.flush()
                        time.sleep(ans.drip)
                except OSError:
                    pass  # the client gave up: what a drip is for

            do_GET = do_POST = _handle

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that gave up (a timeout, a killed process) closed its end: not news.
                if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, request: Recorded) -> Answer:
        raise NotImplementedError

    def keep(self, request: Recorded) -> bool:
        """Whether `request` goes into `requests` (a fake may keep some apart)."""
        return True

    def timed_answer(self, request: Recorded) -> Answer:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            return self.answer(request)
        finally:
            with self.lock:
                self.in_flight -= 1

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def json_answer(data: Any, status: int = 200, **headers: str) -> Answer:
    return Answer(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), dict(headers))


class FakeHF(FakeServer):
    """Serves /api/daily_papers?date=D&p=N&limit=M from a dict of date -> list of items, paging
    the way the real API does (a page past the end is [])."""

    def __init__(self, days: dict[str, list[dict[str, Any]]] | None = None) -> None:
        super().__init__()
        self.days = days or {}
        self.faults: list[Answer] = []  # answered first, one per request, before the real answers

    def answer(self, request: Recorded) -> Answer:
        if self.faults:
            return self.faults.pop(0)
        if request.path != "/api/daily_papers":
            return json_answer({"error": "not found"}, 404)
        date = request.query.get("date", [""])[0]
        if date not in self.days:
            return json_answer([], 200)
        page = int(request.query.get("p", ["0"])[0])
        limit = int(request.query.get("limit", ["50"])[0])
        return json_answer(self.days[date][page * limit:(page + 1) * limit])


Responder = Callable[[dict[str, Any]], str]


class FakeLLM(FakeServer):
    """An OpenAI-compatible /v1/chat/completions. `respond(body) -> content` writes the answer;
    `fault_rate` and `faults` make it misbehave; `latency` makes it slow.

    Faults, each chosen for a request with probability `fault_rate` (seeded):
    "429" (with `Retry-After: retry_after`, none when it is None), "429-bare" (no Retry-After),
    "500", "timeout" (the answer comes `timeout_delay` seconds late: set the client's timeout
    shorter), "truncated" (Content-Length longer than the body, then the connection closes),
    "garbage" (a chat completion whose content is not JSON) and "badbody" (HTTP 200 whose body
    is not JSON at all). `log` records (paper id, what was answered) for every request, in the
    order they were answered; `completions` the bodies answered with a usable summary. `usage` is
    the (prompt, completion) tokens each answer reports, or a function of the request body."""

    TRANSPORT_FAULTS = frozenset({"429", "429-bare", "500", "timeout", "truncated"})

    def __init__(self, respond: Responder, latency: float = 0.0, fault_rate: float = 0.0,
                 faults: tuple[str, ...] = ("429", "500", "garbage"), seed: int = 7,
                 retry_after: str | None = "0", api_key: str | None = None,
                 timeout_delay: float = 2.0,
                 usage: tuple[int, int] | Callable[[dict[str, Any]], tuple[int, int]] = (100, 50)) -> None:
        super().__init__(latency)
        self.respond = respond
        self.fault_rate = fault_rate
        self.faults = faults
        self.retry_after = retry_after
        self.api_key = api_key
        self.timeout_delay = timeout_delay
        self.usage = usage
        self.rng = random.Random(seed)
        self.completions: list[dict[str, Any]] = []  # bodies of the requests answered with a summary
        self.log: list[tuple[str, str]] = []  # (paper id or "?", "ok" | fault | "401") per request
        self.pings: list[Recorded] = []  # the runs' first requests (openai_compat.PING), kept apart
        self.revoke_after: int | None = None  # the key stops working after this many requests

    def _note(self, body: dict[str, Any] | None, what: str) -> None:
        try:
            pid = paper_id_of(body) if body is not None else "?"
        except (AssertionError, KeyError, TypeError, StopIteration):
            pid = "?"
        with self.lock:
            self.log.append((pid, what))

    def _usage(self, body: dict[str, Any]) -> tuple[int, int]:
        return self.usage(body) if callable(self.usage) else self.usage

    def keep(self, request: Recorded) -> bool:
        """The run's first request (the ping that checks the key and the server) is kept apart,
        in `pings`: `requests` and `log` hold the summaries' requests only."""
        if PING_TEXT.encode() in request.body and b'"max_tokens": 1' in request.body.replace(b'":1', b'": 1'):
            with self.lock:
                self.pings.append(request)
            return False
        return True

    def answer(self, request: Recorded) -> Answer:
        if request.path != "/v1/chat/completions" or request.method != "POST":
            return json_answer({"error": {"message": "not found"}}, 404)
        if request in self.pings:
            if self.api_key is not None and request.headers.get("authorization") != f"Bearer {self.api_key}":
                return json_answer({"error": {"message": "Incorrect API key provided"}}, 401)
            return json_answer(completion("OK", "fake", (5, 1)))
        try:
            body: dict[str, Any] | None = json.loads(request.body)
        except ValueError:  # a client killed while sending
            body = None
        revoked = self.revoke_after is not None and len(self.log) >= self.revoke_after
        if revoked or (self.api_key is not None
                       and request.headers.get("authorization") != f"Bearer {self.api_key}"):
            self._note(body, "401")
            return json_answer({"error": {"message": "Incorrect API key provided"}}, 401)
        with self.lock:
            fault = self.rng.choice(self.faults) if self.rng.random() < self.fault_rate else None
        if body is None:
            return json_answer({"error": {"message": "the body is not JSON"}}, 400)
        self._note(body, fault or "ok")
        if fault == "429":
            headers = {} if self.retry_after is None else {"Retry-After": self.retry_after}
            return json_answer({"error": {"message": "rate limited"}}, 429, **headers)
        if fault == "429-bare":
            return json_answer({"error": {"message": "rate limited"}}, 429)
        if fault == "500":
            return json_answer({"error": {"message": "internal error"}}, 500)
        if fault == "badbody":
            return Answer(200, b"<html>upstream proxy error", {"Content-Type": "text/html"})
        if fault == "timeout":  # written late, when the client has given up: never a completion
            late = completion(self.respond(body), body.get("model", "fake"), self._usage(body))
            return Answer(200, json.dumps(late).encode(), delay=self.timeout_delay)
        content = "this is not json {" if fault == "garbage" else self.respond(body)
        answer = json_answer(completion(content, body.get("model", "fake"), self._usage(body)))
        if fault == "truncated":
            answer.body = answer.body[: len(answer.body) // 2]
            answer.truncate = True
            return answer
        with self.lock:
            if fault != "garbage":
                self.completions.append(body)
        return answer


def completion(content: str, model: str = "fake", usage: tuple[int, int] = (100, 50)) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


def paper_id_of(body: dict[str, Any]) -> str:
    """The arXiv id that a summary request is about (the prompt names it)."""
    import re

    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    m = re.search(r"\narXiv id: (\S+)\n", user)
    assert m, "the prompt should name the paper"
    return m.group(1)


class FakeArxiv(FakeServer):
    """Stands in for export.arxiv.org (/api/query) and arxiv.org (/abs, /pdf, /html).

    `feeds` maps a paper id to its Atom <entry> text (the API answers id_list queries from them,
    silently dropping ids it does not know, as the real one does); `pdfs` and `htmls` map
    'ID' or 'IDvN' to bodies (or to whole Answers). `search` answers search_query requests with a
    whole feed body."""

    def __init__(self, entries: dict[str, str] | None = None, pdfs: dict[str, bytes] | None = None,
                 htmls: dict[str, str] | None = None, search: Callable[[dict[str, list[str]]], str] | None = None,
                 latency: float = 0.0) -> None:
        super().__init__(latency)
        self.entries = entries or {}
        self.pdfs = pdfs or {}
        self.htmls = htmls or {}
        self.search = search
        self.faults: list[Answer] = []  # answered first, one per request

    def answer(self, request: Recorded) -> Answer:
        with self.lock:
            fault = self.faults.pop(0) if self.faults else None
        return fault or self._answer(request)

    def _answer(self, request: Recorded) -> Answer:
        path = request.path
        if path == "/api/query":
            if "id_list" in request.query:
                ids = request.query["id_list"][0].split(",")
                return Answer(200, atom_feed([self.entries[i.split("v")[0] if i.split("v")[0] in self.entries else i]
                                              for i in ids if (i.split("v")[0] in self.entries or i in self.entries)]
                                             ).encode(), {"Content-Type": "application/atom+xml"})
            if self.search is not None:
                return Answer(200, self.search(request.query).encode(), {"Content-Type": "application/atom+xml"})
            return Answer(200, atom_feed([]).encode(), {"Content-Type": "application/atom+xml"})
        for prefix, store, ctype in (("/pdf/", self.pdfs, "application/pdf"),
                                     ("/html/", self.htmls, "text/html; charset=utf-8")):
            if path.startswith(prefix):
                ref = path[len(prefix):]
                body = store.get(ref, store.get(ref.rsplit("v", 1)[0]) if "v" in ref else None)
                if body is None:
                    return Answer(404, b"not found", {"Content-Type": "text/plain"})
                if isinstance(body, Answer):  # an answer given whole: its own headers, its own bytes
                    return body
                return Answer(200, body if isinstance(body, bytes) else body.encode("utf-8"),
                              {"Content-Type": ctype})
        return Answer(404, b"not found", {"Content-Type": "text/plain"})


def atom_feed(entries: list[str]) -> str:
    return ("<?xml version='1.0' encoding='UTF-8'?>\n"
            '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <title>arXiv Query</title>\n  <opensearch:totalResults>{len(entries)}</opensearch:totalResults>\n"
            + "".join(entries) + "</feed>\n")


def atom_entry(paper_id: str, version: int, title: str, authors: list[str], abstract: str,
               categories: tuple[str, ...] = ("cs.CL",)) -> str:
    from xml.sax.saxutils import escape

    cats = "".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in categories)
    names = "".join(f"<author><name>{escape(a)}</name></author>" for a in authors)
    return (f"<entry><id>http://arxiv.org/abs/{paper_id}v{version}</id><title>{escape(title)}</title>"
            f"<updated>2025-01-01T00:00:00Z</updated><summary>{escape(abstract)}</summary>{cats}"
            f"<published>2025-01-01T00:00:00Z</published>"
            f'<arxiv:primary_category term="{categories[0]}"/>{names}'
            f'<link href="https://arxiv.org/pdf/{paper_id}v{version}" rel="related" type="application/pdf" title="pdf"/>'
            "</entry>\n")


class Fixed(FakeServer):
    """Answers every request with the same answer."""

    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self.fixed = answer

    def answer(self, request: Recorded) -> Answer:
        return self.fixed
