"""The only module that wires the stages together: sources → store → summarize → render."""

from __future__ import annotations

import json
import logging
import signal
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dailypapers import langdetect, logs
from dailypapers.config import Settings
from dailypapers.cost import Budget, PriceTable
from dailypapers.errors import ConfigError, DailyPapersError, LLMAuthError, LLMOutputError, StoreError
from dailypapers.http import RetryPolicy
from dailypapers.models import (HARD, Digest, DigestEntry, Evidence, Failure, Finding, Listing, ListingEntry,
                                Paper, PaperText, Section, Summary, SummaryKey, TextSection, Usage)
from dailypapers.progress import NoProgress, Progress
from dailypapers.render import markdown
from dailypapers.store import Store
from dailypapers.summarize.backends import Backend, Checker, Job, get_backend  # noqa: F401 (re-exported)


def open_store(settings: Settings) -> Store:
    return Store.open(settings.db_path)


# -- fetch ----------------------------------------------------------------------------------------

@dataclass
class FetchReport:
    date: str
    listed: int
    added: int
    updated: int
    not_found: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # items skipped, values mended, caps reached


def make_source(name: str, settings: Settings, categories: list[str] | None = None,
                ids: list[str] | None = None) -> Any:
    policy = RetryPolicy(retries=settings.retries, max_wait=settings.max_retry_wait)
    if name == "hf":
        from dailypapers.sources.hf_daily import HFDailySource

        return HFDailySource(settings.hf_endpoint, page_size=settings.hf_page_size, policy=policy,
                             timeout=settings.timeout, max_papers=settings.max_papers)
    if name == "arxiv":
        from dailypapers.sources.arxiv import ArxivSource

        return ArxivSource(arxiv_client(settings), categories, ids, settings.max_papers)
    raise ConfigError(f"unknown source {name!r}; known sources: hf, arxiv")


def arxiv_gate(settings: Settings) -> Any:
    from dailypapers.http import PoliteGate

    return PoliteGate(settings.arxiv_delay, settings.arxiv_lock)


def arxiv_client(settings: Settings, gate: Any = None) -> Any:
    """The arXiv API client: the settings' delay, held across processes by a lock in the home."""
    from dailypapers.sources.arxiv import ArxivClient

    return ArxivClient(settings.arxiv_api_url, gate=gate or arxiv_gate(settings),
                       cache_dir=settings.cache_dir / "arxiv-api", timeout=settings.timeout,
                       policy=RetryPolicy(retries=min(settings.retries, 2), max_wait=settings.max_retry_wait))


def fetch(store: Store, settings: Settings, date: str, source: str = "hf",
          categories: list[str] | None = None, ids: list[str] | None = None) -> FetchReport:
    src = make_source(source, settings, categories, ids)
    listing = src.fetch_day(date)
    added, updated = store.save_listing(listing)
    return FetchReport(date, len(listing.entries), added, updated, getattr(src, "missing", []), listing.warnings)


# -- summarize ------------------------------------------------------------------------------------

@dataclass
class SummarizeReport:
    date: str
    lang: str
    model: str
    done: int = 0
    skipped: int = 0
    repaired: int = 0
    failures: list[Failure] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    notes: list[str] = field(default_factory=list)  # what the reader could not do (kept going)
    consecutive_errors: int = 0  # provider failures in a row, for the circuit breaker
    stopped: str | None = None  # why the run stopped asking the provider, if it did
    cost: float | None = None  # US dollars, None when the model has no known price
    last_cost: float | None = None  # of the call collected last, for the budget


MIN_TEXT_TOKENS = 100  # of a paper's text a prompt keeps, however small --max-input-tokens is


