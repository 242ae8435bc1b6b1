"""Use case: summarize a day's papers that have no summary yet for a language, model and prompt.

Summaries run in worker threads; texts are read, answers checked and stored in the calling thread.
Each paper's failure is recorded with its reason and costs that paper only; a budget, a circuit
breaker (the provider failing again and again) and Ctrl-C stop the run cleanly, with the papers in
flight stored.
"""

from __future__ import annotations

import logging
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any

from dailypapers import logs
from dailypapers.config import Settings
from dailypapers.cost import Budget, PriceTable
from dailypapers.errors import (
    ConfigError,
    DailyPapersError,
    LLMAuthError,
    LLMError,
    LLMOutputError,
    StoreError,
    SummaryRejected,
)
from dailypapers.models import (
    HARD,
    Evidence,
    Failure,
    Finding,
    Paper,
    PaperText,
    Section,
    Summary,
    SummaryKey,
    TextSection,
    Usage,
)
from dailypapers.pipeline.texts import TextReader
from dailypapers.progress import NoProgress, Progress
from dailypapers.store import Store
from dailypapers.styles import SECTIONS, Style
from dailypapers.summarize.backends import Backend, Checker, Job


@dataclass
class SummarizeReport:
    """What a summarize run did, for one day and language."""

    date: str
    lang: str
    model: str
    done: int = 0
    skipped: int = 0
    repaired: int = 0  # papers published after the checks sent an answer back for repair
    json_retries: int = 0  # papers whose answer was asked for again because it was not valid JSON
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    notes: list[str] = field(default_factory=list)  # what the reader could not do (kept going)
    consecutive_errors: int = 0  # provider failures in a row, for the circuit breaker
    stopped: str | None = None  # why the run stopped asking the provider, if it did
    cost: float | None = None  # US dollars, None when the model has no known price
    last_cost: float | None = None  # of the call collected last, for the budget


def quality_checker(policy: str) -> Checker | None:
    """The checks a summary must pass. standard: hard findings fail the paper, soft ones are
    published and kept; strict: every finding fails it; off: no checks."""
    if policy == "off":
        return None
    from dailypapers.checks.run import check_summary

    def checker(sections: list[Section], job: Job) -> list[Finding]:
        found = check_summary(sections, f"{job.paper.title}\n{job.text.text}", job.lang, job.paper.title,
                              style=job.style)
        return [replace(f, severity=HARD) for f in found] if policy == "strict" else found

    return checker


def evidence_for(sections: list[Section], job: Job) -> list[Evidence]:
    """Where each figure, name and term of a summary stands in the text it was made from."""
    from dailypapers.checks.evidence import find_evidence

    text = job.text.sections or [TextSection("Abstract", job.paper.abstract or job.text.text, "abstract")]
    return find_evidence(sections, job.lang, job.paper.title, text)


def summary_key(paper: Paper, text: PaperText, lang: str, backend: Backend, style: Style = SECTIONS) -> SummaryKey:
    """The key of the summary this backend would make of the paper from this text, in this style."""
    return SummaryKey(paper.id, paper.version or 0, text.source, lang, backend.model_id,
                      style.key_version(backend.prompt_version))


def check_style(backend: Backend, style: Style, lang: str) -> None:
    """ConfigError, before any work, when the backend cannot write the style or the style has no
    section names in the language."""
    writes = getattr(backend, "styles", None)
    if writes is not None and style.name not in writes:
        raise ConfigError(f"{backend.model_id} writes only the style {', '.join(sorted(writes))}; use an LLM "
                          f"(--llm) for the style {style.name}")
    style.labels(lang)


