"""Errors carry their context (errors.py): the URL of a failed exchange, with no user name or
password in it; the paper a failure is about; the file of a damaged store. The JSON log line of a
failed paper says them too.

The servers are real ones on 127.0.0.1 (tests/fakes.py); the store is SQLite in a temporary folder.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dailypapers import logs, pipeline
from dailypapers.config import Settings
from dailypapers.console import Console
from dailypapers.errors import (
    FullTextError,
    GaveUp,
    LimitExceeded,
    LLMError,
    LLMOutputError,
    SourceError,
    StoreError,
    Unavailable,
)
from dailypapers.fulltext.fetch import FullTextFetcher, read_text
from dailypapers.http import Limits, PoliteGate, RetryPolicy, make_client, request
from dailypapers.models import Listing, Paper, PaperText, Usage
from dailypapers.sources.hf_daily import HFDailySource, parse_items
from dailypapers.store import Store
from dailypapers.summarize.backends import Job, Reply
from dailypapers.summarize.backends.openai_compat import OpenAICompatModel
from dailypapers.summarize.llm import ChatSummarizer
from tests.conftest import UNREACHABLE
from tests.fakes import Answer, FakeArxiv, FakeHF, FakeLLM, FakeServer, Fixed

NO_RETRIES = RetryPolicy(retries=0, sleep=lambda s: None)
PID = "2501.01234"
ABSTRACT = "Streaming speech translation must emit words early. We introduce tidal adapters."


def with_password(url: str) -> str:
    """`http://127.0.0.1:PORT` as `http://alice:hunter2@127.0.0.1:PORT`."""
    return url.replace("http://", "http://alice:hunter2@", 1)


def shown(url: str) -> str:
    """The same URL as an error may carry it: the user name and password taken out."""
    return url.replace("http://", "http://***@", 1)


# -- the URL of a failed exchange -------------------------------------------------------------------

def test_an_answer_over_its_limit_names_its_url_without_the_password() -> None:
    with Fixed(Answer(200, b"x" * 1000, declared=5 * 1024 * 1024)) as fake:
        url = with_password(fake.url) + "/listing"
        with make_client(timeout=5) as client, pytest.raises(LimitExceeded) as e:
            request(client, "GET", url, NO_RETRIES, limits=Limits(1024 * 1024, 30))
    assert e.value.url == shown(fake.url) + "/listing"
    assert "hunter2" not in e.value.url and "alice" not in e.value.url


def test_a_server_that_cannot_be_reached_is_named_by_its_url() -> None:
    with make_client(timeout=5) as client, pytest.raises(GaveUp) as e:
        request(client, "GET", with_password(UNREACHABLE) + "/x", NO_RETRIES, limits=Limits(1024, 30))
    assert e.value.url == shown(UNREACHABLE) + "/x"
    assert e.value.context() == {"url": shown(UNREACHABLE) + "/x"}


def test_a_listing_that_failed_names_the_page_it_asked_for_and_what_to_check() -> None:
    hf = FakeHF()
    hf.faults.append(Answer(401, b'{"error": "bad token"}'))
    with hf:
        source = HFDailySource(with_password(hf.url), token="", policy=NO_RETRIES, timeout=5)
        with pytest.raises(SourceError) as e:
            source.fetch_day("2025-02-03")
    assert e.value.url == shown(hf.url) + "/api/daily_papers?date=2025-02-03&p=0&limit=100"
    assert e.value.hint == "check HF_TOKEN"
    assert "hunter2" not in json.dumps(e.value.context())


def test_an_llm_request_that_failed_names_the_endpoint_without_the_password() -> None:
    with FakeLLM(lambda body: "{}", fault_rate=1.0, faults=("500",)) as llm:
        model = OpenAICompatModel("openai-compatible/m", "m", with_password(llm.url) + "/v1", "sk-secret-key",
                                  timeout=5, policy=NO_RETRIES)
        with pytest.raises(LLMError) as e:
            model.chat([{"role": "user", "content": "hello"}], {"type": "object"})
    assert e.value.url == shown(llm.url) + "/v1/chat/completions"
    assert "hunter2" not in str(e.value.context()) and "sk-secret-key" not in str(e.value.context())


# -- the paper a failure is about -------------------------------------------------------------------

def paper(version: int | None = 2) -> Paper:
    return Paper(PID, "Tidal Adapters", ["Ines Okafor"], abstract=ABSTRACT, version=version)


def fetcher(arxiv: FakeServer) -> FullTextFetcher:
    return FullTextFetcher(arxiv.url, None, PoliteGate(0), policy=NO_RETRIES, timeout=10)


def test_a_full_text_download_that_failed_names_its_paper_and_url() -> None:
    arxiv = FakeArxiv()
    arxiv.faults.append(Answer(500, b"busy", {"Content-Type": "text/plain"}))
    with arxiv:
        with pytest.raises(FullTextError) as e:
            fetcher(arxiv).sections(paper(), "html")
    assert (e.value.paper_id, e.value.url) == (PID, f"{arxiv.url}/html/{PID}v2")


def test_a_rendering_arxiv_does_not_have_names_its_paper() -> None:
    with FakeArxiv() as arxiv, pytest.raises(Unavailable) as e:
        fetcher(arxiv).sections(paper(), "pdf")
    assert (e.value.paper_id, e.value.url) == (PID, f"{arxiv.url}/pdf/{PID}v2")


def test_a_page_that_cannot_be_read_names_its_paper() -> None:
    """The page is read in the limited child, which knows no paper: the fetcher says which it was."""
    with FakeArxiv(htmls={f"{PID}v2": "<html><body><p>Not found.</p></body></html>"}) as arxiv:
        with pytest.raises(FullTextError, match="almost no text") as e:
            fetcher(arxiv).sections(paper(), "html")
    assert e.value.paper_id == PID


def test_a_paper_with_no_text_at_all_names_itself() -> None:
    with FakeArxiv() as arxiv, pytest.raises(FullTextError) as e:
        read_text(fetcher(arxiv), Paper(PID, "Tidal Adapters", version=2))
    assert e.value.paper_id == PID


class Garbage:
    """A chat model that answers, every time, with something that is not the JSON asked for."""

    model_id = "fake/garbage"

    def chat(self, messages: list[dict[str, str]], schema: dict[str, object]) -> Reply:
        return Reply("this is not json {", Usage(10, 5, 1))


class Failing:
    """A chat model whose every request fails after its retries."""

    model_id = "fake/failing"

    def chat(self, messages: list[dict[str, str]], schema: dict[str, object]) -> Reply:
        raise LLMError("fake/failing: HTTP 503")


@pytest.mark.parametrize("model,error", [(Garbage(), LLMOutputError), (Failing(), LLMError)],
                         ids=["unusable answers", "failed request"])
def test_a_summary_that_failed_names_its_paper(model: Any, error: type[LLMError]) -> None:
    job = Job(paper(), PaperText(PID, "abstract", ABSTRACT), "en")
    with pytest.raises(error) as e:
        ChatSummarizer(model).summarize(job)
    assert e.value.paper_id == PID


# -- the file of a damaged store --------------------------------------------------------------------

def test_a_damaged_database_names_its_file_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "dailypapers.db"
    path.write_bytes(b"this is not a SQLite database, whatever its name says\n" * 200)
    with pytest.raises(StoreError, match="damaged") as e:
        Store.open(path)
    assert e.value.path == str(path)
    assert e.value.hint is not None and "backup" in e.value.hint


def test_an_empty_database_file_names_its_file(tmp_path: Path) -> None:
    path = tmp_path / "dailypapers.db"
    path.write_bytes(b"")
    with pytest.raises(StoreError, match="0 bytes") as e:
        Store.open(path)
    assert e.value.path == str(path)


# -- the JSON log line of a failed paper ------------------------------------------------------------

@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The log configured as `--log-format json` does it, its lines written into a buffer; the
    logger as it was after the test."""
    before = (logs.log.handlers[:], logs.log.level, logs.log.propagate)
    buffer = io.StringIO()
    logs.configure("json", console=Console(buffer, fmt="json"))
    yield buffer
    logs.log.handlers[:], level, logs.log.propagate = before
    logs.log.setLevel(level)


def test_a_failed_papers_json_log_line_carries_the_errors_url(tmp_path: Path, hf_day: Any,
                                                              json_logs: io.StringIO) -> None:
    date, items = hf_day
    settings = Settings(home=tmp_path, concurrency=1, text_sources="abstract", checks="off")
    store = Store.open(settings.db_path)
    entries = parse_items(items[:2], date, "fixture")
    store.save_listing(Listing(date, "hf", entries))
    with FakeLLM(lambda body: "{}", fault_rate=1.0, faults=("500",)) as llm:
        chat = OpenAICompatModel("openai-compatible/m", "m", with_password(llm.url) + "/v1", timeout=5,
                                 policy=NO_RETRIES)
        report = pipeline.summarize(store, settings, date, "ko", ChatSummarizer(chat))
    assert len(report.failures) == 2
    err = json_logs.getvalue()
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    failed = [e for e in events if e.get("event") == "failed"]
    assert sorted(e["paper"] for e in failed) == sorted(e.paper.id for e in entries)
    assert all(e["url"] == shown(llm.url) + "/v1/chat/completions" for e in failed)
    assert "hunter2" not in err and "alice" not in err
