"""A run that dies, a run that meets another run, a provider that refuses or keeps failing, a budget.

- Killed with SIGKILL at 20 random (seeded) moments and started again each time: in the end every
  paper has exactly one stored summary, no run asked the LLM about a paper whose summary was stored
  before it started, the store passes `PRAGMA integrity_check`, and the digest is complete.
- Two runs started together on one home: one waits for the other; one complete digest, both exit 0,
  every paper sent to the LLM once, no failure recorded.
- An LLM that rejects the API key, and one that always fails: the run stops asking after the first
  failures, says why, lists the papers it did not attempt and exits 1.
- `publish` holds the same lock as `run`: while one holds it, a `publish` (or a `run`) waits,
  then gives up saying why, and sends nothing.
- `--budget`: the run stops before the recorded costs would pass the budget; `stats` shows runs,
  papers, tokens, cost and failures as the fake LLM counted them.
"""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from dailypapers.lock import RunLock
from tests import faultkit, publish_day
from tests.fakes import FakeHF, FakeLLM
from tests.faultkit import Pen, check_digest, hf_items

DATE = "2025-03-03"
MODEL = "openai-compatible/test"


def env_for(hf: FakeHF, llm: FakeLLM, **extra: str) -> dict[str, str]:
    return {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_TEXT_SOURCES": "abstract",
            "DAILYPAPERS_CHECKS": "off", **extra}


def run_args(*more: str) -> list[str]:
    return ["run", "--date", DATE, "--lang", "ko", "--llm", MODEL, *more]