class TextReader:
    """Finds the text each summary reads: full text stored earlier, else arXiv's HTML or PDF
    (downloaded politely and cached), else the abstract, in the order the settings give; cut to
    the token budget. One arXiv gate serves the API and the downloads."""

    def __init__(self, store: Store, settings: Settings, sources: tuple[str, ...] | None = None,
                 max_tokens: int | None = None) -> None:
        from dailypapers.fulltext.fetch import FullTextFetcher

        self.store = store
        self.sources = sources or settings.sources_order()
        self.max_tokens = max_tokens or settings.max_input_tokens
        gate = arxiv_gate(settings)
        self.arxiv = arxiv_client(settings, gate)
        policy = RetryPolicy(retries=min(settings.retries, 2), max_wait=settings.max_retry_wait)
        self.fetcher = FullTextFetcher(settings.arxiv_url, settings.cache_dir / "papers", gate,
                                       max_pdf_bytes=int(settings.max_pdf_mb * 1024 * 1024),
                                       timeout=settings.timeout, policy=policy)
        self.notes: list[str] = []

    @property
    def needs_arxiv(self) -> bool:
        return any(s != "abstract" for s in self.sources)

    def complete_metadata(self, papers: list[Paper]) -> list[Paper]:
        """Ask arXiv for the version and metadata of papers that lack them (one request per 100)."""
        lacking = [p.id for p in papers if p.version is None]
        if not lacking or not self.needs_arxiv:
            return papers
        from dailypapers.errors import SourceError

        try:
            found, missing = self.arxiv.by_ids(lacking)
        except (SourceError, ConfigError) as e:
            self.notes.append(f"arXiv metadata not available, versions unknown: {e}")
            self.fetcher.unreachable = self.fetcher.unreachable or str(e)
            return papers
        for p in found:
            self.store.save_arxiv_metadata(p)
        if missing:
            self.notes.append(f"arXiv does not know {len(missing)} paper(s): {', '.join(missing)}")
        return [self.store.paper(p.id) or p for p in papers]

    def read(self, paper: Paper, sources: tuple[str, ...] | None = None) -> PaperText:
        from dailypapers.fulltext.fetch import FullTextError, budgeted

        problems = []
        for source in sources or self.sources:
            stored = self.store.text(paper.id, paper.version, source) \
                if paper.version and source != "abstract" else None
            try:
                sections = stored or self.fetcher.sections(paper, source)
            except FullTextError as e:
                problems.append(f"{source}: {e}")
                continue
            if stored is None and paper.version and source != "abstract":
                self.store.save_text(paper.id, paper.version, source, sections)
            if problems:
                self.notes.append(f"{paper.id} read the {source}: " + "; ".join(problems))
            # The budget is for the whole prompt: the instructions and the title come out of it first.
            from dailypapers.summarize.prompts import overhead_tokens

            text_budget = max(MIN_TEXT_TOKENS, self.max_tokens - overhead_tokens(paper))
            return budgeted(paper.id, source, sections, text_budget)
        raise FullTextError("no text to summarize: " + "; ".join(problems))


def paper_text(store: Store, settings: Settings, raw_id: str,
               source: str | None = None) -> tuple[PaperText, list[str]]:
    """The text a summary of this paper would read (for `dailypapers text`); the paper's arXiv
    metadata is fetched first when the store lacks it."""
    from dailypapers.sources.arxiv_atom import split_id

    try:
        paper_id, _ = split_id(raw_id)
    except ValueError as e:
        raise ConfigError(str(e))
    reader = TextReader(store, settings, (source,) if source else None)
    paper = store.paper(paper_id)
    if paper is None or paper.version is None:
        found, missing = reader.arxiv.by_ids([raw_id])
        if missing:
            from dailypapers.errors import SourceError

            raise SourceError(f"arXiv does not know the paper {raw_id}")
        store.save_arxiv_metadata(found[0])
        paper = store.paper(paper_id) or found[0]
    return reader.read(paper), reader.notes


def run_budget(settings: Settings, backend: Backend) -> Budget:
    """One budget for a whole command, across the days it works through."""
    return Budget(settings.budget, PriceTable(settings.prices).price(backend.model_id))


