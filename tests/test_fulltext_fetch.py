"""Downloading a paper's HTML or PDF from (a fake) arXiv: which source is read, what is cached, what
is refused; and end to end, that a summary made from the PDF says so.

The fakes are real HTTP servers on 127.0.0.1 (tests/fakes.py); the downloads go through the
project's own guarded HTTP client.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from dailypapers.config import Settings
from dailypapers.errors import FullTextError
from dailypapers.fulltext.fetch import FullTextFetcher, read_text
from dailypapers.http import PoliteGate, RetryPolicy
from dailypapers.models import Paper
from dailypapers.pipeline import TextReader
from dailypapers.store import Store
from tests import minipdf
from tests.fakes import (
    Answer,
    FakeArxiv,
    FakeHF,
    FakeLLM,
    FakeServer,
    Recorded,
    atom_entry,
)
from tests.test_fulltext_html import PAGE

PID = "2501.01234"
ABSTRACT = ("Streaming speech translation must emit words early. We introduce tidal adapters. "
            "They cut the average lag by a third.")
TITLE = "Tidal Adapters for Streaming Speech Translation"


class Arxiv(FakeArxiv):
    """FakeArxiv that can answer a given path its own way (another content type, a redirect)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.overrides: dict[str, Answer] = {}

    def _answer(self, request: Recorded) -> Answer:
        if request.path in self.overrides:
            return self.overrides[request.path]
        return super()._answer(request)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


def paper(version: int | None = 2) -> Paper:
    return Paper(PID, TITLE, ["Ines Okafor"], abstract=ABSTRACT, version=version)


def fetcher(arxiv: FakeServer | str, cache: Path | None, **kwargs: Any) -> FullTextFetcher:
    url = arxiv if isinstance(arxiv, str) else arxiv.url
    return FullTextFetcher(url, cache, PoliteGate(0), policy=RetryPolicy(retries=1, sleep=lambda s: None),
                           timeout=10, **kwargs)


# -- which source -------------------------------------------------------------------------------------

def test_the_html_is_preferred_when_arxiv_has_it(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}, htmls={f"{PID}v2": PAGE}) as arxiv:
        text, problems = read_text(fetcher(arxiv, tmp_path), paper())
    assert (text.source, problems) == ("html", [])
    assert arxiv.paths() == [f"/html/{PID}v2"]  # the PDF is not even asked for
    assert text.sections[0].title == "Abstract" and "## 1 Introduction" in text.text


def test_the_pdf_is_read_when_there_is_no_html(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}) as arxiv:
        text, problems = read_text(fetcher(arxiv, tmp_path), paper())
    assert text.source == "pdf"
    assert arxiv.paths() == [f"/html/{PID}v2", f"/pdf/{PID}v2"]
    assert len(problems) == 1 and problems[0].startswith("html:") and "404" in problems[0]
    assert [s.title for s in text.sections][:3] == ["Front matter", "Abstract", "1 Introduction"]


def test_the_abstract_is_read_when_arxiv_has_neither(tmp_path: Path) -> None:
    with Arxiv() as arxiv:
        text, problems = read_text(fetcher(arxiv, tmp_path), paper())
    assert (text.source, text.text) == ("abstract", f"## Abstract\n{ABSTRACT}")
    assert [p.split(":")[0] for p in problems] == ["html", "pdf"]


def test_a_paper_with_no_text_at_all_is_an_error_naming_every_source(tmp_path: Path) -> None:
    with Arxiv() as arxiv, pytest.raises(FullTextError) as e:
        read_text(fetcher(arxiv, tmp_path), Paper(PID, TITLE, version=2))
    assert all(s in str(e.value) for s in ("html:", "pdf:", "abstract:", PID))


# -- caching ------------------------------------------------------------------------------------------

def test_a_404_is_remembered(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}) as arxiv:
        read_text(fetcher(arxiv, tmp_path), paper())
        assert len(arxiv.requests) == 2
        again, problems = read_text(fetcher(arxiv, tmp_path), paper())  # a new fetcher: a new run
        assert len(arxiv.requests) == 2  # no request at all: the 404 and the PDF are on disk
    assert again.source == "pdf"
    assert "remembered" in problems[0]