def start(cli: Any, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The CLI as a real process that a test may kill or interrupt (cli() runs in this process and
    waits for it to finish)."""
    with log.open("ab") as err:
        return subprocess.Popen(cli.argv(*args), env=cli.env(env), cwd=cli.cwd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)


def requested(llm: FakeLLM, since: int = 0) -> list[str]:
    """Paper ids of the LLM requests that arrived from the `since`-th on (bodies cut short by a
    kill are skipped: such a request was never answered)."""
    from tests.fakes import paper_id_of

    out = []
    for r in llm.requests[since:]:
        try:
            out.append(paper_id_of(json.loads(r.body)))
        except (ValueError, AssertionError, KeyError, StopIteration):
            continue
    return out


def default_digest(cli: Any) -> Path:
    return cli.home / "out" / f"{DATE}.ko.md"


# -- kill -9 at 20 moments ------------------------------------------------------------------------

def test_a_run_killed_at_20_random_moments_loses_nothing_and_repeats_nothing(cli: Any, tmp_path: Path) -> None:
    n, concurrency, kills = 80, 4, 20
    ids = faultkit.paper_ids(n)
    rng = random.Random(20250303)
    pen = Pen()
    stored_before: set[str] = set()
    mid_run = 0  # kills that landed while the run had papers in flight and papers left to do
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(pen, latency=0.08) as llm:
        env = env_for(hf, llm)
        for k in range(kills):
            first = len(llm.requests)
            proc = start(cli, run_args("--concurrency", str(concurrency)), env, tmp_path / "stderr.log")
            if rng.random() < 0.3:
                # Any moment: starting up, opening (or migrating) the store, fetching, summarizing.
                time.sleep(rng.uniform(0.0, 0.9))
            else:
                # While summarizing: after this run has sent some requests, a little later.
                want = rng.randint(1, 6)
                deadline = time.monotonic() + 20
                while len(llm.requests) - first < want and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.002)
                time.sleep(rng.uniform(0.0, 0.1))
            if proc.poll() is None:
                sent = len(llm.requests) - first
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                mid_run += int(sent > 0 and len(faultkit.stored_summaries(cli.home)) < n)
            else:
                proc.wait()
            # This run asked about no paper that was stored before it started.
            again = set(requested(llm, first)) & stored_before
            assert not again, f"run {k} sent papers already summarized: {sorted(again)}"
            now = faultkit.stored_summaries(cli.home)
            assert all(len(v) == 1 for v in now.values())
            stored_before = set(now)

        first = len(llm.requests)
        final = cli(*run_args("--concurrency", str(concurrency)), env=env)
        assert final.returncode == 0, final.stderr
        assert not set(requested(llm, first)) & stored_before
        asked = requested(llm)
        completions = list(llm.completions)

    assert mid_run >= 10, f"only {mid_run} kills landed mid-run: the test would not test much"
    stored = faultkit.stored_summaries(cli.home)
    assert sorted(stored) == sorted(ids)
    for pid in ids:
        assert len(stored[pid]) == 1, pid  # exactly once
        assert stored[pid][0] in pen.all_sections(pid)  # and what the fake wrote for it
    # Counted at the fake: each paper asked for at least once; a paper asked for again only
    # because a kill took the answer in flight, so at most `concurrency` repeats per kill.
    assert set(asked) == set(ids)
    assert len(asked) - n <= kills * concurrency
    assert len(completions) == len(asked)
    assert faultkit.integrity(cli.home) == "ok"
    check_digest(default_digest(cli).read_text(encoding="utf-8"), DATE,
                 {pid: stored[pid][0] for pid in ids}, ids)

    # `stats` counts the work of the runs that were killed too, from the summaries they stored.
    s = cli("stats", "--runs", "--json")
    assert s.returncode == 0, s.stderr
    [row] = json.loads(s.stdout)
    assert (row["date"], row["model"]) == (DATE, MODEL)
    assert (row["papers"], row["requests"], row["tokens"]) == (n, n, 150 * n)
    assert mid_run + 1 <= row["runs"] <= kills + 1


def test_ctrl_c_stores_the_papers_in_flight_and_the_next_run_goes_on(cli: Any, tmp_path: Path) -> None:
    # Answers come fast, so that Ctrl-C is likely to find the main thread busy storing one.
    n, concurrency = 300, 8
    ids = faultkit.paper_ids(n)
    pen = Pen()
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(pen, latency=0.02) as llm:
        env = env_for(hf, llm)
        proc = start(cli, run_args("--concurrency", str(concurrency)), env, tmp_path / "int.log")
        deadline = time.monotonic() + 20
        while len(llm.requests) < 30 and time.monotonic() < deadline:
            time.sleep(0.005)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
        sent = requested(llm)
        stored = faultkit.stored_summaries(cli.home)
        first = len(llm.requests)
        again = cli(*run_args(), env=env)
        later = requested(llm, first)
    err = (tmp_path / "int.log").read_text(encoding="utf-8")
    assert code == 130, err
    assert "interrupted" in err and "Traceback" not in err
    # Every request sent before Ctrl-C was answered and its summary stored: nothing was thrown
    # away, nothing new was started.
    assert 30 <= len(sent) < n and len(set(sent)) == len(sent)
    assert set(stored) == set(sent)
    with faultkit.db(cli.home) as conn:  # the run's record says what it left undone
        left = conn.execute("SELECT count(*) FROM failures WHERE reason LIKE 'not attempted: interrupted%'")
        assert left.fetchone()[0] == n - len(sent)
    assert again.returncode == 0, again.stderr
    assert sorted(later) == sorted(set(ids) - set(sent))
    check_digest(default_digest(cli).read_text(encoding="utf-8"), DATE,
                 {pid: pen.sections(pid) for pid in ids}, ids)


def test_a_backfill_killed_mid_range_goes_on_where_it_stopped(cli: Any, tmp_path: Path) -> None:
    days = [f"2025-03-{d:02d}" for d in range(3, 8)]
    per_day = 8
    listing = {day: hf_items(per_day, i) for i, day in enumerate(days)}
    ids = {day: faultkit.paper_ids(per_day, i) for i, day in enumerate(days)}
    out = tmp_path / "digests"
    args = ["run", "--since", days[0], "--until", days[-1], "--lang", "ko", "--llm", MODEL, "-o", str(out)]
    pen = Pen()
    with FakeHF(listing) as hf, FakeLLM(pen, latency=0.05) as llm:
        env = env_for(hf, llm)
        proc = start(cli, [*args, "--concurrency", "4"], env, tmp_path / "first.log")
        deadline = time.monotonic() + 20
        while len(llm.requests) < 2 * per_day + 3 and time.monotonic() < deadline:  # in the third day
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        stored_before = set(faultkit.stored_summaries(cli.home))
        first = len(llm.requests)
        r = cli(*args, env=env)
        later = requested(llm, first)
    assert r.returncode == 0, r.stderr
    assert 2 * per_day <= len(stored_before) < len(days) * per_day
    assert not set(later) & stored_before  # nothing done was asked for again
    assert sorted(out.iterdir()) == [out / f"{day}.ko.md" for day in days]
    for day in days:
        check_digest((out / f"{day}.ko.md").read_text(encoding="utf-8"), day,
                     {pid: pen.sections(pid) for pid in ids[day]}, ids[day])
    assert all(len(v) == 1 for v in faultkit.stored_summaries(cli.home).values())


def test_a_range_of_one_day_writes_into_the_folder_too(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "digests"
    with FakeHF({DATE: hf_items(3)}) as hf, FakeLLM(Pen()) as llm:
        r = cli("run", "--since", DATE, "--until", DATE, "--lang", "ko", "--llm", MODEL, "-o", str(out),
                env=env_for(hf, llm))
        bad = cli("run", "--since", DATE, "--until", DATE, "--llm", MODEL, "-o", str(tmp_path / "x.md"),
                  env=env_for(hf, llm))
    assert r.returncode == 0, r.stderr
    assert out.is_dir() and sorted(out.iterdir()) == [out / f"{DATE}.ko.md"]
    assert bad.returncode == 2 and "-o names a folder" in bad.stderr


# -- two runs at once -----------------------------------------------------------------------------

def test_two_runs_started_together_make_one_complete_digest(cli: Any, tmp_path: Path) -> None:
    n = 30
    ids = faultkit.paper_ids(n)
    pen = Pen()
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(pen, latency=0.1) as llm:
        env = env_for(hf, llm)
        logs = [tmp_path / "a.log", tmp_path / "b.log"]
        procs = [start(cli, run_args("--concurrency", "4"), env, log) for log in logs]
        codes = [p.wait(timeout=60) for p in procs]
        asked = requested(llm)
    errs = [log.read_text(encoding="utf-8") for log in logs]
    assert codes == [0, 0], errs
    waited = [e for e in errs if "waiting for another dailypapers run" in e]
    assert len(waited) == 1, errs  # one ran, the other waited for it, then found the work done
    assert re.search(rf"0 summarized, {n} already done, 0 failed", waited[0]), waited[0]
    assert sorted(asked) == sorted(ids)  # every paper sent once, by one of the two
    stored = faultkit.stored_summaries(cli.home)
    assert {pid: len(v) for pid, v in stored.items()} == {pid: 1 for pid in ids}
    check_digest(default_digest(cli).read_text(encoding="utf-8"), DATE,
                 {pid: pen.sections(pid) for pid in ids}, ids)
    assert faultkit.integrity(cli.home) == "ok"
    with faultkit.db(cli.home) as conn:
        assert conn.execute("SELECT count(*) FROM failures").fetchone()[0] == 0
        outcomes = [r[0] for r in conn.execute("SELECT outcome FROM runs")]
    assert outcomes and set(outcomes) == {"ok"}
    assert "Traceback" not in errs[0] + errs[1]


def test_a_run_that_waits_too_long_for_another_stops_with_a_clear_message(cli: Any, tmp_path: Path) -> None:
    pen = Pen()
    with FakeHF({DATE: hf_items(12)}) as hf, FakeLLM(pen, latency=0.3) as llm:
        env = env_for(hf, llm)
        slow = start(cli, run_args("--concurrency", "1"), env, tmp_path / "slow.log")
        deadline = time.monotonic() + 20
        while not llm.requests and time.monotonic() < deadline:  # the first run holds the lock
            time.sleep(0.01)
        # Both runs real processes: the lock is between processes, and so is the message.
        r = cli.subprocess(*run_args(), env={**env, "DAILYPAPERS_LOCK_WAIT": "0.5"})
        slow.send_signal(signal.SIGKILL)
        slow.wait()
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "another dailypapers run" in r.stderr and "waited" in r.stderr
    assert "Try again" in r.stderr


# -- publish holds the same lock --------------------------------------------------------------------

def _held(cli: Any) -> RunLock:
    """The home's run lock, as another run would hold it (a lock file in HOME/locks)."""
    return RunLock(cli.home / "locks" / "run.lock", wait=0)


def test_publish_gives_up_while_another_run_holds_the_lock(cli: Any) -> None:
    publish_day.fill(cli.home / "dailypapers.db")
    with _held(cli):
        r = cli("publish", "--date", publish_day.DATE, "--to", "site", env={"DAILYPAPERS_LOCK_WAIT": "0.3"})
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "another dailypapers run" in r.stderr and "waited" in r.stderr and "Try again" in r.stderr
    assert not (cli.home / "site").exists()  # nothing was published


def test_publish_waits_for_the_lock_and_then_publishes(cli: Any) -> None:
    publish_day.fill(cli.home / "dailypapers.db")
    lock, go = _held(cli), threading.Event()

    def hold_for_a_moment() -> None:
        with lock:
            go.set()
            time.sleep(0.5)

    holder = threading.Thread(target=hold_for_a_moment)
    holder.start()
    go.wait(5)
    r = cli("publish", "--date", publish_day.DATE, "--to", "site", env={"DAILYPAPERS_LOCK_WAIT": "30"})
    holder.join()
    assert r.returncode == 0, r.stderr
    assert "waiting for another dailypapers run" in r.stderr
    assert (cli.home / "site" / "index.html").is_file()


def test_a_publish_in_progress_holds_the_lock_against_run_and_publish(cli: Any, tmp_path: Path) -> None:
    """A real `publish` process, held up by its chat service in the middle of the day, holds the
    lock while it sends: a `run` and a second `publish` started meanwhile give up with the lock's
    message, and send nothing."""
    from tests.publish_day import write_config
    from tests.test_publish_chat import SLACK_PATH, FakeSlack

    class HeldUp(FakeSlack):
        """Takes no message until `go` is set."""

        go = threading.Event()

        def answer(self, request: Any) -> Any:
            self.go.wait(60)
            return super().answer(request)

    publish_day.fill(cli.home / "dailypapers.db")
    write_config(cli.config_home, "[chat]\ndelay = 0\n")
    with HeldUp() as slack:
        env = {"SLACK_WEBHOOK_URL": slack.url + SLACK_PATH, "DAILYPAPERS_LOCK_WAIT": "0.3"}
        first = start(cli, ["publish", "--date", publish_day.DATE, "--to", "slack"], env, tmp_path / "first.log")
        deadline = time.monotonic() + 20
        while not slack.requests and time.monotonic() < deadline:  # it is sending: it holds the lock
            time.sleep(0.01)
        try:
            others = {"run": ["run", "--date", "2025-03-14", "--lang", "en", "--llm", "extractive", "--source",
                              "sample"],
                      "publish": ["publish", "--date", publish_day.DATE, "--to", "slack", "--again"]}
            procs = {name: start(cli, args, env, tmp_path / f"{name}.log") for name, args in others.items()}
            codes = {name: p.wait(timeout=60) for name, p in procs.items()}
            asked_meanwhile = len(slack.requests)
        finally:
            slack.go.set()
        assert first.wait(timeout=60) == 0, (tmp_path / "first.log").read_text(encoding="utf-8")
        sent = list(slack.texts)
    for name, code in codes.items():
        err = (tmp_path / f"{name}.log").read_text(encoding="utf-8")
        assert code == 1 and "another dailypapers run" in err and "waited" in err, (name, err)
    assert asked_meanwhile == 1  # only the first publish's message in flight: the others sent nothing
    assert len(sent) == len(set(sent))  # the day once
    assert not (cli.home / "out" / "2025-03-14.en.md").exists()  # the run did nothing either


# -- a provider that refuses, or keeps failing ------------------------------------------------------

def test_a_wrong_api_key_stops_the_run_before_any_work(cli: Any, tmp_path: Path) -> None:
    with FakeHF({DATE: hf_items(5)}) as hf, FakeLLM(Pen(), api_key="sk-right") as llm:
        started = time.monotonic()
        r = cli(*run_args("-o", str(tmp_path / "d.md")), env=env_for(hf, llm, OPENAI_API_KEY="sk-wrong-0123456789"))
        took = time.monotonic() - started
        assert hf.requests == [] and llm.requests == [] and len(llm.pings) == 1
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "rejected the credentials (HTTP 401)" in r.stderr, r.stderr
    assert "OPENAI_API_KEY" in r.stderr and "sk-wrong-0123456789" not in r.stderr
    print(f"stopped after {took:.2f} s")


def test_a_key_revoked_mid_run_stops_the_run_after_the_first_answers(cli: Any, tmp_path: Path) -> None:
    n, concurrency = 30, 4
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(Pen(), latency=0.05) as llm:
        llm.revoke_after = 0  # the first request checked the key; then it is revoked
        r = cli(*run_args("--concurrency", str(concurrency), "-o", str(tmp_path / "d.md"), "--json"),
                env=env_for(hf, llm, OPENAI_API_KEY="sk-wrong-0123456789"))
        sent = len(llm.requests)
    assert r.returncode == 1, r.stderr
    assert 1 <= sent <= concurrency  # the requests already in flight, and no more
    assert "stopped: the provider rejected the credentials" in r.stderr
    assert "OPENAI_API_KEY" in r.stderr
    failed = faultkit.failures(r)
    assert sorted(failed) == sorted(faultkit.paper_ids(n))
    assert sum("not attempted" in reason for reason in failed.values()) == n - sent
    # On the terminal, the papers not attempted are one line, not twenty-six.
    assert len(re.findall(r"^  \d+ papers failed: not attempted: ", r.stderr, re.M)) == 1
    assert "sk-wrong-0123456789" not in r.stderr  # secrets never reach a message
    with faultkit.db(cli.home) as conn:
        dumped = "\n".join(conn.iterdump())
    assert "sk-wrong-0123456789" not in dumped
    assert faultkit.stored_summaries(cli.home) == {}


def test_the_circuit_breaker_stops_after_max_consecutive_failures(cli: Any, tmp_path: Path) -> None:
    n, limit = 20, 3
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(Pen(), fault_rate=1.0, faults=("500",)) as llm:
        r = cli(*run_args("--concurrency", "1", "--json"), env=env_for(
            hf, llm, DAILYPAPERS_RETRIES="1", DAILYPAPERS_MAX_CONSECUTIVE_FAILURES=str(limit)))
        asked = requested(llm)
    assert r.returncode == 1, r.stderr
    ids = faultkit.paper_ids(n)
    assert asked == [pid for pid in ids[:limit] for _ in range(2)]  # one retry each, then no more
    assert f"stopped: the provider failed {limit} times in a row" in r.stderr and "HTTP 500" in r.stderr
    failed = faultkit.failures(r)
    assert sorted(failed) == sorted(ids)
    assert all("HTTP 500" in failed[pid] for pid in ids[:limit])
    assert all(failed[pid].startswith("not attempted: ") for pid in ids[limit:])


def test_the_circuit_breaker_stops_in_flight_work_too(cli: Any) -> None:
    n, limit, concurrency = 30, 3, 4
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(Pen(), fault_rate=1.0, faults=("500",), latency=0.02) as llm:
        r = cli(*run_args("--concurrency", str(concurrency), "--json"), env=env_for(
            hf, llm, DAILYPAPERS_RETRIES="0", DAILYPAPERS_MAX_CONSECUTIVE_FAILURES=str(limit)))
        sent = len(llm.requests)
    assert r.returncode == 1
    assert limit <= sent <= limit + concurrency - 1
    assert sum(reason.startswith("not attempted: ") for reason in faultkit.failures(r).values()) == n - sent


def test_failures_between_successes_do_not_trip_the_breaker(cli: Any) -> None:
    class Every3rdOk:
        """Stands in for FakeLLM.rng: fails two requests, answers the third, and again."""
        def __init__(self) -> None:
            self.count = 0

        def random(self) -> float:
            self.count += 1
            return 1.0 if self.count % 3 == 0 else 0.0

        def choice(self, faults: Any) -> str:
            return "500"

    n = 12
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(Pen(), fault_rate=0.5) as llm:
        llm.rng = Every3rdOk()  # type: ignore[assignment]
        r = cli(*run_args("--concurrency", "1"), env=env_for(
            hf, llm, DAILYPAPERS_RETRIES="0", DAILYPAPERS_MAX_CONSECUTIVE_FAILURES="3"))
        assert len(llm.requests) == n
    assert r.returncode == 1
    assert "stopped:" not in r.stderr and "not attempted" not in r.stderr
    assert re.search(rf"{n // 3} summarized, 0 already done, {n - n // 3} failed", r.stderr)


# -- cost: a budget, and stats ----------------------------------------------------------------------

PRICE_IN, PRICE_OUT = 10.0, 30.0  # US dollars per million tokens


def realistic_usage(body: dict[str, Any]) -> tuple[int, int]:
    """Tokens as a provider would count them: about four characters a prompt token (the whole
    conversation, repairs included), and a verbose answer."""
    return sum(len(m["content"]) for m in body["messages"]) // 4, 800


def test_budget_stops_the_run_before_it_is_exceeded_and_stats_shows_the_spending(cli: Any, tmp_path: Path) -> None:
    n, budget = 20, 0.5
    config = cli.config_home / "dailypapers" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[prices."{MODEL}"]\ninput = {PRICE_IN}\noutput = {PRICE_OUT}\n', encoding="utf-8")
    billed: list[tuple[int, int]] = []
    lock = threading.Lock()

    def usage(body: dict[str, Any]) -> tuple[int, int]:
        tokens = realistic_usage(body)
        with lock:
            billed.append(tokens)
        return tokens

    # The quality checks are on: the fake's one-line answers draw findings, so each paper costs
    # an answer and two repairs, each dearer than the last (the conversation grows).
    with FakeHF({DATE: hf_items(n)}) as hf, FakeLLM(Pen(), usage=usage) as llm:
        r = cli(*run_args("--concurrency", "4", "--budget", str(budget), "-o", str(tmp_path / "d.md"), "--json"),
                env=env_for(hf, llm, DAILYPAPERS_CHECKS="standard"))
        asked = requested(llm)
    assert r.returncode == 1, r.stderr
    assert re.search(r"stopped: the budget of \$0\.50 would be exceeded", r.stderr), r.stderr
    spent = sum(p * PRICE_IN + c * PRICE_OUT for p, c in billed) / 1e6
    with faultkit.db(cli.home) as conn:
        recorded = conn.execute("SELECT sum(cost), count(*) FROM summaries").fetchone()
    assert recorded[1] >= 1 and len(set(asked)) < n  # some done, some left for another day
    assert abs(recorded[0] - spent) < 1e-9  # every answer paid for is on the books
    assert spent <= budget

    s = cli("stats", "--runs", "--json")
    assert s.returncode == 0, s.stderr
    [row] = [row for row in json.loads(s.stdout) if row["date"] == DATE]
    failed = faultkit.failures(r)
    assert row["model"] == MODEL and row["runs"] == 1
    assert row["papers"] == recorded[1]
    assert row["tokens"] == sum(p + c for p, c in billed)
    assert row["requests"] == len(billed)
    assert abs(row["cost"] - spent) < 1e-9
    assert row["failures"] == len(failed) == n - recorded[1]

    table = cli("stats", "--runs")
    assert table.returncode == 0
    head, line = table.stdout.splitlines()[:2]
    assert head.split() == ["date", "model", "runs", "papers", "tokens", "requests", "cost", "failures"]
    assert line.split() == [DATE, MODEL, "1", str(recorded[1]), str(row["tokens"]), str(len(billed)),
                            f"${spent:.4f}", str(len(failed))]