def quality_checker(policy: str) -> Checker | None:
    """The checks a summary must pass. standard: hard findings fail the paper, soft ones are
    published and kept; strict: every finding fails it; off: no checks."""
    if policy == "off":
        return None
    from dailypapers.checks.run import check_summary

    def checker(sections: list[Section], job: Job) -> list[Finding]:
        found = check_summary(sections, f"{job.paper.title}\n{job.text.text}", job.lang, job.paper.title)
        return [replace(f, severity=HARD) for f in found] if policy == "strict" else found

    return checker


def evidence_for(sections: list[Section], job: Job) -> list[Evidence]:
    """Where each figure, name and term of a summary stands in the text it was made from."""
    from dailypapers.checks.evidence import find_evidence

    text = job.text.sections or [TextSection("Abstract", job.paper.abstract or job.text.text, "abstract")]
    return find_evidence(sections, job.lang, job.paper.title, text)


def summary_key(paper: Paper, text: PaperText, lang: str, backend: Backend) -> SummaryKey:
    return SummaryKey(paper.id, paper.version or 0, text.source, lang, backend.model_id,
                      backend.prompt_version)


def summarize(store: Store, settings: Settings, date: str, lang: str, backend: Backend,
              force: bool = False, progress: Progress | None = None,
              concurrency: int | None = None, reader: TextReader | None = None,
              budget: Budget | None = None) -> SummarizeReport:
    if backend.languages is not None and lang not in backend.languages:
        raise ConfigError(f"{backend.model_id} writes only {', '.join(sorted(backend.languages))}; "
                          f"use --lang {sorted(backend.languages)[0]} or an LLM (--llm) for --lang {lang}")
    progress = progress or NoProgress()
    reader = reader or TextReader(store, settings)
    report = SummarizeReport(date, lang, backend.model_id)
    papers = [e.paper for e in store.day(date)]
    todo: list[Paper] = []
    for paper in reader.complete_metadata(papers):
        probe = SummaryKey(paper.id, paper.version or 0, "", lang, backend.model_id, backend.prompt_version)
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
    abandoned = store.close_abandoned_runs()
    if abandoned:
        reader.notes.append(f"{abandoned} earlier run(s) had been stopped before they finished; marked unfinished")
    run_id = store.start_run("summarize", {"date": date, "lang": lang, "model": backend.model_id})
    progress.start(f"summarize {date} [{lang}]", len(todo))
    try:
        _summarize_jobs(store, backend, reader, todo, report, run_id, progress,
                        concurrency or settings.concurrency, force, quality_checker(settings.checks),
                        settings.max_consecutive_failures, budget, prices)
    finally:
        progress.stop()
        report.notes = reader.notes
        try:
            for f in report.failures:
                store.record_failure(run_id, f, "summarize")
            store.finish_run(run_id, "failed" if report.failures else "ok", report.done, report.usage, report.cost)
        except StoreError as e:  # the record of the run is lost (a full disk); the report still says it all
            report.notes.append(f"the record of this run could not be written: {e}")
    return report


