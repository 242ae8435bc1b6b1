"""Fault injection: fake Hugging Face, arXiv and LLM servers (real HTTP on 127.0.0.1) that answer
429 with and without Retry-After, 500, too late (a timeout), with truncated bodies and with invalid
JSON, at set (seeded) rates.

For every scenario: every paper is either summarized or failed with a reason that names the fault
(none silently missing); the digest holds only text the fake LLM wrote for that paper; the number
of requests is exactly what the retry and repair rules allow (each paper's answers are replayed
through a model of those rules, `faultkit.replay`); exit codes are 0 or 1 as documented; a listing
that cannot be read completely stores nothing.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from dailypapers import pipeline
from dailypapers.config import Settings
from dailypapers.http import RetryPolicy
from dailypapers.models import Listing
from dailypapers.sources.hf_daily import parse_items
from dailypapers.store import Store
from dailypapers.summarize.backends.openai_compat import OpenAICompatModel
from dailypapers.summarize.llm import ChatSummarizer
from tests import faultkit
from tests.fakes import Answer, FakeArxiv, FakeHF, FakeLLM, Recorded, atom_entry, json_answer, paper_id_of
from tests.faultkit import REASONS, TRANSPORT, Pen, check_digest, events_by_paper, hf_items, replay
from tests.test_fulltext_html import PAGE

DATE = "2025-03-03"
MODEL = "openai-compatible/test"
ALL_FAULTS = ("429", "429-bare", "500", "timeout", "truncated", "garbage", "badbody")


class Script:
    """Stands in for FakeLLM.rng: the faults to answer, in order (None: answer properly); once
    the script is used up, every answer is proper. Use with fault_rate=0.5."""

    def __init__(self, faults: list[str | None]) -> None:
        self.queue = list(faults)
        self.lock = threading.Lock()
        self._next: str | None = None

    def random(self) -> float:
        self._next = self.queue.pop(0) if self.queue else None
        return 0.0 if self._next else 1.0

    def choice(self, _: Any) -> str | None:
        return self._next


def load_day(home: Path, n: int, concurrency: int = 8) -> tuple[Settings, Store, list[str]]:
    # Summaries read the abstract (arXiv has scenarios of its own below) and the quality checks are
    # off, so that each answer the fake gives is one the client must take or retry.
    settings = Settings(home=home, concurrency=concurrency, text_sources="abstract", checks="off",
                        max_consecutive_failures=10_000)
    store = Store.open(settings.db_path)
    entries = parse_items(hf_items(n), DATE, "invented")
    store.save_listing(Listing(DATE, "hf", entries))
    return settings, store, [e.paper.id for e in entries]


def backend(fake: FakeLLM, retries: int, waits: list[float], timeout: float = 0.5) -> ChatSummarizer:
    """The real openai-compatible backend; only its sleeps are recorded instead of slept. A "timeout"
    answer comes 2.5 s late and the client waits `timeout` for it: a real timeout, as short as
    leaves the fake's proper answers (milliseconds) a wide margin."""
    policy = RetryPolicy(retries=retries, sleep=waits.append)
    return ChatSummarizer(OpenAICompatModel(MODEL, "test", fake.url + "/v1", timeout=timeout, policy=policy))


def digest_text(store: Store) -> str:
    return pipeline.render(pipeline.digest(store, DATE, "ko", MODEL))


# -- the LLM: every fault, at a set rate ----------------------------------------------------------