def test_downloads_are_cached_by_id_and_version(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf(), f"{PID}v3": minipdf.paper_pdf()},
               htmls={f"{PID}v3": PAGE}) as arxiv:
        first, _ = read_text(fetcher(arxiv, tmp_path), paper(2))
        n = len(arxiv.requests)
        second, _ = read_text(fetcher(arxiv, tmp_path), paper(2))
        assert len(arxiv.requests) == n
        assert second == first
        newer, _ = read_text(fetcher(arxiv, tmp_path), paper(3))  # a new version is read again
        assert arxiv.paths()[n:] == [f"/html/{PID}v3"]
    assert newer.source == "html"
    cached = sorted(p.name for p in tmp_path.iterdir())
    assert f"{PID}v2.pdf" in cached and f"{PID}v3.html" in cached
    assert (tmp_path / f"{PID}v2.pdf").read_bytes() == minipdf.paper_pdf()


def test_an_unversioned_paper_is_not_cached(tmp_path: Path) -> None:
    with Arxiv(pdfs={PID: minipdf.paper_pdf()}) as arxiv:
        read_text(fetcher(arxiv, tmp_path), paper(None))
        read_text(fetcher(arxiv, tmp_path), paper(None))
    assert arxiv.paths() == [f"/html/{PID}", f"/pdf/{PID}"] * 2
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_a_server_error_is_retried(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}) as arxiv:
        arxiv.overrides[f"/html/{PID}v2"] = Answer(404, b"", {"Content-Type": "text/plain"})
        arxiv.faults.append(Answer(503, b"busy", {"Content-Type": "text/plain", "Retry-After": "0"}))
        text, _ = read_text(fetcher(arxiv, tmp_path), paper())
    assert text.source == "pdf"
    assert arxiv.paths() == [f"/html/{PID}v2", f"/html/{PID}v2", f"/pdf/{PID}v2"]


def test_an_unreachable_arxiv_is_asked_once_per_run(tmp_path: Path) -> None:
    from tests.conftest import UNREACHABLE

    f = FullTextFetcher(UNREACHABLE, tmp_path, PoliteGate(0), policy=RetryPolicy(retries=0), timeout=5)
    text, problems = read_text(f, paper())
    assert text.source == "abstract"
    assert "could not be reached" in f.unreachable  # type: ignore[operator]
    assert "skipped pdf" in problems[1]  # the PDF was not tried against a server that is down


# -- safety -------------------------------------------------------------------------------------------

def test_a_pdf_served_as_html_is_refused_and_the_next_source_tried(tmp_path: Path) -> None:
    with Arxiv() as arxiv:
        arxiv.overrides[f"/pdf/{PID}v2"] = Answer(200, minipdf.paper_pdf(), {"Content-Type": "text/html"})
        text, problems = read_text(fetcher(arxiv, tmp_path), paper())
    assert text.source == "abstract"
    assert "expected application/pdf, got text/html" in problems[1] and f"/pdf/{PID}v2" in problems[1]
    assert not (tmp_path / f"{PID}v2.pdf").exists()  # not cached either


def test_html_served_as_a_pdf_is_refused(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}) as arxiv:
        arxiv.overrides[f"/html/{PID}v2"] = Answer(200, PAGE.encode(), {"Content-Type": "application/pdf"})
        text, problems = read_text(fetcher(arxiv, tmp_path), paper())
    assert text.source == "pdf"
    assert "expected text/html, got application/pdf" in problems[0]


def test_an_html_error_page_is_not_the_paper(tmp_path: Path) -> None:
    error_page = "<html><body><h1>No HTML for '2501.01234v2'</h1><p>Conversion failed.</p></body></html>"
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}, htmls={f"{PID}v2": error_page}) as arxiv:
        text, problems = read_text(fetcher(arxiv, tmp_path), paper())
    assert text.source == "pdf"
    assert problems[0].startswith("html:") and "almost no text" in problems[0]