def _summarize_jobs(store: Store, backend: Backend, reader: TextReader, todo: list[Paper],
                    report: SummarizeReport, run_id: int, progress: Progress, concurrency: int,
                    force: bool, checker: Checker | None, max_failures: int = 5,
                    budget: Budget | None = None, prices: PriceTable | None = None) -> None:
    """Summaries run in worker threads; texts are read and results stored here, in one thread."""
    pending: dict[Future[Any], tuple[Job, SummaryKey]] = {}
    estimates: dict[str, float] = {}
    queue = list(reversed(todo))
    stop_reason: str | None = None
    budget = budget or Budget(None, None)
    prices = prices or PriceTable()
    ctrl_c = _CtrlC()
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:

        def refill() -> None:
            nonlocal stop_reason
            while queue and len(pending) < concurrency and stop_reason is None and not ctrl_c.pressed:
                paper = queue[-1]
                try:
                    text = reader.read(paper)
                except Exception as e:  # noqa: BLE001 - whatever goes wrong with one paper costs that paper only
                    queue.pop()
                    why = str(e) if isinstance(e, DailyPapersError) else \
                        f"its text could not be read ({type(e).__name__}: {e})"
                    report.failures.append(Failure(paper.id, why))
                    progress.advance(f"{paper.id} failed")
                    continue
                estimate = budget.estimate(_prompt_tokens(paper, text, report.lang) + ANSWER_TOKENS,
                                           _answers_at_most(backend, checker))
                if not budget.allows(estimate):
                    stop_reason = (f"the budget of ${budget.limit:.2f} would be exceeded "
                                   f"(spent ${budget.spent:.4f})")
                    return
                queue.pop()
                budget.reserve(estimate)
                estimates[paper.id] = estimate
                job = Job(paper, text, report.lang, checker)
                key = summary_key(paper, text, report.lang, backend)
                pending[pool.submit(backend.summarize, job)] = (job, key)

        def collect(future: Future[Any]) -> str | None:
            job, key = pending.pop(future)
            reason = _collect(store, future, job, key, report, run_id, progress, force, max_failures, prices)
            budget.settle(estimates.pop(job.paper.id, 0.0), report.last_cost)
            return reason

        try:
            with ctrl_c:
                while (queue or pending) and not ctrl_c.pressed:
                    refill()
                    if not pending:
                        break
                    finished, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                    for future in finished:
                        stop_reason = collect(future) or stop_reason
                        refill()  # a freed slot gets its next job now, not after the others are stored
            if ctrl_c.pressed:
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            # Stop cleanly: nothing new starts, the papers in flight finish and are stored.
            stop_reason = "interrupted (Ctrl-C)"
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
                    report.failures.append(Failure(paper.id, f"not attempted: {stop_reason}"))


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


def _prompt_tokens(paper: Paper, text: PaperText, lang: str) -> int:
    """What the whole prompt of a paper costs: instructions, framing, title and text."""
    from dailypapers.fulltext.budget import estimate_tokens
    from dailypapers.summarize import prompts

    prompt = prompts.build(paper, text, lang)
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
             prices: PriceTable | None = None) -> str | None:
    """Store one finished summary or record its failure; returns a reason to stop the run."""
    report.last_cost = None
    try:
        draft = future.result()
    except DailyPapersError as e:
        _account(report, key.model, getattr(e, "usage", None), prices)
        return _failed(report, job, e, progress, max_failures)
    except Exception as e:  # a backend plugin's bug must not take the other papers down
        report.failures.append(Failure(job.paper.id, f"{type(e).__name__}: {e}"))
        progress.advance(f"{job.paper.id} failed")
        return None
    cost = _account(report, key.model, draft.usage, prices)
    findings = draft.findings
    if findings is None and job.checker is not None:  # a backend that does not check itself
        findings = job.checker(draft.sections, job)
    hard = [f for f in findings or [] if f.severity == HARD]
    if hard:
        reasons = "; ".join(f"{f.rule}: {f.reason}" for f in hard)
        report.failures.append(Failure(job.paper.id, f"rejected by the checks: {reasons}"))
        progress.advance(f"{job.paper.id} failed")
        logs.event(logging.WARNING, f"{job.paper.id} rejected by the checks: {reasons}", event="rejected",
                   paper=job.paper.id, date=report.date, lang=report.lang, model=key.model, reason=reasons)
        return None
    evidence = evidence_for(draft.sections, job) if job.checker is not None else []
    try:
        store.save_summary(Summary(key, draft.sections, draft.usage, findings=findings or [],
                                   attempts=draft.attempts, cost=cost, evidence=evidence), run_id, replace=force)
    except StoreError as e:  # a full disk, a damaged file: the answer was paid for and is lost; say so
        report.failures.append(Failure(job.paper.id, f"the answer could not be stored: {e}"))
        progress.advance(f"{job.paper.id} failed")
        logs.event(logging.ERROR, f"{job.paper.id}: the answer could not be stored: {e}", event="failed",
                   paper=job.paper.id, date=report.date, lang=report.lang, model=key.model, reason=str(e))
        return None
    logs.event(logging.INFO, f"{job.paper.id} summarized", event="summarized", paper=job.paper.id,
               date=report.date, lang=report.lang, model=key.model, attempts=draft.attempts, cost=cost,
               tokens=draft.usage.prompt_tokens + draft.usage.completion_tokens)
    report.consecutive_errors = 0
    report.done += 1
    report.repaired += int(draft.repaired)
    progress.advance(f"{job.paper.id} ok")
    return None


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
            max_failures: int) -> str | None:
    """Record one paper's failure; returns a reason to stop asking the provider, if there is one."""
    report.failures.append(Failure(job.paper.id, str(e)))
    progress.advance(f"{job.paper.id} failed")
    logs.event(logging.WARNING, f"{job.paper.id} failed: {e}", event="failed", paper=job.paper.id,
               date=report.date, lang=report.lang, model=report.model, reason=str(e))
    if isinstance(e, LLMAuthError):
        return f"the provider rejected the credentials ({e})"
    if isinstance(e, LLMOutputError):  # the provider answered; the answer was unusable
        report.consecutive_errors = 0
        return None
    report.consecutive_errors += 1
    if report.consecutive_errors >= max_failures:
        return f"the provider failed {report.consecutive_errors} times in a row (last: {e}); stopped asking it"
    return None