def summarize(store: Store, settings: Settings, date: str, lang: str, backend: Backend,
              force: bool = False, progress: Progress | None = None,
              concurrency: int | None = None, reader: TextReader | None = None,
              budget: Budget | None = None, style: Style | None = None, only: list[str] | None = None,
              run_id: int | None = None) -> SummarizeReport:
    """Summarize the papers of `date` in the store that have no summary in `lang` by this backend,
    prompt and style [default: the settings'] (all of them with `force`; those named in `only`, when
    given), store each as it comes, and record the run. With `run_id` the work is part of that run (a
    day of the work queue, one paper per job), which its owner finishes: no run is started or
    finished here."""
    if backend.languages is not None and lang not in backend.languages:
        raise ConfigError(f"{backend.model_id} writes only {', '.join(sorted(backend.languages))}; "
                          f"use --lang {sorted(backend.languages)[0]} or an LLM (--llm) for --lang {lang}")
    style = style or settings.summary_style()
    check_style(backend, style, lang)
    progress = progress or NoProgress()
    reader = reader or TextReader(store, settings, style=style)
    report = SummarizeReport(date, lang, backend.model_id)
    if only is None:
        papers = [e.paper for e in store.day(date)]
    else:  # a few papers of the day (one, for a job of the queue): read alone, not the whole day
        papers = [p for p in (store.paper(paper_id) for paper_id in only) if p is not None]
    todo: list[Paper] = []
    lacking = sum(p.version is None for p in papers)
    if lacking and reader.needs_arxiv:
        progress.start(f"arXiv metadata of {lacking} papers ({settings.arxiv_delay:g} s apart)", 0)
    for paper in reader.complete_metadata(papers):
        probe = SummaryKey(paper.id, paper.version or 0, "", lang, backend.model_id,
                           style.key_version(backend.prompt_version))
        if not force and store.has_summary(probe, any_text_source=True):
            report.skipped += 1
        else:
            todo.append(paper)
    prices = PriceTable(settings.prices)
    price = prices.price(backend.model_id)
    if price is None:
        if settings.budget is not None:
            raise ConfigError(f"--budget needs a price for {backend.model_id}; add it under [prices] "
                              "in the config file")
        reader.notes.append(f"no price known for {backend.model_id}: cost not recorded "
                            "(add it under [prices] in the config file)")
    budget = budget or Budget(settings.budget, price)
    report.cost = 0.0 if price else None
    owned = run_id is None
    if run_id is None:
        abandoned = store.close_abandoned_runs()
        if abandoned:
            reader.notes.append(f"{abandoned} earlier run(s) had been stopped before they finished; marked unfinished")
        run_id = store.start_run("summarize", {"date": date, "lang": lang, "model": backend.model_id,
                                               **({} if style.is_default else {"style": style.name})})
    progress.start(f"summarize {date} [{lang}]", len(todo))
    try:
        _summarize_jobs(store, backend, reader, todo, report, run_id, progress,
                        concurrency or settings.concurrency, force, quality_checker(settings.checks),
                        settings.max_consecutive_failures, budget, prices, style)
    finally:
        progress.stop()
        report.notes = reader.summary_notes()
        try:
            for f in report.failures:
                store.record_failure(run_id, f, "summarize")
            if reader.unreachable:
                store.record_day_event(date, "arxiv-unreachable", reader.unreachable, lang, run_id)
            if owned:
                store.finish_run(run_id, "failed" if report.failures else "ok", report.done, report.usage,
                                 report.cost)
        except StoreError as e:  # the record of the run is lost (a full disk); the report still says it all
            report.notes.append(f"the record of this run could not be written: {e}")
    return report


