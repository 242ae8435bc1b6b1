"""pipeline.summarize with a real Store (SQLite in tmp) and a real fake LLM server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from dailypapers import pipeline
from dailypapers.config import Settings
from dailypapers.errors import ConfigError, NoLLMConfigured
from dailypapers.http import RetryPolicy
from dailypapers.models import SECTION_KEYS, SECTION_LABELS, Listing, Paper, PaperText, Section
from dailypapers.sources.hf_daily import parse_items
from dailypapers.store import Store
from dailypapers.summarize import backends
from dailypapers.summarize.backends import Draft, Job, register
from dailypapers.summarize.backends.extractive import ExtractiveSummarizer
from dailypapers.summarize.backends.openai_compat import OpenAICompatModel
from dailypapers.summarize.llm import ChatSummarizer
from dailypapers.text import one_line
from tests.fakes import FakeLLM, paper_id_of

get_backend = pipeline.get_backend




class Answers:
    """The fake LLM's pen: writes a distinct answer for every request it is asked to answer and
    remembers each one, so tests can check that stored text is text the server really sent."""

    def __init__(self, tweak: Any = None) -> None:
        self.given: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.lock = threading.Lock()
        self.count = 0
        self.tweak = tweak

    def __call__(self, body: dict[str, Any]) -> str:
        pid = paper_id_of(body)
        with self.lock:
            self.count += 1
            n = self.count
        answer = {"whats_new": f"{pid} 논문은 새로운 방법을 제안합니다 (답변 {n}).",
                  "technical_details": f"{pid} 논문의 방법은 두 단계로 학습됩니다 (답변 {n}).",
                  "performance_highlights": f"{pid} 논문은 기준선보다 높은 점수를 보고합니다 (답변 {n})."}
        if self.tweak:
            answer = self.tweak(pid, n, answer)
        with self.lock:
            self.given[pid].append(answer)
        return json.dumps(answer, ensure_ascii=False)

    def as_sections(self, pid: str) -> list[list[tuple[str, str]]]:
        """Every answer given for the paper, as the sections it should be stored as."""
        out = []
        for a in self.given[pid]:
            out.append([(label, one_line(a[k])) for k, label in zip(SECTION_KEYS, SECTION_LABELS)
                        if isinstance(a.get(k), str) and one_line(a[k]) not in ("", "N/A")])
        return out


def sections_of(summary: Any) -> list[tuple[str, str]]:
    return [(s.label, s.text) for s in summary.sections]


@pytest.fixture
def day(tmp_path: Path, hf_day: tuple[str, list[dict[str, Any]]]) -> Any:
    """A store holding the fixture day; returns a small namespace."""
    date, items = hf_day
    return _load(tmp_path / "a", date, items)


class _Day:
    def __init__(self, store: Store, settings: Settings, date: str, ids: list[str]) -> None:
        self.store, self.settings, self.date, self.ids = store, settings, date, ids


def _load(home: Path, date: str, items: list[dict[str, Any]]) -> _Day:
    # The summaries read the abstract: these tests are about the summarize stage, not full text.
    # The fake answers are one sentence a section; the quality checks (tested in test_checks_* and
    # test_repair_*) would ask for repairs, and these tests count one request per paper.
    settings = Settings(home=home, concurrency=4, text_sources="abstract", checks="off")
    store = Store.open(settings.db_path)
    entries = parse_items(items, date, "fixture")
    store.save_listing(Listing(date, "hf", entries))
    return _Day(store, settings, date, [e.paper.id for e in entries])


def llm_backend(fake: FakeLLM, model: str = "test", key: str | None = None, retries: int = 3) -> ChatSummarizer:
    policy = RetryPolicy(retries=retries, sleep=lambda s: None)
    chat = OpenAICompatModel(f"openai-compatible/{model}", model, fake.url + "/v1", key, timeout=10,
                             policy=policy)
    return ChatSummarizer(chat)


def requested_ids(fake: FakeLLM) -> list[str]:
    return [paper_id_of(json.loads(r.body)) for r in fake.requests]


# -- once, and never again ------------------------------------------------------------------------

def test_every_paper_is_summarized_once_and_a_second_run_sends_nothing(day: _Day) -> None:
    answers = Answers()
    with FakeLLM(answers) as fake:
        backend = llm_backend(fake)
        report = pipeline.summarize(day.store, day.settings, day.date, "ko", backend)
        assert (report.done, report.skipped, report.failures) == (8, 0, [])
        assert sorted(requested_ids(fake)) == sorted(day.ids)
        assert report.usage.requests == 8
        for pid in day.ids:
            stored = day.store.summaries_for(pid)
            assert len(stored) == 1
            s = stored[0]
            assert (s.key.lang, s.key.model, s.key.prompt_version, s.key.text_source) == \
                ("ko", "openai-compatible/test", "v1", "abstract")
            assert sections_of(s) == answers.as_sections(pid)[0]

        again = pipeline.summarize(day.store, day.settings, day.date, "ko", llm_backend(fake))
        assert (again.done, again.skipped, again.failures) == (0, 8, [])
        assert len(fake.requests) == 8  # counted at the server


def test_force_summarizes_again_and_replaces(day: _Day) -> None:
    answers = Answers()
    with FakeLLM(answers) as fake:
        pipeline.summarize(day.store, day.settings, day.date, "ko", llm_backend(fake))
        report = pipeline.summarize(day.store, day.settings, day.date, "ko", llm_backend(fake), force=True)
    assert report.done == 8 and report.skipped == 0
    assert len(fake.requests) == 16
    for pid in day.ids:
        stored = day.store.summaries_for(pid)
        assert len(stored) == 1  # same key: replaced, not duplicated
        assert sections_of(stored[0]) == answers.as_sections(pid)[1]  # the second answer


def test_a_different_model_makes_new_summaries_and_keeps_the_old(day: _Day) -> None:
    answers = Answers()
    with FakeLLM(answers) as fake:
        pipeline.summarize(day.store, day.settings, day.date, "ko", llm_backend(fake, "test"))
        report = pipeline.summarize(day.store, day.settings, day.date, "ko", llm_backend(fake, "other"))
    assert report.done == 8 and len(fake.requests) == 16
    assert sorted(json.loads(r.body)["model"] for r in fake.requests) == ["other"] * 8 + ["test"] * 8
    for pid in day.ids:
        by_model = {s.key.model: sections_of(s) for s in day.store.summaries_for(pid)}
        assert set(by_model) == {"openai-compatible/test", "openai-compatible/other"}
        assert by_model["openai-compatible/test"] == answers.as_sections(pid)[0]
        assert by_model["openai-compatible/other"] == answers.as_sections(pid)[1]
        old = day.store.latest_summary(pid, "ko", "openai-compatible/test")
        assert old is not None and sections_of(old) == answers.as_sections(pid)[0]


class _OtherPrompt:
    """The same chat model under another prompt version, as a new prompt file would give."""

    languages = None
    prompt_version = "v1-test-variant"

    def __init__(self, inner: ChatSummarizer) -> None:
        self.inner = inner
        self.model_id = inner.model_id

    def summarize(self, job: Job) -> Draft:
        return self.inner.summarize(job)


def test_a_different_prompt_version_makes_new_summaries_and_keeps_the_old(day: _Day) -> None:
    answers = Answers()
    with FakeLLM(answers) as fake:
        pipeline.summarize(day.store, day.settings, day.date, "ko", llm_backend(fake))
        report = pipeline.summarize(day.store, day.settings, day.date, "ko", _OtherPrompt(llm_backend(fake)))
        assert report.done == 8 and len(fake.requests) == 16
        third = pipeline.summarize(day.store, day.settings, day.date, "ko", _OtherPrompt(llm_backend(fake)))
        assert third.skipped == 8 and len(fake.requests) == 16
    for pid in day.ids:
        by_version = {s.key.prompt_version: sections_of(s) for s in day.store.summaries_for(pid)}
        assert by_version == {"v1": answers.as_sections(pid)[0],
                              "v1-test-variant": answers.as_sections(pid)[1]}


def test_another_language_is_another_summary(day: _Day) -> None:
    answers = Answers()
    with FakeLLM(answers) as fake:
        pipeline.summarize(day.store, day.settings, day.date, "ko", llm_backend(fake))
        report = pipeline.summarize(day.store, day.settings, day.date, "ja", llm_backend(fake))
    assert report.done == 8 and len(fake.requests) == 16
    assert all("Japanese" in json.loads(r.body)["messages"][1]["content"] for r in fake.requests[8:])
    for pid in day.ids:
        assert {s.key.lang for s in day.store.summaries_for(pid)} == {"ko", "ja"}


# -- concurrency ----------------------------------------------------------------------------------

@pytest.mark.parametrize("concurrency", [1, 4])
def test_concurrency_is_the_number_of_requests_in_flight(day: _Day, concurrency: int) -> None:
    with FakeLLM(Answers(), latency=0.2 if concurrency > 1 else 0.02) as fake:
        report = pipeline.summarize(day.store, day.settings, day.date, "ko", llm_backend(fake),
                                    concurrency=concurrency)
    assert report.done == 8
    assert fake.max_in_flight == concurrency


def test_concurrency_comes_from_the_settings(day: _Day) -> None:
    day.settings.concurrency = 3
    with FakeLLM(Answers(), latency=0.2) as fake:
        pipeline.summarize(day.store, day.settings, day.date, "ko", llm_backend(fake))
    assert fake.max_in_flight == 3


# -- failures -------------------------------------------------------------------------------------

def test_a_paper_with_an_empty_abstract_fails_without_a_request(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    items[2]["paper"]["summary"] = "  \n "
    items[2]["summary"] = ""
    d = _load(tmp_path, date, items)
    empty = d.ids[2]
    with FakeLLM(Answers()) as fake:
        report = pipeline.summarize(d.store, d.settings, d.date, "ko", llm_backend(fake))
    assert report.done == 7
    assert [f.paper_id for f in report.failures] == [empty]
    assert "abstract" in report.failures[0].reason
    assert empty not in requested_ids(fake) and len(fake.requests) == 7
    assert d.store.summaries_for(empty) == []
    last_run = d.store.runs()[-1]
    assert last_run["outcome"] == "failed"
    assert [f["paper_id"] for f in last_run["failures"]] == [empty]


def test_an_auth_failure_stops_the_run_early(day: _Day) -> None:
    concurrency = 3
    with FakeLLM(Answers(), api_key="the-right-key") as fake:
        report = pipeline.summarize(day.store, day.settings, day.date, "ko",
                                    llm_backend(fake, key="the-wrong-key"), concurrency=concurrency)
    sent = len(fake.requests)
    assert 1 <= sent <= concurrency
    assert report.done == 0
    assert sorted(f.paper_id for f in report.failures) == sorted(day.ids)  # every paper accounted for
    not_attempted = [f for f in report.failures if f.reason.startswith("not attempted")]
    assert len(not_attempted) == 8 - sent
    assert {f.paper_id for f in not_attempted}.isdisjoint(requested_ids(fake))
    assert all("credentials" in f.reason for f in not_attempted)
    assert all("the-wrong-key" not in f.reason for f in report.failures)
    assert all(day.store.summaries_for(pid) == [] for pid in day.ids)
    # the papers left out are still to do: a run with the right key does them
    with FakeLLM(Answers(), api_key="the-right-key") as fake:
        report = pipeline.summarize(day.store, day.settings, day.date, "ko",
                                    llm_backend(fake, key="the-right-key"))
    assert report.done == 8


def _tweak(pid: str, n: int, answer: dict[str, str]) -> dict[str, str]:
    if pid.endswith("606"):
        answer["performance_highlights"] = "N/A"  # a placeholder: never stored
    if pid.endswith("707") and n % 2:
        answer["whats_new"] = ""  # unusable: asks for a repair
    return answer


def test_a_placeholder_section_is_left_out(tmp_path: Path, hf_day: Any) -> None:
    """What the next test's fake does to 2502.00606, with no faults: the paper is stored without
    the "N/A" it was given for Performance Highlights, in one request."""
    date, items = hf_day
    d = _load(tmp_path, date, items)
    answers = Answers(lambda pid, n, answer: _tweak(pid, n, answer) if pid == "2502.00606" else answer)
    with FakeLLM(answers) as fake:
        report = pipeline.summarize(d.store, d.settings, d.date, "ko", llm_backend(fake))
    assert report.done == 8 and report.failures == []
    assert [a["performance_highlights"] for a in answers.given["2502.00606"]] == ["N/A"]
    [s606] = d.store.summaries_for("2502.00606")
    assert [label for label, _ in sections_of(s606)] == list(SECTION_LABELS[:2])


@pytest.mark.parametrize("seed", [1, 7, 11])
def test_no_stored_text_that_the_fake_did_not_send(tmp_path: Path, hf_day: Any, seed: int) -> None:
    date, items = hf_day
    d = _load(tmp_path, date, items)
    answers = Answers(_tweak)
    with FakeLLM(answers, fault_rate=0.5, faults=("429", "500", "garbage"), seed=seed) as fake:
        report = pipeline.summarize(d.store, d.settings, d.date, "ko", llm_backend(fake, retries=2))
    failed = {f.paper_id for f in report.failures}
    assert report.done + len(failed) == 8 and len(report.failures) == len(failed)
    assert all(f.reason for f in report.failures)
    for pid in d.ids:
        stored = d.store.summaries_for(pid)
        if pid in failed:
            assert stored == []
            continue
        assert len(stored) == 1
        assert sections_of(stored[0]) in answers.as_sections(pid)
        for _, text in sections_of(stored[0]):
            assert text.strip() and text != "N/A"
    # The fake answers "N/A" for 2502.00606's Performance Highlights every time: a placeholder is
    # never stored, so the paper is stored with its other two sections, unless the fake's random
    # faults (which request gets one depends on thread timing) made it fail, and then nothing is.
    pid = d.ids[5]
    assert pid == "2502.00606"
    expected = [] if pid in failed else [list(SECTION_LABELS[:2])]
    assert [[label for label, _ in sections_of(s)] for s in d.store.summaries_for(pid)] == expected


# -- backends: the registry -----------------------------------------------------------------------

class CannedBackend:
    prompt_version = "canned-v1"
    languages = None

    def __init__(self, model: str, options: Any, env: Any) -> None:
        self.model_id = f"canned/{model}"
        self.options = options
        self.calls: list[str] = []

    def summarize(self, job: Job) -> Draft:
        self.calls.append(job.paper.id)
        if job.paper.id.endswith("303"):
            raise RuntimeError("a bug in the plugin")
        return Draft([Section("What's New", f"canned new {job.paper.id}"),
                      Section("Technical Details", f"canned details {job.paper.id}")])


@pytest.fixture
def canned_provider() -> Any:
    name = "canned-test-provider"
    register(name, CannedBackend)
    yield name
    backends.backends.unregister(name)


def test_a_registered_backend_is_found_and_used(day: _Day, canned_provider: str) -> None:
    assert canned_provider in backends.backends.names()
    backend = get_backend(f"{canned_provider}/small-1", day.settings)
    assert isinstance(backend, CannedBackend)
    assert backend.model_id == "canned/small-1" and backend.options == day.settings.llm_options()
    report = pipeline.summarize(day.store, day.settings, day.date, "ko", backend)
    assert sorted(backend.calls) == sorted(day.ids)
    assert report.done == 7
    assert [(f.paper_id, f.reason) for f in report.failures] == [(day.ids[2], "RuntimeError: a bug in the plugin")]
    s = day.store.latest_summary(day.ids[0], "ko")
    assert s is not None and s.key.model == "canned/small-1" and s.key.prompt_version == "canned-v1"
    assert sections_of(s) == [("What's New", f"canned new {day.ids[0]}"),
                              ("Technical Details", f"canned details {day.ids[0]}")]


def test_unknown_provider_lists_the_known_ones(tmp_path: Path, canned_provider: str) -> None:
    with pytest.raises(ConfigError) as info:
        get_backend("nosuchprovider/model-x", Settings(home=tmp_path))
    message = str(info.value)
    assert "nosuchprovider" in message
    for known in ("openai", "openai-compatible", "ollama", "vllm", "extractive", canned_provider):
        assert known in message


def test_no_llm_is_a_config_error(tmp_path: Path) -> None:
    for spec in (None, ""):
        with pytest.raises(NoLLMConfigured) as info:
            get_backend(spec, Settings(home=tmp_path))
        assert isinstance(info.value, ConfigError) and "--llm" in str(info.value)


def test_openai_compatible_needs_a_base_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        get_backend("openai-compatible/test", Settings(home=tmp_path, openai_base_url=None))
    assert "OPENAI_BASE_URL" in str(info.value)
    with pytest.raises(ConfigError) as info:
        get_backend("openai-compatible", Settings(home=tmp_path, openai_base_url="http://127.0.0.1:9/v1"))
    assert "model" in str(info.value)


def test_openai_needs_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigError) as info:
        get_backend("openai/gpt-4o-mini", Settings(home=tmp_path))
    assert "OPENAI_API_KEY" in str(info.value)


# -- the extractive backend -----------------------------------------------------------------------

SENTENCES = {
    "2502.09001": ["Retrieval over long inputs is slow.",
                   "We propose sparse routers that send each token to two experts, e.g. the nearest ones.",
                   "The router is trained with a contrastive loss.",
                   "On 128K-token inputs, accuracy rises by 4.2 points over dense attention."],
    "2502.09002": ["Small models make arithmetic slips.",
                   "This paper introduces self-checking, a training recipe based on re-derivation.",
                   "A 1.5B model reaches 71.3% on GSM8K, up from 58.9%.",
                   "Errors on multiplication drop by half."],
    "2502.09003": ["Tables in scanned reports are hard to read.",
                   "We present a benchmark of 12,000 tables from 900 reports.",
                   "Each table is annotated by two people."],
}


def _extractive_day(home: Path) -> _Day:
    items = [{"paper": {"id": pid, "title": f"Paper {pid}", "authors": [{"name": "A. Author"}],
                        "summary": " ".join(s), "upvotes": 1}, "thumbnail": "", "numComments": 0}
             for pid, s in SENTENCES.items()]
    return _load(home, "2025-02-04", items)


def _as_sentences(text: str, pool: list[str]) -> list[str]:
    """Split `text` into sentences of `pool`, in pool order; fails if it is anything else."""
    used, rest = [], text
    for sentence in pool:
        if rest.startswith(sentence):
            used.append(sentence)
            rest = rest[len(sentence):].lstrip(" ")
    assert rest == "", f"not made of the abstract's sentences: {text!r}"
    return used


def test_extractive_is_deterministic_and_writes_only_sentences_of_the_abstract(tmp_path: Path) -> None:
    runs = []
    for name in ("one", "two"):
        d = _extractive_day(tmp_path / name)
        backend = get_backend("extractive", d.settings)
        report = pipeline.summarize(d.store, d.settings, d.date, "en", backend)
        assert report.done == 3 and report.failures == []
        runs.append({pid: sections_of(d.store.summaries_for(pid)[0]) for pid in d.ids})
    assert runs[0] == runs[1]
    for pid, sections in runs[0].items():
        assert [label for label, _ in sections][:2] == list(SECTION_LABELS[:2])
        picked = [s for _, text in sections for s in _as_sentences(text, SENTENCES[pid])]
        assert len(picked) == len(set(picked))  # no sentence used twice
    # and the backend itself, called twice on one job
    job = Job(Paper("2502.09001", "T", abstract=" ".join(SENTENCES["2502.09001"])),
              PaperText("2502.09001", "abstract", " ".join(SENTENCES["2502.09001"])), "en")
    assert ExtractiveSummarizer().summarize(job).sections == ExtractiveSummarizer().summarize(job).sections


def test_extractive_refuses_korean(tmp_path: Path) -> None:
    d = _extractive_day(tmp_path)
    with pytest.raises(ConfigError) as info:
        pipeline.summarize(d.store, d.settings, d.date, "ko", get_backend("extractive", d.settings))
    assert "--lang en" in str(info.value)
    assert all(d.store.summaries_for(pid) == [] for pid in d.ids)