# -- stats ----------------------------------------------------------------------------------------

def stats(store: Store, since: str | None = None) -> list[dict[str, Any]]:
    """Per day and model: runs, papers summarized, tokens, cost and failures (from the runs log)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for run in store.runs():
        args = json.loads(run["args"] or "{}")
        day, model = args.get("date", "?"), args.get("model", "-")
        if since and day < since:
            continue
        row = rows.setdefault((day, model), {"date": day, "model": model, "runs": 0, "papers": 0,
                                             "tokens": 0, "requests": 0, "cost": None, "failures": 0})
        row["runs"] += 1
        row["papers"] += run["papers_done"]
        row["tokens"] += run["prompt_tokens"] + run["completion_tokens"]
        row["requests"] += run["requests"]
        if run.get("cost") is not None:
            row["cost"] = (row["cost"] or 0.0) + run["cost"]
        row["failures"] += len(run["failures"])
    return [rows[k] for k in sorted(rows)]


# -- check ----------------------------------------------------------------------------------------

@dataclass
class CheckRow:
    paper: Paper
    summary: Summary | None
    findings: list[Finding]
    source: str  # which text the findings were checked against
    evidence: list[Evidence] = field(default_factory=list)  # where its claims stand in that text
    complete: bool = True  # that text is the one the summary read (not only part of it)


def source_text(store: Store, paper: Paper, text_source: str) -> tuple[str, str]:
    """The text a stored summary was made from, as far as the store still has it, and its name."""
    sections, name = source_sections(store, paper, text_source)
    return _as_text(paper, sections, name), name


def _as_text(paper: Paper, sections: list[TextSection], name: str) -> str:
    """The text the checks read: the title, then the abstract or the sections under their titles."""
    from dailypapers.fulltext.sections import render_sections

    return f"{paper.title}\n{paper.abstract if name == 'abstract' else render_sections(sections)}"


def source_sections(store: Store, paper: Paper, text_source: str) -> tuple[list[TextSection], str]:
    """The sections of the text a stored summary was made from, as far as the store still has them."""
    if paper.version and text_source in ("html", "pdf"):
        sections = store.text(paper.id, paper.version, text_source)
        if sections:
            return sections, text_source
    return [TextSection("Abstract", paper.abstract, "abstract")], "abstract"


def check_day(store: Store, date: str, lang: str) -> list[CheckRow]:
    """Run the checks again on the day's newest summaries in `lang`, against their source text."""
    from dailypapers.checks.evidence import find_evidence
    from dailypapers.checks.run import check_summary

    rows = []
    for e in store.day(date):
        summary = store.latest_summary(e.paper.id, lang)
        if summary is None:
            rows.append(CheckRow(e.paper, None, [], ""))
            continue
        sections, name = source_sections(store, e.paper, summary.key.text_source)
        text = _as_text(e.paper, sections, name)
        # Checked against the very text the summary read, or against less (an imported summary).
        complete = name == summary.key.text_source
        found = check_summary(summary.sections, text, lang, e.paper.title, complete=complete)
        rows.append(CheckRow(e.paper, summary, found, name,
                             find_evidence(summary.sections, lang, e.paper.title, sections), complete))
    return rows