def _summarize_jobs(store: Store, backend: Backend, reader: TextReader, todo: list[Paper],
                    report: SummarizeReport, run_id: int, progress: Progress, concurrency: int,
                    force: bool, checker: Checker | None, max_failures: int = 5,
                    budget: Budget | None = None, prices: PriceTable | None = None,
                    style: Style = SECTIONS) -> None:
    """Summaries run in worker threads; texts are read and results stored here, in one thread."""
    pending: dict[Future[Any], tuple[Job, SummaryKey]] = {}
    estimates: dict[str, float] = {}
    queue = list(reversed(todo))
    stop_reason: str | None = None
    stop_code = "error"
    budget = budget or Budget(None, None)
    prices = prices or PriceTable()
    ctrl_c = _CtrlC()
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:

        def refill() -> None:
            nonlocal stop_reason, stop_code
            while queue and len(pending) < concurrency and stop_reason is None and not ctrl_c.pressed:
                paper = queue[-1]
                progress.note(f"reading the text of {paper.id}")
                try:
                    text = reader.read(paper)
                except StoreError:
                    raise  # a store that cannot be read or written is not this paper's failure: stop
                except Exception as e:
                    queue.pop()
                    why = str(e) if isinstance(e, DailyPapersError) else \
                        f"its text could not be read ({type(e).__name__}: {e})"
                    report.failures.append(Failure(paper.id, why, "arxiv-unreachable" if reader.unreachable
                                                   else "no-text"))
                    progress.advance(tally(report))
                    continue
                estimate = budget.estimate(_prompt_tokens(paper, text, report.lang, style) + ANSWER_TOKENS,
                                           _answers_at_most(backend, checker))
                if not budget.allows(estimate):
                    stop_reason = (f"the budget of ${budget.limit:.2f} would be exceeded "
                                   f"(spent ${budget.spent:.4f})")
                    stop_code = "budget"
                    return
                queue.pop()
                budget.reserve(estimate)
                estimates[paper.id] = estimate
                job = Job(paper, text, report.lang, checker, style)
                key = summary_key(paper, text, report.lang, backend, style)
                pending[pool.submit(backend.summarize, job)] = (job, key)

        def collect(future: Future[Any]) -> None:
            nonlocal stop_reason, stop_code
            job, key = pending.pop(future)
            stop = _collect(store, future, job, key, report, run_id, progress, force, max_failures, prices)
            budget.settle(estimates.pop(job.paper.id, 0.0), report.last_cost)
            if stop is not None and stop_reason is None:
                stop_code, stop_reason = stop

        try:
            with ctrl_c:
                while (queue or pending) and not ctrl_c.pressed:
                    refill()
                    if not pending:
                        break
                    finished, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                    for future in finished:
                        collect(future)
                        refill()  # a freed slot gets its next job now, not after the others are stored
            if ctrl_c.pressed:
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            # Stop cleanly: nothing new starts, the papers in flight finish and are stored.
            stop_reason, stop_code = "interrupted (Ctrl-C)", "interrupted"
            progress.stop()
            for future in list(pending):
                if future.cancel():
                    queue.append(pending.pop(future)[0].paper)
            for future in list(pending):
                collect(future)
            raise
        finally:
            report.stopped = stop_reason
            if stop_reason:
                for paper in reversed(queue):
                    report.failures.append(Failure(paper.id, f"not attempted: {stop_reason}", stop_code))


class _CtrlC:
    """While active (in the main thread), Ctrl-C sets `pressed` instead of raising KeyboardInterrupt
    wherever the main thread happens to be: half-way through storing a summary, or between handing
    a paper to a worker and noting it, where its paid-for answer would be lost. The loop stops at
    the next safe point; a second Ctrl-C, while the papers in flight finish, aborts."""

    def __init__(self) -> None:
        self.pressed = False
        self._previous: Any = None

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT) or signal.default_int_handler
            signal.signal(signal.SIGINT, self._press)
        return self

    def _press(self, signum: int, frame: Any) -> None:
        self.pressed = True

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None


ANSWER_TOKENS = 1000  # what one answer may cost, for the budget: three short paragraphs and the JSON


def _prompt_tokens(paper: Paper, text: PaperText, lang: str, style: Style) -> int:
    """What the whole prompt of a paper costs: instructions, framing, title and text."""
    from dailypapers.summarize import prompts
    from dailypapers.text import estimate_tokens

    prompt = prompts.build(paper, text, lang, style=style)
    return estimate_tokens(prompt.system) + estimate_tokens(prompt.user)


def _answers_at_most(backend: Backend, checker: Checker | None) -> int:
    """How many answers one paper may take, for the budget: the first and its repairs (every
    finding may be sent back with checks on; only an answer that is not JSON with them off)."""
    repairs = getattr(backend, "repairs", None)
    if not isinstance(repairs, int) or repairs < 0:
        return 1
    return 1 + (repairs if checker is not None else min(repairs, 1))