def test_a_pdf_over_the_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    data = minipdf.paper_pdf()
    with Arxiv(pdfs={f"{PID}v2": data}) as arxiv:
        text, problems = read_text(fetcher(arxiv, tmp_path, max_pdf_bytes=1000), paper())
    assert text.source == "abstract"
    assert "over the limit of 1,000" in problems[1] and f"{len(data):,}" in problems[1]
    assert PID in problems[1]


def test_the_html_limit_is_its_own(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}, htmls={f"{PID}v2": PAGE}) as arxiv:
        text, problems = read_text(fetcher(arxiv, tmp_path, max_html_bytes=500), paper())
    assert text.source == "pdf"  # the PDF is under its own (default) limit
    assert "over the limit of 500" in problems[0]


class _Streamer:
    """A bare HTTP server that answers every request with `Content-Length` (or chunks) of a huge
    body and counts how many bytes it managed to send before the client hung up."""

    def __init__(self, total: int, chunked: bool = False) -> None:
        self.total, self.chunked = total, chunked
        self.sent = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.done = threading.Event()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            buf = b""
            while b"\r\n\r\n" not in buf:
                buf += conn.recv(4096)
            if buf.startswith(b"GET /html/"):
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                conn.close()
                conn, _ = self.sock.accept()
                buf = b""
                while b"\r\n\r\n" not in buf:
                    buf += conn.recv(4096)
            length = b"Transfer-Encoding: chunked" if self.chunked else b"Content-Length: %d" % self.total
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n" + length + b"\r\n\r\n")
            chunk = b"%PDF" + b"0" * (64 * 1024 - 4)
            try:
                while self.sent < self.total:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if self.chunked else chunk)
                    self.sent += len(chunk)
            except OSError:
                pass
        self.done.set()

    def __enter__(self) -> _Streamer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_huge_pdf_is_refused_before_it_is_all_read(tmp_path: Path, chunked: bool) -> None:
    total = 2 * 1024 * 1024 * 1024  # 2 GiB announced
    with _Streamer(total, chunked) as server:
        f = FullTextFetcher(server.url, tmp_path, PoliteGate(0), max_pdf_bytes=1024 * 1024,
                            policy=RetryPolicy(retries=0), timeout=10)
        with pytest.raises(FullTextError, match=r"over the limit of 1,048,576") as e:
            f.sections(paper(), "pdf")
        assert server.done.wait(10)
    assert PID in str(e.value)
    # Hung up early: what was sent is the limit plus what the sockets' buffers took, not 2 GiB.
    assert server.sent < 16 * 1024 * 1024, server.sent
    if not chunked:
        assert f"{total:,}" in str(e.value)  # refused from the header


def test_a_redirect_to_another_host_is_refused(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}) as arxiv:
        port = arxiv.url.rsplit(":", 1)[1]
        elsewhere = f"http://localhost:{port}/elsewhere/{PID}v2.pdf"  # the same server, by another name
        arxiv.overrides[f"/pdf/{PID}v2"] = Answer(302, b"", {"Location": elsewhere, "Content-Type": "text/plain"})
        text, problems = read_text(fetcher(arxiv, tmp_path), paper())
    assert text.source == "abstract"
    assert "localhost" in problems[1] and "not one of the configured hosts (127.0.0.1)" in problems[1]
    assert f"/elsewhere/{PID}v2.pdf" not in arxiv.paths()


def test_a_redirect_on_the_same_host_is_followed(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}) as arxiv:
        arxiv.overrides[f"/pdf/{PID}"] = Answer(301, b"", {"Location": f"{arxiv.url}/pdf/{PID}v2",
                                                           "Content-Type": "text/plain"})
        text, _ = read_text(fetcher(arxiv, tmp_path), paper(None))
    assert text.source == "pdf"
    assert arxiv.paths()[-2:] == [f"/pdf/{PID}", f"/pdf/{PID}v2"]