# -- eval -----------------------------------------------------------------------------------------

@dataclass
class EvalReport:
    lang: str
    rows: list[Any]
    overall: dict[str, Any]
    notes: list[str]


def evaluate_digest(store: Store, settings: Settings, path: Path, lang: str | None = None,
                    model: str | None = None) -> EvalReport:
    """Compare the store's summaries with a reference digest, both against the papers' text.
    A paper the store does not hold is looked up on arXiv, and its text read as `summarize` would."""
    from dailypapers.errors import SourceError
    from dailypapers.evaluate import evaluate_paper, overall
    from dailypapers.fulltext.fetch import FullTextError

    try:
        parsed = markdown.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the reference digest ({e})")
    papers = [p for day in parsed.days for p in day.papers if p.sections]
    lang = lang or langdetect.detect(" ".join(s.text for p in papers for s in p.sections))
    reader = TextReader(store, settings)
    unknown = [p.id for p in papers if store.paper(p.id) is None]
    if unknown and reader.needs_arxiv:
        try:
            found, _ = reader.arxiv.by_ids(unknown)
            for paper in found:
                store.save_arxiv_metadata(paper)
        except (SourceError, ConfigError) as e:
            reader.notes.append(f"arXiv metadata not available: {e}")
    rows = []
    for ref in papers:
        paper = store.paper(ref.id) or Paper(ref.id, ref.title, ref.authors)
        ours = _our_summary(store, ref.id, lang, model)
        if ours is not None and ours.key.text_source in ("html", "pdf"):
            text, name = source_text(store, paper, ours.key.text_source)
        else:
            try:
                got = reader.read(paper)
                text, name = f"{paper.title}\n{got.text}", got.source
            except FullTextError as e:
                reader.notes.append(f"{ref.id}: no text to check against ({e})")
                text, name = "", "none"
        rows.append(evaluate_paper(ref.id, paper.title or ref.title, ref.sections,
                                   ours.sections if ours else None, text, name, lang))
    return EvalReport(lang, rows, overall(rows), reader.notes)


def _our_summary(store: Store, paper_id: str, lang: str, model: str | None) -> Summary | None:
    """The newest summary the store made (not one imported), or the named model's."""
    for s in store.summaries_for(paper_id, lang):
        if (model is None and s.key.model != "import") or s.key.model == model:
            return s
    return None


# -- render ---------------------------------------------------------------------------------------

def digest(store: Store, date: str, lang: str, model: str | None = None) -> Digest:
    entries = [DigestEntry(e.paper, e.upvotes, store.latest_summary(e.paper.id, lang, model))
               for e in store.day(date)]
    return Digest(date, lang, entries)


def feed_digests(store: Store, lang: str, days: int = 30, model: str | None = None,
                 until: str | None = None) -> list[Digest]:
    """The digests of the `days` most recent days the store holds (up to `until`), oldest first,
    for the feeds."""
    dates = [d for d, _ in store.days() if until is None or d <= until]
    return [digest(store, d, lang, model) for d in dates[-days:]] if days > 0 else []