def _collect(store: Store, future: Future[Any], job: Job, key: SummaryKey, report: SummarizeReport,
             run_id: int, progress: Progress, force: bool, max_failures: int = 5,
             prices: PriceTable | None = None) -> tuple[str, str] | None:
    """Store one finished summary or record its failure; returns (code, reason) to stop the run."""
    report.last_cost = None
    try:
        draft = future.result()
    except DailyPapersError as e:
        _account(report, key.model, getattr(e, "usage", None), prices)
        return _failed(report, job, e, progress, max_failures)
    except Exception as e:  # a backend plugin's bug must not take the other papers down
        report.failures.append(Failure(job.paper.id, f"{type(e).__name__}: {e}", "plugin-bug"))
        progress.advance(tally(report))
        return None
    cost = _account(report, key.model, draft.usage, prices)
    findings = draft.findings
    if findings is None and job.checker is not None:  # a backend that does not check itself
        findings = job.checker(draft.sections, job)
    hard = [f for f in findings or [] if f.severity == HARD]
    if hard:
        reasons = "; ".join(f"{f.rule}: {f.reason}" for f in hard)
        report.failures.append(Failure(job.paper.id, f"rejected by the checks: {reasons}", "checks-hard"))
        progress.advance(tally(report))
        logs.event(logging.WARNING, f"{job.paper.id} rejected by the checks: {reasons}", event="rejected",
                   paper=job.paper.id, date=report.date, lang=report.lang, model=key.model, reason=reasons)
        return None
    evidence = evidence_for(draft.sections, job) if job.checker is not None else []
    try:
        store.save_summary(Summary(key, draft.sections, draft.usage, findings=findings or [],
                                   attempts=draft.attempts, cost=cost, evidence=evidence), run_id, replace=force)
    except StoreError as e:  # a full disk, a damaged file: the answer was paid for and is lost; say so
        report.failures.append(Failure(job.paper.id, f"the answer could not be stored: {e}", "store"))
        progress.advance(tally(report))
        logs.event(logging.WARNING, f"{job.paper.id}: the answer could not be stored: {e}", event="failed",
                   paper=job.paper.id, date=report.date, lang=report.lang, model=key.model, reason=str(e), error=e)
        return None
    logs.event(logging.INFO, f"{job.paper.id} summarized", event="summarized", paper=job.paper.id,
               date=report.date, lang=report.lang, model=key.model, attempts=draft.attempts, cost=cost,
               tokens=draft.usage.prompt_tokens + draft.usage.completion_tokens)
    report.consecutive_errors = 0
    report.done += 1
    report.repaired += int(draft.check_repairs > 0)
    report.json_retries += int(draft.json_retries > 0)
    progress.advance(tally(report))
    return None


def tally(report: SummarizeReport) -> str:
    """The papers done and failed, tokens and cost so far, for a progress note:
    `12 ok, 1 failed · 12,345 tokens · $0.0123` (papers are named once, in the report)."""
    tokens = report.usage.prompt_tokens + report.usage.completion_tokens
    cost = "" if report.cost is None else f" · ${report.cost:.4f}"
    return f"{report.done} ok, {len(report.failures)} failed · {tokens:,} tokens{cost}"


def _account(report: SummarizeReport, model: str, usage: Usage | None, prices: PriceTable | None) -> float | None:
    """Add what a call spent to the run's accounts; returns its cost in dollars, if known."""
    if usage is None:
        return None
    report.usage.add(usage)
    cost = prices.cost(model, usage) if prices else None
    report.last_cost = cost
    if cost is not None and report.cost is not None:
        report.cost += cost
    return cost


def _failed(report: SummarizeReport, job: Job, e: DailyPapersError, progress: Progress,
            max_failures: int) -> tuple[str, str] | None:
    """Record one paper's failure; returns (code, reason) to stop asking the provider, if there is one."""
    report.failures.append(Failure(job.paper.id, str(e), failure_code(e)))
    progress.advance(tally(report))
    logs.event(logging.WARNING, f"{job.paper.id} failed: {e}", event="failed", paper=job.paper.id,
               date=report.date, lang=report.lang, model=report.model, reason=str(e), error=e)
    if isinstance(e, LLMAuthError):
        return "llm-stopped", f"the provider rejected the credentials ({e})"
    if isinstance(e, LLMOutputError):  # the provider answered; the answer was unusable
        report.consecutive_errors = 0
        return None
    report.consecutive_errors += 1
    if report.consecutive_errors >= max_failures:
        return ("llm-stopped",
                f"the provider failed {report.consecutive_errors} times in a row (last: {e}); stopped asking it")
    return None


def failure_code(e: DailyPapersError) -> str:
    """The reason code (models.REASON_CODES) of an error that cost a paper."""
    if isinstance(e, LLMAuthError):
        return "llm-refused"
    if isinstance(e, SummaryRejected):
        return "checks-hard"
    if isinstance(e, LLMOutputError):
        return "llm-output"
    if isinstance(e, LLMError):
        return "llm-error"
    return "error"


def group_failures(failures: list[Failure]) -> list[tuple[str, str, list[str]]]:
    """The failures grouped by what went wrong: (code, reason, paper ids), the reason worded as
    for the first paper with its id left out, so that twenty papers refused for the same key
    are one line."""
    groups: dict[tuple[str, str], list[str]] = {}
    for f in failures:
        reason = f.reason.replace(f"{f.paper_id}: ", "").replace(f.paper_id, "ID")
        groups.setdefault((f.code, reason), []).append(f.paper_id)
    return [(code, reason, ids) for (code, reason), ids in groups.items()]