def test_nothing_a_page_points_to_is_fetched(tmp_path: Path) -> None:
    class Elsewhere(FakeServer):
        def answer(self, request: Recorded) -> Answer:
            return Answer(200, b"x", {"Content-Type": "image/png"})

    with Elsewhere() as other:
        page = PAGE.replace('src="x1.png"', f'src="{other.url}/x1.png"').replace(
            "</head>", f'<link rel="stylesheet" href="{other.url}/s.css"><meta http-equiv="refresh" '
                       f'content="0; url={other.url}/go"></head>')
        with Arxiv(htmls={f"{PID}v2": page}) as arxiv:
            text, _ = read_text(fetcher(arxiv, tmp_path), paper())
        assert text.source == "html"
        assert other.requests == []


# -- the store: a text read once is not downloaded again --------------------------------------------

def _settings(home: Path, arxiv_url: str, **kwargs: Any) -> Settings:
    return Settings(home=home, arxiv_url=arxiv_url, arxiv_api_url=arxiv_url + "/api/query", arxiv_delay=0,
                    retries=0, **kwargs)


def test_stored_text_is_reused_without_network(tmp_path: Path) -> None:
    from tests.conftest import UNREACHABLE

    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}) as arxiv:
        settings = _settings(tmp_path, arxiv.url)
        store = Store.open(settings.db_path)
        store.save_arxiv_metadata(paper())
        first = TextReader(store, settings).read(paper())
    assert first.source == "pdf"
    assert store.text(PID, 2, "pdf") == first.sections
    # The downloaded PDF is gone and arXiv with it: the store has the text, the cache the 404.
    (settings.cache_dir / "papers" / f"{PID}v2.pdf").unlink()
    reader = TextReader(store, _settings(tmp_path, UNREACHABLE))
    again = reader.read(paper())
    assert (again.source, again.text) == ("pdf", first.text)
    assert reader.fetcher.unreachable is None  # nothing was tried
    # Asked for the PDF only, from a home with no download cache at all: the same.
    only_pdf = TextReader(store, _settings(tmp_path / "other", UNREACHABLE), sources=("pdf",))
    assert only_pdf.read(paper()).text == first.text
    assert only_pdf.fetcher.unreachable is None and only_pdf.notes == []


def test_the_text_reader_applies_the_budget(tmp_path: Path) -> None:
    with Arxiv(htmls={f"{PID}v2": PAGE}) as arxiv:
        # The budget is for the whole prompt: about 450 tokens go to the instructions and the title.
        settings = _settings(tmp_path, arxiv.url, max_input_tokens=600)
        store = Store.open(settings.db_path)
        store.save_arxiv_metadata(paper())
        text = TextReader(store, settings).read(paper())
    assert text.source == "html" and text.omitted
    assert text.sections[0].kind == "abstract"
    # The whole text is stored, whatever the budget of the run that read it.
    assert len(store.text(PID, 2, "html") or []) > len(text.sections)


def test_the_first_figure_of_the_html_is_kept_with_the_paper_version(tmp_path: Path) -> None:
    with Arxiv(htmls={f"{PID}v2": PAGE}) as arxiv:
        settings = _settings(tmp_path, arxiv.url)
        store = Store.open(settings.db_path)
        store.save_arxiv_metadata(paper())
        TextReader(store, settings).read(paper())
        asked = arxiv.paths()
    stored = store.paper(PID)
    assert stored is not None
    # resolved against the page's own address; the image itself is the site's to download
    assert (stored.figure_url, stored.figure_caption) == (
        f"{arxiv.url}/html/{PID}v2/x1.png", "Figure 1: Tidal adapters between frozen encoder layers.")
    assert asked == [f"/html/{PID}v2"]
    # another version has no figure until its own HTML is read
    store.save_arxiv_metadata(paper(3))
    assert store.paper(PID).figure_url is None  # type: ignore[union-attr]