SCENARIOS = {
    "429 with Retry-After": (("429",), "7"),
    "429 without Retry-After": (("429-bare",), None),
    "500": (("500",), None),
    "timeouts": (("timeout",), None),
    "truncated bodies": (("truncated",), None),
    "invalid JSON": (("garbage", "badbody"), None),
    "all at once": (ALL_FAULTS, "7"),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_llm_faults_leave_every_paper_summarized_or_failed_with_its_reason(tmp_path: Path, name: str) -> None:
    faults, retry_after = SCENARIOS[name]
    retries, n = 1, 40
    settings, store, ids = load_day(tmp_path, n)
    pen, waits = Pen(), []
    with FakeLLM(pen, fault_rate=0.5, faults=faults, seed=sorted(SCENARIOS).index(name),
                 retry_after=retry_after, timeout_delay=2.5) as fake:
        report = pipeline.summarize(store, settings, DATE, "ko", backend(fake, retries, waits))
        log = list(fake.log)

    events = events_by_paper(log)
    assert set(events) == set(ids), "every paper was asked for, and nothing else"
    injected = [what for _, what in log if what != "ok"]
    assert injected and set(injected) <= set(faults)
    outcomes = {pid: replay(events[pid], retries) for pid in ids}
    for pid, o in outcomes.items():
        # No request beyond what the rules allow, and none missing: the client stopped exactly
        # where the model of retries and repairs says it must.
        assert o.status != "incomplete" and o.used == len(events[pid]), (pid, events[pid], o)
    done = {pid for pid, o in outcomes.items() if o.status == "ok"}
    failed = {pid: o.fault for pid, o in outcomes.items() if o.status == "failed"}
    assert done and failed, "a rate of 0.5 with one retry both completes and fails papers"

    # Every paper is summarized or failed with a reason that names its fault; none is both.
    assert report.done == len(done) and report.skipped == 0
    reasons = {f.paper_id: f.reason for f in report.failures}
    assert len(reasons) == len(report.failures) == len(failed)
    assert set(reasons) == set(failed)
    for pid, fault in failed.items():
        assert re.search(REASONS[fault], reasons[pid]), (pid, fault, reasons[pid])
    assert report.stopped is None

    # Stored and published: for each summarized paper exactly the last answer the fake wrote for
    # it (its earlier answers were garbage, truncated or came too late); for a failed one nothing.
    stored = faultkit.stored_summaries(tmp_path)
    assert set(stored) == done
    for pid in done:
        assert stored[pid] == [pen.sections(pid)]
    check_digest(digest_text(store), DATE, {pid: pen.sections(pid) for pid in done}, ids)

    # The run's accounts: every answer that came back with usage (a summary, or one that was not
    # JSON and was sent back for repair) is counted, also when its paper failed afterwards.
    billed = sum(1 for _, what in log if what in ("ok", "garbage"))
    assert report.usage.requests == billed
    assert (report.usage.prompt_tokens, report.usage.completion_tokens) == (100 * billed, 50 * billed)
    run = store.runs()[-1]
    assert (run["outcome"], run["papers_done"], run["requests"]) == ("failed", len(done), billed)
    assert sorted(f["paper_id"] for f in run["failures"]) == sorted(failed)

    # Waits: one per retried fault; Retry-After honoured to the second, otherwise backoff.
    retried = []
    for pid in ids:
        trail = events[pid]
        last = len(trail) - 1 if outcomes[pid].status == "failed" and outcomes[pid].fault in TRANSPORT else None
        retried += [what for i, what in enumerate(trail) if what in TRANSPORT and i != last]
    assert len(waits) == len(retried)
    asked = [w for w in waits if w == 7.0]
    assert len(asked) == (retried.count("429") if retry_after == "7" else 0)
    assert all(0.5 <= w <= 1.5 for w in waits if w != 7.0), waits  # 1 s, jittered

    # A second run with a healthy LLM sends exactly the failed papers, once each, and completes
    # the day.
    with FakeLLM(pen) as healthy:
        again = pipeline.summarize(store, settings, DATE, "ko", backend(healthy, retries, waits))
        assert sorted(paper_id_of(json.loads(r.body)) for r in healthy.requests) == sorted(failed)
    assert (again.done, again.skipped, again.failures) == (len(failed), len(done), [])
    check_digest(digest_text(store), DATE, {pid: pen.sections(pid) for pid in ids}, ids)
    assert all(len(v) == 1 for v in faultkit.stored_summaries(tmp_path).values())


def test_429_with_retry_after_waits_what_the_server_asks(tmp_path: Path) -> None:
    settings, store, _ = load_day(tmp_path, 1, concurrency=1)
    fake = FakeLLM(Pen(), fault_rate=0.5, retry_after="3")
    fake.rng = Script(["429", "429", "429-bare"])  # type: ignore[assignment]
    waits: list[float] = []
    with fake:
        report = pipeline.summarize(store, settings, DATE, "ko", backend(fake, 3, waits))
    assert report.done == 1 and [w for _, w in fake.log] == ["429", "429", "429-bare", "ok"]
    assert waits[:2] == [3.0, 3.0]
    assert 2.0 <= waits[2] <= 6.0  # no Retry-After: the third backoff, 1 s doubled twice, jittered


def test_retry_after_longer_than_max_retry_wait_fails_the_paper_at_once(tmp_path: Path) -> None:
    settings, store, _ = load_day(tmp_path, 1, concurrency=1)
    waits: list[float] = []
    with FakeLLM(Pen(), fault_rate=1.0, faults=("429",), retry_after="3600") as fake:
        report = pipeline.summarize(store, settings, DATE, "ko", backend(fake, 4, waits))
        assert len(fake.requests) == 1
    assert waits == [] and report.done == 0
    assert "3600" in report.failures[0].reason and "max_retry_wait" in report.failures[0].reason


def test_a_failed_repair_keeps_the_publishable_answer_in_hand(tmp_path: Path) -> None:
    """The checks ask for a repair of a summary with soft findings only; the repair request fails
    in transport. The first answer could be published, so it is, and its tokens are counted."""
    settings, store, ids = load_day(tmp_path, 1, concurrency=1)
    settings.checks = "standard"
    pen = Pen()
    fake = FakeLLM(pen, fault_rate=0.5)
    fake.rng = Script([None, "500", "500"])  # type: ignore[assignment]
    with fake:
        report = pipeline.summarize(store, settings, DATE, "ko", backend(fake, 1, []))
    assert [w for _, w in fake.log] == ["ok", "500", "500"]
    assert (report.done, report.failures) == (1, [])
    [summary] = store.summaries_for(ids[0])
    assert [(s.label, s.text) for s in summary.sections] == pen.sections(ids[0])
    assert summary.findings and all(f.severity == "soft" for f in summary.findings)
    assert report.usage.requests == 1


def test_tokens_spent_before_a_failure_are_counted(tmp_path: Path) -> None:
    """An answer that is not JSON (paid for), then the repair request fails: the paper fails and
    the run's accounts still show the tokens of the first answer."""
    settings, store, _ = load_day(tmp_path, 1, concurrency=1)
    fake = FakeLLM(Pen(), fault_rate=0.5)
    fake.rng = Script(["garbage", "500", "500"])  # type: ignore[assignment]
    with fake:
        report = pipeline.summarize(store, settings, DATE, "ko", backend(fake, 1, []))
    assert report.done == 0 and "HTTP 500" in report.failures[0].reason
    assert (report.usage.requests, report.usage.prompt_tokens) == (1, 100)
    assert store.runs()[-1]["requests"] == 1


# -- the same through the command line: exit codes and the digest on disk --------------------------

def env_for(hf: FakeHF, llm: FakeLLM, **extra: str) -> dict[str, str]:
    return {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_TEXT_SOURCES": "abstract",
            "DAILYPAPERS_CHECKS": "off", "DAILYPAPERS_MAX_CONSECUTIVE_FAILURES": "1000", **extra}


def run_args(out: Path, *more: str) -> list[str]:
    return ["run", "--date", DATE, "--lang", "ko", "--llm", MODEL, "-o", str(out), *more]


def test_cli_run_against_a_faulty_llm_exits_1_names_the_failures_and_publishes_only_real_text(
        cli: Any, tmp_path: Path) -> None:
    n, retries = 24, 1
    ids = faultkit.paper_ids(n)
    out = tmp_path / "digest.md"
    pen = Pen()
    # 429s say Retry-After: 0, the backoff of the other faults is recorded rather than slept (the
    # cli fixture's clock), and the client's timeout is the shortest the settings allow (1 s).
    with FakeHF({DATE: hf_items(n)}) as hf, \
            FakeLLM(pen, fault_rate=0.45, faults=ALL_FAULTS, seed=3, retry_after="0", timeout_delay=2.5) as llm:
        r = cli(*run_args(out, "--concurrency", "8", "--json"),
                env=env_for(hf, llm, DAILYPAPERS_RETRIES=str(retries), DAILYPAPERS_TIMEOUT="1"))
        log = list(llm.log)
    events = events_by_paper(log)
    outcomes = {pid: replay(events.get(pid, []), retries) for pid in ids}
    assert all(o.status != "incomplete" and o.used == len(events[pid]) for pid, o in outcomes.items())
    done = {pid for pid, o in outcomes.items() if o.status == "ok"}
    failed = {pid: o.fault for pid, o in outcomes.items() if o.status == "failed"}
    assert failed and done
    assert r.returncode == 1, r.stderr
    listed = faultkit.failures(r)
    assert set(listed) == set(failed)
    for pid, fault in failed.items():
        assert re.search(REASONS[fault], listed[pid]), (pid, fault, listed[pid])
    assert re.search(rf"{n - len(failed)} summarized, 0 already done, {len(failed)} failed", r.stderr)
    check_digest(out.read_text(encoding="utf-8"), DATE, {pid: pen.sections(pid) for pid in done}, ids)
    assert "Traceback" not in r.stderr

    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(pen) as llm:
        again = cli(*run_args(out), env=env_for(hf, llm))
        assert sorted(p for p, _ in llm.log) == sorted(failed)
    assert again.returncode == 0, again.stderr
    check_digest(out.read_text(encoding="utf-8"), DATE, {pid: pen.sections(pid) for pid in ids}, ids)


# -- Hugging Face: retried and read whole, or nothing stored ---------------------------------------

class ScriptedHF(FakeHF):
    """FakeHF whose n-th request gets `plan[n]` when there is one (None: the real answer)."""

    def __init__(self, days: dict[str, list[dict[str, Any]]], plan: list[Answer | None]) -> None:
        super().__init__(days)
        self.plan = list(plan)

    def answer(self, request: Recorded) -> Answer:
        with self.lock:
            fault = self.plan.pop(0) if self.plan else None
        return fault or super().answer(request)


def pages_config(cli: Any, page_size: int = 3) -> None:
    path = cli.config_home / "dailypapers" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"hf_page_size = {page_size}\n", encoding="utf-8")


