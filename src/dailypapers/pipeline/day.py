"""The day's workflow as a library: `run_days` fetches, summarizes, writes and delivers each day;
`summarize_days` and `publish_day` are its parts for the commands of the same names. Each holds the
home's run lock for its whole work, and tells its caller what happens through a `Reporter`.

The rules live here, not in the CLI:
- With no date given, a day Hugging Face has not started to fill yet (nothing listed) steps back
  to the day before: it fills a date over many hours (`step_back`).
- A backfill (more than one day) sends no mail or chat for the old days: it rebuilds the archive
  publishers (the site) once, at the end.
- The digest of a day goes to `output`, else HOME/out/DATE.LANG.md; for a range, `output` is a
  folder. It is written through a temporary file.
- A day with no papers writes no digest and says why: a weekend, a holiday (the `holidays`
  setting), the future; those are not failures, a weekday with none is (unless `empty_weekday`
  is "ok").
- A budget holds across the days of a run; a run stopped (the budget, the provider failing) does
  not go on to the next day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dailypapers.config import Settings
from dailypapers.errors import ConfigError
from dailypapers.lock import RunLock
from dailypapers.models import Digest
from dailypapers.pipeline.deliver import alert, alert_publishers, deliver, is_archive
from dailypapers.pipeline.events import Collect, EmptyDay, Fetched, Reporter, SteppedBack, Summarized, Waiting, Written
from dailypapers.pipeline.fetch import FetchReport, fetch
from dailypapers.pipeline.ledger import HOLIDAY, day_ledger, no_papers_expected, warn
from dailypapers.pipeline.output import digest, render, write_atomic
from dailypapers.pipeline.summarize import SummarizeReport, check_style, summarize
from dailypapers.pipeline.wiring import get_backend, open_store, preflight, publisher, run_budget, run_targets
from dailypapers.progress import NoProgress
from dailypapers.store.dialect import AdvisoryLock
from dailypapers.styles import Style
from dailypapers.summarize.backends import Backend


@dataclass
class DayRun:
    """One day of a run: what was fetched and summarized, and where the digest went."""

    date: str  # the day run (the day before the one asked for, when it stepped back)
    fetched: FetchReport
    summarized: SummarizeReport
    digest: Digest
    path: Path | None  # None: no digest written (a day with no papers)


@dataclass
class RunReport:
    """A whole run: its days, and whether anything failed (a paper, a publish target)."""

    days: list[DayRun] = field(default_factory=list)
    failed: bool = False
    stopped: str | None = None  # why the run stopped early (the budget, the provider), if it did
    warnings: list[str] = field(default_factory=list)  # the days' ledger warnings ("DATE [LANG]: ...")


def lock_for(settings: Settings, reporter: Reporter) -> RunLock | AdvisoryLock:
    """The run lock of the settings' store: one run at a time, the others wait `lock_wait` seconds.
    A lock file in the home, or, for a PostgreSQL store, an advisory lock in the database, which
    holds for every machine that shares it."""
    def on_wait(message: str) -> None:
        reporter.event(Waiting(message))

    if settings.database_url:
        store = open_store(settings)
        return AdvisoryLock(store.engine, "run", store.where, settings.lock_wait, on_wait)
    return RunLock(settings.run_lock, settings.lock_wait, on_wait=on_wait)


def digest_path(settings: Settings, date: str, output: Path | None, ranged: bool) -> Path:
    """Where a day's Markdown digest goes: `output` (a file; a folder for a range), else
    HOME/out/DATE.LANG.md."""
    name = f"{date}.{settings.lang}.md"
    if ranged:
        return (output or settings.home / "out") / name
    return output or settings.home / "out" / name


def run_days(settings: Settings, days: list[str], reporter: Reporter | None = None, *, source: str = "hf",
             output: Path | None = None, ranged: bool = False, step_back: bool = False,
             backend: Backend | None = None) -> RunReport:
    """Fetch, summarize, write and deliver each of `days`, in order, under the run lock.

    ranged: the days are a range (`output` is a folder even for one day); step_back: a day with
    nothing listed yet is replaced by the day before; backend: the summarizer [default: the
    settings' `llm`]. Delivery goes to the `publish` setting's targets."""
    reporter = reporter or Collect()
    if ranged and output is not None and output.suffix:
        raise ConfigError("with --since/--until, -o names a folder (one digest per day)")
    backend = backend or get_backend(settings.llm, settings)
    style = settings.summary_style()
    check_style(backend, style, settings.lang)  # a style the backend cannot write: before any request
    preflight(backend)  # a wrong key or no server: one line, before any other work
    spend = run_budget(settings, backend)
    backfill = len(days) > 1
    pubs = [publisher(settings, t) for t in run_targets(settings)]  # bad settings stop all, first
    if backfill:  # no mail or chat for old days
        pubs = [p for p in pubs if is_archive(p)]
    alerts = [] if backfill else alert_publishers(settings)
    result = RunReport()
    with lock_for(settings, reporter):
        store = open_store(settings)
        progress = reporter.progress() if backfill else NoProgress()
        progress.start(f"run {days[0]}..{days[-1]} [{settings.lang}]", len(days))
        try:
            for day in days:
                if day > settings.today():  # nothing to ask for yet
                    result.failed = _empty_day(store, settings, day, reporter) or result.failed
                    progress.advance(f"{day}: in the future")
                    continue
                one = _run_day(store, settings, backend, style, source, day, step_back and not backfill,
                               backfill, spend, reporter)
                result.days.append(one)
                if one.fetched.listed == 0 and not one.digest.entries:
                    result.failed = _empty_day(store, settings, one.date, reporter) or result.failed
                else:
                    one.path = digest_path(settings, one.digest.date, output, ranged)
                    write_atomic(render(one.digest), one.path)
                    reporter.event(Written(one.path, one.digest))
                result.failed = result.failed or bool(one.summarized.failures)
                ledger = day_ledger(store, one.digest.date, settings.lang)
                result.warnings += warn(ledger, reporter)
                result.failed = alert(store, ledger, alerts, reporter) or result.failed
                progress.advance(_so_far(result, spend))
                if one.summarized.stopped:
                    result.stopped = one.summarized.stopped
                    break
                if not backfill and pubs and one.path is not None:
                    result.failed = deliver(store, settings, one.digest.date, pubs, reporter,
                                            update=settings.publish_updates) or result.failed
            if backfill and pubs:
                result.failed = deliver(store, settings, days[-1], pubs, reporter) or result.failed
        finally:
            progress.stop()
    return result


def _so_far(result: RunReport, spend: Any) -> str:
    """A backfill's running totals, for its progress line: papers, failures, tokens, cost."""
    done = sum(d.summarized.done for d in result.days)
    failed = sum(len(d.summarized.failures) for d in result.days)
    tokens = sum(d.summarized.usage.prompt_tokens + d.summarized.usage.completion_tokens for d in result.days)
    priced = any(d.summarized.cost is not None for d in result.days)
    return (f"{done} papers, {failed} failed · {tokens:,} tokens" + (f" · ${spend.spent:.4f}" if priced else ""))


def _empty_day(store: Any, settings: Settings, day: str, reporter: Reporter) -> bool:
    """A day with no papers: no digest is written; says why (events.EmptyDay) and returns whether
    that is a failure (a weekday that should have papers, unless `empty_weekday` is "ok")."""
    why = no_papers_expected(settings, day)
    if why and day in settings.holidays:
        store.record_day_event(day, HOLIDAY, why, settings.lang)
    expected = why is None
    reporter.event(EmptyDay(day, why or f"no papers listed on {day}, a {dt.date.fromisoformat(day):%A}",
                            expected))
    return expected and settings.empty_weekday == "fail"


def _run_day(store: Any, settings: Settings, backend: Backend, style: Style, source: str, day: str,
             step_back: bool, quiet: bool, spend: Any, reporter: Reporter) -> DayRun:
    shown = NoProgress() if quiet else reporter.progress()
    f = fetch(store, settings, day, source, progress=shown)
    if f.listed == 0 and step_back:
        previous = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
        reporter.event(SteppedBack(day, previous))
        store.record_day_event(day, "not-listed-yet", f"nothing listed yet; the run went on with {previous}",
                               settings.lang)
        day = previous
        f = fetch(store, settings, day, source, progress=shown)
    reporter.event(Fetched(f, source))
    report = summarize(store, settings, day, settings.lang, backend,
                       progress=NoProgress() if quiet else reporter.progress(), budget=spend, style=style)
    reporter.event(Summarized(report))
    return DayRun(day, f, report, digest(store, day, settings.lang, backend.model_id, style), None)


def summarize_days(settings: Settings, days: list[str], reporter: Reporter | None = None, force: bool = False,
                   backend: Backend | None = None) -> list[SummarizeReport]:
    """`summarize`: each day's papers that have no summary yet, under the run lock, one budget for
    all; a run stopped (the budget, the provider) does not go on to the next day."""
    reporter = reporter or Collect()
    backend = backend or get_backend(settings.llm, settings)
    style = settings.summary_style()
    check_style(backend, style, settings.lang)  # a style the backend cannot write: before any request
    preflight(backend)  # a wrong key or no server: one line, before any other work
    spend = run_budget(settings, backend)
    reports = []
    with lock_for(settings, reporter):
        store = open_store(settings)
        for day in days:
            report = summarize(store, settings, day, settings.lang, backend, force, reporter.progress(),
                               budget=spend, style=style)
            reporter.event(Summarized(report))
            reports.append(report)
            if report.stopped:
                break
    return reports


def publish_day(settings: Settings, day: str, targets: list[str], reporter: Reporter | None = None,
                again: bool = False) -> bool:
    """`publish`: the day to each target (each day publisher at most once per day and channel,
    unless `again`), under the run lock; returns whether any target failed."""
    reporter = reporter or Collect()
    pubs = [publisher(settings, t) for t in targets]  # bad settings stop all, first
    with lock_for(settings, reporter):
        return deliver(open_store(settings), settings, day, pubs, reporter, again)