def test_a_pdf_or_an_abstract_brings_no_figure(tmp_path: Path) -> None:
    with Arxiv(pdfs={f"{PID}v2": minipdf.paper_pdf()}) as arxiv:
        settings = _settings(tmp_path, arxiv.url)
        store = Store.open(settings.db_path)
        store.save_arxiv_metadata(paper())
        assert TextReader(store, settings).read(paper()).source == "pdf"
    assert store.paper(PID).figure_url is None  # type: ignore[union-attr]


# -- end to end: a summary made from the PDF says so --------------------------------------------------

DATE = "2025-02-03"


def _hf_item() -> dict[str, Any]:
    return {"paper": {"id": PID, "authors": [{"_id": "a0", "name": "Ines Okafor", "hidden": False}],
                      "publishedAt": "2025-01-31T17:00:00.000Z", "title": TITLE, "summary": ABSTRACT,
                      "upvotes": 12, "discussionId": "d0", "ai_keywords": []},
            "publishedAt": "2025-01-31T13:00:00.000Z", "title": TITLE, "summary": ABSTRACT,
            "thumbnail": "", "numComments": 0, "isAuthorParticipating": False}


def _answer(body: dict[str, Any]) -> str:
    return json.dumps({
        "whats_new": "Tidal adapters are small decoder-only gates that let a frozen encoder wait before it "
                     "translates streaming speech.",
        "technical_details": "Each adapter is a gate between two frozen layers, trained with a latency penalty; "
                             "it reads the encoder state and decides to read or to write.",
        "performance_highlights": "On HarborTalk, tidal adapters cut the average lag by thirty-one percent at "
                                  "equal BLEU.",
    })


def test_a_summary_made_from_the_pdf_says_so(cli: Any) -> None:
    entry = atom_entry(PID, 2, TITLE, ["Ines Okafor"], ABSTRACT)
    with FakeHF({DATE: [_hf_item()]}) as hf, FakeLLM(_answer) as llm, \
            Arxiv({PID: entry}, pdfs={f"{PID}v2": minipdf.paper_pdf()}) as arxiv:
        env = {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_ARXIV_URL": arxiv.url,
               "DAILYPAPERS_ARXIV_API_URL": arxiv.url + "/api/query", "DAILYPAPERS_ARXIV_DELAY": "0",
               "DAILYPAPERS_CHECKS": "off"}  # the quality checks are not what this test is about
        fetched = cli("fetch", "--date", DATE, env=env)
        assert fetched.returncode == 0, fetched.stderr
        done = cli("summarize", "--date", DATE, "--lang", "en", "--llm", "openai-compatible/test", env=env)
        assert done.returncode == 0, done.stderr + done.stdout
        listed = cli("list", "--date", DATE, "--json", env=env)
        asked = [r.path for r in arxiv.requests]
        bodies = list(llm.completions)
    assert listed.returncode == 0, listed.stderr
    assert f"/pdf/{PID}v2" in asked

    # The prompt said what it was given: the PDF's text, section by section.
    assert bodies
    user = next(m["content"] for m in bodies[0]["messages"] if m["role"] == "user")
    head, data = user.split("<<<PAPER>>>", 1)
    assert "the text of the paper, taken from its PDF" in head
    lines = data.split("\n")  # inside the markers: everything the paper supplies stays data
    assert lines[1] == f"arXiv id: {PID}" and lines[2].startswith("Title: ")
    given = lines[3]
    assert given.startswith("Sections given: ")
    for title in ("Abstract", "1 Introduction", "2 Method", "3 Experiments", "4 Conclusion"):
        assert title in given
    assert "## 2 Method\nEach adapter is a small decoder-only gate" in user

    # The store keys the summary by its text source, and `list --json` shows it.
    store = Store.open(cli.home / "dailypapers.db")
    summaries = store.summaries_for(PID)
    assert [s.key.text_source for s in summaries] == ["pdf"]
    assert summaries[0].key.version == 2
    obj = json.loads(listed.stdout)[0]
    assert obj["id"] == PID
    assert obj["summary_info"]["en"]["text_source"] == "pdf"
    assert obj["summaries"]["en"]