def listed(cli: Any) -> list[str]:
    r = cli("list", "--date", DATE, "--json")
    assert r.returncode == 0, r.stderr
    return [p["id"] for p in json.loads(r.stdout)]


def fetch_rows(cli: Any) -> int:
    with faultkit.db(cli.home) as conn:
        return conn.execute("SELECT count(*) FROM fetches").fetchone()[0]


def truncated(body: list[Any]) -> Answer:
    raw = json.dumps(body).encode()
    return Answer(200, raw[: len(raw) // 2], truncate=True)


def test_hf_faults_on_every_page_are_retried_and_the_listing_is_whole(cli: Any) -> None:
    items = hf_items(8)
    pages_config(cli)  # 3 papers a page: pages 0, 1 and 2
    plan = [json_answer({"error": "rate limited"}, 429, **{"Retry-After": "0"}), None,       # page 0
            json_answer({"error": "rate limited"}, 429, RateLimit='"api";r=0;t=0'), None,   # page 1
            truncated(items[6:]), None]                                                     # page 2
    with ScriptedHF({DATE: items}, plan) as hf:
        r = cli("fetch", "--date", DATE, env={"HF_ENDPOINT": hf.url, "DAILYPAPERS_RETRIES": "2"})
        pages = [q.query["p"][0] for q in hf.requests]
    assert r.returncode == 0, r.stderr
    assert pages == ["0", "0", "1", "1", "2", "2"]  # each fault cost one request, no more
    assert f"{DATE}: 8 papers listed, 8 new" in r.stderr
    assert listed(cli) == [i["paper"]["id"] for i in items]


@pytest.mark.parametrize("fault,says", [
    (json_answer({"error": "internal"}, 500), r"HTTP 500"),
    ("truncated", r"RemoteProtocolError"),
    ("timeout", r"ReadTimeout"),
    (Answer(200, b"<html>Bad gateway</html>"), r"not JSON.*nothing was stored"),
])
def test_hf_failing_on_a_later_page_stores_nothing_and_says_why(cli: Any, fault: Any, says: str) -> None:
    items = hf_items(8)
    pages_config(cli)
    if fault == "truncated":
        fault = truncated(items[3:6])
    elif fault == "timeout":
        fault = Answer(200, json.dumps(items[3:6]).encode(), delay=2.5)
    with ScriptedHF({DATE: items}, [None] + [fault] * 5) as hf:  # page 1 fails every time
        r = cli("fetch", "--date", DATE,
                env={"HF_ENDPOINT": hf.url, "DAILYPAPERS_RETRIES": "1", "DAILYPAPERS_TIMEOUT": "1"})
        asked = [q.query["p"][0] for q in hf.requests]
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    error = r.stderr.strip().splitlines()[-1]
    assert error.startswith("error: Hugging Face Daily Papers for 2025-03-03"), error
    assert re.search(says, error), error
    assert "p=1" in error or "page 1" in error
    # retried when retrying can help (a shape error cannot be fixed by asking again)
    assert asked == (["0", "1"] if "JSON" in says else ["0", "1", "1"])
    assert listed(cli) == [] and fetch_rows(cli) == 0  # not the first page alone, nor its raw body

    # The next fetch, with Hugging Face healthy again, stores the whole day in order.
    with FakeHF({DATE: items}) as hf:
        assert cli("fetch", "--date", DATE, env={"HF_ENDPOINT": hf.url}).returncode == 0
    assert listed(cli) == [i["paper"]["id"] for i in items]


def test_run_stops_before_summarizing_when_the_listing_cannot_be_read(cli: Any, tmp_path: Path) -> None:
    with ScriptedHF({DATE: hf_items(4)}, [json_answer({"e": 1}, 503)] * 3) as hf, FakeLLM(Pen()) as llm:
        r = cli(*run_args(tmp_path / "d.md"), env=env_for(hf, llm, DAILYPAPERS_RETRIES="0"))
        assert llm.requests == []
    assert r.returncode == 1 and "HTTP 503" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "d.md").exists()  # no empty digest published for a day not read


# -- arXiv: faults while reading the papers --------------------------------------------------------

class ScriptedArxiv(FakeArxiv):
    def __init__(self, ids: list[str], plan: list[Answer | None] | None = None, always: Answer | None = None) -> None:
        super().__init__(entries={pid: atom_entry(pid, 1, f"Invented Paper {i}", [f"Author {i}"], "An abstract.")
                                  for i, pid in enumerate(ids)},
                         htmls={f"{pid}v1": PAGE for pid in ids})
        self.plan = list(plan or [])
        self.always = always

    def answer(self, request: Recorded) -> Answer:
        with self.lock:
            planned = self.plan.pop(0) if self.plan else None
        return self.always or planned or self._answer(request)


def arxiv_env(hf: FakeHF, llm: FakeLLM, arxiv: FakeArxiv, **extra: str) -> dict[str, str]:
    return env_for(hf, llm, DAILYPAPERS_TEXT_SOURCES="html,abstract", DAILYPAPERS_ARXIV_DELAY="0",
                   DAILYPAPERS_ARXIV_API_URL=arxiv.url + "/api/query", DAILYPAPERS_ARXIV_URL=arxiv.url, **extra)


def text_sources(cli: Any) -> dict[str, str]:
    r = cli("list", "--date", DATE, "--json")
    return {p["id"]: p["summary_info"]["ko"]["text_source"] for p in json.loads(r.stdout) if p["summaries"]}


def test_arxiv_faults_are_retried_and_every_summary_reads_the_html(cli: Any, tmp_path: Path) -> None:
    n = 5
    ids = faultkit.paper_ids(n)
    busy = json_answer({"error": "busy"}, 503, **{"Retry-After": "0"})
    plan = [busy, None,                 # the metadata query
            busy, None,                 # the first paper's HTML
            Answer(200, PAGE.encode()[:500], {"Content-Type": "text/html"}, truncate=True), None]
    pen = Pen()
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(pen) as llm, ScriptedArxiv(ids, plan) as arxiv:
        r = cli(*run_args(tmp_path / "d.md"), env=arxiv_env(hf, llm, arxiv, DAILYPAPERS_RETRIES="2"))
        paths = [q.path for q in arxiv.requests]
        prompts = [json.loads(q.body)["messages"][-1]["content"] for q in llm.requests]
    assert r.returncode == 0, r.stderr
    assert paths.count("/api/query") == 2
    assert sorted(p for p in paths if p.startswith("/html/")) == sorted(
        [f"/html/{pid}v1" for pid in ids] + [f"/html/{ids[0]}v1", f"/html/{ids[1]}v1"])
    assert text_sources(cli) == {pid: "html" for pid in ids}
    assert len(prompts) == n and all("Introduction" in p for p in prompts)
    check_digest((tmp_path / "d.md").read_text(encoding="utf-8"), DATE,
                 {pid: pen.sections(pid) for pid in ids}, ids)


def test_arxiv_down_means_abstracts_and_a_note_not_failures(cli: Any, tmp_path: Path) -> None:
    n = 4
    ids = faultkit.paper_ids(n)
    down = json_answer({"error": "overloaded"}, 503, **{"Retry-After": "0"})
    pen = Pen()
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(pen) as llm, ScriptedArxiv(ids, always=down) as arxiv:
        r = cli(*run_args(tmp_path / "d.md"), env=arxiv_env(hf, llm, arxiv, DAILYPAPERS_RETRIES="2"))
        paths = [q.path for q in arxiv.requests]
    assert r.returncode == 0, r.stderr
    assert paths == ["/api/query"] * 3  # asked, retried twice, then not asked again this run
    assert "arXiv metadata not available" in r.stderr and "HTTP 503" in r.stderr
    assert text_sources(cli) == {pid: "abstract" for pid in ids}
    check_digest((tmp_path / "d.md").read_text(encoding="utf-8"), DATE,
                 {pid: pen.sections(pid) for pid in ids}, ids)