def build_site(store: Store, settings: Settings, out_dir: Path, langs: list[str] | None = None,
               download_media: bool = True, search: bool = True, base_url: str | None = None,
               media_hosts: set[str] | None = None, progress: Progress | None = None) -> Any:
    """Build the static site of every day the store holds, in every language with summaries (or
    `langs`), into `out_dir` (render/site/build.py). Thumbnails and media come from the Hugging Face
    hosts (and the HF_ENDPOINT host, and `media_hosts`), cached in HOME/cache/media."""
    from urllib.parse import urlsplit

    from dailypapers.render import site

    summaries: dict[str, list[Summary]] = {}
    days = []
    for date, _ in store.days():
        entries = []
        for e in store.day(date):
            if e.paper.id not in summaries:
                summaries[e.paper.id] = store.summaries_for(e.paper.id)
            entries.append(site.SiteEntry(e.paper, e.upvotes, summaries[e.paper.id]))
        days.append(site.SiteDay(date, entries))
    hosts = {*site.HF_MEDIA_HOSTS, urlsplit(settings.hf_endpoint).hostname or "", *(media_hosts or ())}
    media = site.MediaCache(settings.cache_dir / "media", hosts, base_url=settings.hf_endpoint,
                            timeout=min(settings.timeout, 30.0), offline=not download_media)
    return site.build_site(days, Path(out_dir), media=media, default_lang=settings.lang, langs=langs,
                           search=search, base_url=base_url, progress=progress)


def render(d: Digest, fmt: str = "markdown") -> str:
    if fmt == "markdown":
        return markdown.render(d)
    if fmt == "json":
        return json.dumps(digest_json(d), ensure_ascii=False, indent=2) + "\n"
    raise ConfigError(f"unknown format {fmt!r}; known formats: markdown, json")


def digest_json(d: Digest) -> list[dict[str, Any]]:
    return [_entry_json(d.date, e.paper, e.upvotes, [e.summary] if e.summary else []) for e in d.entries]


def list_json(store: Store, date: str) -> list[dict[str, Any]]:
    out = []
    for e in store.day(date):
        latest: dict[str, Summary] = {}
        for s in store.summaries_for(e.paper.id):
            latest.setdefault(s.key.lang, s)
        out.append(_entry_json(date, e.paper, e.upvotes, list(latest.values()), e))
    return out


def _entry_json(date: str, p: Paper, upvotes: int | None, summaries: list[Summary],
                entry: ListingEntry | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": p.id, "title": p.title, "url": p.url, "authors": p.authors, "upvotes": upvotes,
        "thumbnail": p.thumbnail, "date": date, "version": p.version, "abstract": p.abstract,
        "media_urls": p.media_urls, "num_comments": p.num_comments, "github_repo": p.github_repo,
        "github_stars": p.github_stars, "project_page": p.project_page, "ai_keywords": p.ai_keywords,
        "published_at": p.published_at, "categories": p.categories, "primary_category": p.primary_category,
        "affiliations": p.affiliations, "comment": p.comment, "journal_ref": p.journal_ref, "doi": p.doi,
        "pdf_link": p.pdf_link,
        "summaries": {s.key.lang: s.as_dict() for s in summaries},
        "summary_info": {s.key.lang: {"model": s.key.model, "text_source": s.key.text_source,
                                      "prompt_version": s.key.prompt_version, "created_at": s.created_at,
                                      "attempts": s.attempts}
                         for s in summaries},
        "findings": {s.key.lang: [f.as_dict() for f in s.findings] for s in summaries},
        "evidence": {s.key.lang: [e.as_dict() for e in s.evidence] for s in summaries},
    }
    if entry is not None:
        obj["upvotes_read_at"] = entry.upvotes_read_at
        obj["source"] = entry.source
    return obj


# -- import ---------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    days: list[tuple[str, int]]
    lang: str
    notes: list[str]
    warnings: list[str] = field(default_factory=list)  # lines skipped because they could not be read


def import_digest(store: Store, path: Path, lang: str | None = None) -> ImportReport:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e})")
    parsed = markdown.parse(text, str(path))
    all_text = " ".join(s.text for d in parsed.days for p in d.papers for s in p.sections)
    lang = lang or langdetect.detect(all_text)
    days = []
    for day in parsed.days:
        entries = [ListingEntry(day.date, Paper(p.id, p.title, p.authors, thumbnail=p.thumbnail),
                                "import", upvotes=p.upvotes) for p in day.papers]
        store.save_listing(Listing(day.date, "import", entries))
        for p in day.papers:
            if p.sections:
                version = (store.paper(p.id) or Paper(p.id, p.title)).version or 0
                key = SummaryKey(p.id, version, "import", lang, "import", "import")
                if any(s.key == key and s.sections == p.sections for s in store.summaries_for(p.id, lang)):
                    continue  # the same text imported again: keep the summary (and its date) as it is
                store.save_summary(Summary(key, p.sections), replace=True)
        days.append((day.date, len(day.papers)))
    return ImportReport(days, lang, parsed.notes, parsed.warnings)


# -- publish --------------------------------------------------------------------------------------

PUBLISHED = "*"  # the part recorded once a whole day was sent to a target and channel


@dataclass
class PublishReport:
    target: str
    channel: str
    date: str
    lang: str
    sent: list[str] = field(default_factory=list)  # ids of the messages this run sent
    papers: int = 0  # papers published (those with a summary)
    left_out: list[str] = field(default_factory=list)  # papers with no summary in this language
    already: bool = False  # the day was sent before: nothing was sent
    resumed: int = 0  # parts sent by an earlier run that stopped midway
    error: str | None = None


class StoreJournal:
    """The publish journal of one day, target and channel, kept in the store's publications table."""

    def __init__(self, store: Store, target: str, channel: str, date: str, lang: str) -> None:
        self.store = store
        self.key = (target, channel, date, lang)
        self.parts = store.publication(*self.key)

    def sent(self, part: str) -> str | None:
        found = self.parts.get(part)
        return None if found is None else found[0]

    def record(self, part: str, message_id: str, detail: dict[str, Any] | None = None) -> None:
        self.store.record_publication(*self.key, part, message_id, detail)
        self.parts[part] = (message_id, detail or {})


def publish_targets(settings: Settings) -> list[str]:
    """Where `publish` sends with no --to: e-mail when [email] names recipients, and the chat
    services listed in [chat] services."""
    out = ["email"] if (settings.email or {}).get("to") else []
    return out + [str(s) for s in (settings.chat or {}).get("services", []) or []]  # type: ignore[union-attr]


def publisher(settings: Settings, target: str) -> Any:
    from dailypapers.publish import get_publisher

    return get_publisher(target, settings)


def publish(store: Store, settings: Settings, date: str, lang: str, pub: Any, again: bool = False,
            update: bool = False) -> PublishReport:
    """Send the day to one publisher, exactly once per day, language, target and channel: each part
    is recorded as soon as the service took it, the day as a whole once every part went; a day
    recorded whole is skipped, one recorded in part sends only the rest. `again` forgets the
    record first, and sends the whole day anew. `update` sends, for a chat day sent before, the
    papers that came since, as follow-ups of the day message (an e-mail is never updated)."""
    from dailypapers.errors import PublishError

    d = digest(store, date, lang)
    report = PublishReport(pub.target, pub.channel, date, lang)
    report.papers = sum(1 for e in d.entries if e.summary is not None and e.summary.sections)
    report.left_out = [e.paper.id for e in d.entries if e.summary is None or not e.summary.sections]
    if not report.papers:
        report.error = (f"no {lang} summaries for {date}: nothing to send (run summarize first)" if d.entries
                        else f"the store has no papers for {date}: nothing to send (run fetch and summarize first)")
        return report
    if again:
        store.forget_publication(pub.target, pub.channel, date, lang)
    journal = StoreJournal(store, pub.target, pub.channel, date, lang)
    if journal.sent(PUBLISHED) is not None and not (update and pub.target != "email"):
        report.already = True
        return report
    report.resumed = len(journal.parts)
    try:
        report.sent = pub.publish(d, journal)
    except PublishError as e:
        report.error = str(e)
        return report
    journal.record(PUBLISHED, "", {"parts": len(journal.parts), "papers": report.papers})
    return report
