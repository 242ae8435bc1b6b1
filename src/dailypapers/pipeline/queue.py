"""Use case: the work queue, for many workers on many machines sharing one PostgreSQL store. The
queue is procrastinate's (its tables live in the same database: no other service to run).

`run --queue` (`enqueue`) records each day in the store (`work_days`) and gives the queue one job
per day; it returns at once. Workers (`run_worker`) run the jobs:

    day     fetch the day's listing, complete its arXiv metadata, list the papers with no summary
            yet (`work_papers`), and give the queue one job per paper
    paper   read the paper's text, summarize it, check it and store it (`summarize`, one paper);
            record what became of it; the worker that settles a day's last paper gives the queue
            the day's finish
    finish  write the day's digest, judge its ledger, deliver it (a backfill: the site once,
            after its last day), and record the day's run as finished

Every job may run again (a worker killed, the database restarted): a paper whose summary is stored
is never sent to the LLM again (the summary key decides, as in a single `run`), a paper job holds
the lock of its summary (two workers never make the same one at once), and a day is finished once
(its row records it; the finishes of a batch run one at a time). A worker that stops giving signs
of life for `worker_lease` seconds is taken for dead, and its jobs are given to the others.
arXiv's pace and the LLM's rate limits are gates in the store, shared by all (`wiring`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from dailypapers.config import Settings
from dailypapers.errors import ConfigError, StoreError
from dailypapers.models import SummaryKey
from dailypapers.pipeline.day import digest_path
from dailypapers.pipeline.deliver import alert, alert_publishers, deliver, is_archive
from dailypapers.pipeline.events import Collect, Fetched, Queued, Reporter, SteppedBack, Written
from dailypapers.pipeline.fetch import fetch
from dailypapers.pipeline.ledger import day_ledger, warn
from dailypapers.pipeline.output import digest, render, write_atomic
from dailypapers.pipeline.summarize import summarize
from dailypapers.pipeline.texts import TextReader
from dailypapers.pipeline.wiring import get_backend, open_store, publisher, run_targets
from dailypapers.store import Store, dialect
from dailypapers.store.work import WorkDay
from dailypapers.summarize.backends import Backend, backends

if TYPE_CHECKING:
    import procrastinate

QUEUE = "dailypapers"  # the procrastinate queue of every job
DAY, PAPER, FINISH = "dailypapers.day", "dailypapers.paper", "dailypapers.finish"
# The flags of `run` that travel with the jobs; everything else is each worker's own configuration.
RUN_FLAGS = ("lang", "llm", "text_sources", "max_input_tokens", "checks")


@dataclass
class QueueReport:
    """What `run --queue` gave the queue: one batch, its days (work day id, date)."""

    batch: str
    days: list[tuple[int, str]] = field(default_factory=list)


def require_queue(settings: Settings) -> str:
    """The URL of the settings' PostgreSQL store, where the queue lives; ConfigError without one,
    or without procrastinate."""
    url = settings.database_url
    if not url or not dialect.is_postgres(url):
        raise ConfigError("the work queue lives in a PostgreSQL store: set DAILYPAPERS_DATABASE_URL (or "
                          "database_url) to postgresql://USER@HOST:PORT/DB",
                          hint="set DAILYPAPERS_DATABASE_URL to a PostgreSQL database")
    try:
        import procrastinate  # noqa: F401  (only to say what is missing)
    except ImportError:
        raise ConfigError(f"the work queue needs procrastinate: {dialect.INSTALL_HINT}", hint=dialect.INSTALL_HINT)
    return url


def make_app(url: str, pool_size: int = 4) -> procrastinate.App:
    """The procrastinate app of the store at `url`, with the three tasks. A job that raises (the
    database gone for a moment) is tried again, up to 8 times, 2 to 256 seconds apart; a paper's
    own failure is recorded, not raised."""
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=dialect.libpq_url(url), min_size=1, max_size=pool_size))
    retry = procrastinate.RetryStrategy(max_attempts=8, exponential_wait=2)
    for name, job in ((DAY, _day_job), (PAPER, _paper_job), (FINISH, _finish_job)):
        app.task(name=name, queue=QUEUE, retry=retry)(job)
    return app


def ensure_queue(store: Store, app: procrastinate.App) -> None:
    """procrastinate's tables in the store, made by one process (the first) if they are missing."""
    if dialect.has_table(store.engine, "procrastinate_jobs"):
        return
    with dialect.AdvisoryLock(store.engine, "queue-schema", store.where, wait=120):
        if not dialect.has_table(store.engine, "procrastinate_jobs"):
            app.schema_manager.apply_schema()


def enqueue(settings: Settings, days: list[str], reporter: Reporter | None = None, *, source: str = "hf",
            step_back: bool = False) -> QueueReport:
    """`run --queue`: give the queue one job per day (each finds its papers when a worker runs it)
    and return at once. The run's flags (language, model, text sources, input tokens, checks) go
    with the jobs; the workers' own settings do the rest (keys, publishing, folders)."""
    reporter = reporter or Collect()
    url = require_queue(settings)
    if settings.budget is not None:
        raise ConfigError("--budget does not go with --queue: the workers share no budget (set llm_rpm and "
                          "llm_tpm to pace the provider)")
    if not settings.llm:
        get_backend(None, settings)  # NoLLMConfigured, saying how to configure one
    backends.factory(str(settings.llm).partition("/")[0])  # an unknown provider is refused here, not by a worker
    options = {name: getattr(settings, name) for name in RUN_FLAGS} | {"source": source, "step_back": step_back}
    store = open_store(settings)
    report = QueueReport(uuid.uuid4().hex[:12])
    app = make_app(url, 2).open()
    try:
        ensure_queue(store, app)
        for day in days:
            day_id = store.queue_day(report.batch, day, settings.lang, str(settings.llm), options)
            _defer(app, DAY, f"day:{day_id}", f"day:{day_id}", day_id=day_id)
            report.days.append((day_id, day))
    finally:
        app.close()
        store.close()
    span = days[0] if len(days) == 1 else f"{days[0]}..{days[-1]}"
    reporter.event(Queued(f"queued {len(days)} day(s), {span} [{settings.lang}] {settings.llm}, as batch "
                          f"{report.batch}; workers do the rest (dailypapers queue shows how far they are)"))
    return report


def _defer(app: procrastinate.App, task: str, queueing_lock: str, lock: str | None, **kwargs: Any) -> None:
    """Give the queue one job, unless the same one (its queueing lock) is waiting already; jobs with
    the same `lock` run one at a time."""
    from procrastinate.exceptions import AlreadyEnqueued

    try:
        app.configure_task(task, lock=lock, queueing_lock=queueing_lock, allow_unknown=False).defer(**kwargs)
    except AlreadyEnqueued:
        pass


def _paper_lock(day: WorkDay, paper_id: str) -> str:
    """The lock of a paper's summary: two jobs that would make the same one never run at once. An
    advisory lock in the store, not procrastinate's job lock: with a job lock each, the queue's
    fetch of the next job grows with the jobs waiting (2,000 of them: 100 ms a fetch, measured)."""
    return f"summary:{paper_id}/{day.lang}/{day.model}"


# -- the workers -------------------------------------------------------------------------------------

class _Worker:
    """What one worker process keeps between jobs (which run in its threads): its settings, its store,
    the backends it made, and where its events go."""

    def __init__(self, settings: Settings, store: Store, app: procrastinate.App, reporter: Reporter) -> None:
        self.base, self.store, self.app, self.reporter = settings, store, app, reporter
        self._backends: dict[tuple[str, ...], Backend] = {}
        self._readers: dict[tuple[str, ...], TextReader] = {}
        self._lock = threading.Lock()

    def settings_for(self, day: WorkDay) -> Settings:
        """This worker's settings with the run's flags (and no budget: each job would count its own)."""
        flags = {name: day.options[name] for name in RUN_FLAGS if day.options.get(name) is not None}
        return replace(self.base, budget=None, **flags)

    def backend(self, settings: Settings) -> Backend:
        """The backend of the settings' model, made once per process (its limiter is the store's)."""
        key = (str(settings.llm), settings.checks)
        with self._lock:
            if key not in self._backends:
                self._backends[key] = get_backend(settings.llm, settings, self.store)
            return self._backends[key]

    def reader(self, settings: Settings) -> TextReader:
        """A text reader for one job; its HTTP clients made once per process."""
        key = (settings.text_sources, str(settings.max_input_tokens))
        with self._lock:
            if key not in self._readers:
                self._readers[key] = TextReader(self.store, settings)
            return self._readers[key].fresh()

    def work_day(self, day_id: int) -> WorkDay:
        day = self.store.work_day(day_id)
        if day is None:
            raise StoreError(f"the work queue has no day {day_id}")
        return day

    def day(self, day_id: int) -> None:
        """The day's job: list its papers and give each to the queue."""
        day = self.work_day(day_id)
        if day.papers is not None:  # listed by an earlier attempt of this job: give out what is left
            self.give_out(day, self.store.papers_to_do(day_id))
            return
        settings = self.settings_for(day)
        source = str(day.options.get("source") or "hf")
        report = fetch(self.store, settings, day.date, source)
        listed = day.date
        if report.listed == 0 and day.options.get("step_back"):
            listed = (dt.date.fromisoformat(day.date) - dt.timedelta(days=1)).isoformat()
            self.reporter.event(SteppedBack(day.date, listed))
            self.store.record_day_event(day.date, "not-listed-yet", f"nothing listed yet; the run went on with "
                                        f"{listed}", day.lang)
            report = fetch(self.store, settings, listed, source)
        self.reporter.event(Fetched(report, source))
        backend = self.backend(settings)
        reader = self.reader(settings)
        papers = reader.complete_metadata([e.paper for e in self.store.day(listed)])
        todo = [p.id for p in papers if not self.store.has_summary(
            SummaryKey(p.id, p.version or 0, "", day.lang, backend.model_id, backend.prompt_version),
            any_text_source=True)]
        run_id = self.store.start_run("queue", {"date": listed, "lang": day.lang, "model": backend.model_id,
                                                "batch": day.batch})
        if reader.unreachable:
            self.store.record_day_event(listed, "arxiv-unreachable", reader.unreachable, day.lang, run_id)
        self.store.list_day_papers(day_id, listed, run_id, todo)
        self.reporter.event(Queued(f"{listed} [{day.lang}]: {len(todo)} paper(s) given out to summarize, "
                                   f"{len(papers) - len(todo)} summarized before"))
        self.give_out(self.work_day(day_id), todo)

    def give_out(self, day: WorkDay, todo: list[str]) -> None:
        """One job per paper to do (or the day's finish, when none is)."""
        if not todo:
            self.finish_later(day)
            return
        from procrastinate import jobs
        from procrastinate.exceptions import AlreadyEnqueued

        batch = [jobs.Job(queue=QUEUE, task_name=PAPER, lock=None, queueing_lock=f"paper:{day.id}:{p}",
                          task_kwargs={"day_id": day.id, "paper_id": p})
                 for p in todo]
        try:  # one statement for the whole day
            self.app.job_manager.batch_defer_jobs(batch)
        except AlreadyEnqueued:  # some are waiting already (this job ran before): the rest one by one
            for p in todo:
                _defer(self.app, PAPER, f"paper:{day.id}:{p}", None, day_id=day.id, paper_id=p)

    def finish_later(self, day: WorkDay) -> None:
        """Give the queue the day's finish (the finishes of a batch run one at a time)."""
        _defer(self.app, FINISH, f"finish:{day.id}", f"finish:{day.batch}", day_id=day.id)

    def paper(self, day_id: int, paper_id: str) -> None:
        """A paper's job: summarize it (unless its summary is stored), and settle it."""
        day = self.work_day(day_id)
        settings = self.settings_for(day)
        assert day.listed is not None and day.run_id is not None  # a paper job is given out after both
        with dialect.AdvisoryLock(self.store.engine, _paper_lock(day, paper_id), f"the summary of {paper_id}",
                                  settings.lock_wait):
            report = summarize(self.store, settings, day.listed, day.lang, self.backend(settings), concurrency=1,
                               reader=self.reader(settings), only=[paper_id], run_id=day.run_id)
        stored = [f for f in report.failures if f.code == "store"]
        if stored:  # the store failed, not the paper: try the job again later
            raise StoreError(stored[0].reason, paper_id=paper_id)
        outcome = "summarized" if report.done else "summarized before" if report.skipped else \
            f"failed ({report.failures[0].code}): {report.failures[0].reason}" if report.failures else "not listed"
        self.reporter.event(Queued(f"{paper_id} of {day.listed} [{day.lang}]: {outcome}"))
        if self.store.settle_paper(day_id, paper_id, "failed" if report.failures else "done") == 0:
            self.finish_later(day)

    def finish(self, day_id: int) -> None:
        """The day's finish: its digest, ledger and deliveries, once, after its last paper."""
        day = self.work_day(day_id)
        if day.finished_at is not None or day.listed is None or day.run_id is None \
                or self.store.papers_to_do(day_id):
            return
        settings = self.settings_for(day)
        backend = self.backend(settings)
        batch = self.store.batch_days(day.batch)
        backfill = len(batch) > 1  # no mail or chat for old days; the site once, at the end
        result = digest(self.store, day.listed, day.lang, backend.model_id)
        path = digest_path(settings, day.listed, None, ranged=False)
        write_atomic(render(result), path)
        self.reporter.event(Written(path, result))
        ledger = day_ledger(self.store, day.listed, day.lang)
        warn(ledger, self.reporter)
        pubs = [publisher(settings, target) for target in run_targets(settings)]
        if not backfill:
            alert(self.store, ledger, alert_publishers(settings), self.reporter)
            if pubs:
                deliver(self.store, settings, day.listed, pubs, self.reporter, update=settings.publish_updates)
        done, usage, cost = self.store.run_totals(day.run_id)
        self.store.finish_run(day.run_id, "failed" if ledger.failed else "ok", done, usage, cost)
        self.store.finish_work_day(day_id)
        archive = [p for p in pubs if is_archive(p)]
        if backfill and archive and all(d.finished_at or d.id == day_id for d in batch):
            last = max(d.listed or d.date for d in batch)
            deliver(self.store, settings, last, archive, self.reporter)


_WORKER: _Worker | None = None  # the worker of this process (jobs are plain functions of their ids)


def _worker() -> _Worker:
    if _WORKER is None:
        raise ConfigError("a dailypapers job ran outside `dailypapers worker`")
    return _WORKER


def _day_job(day_id: int) -> None:
    _worker().day(day_id)


def _paper_job(day_id: int, paper_id: str) -> None:
    _worker().paper(day_id, paper_id)


def _finish_job(day_id: int) -> None:
    _worker().finish(day_id)


def run_worker(settings: Settings, concurrency: int, reporter: Reporter | None = None) -> None:
    """`dailypapers worker`: run the queue's jobs, `concurrency` at once, until SIGTERM or Ctrl-C (the
    jobs in hand are finished first). A database that goes away (a restart) is waited for, and the
    worker carries on; what it had in hand is given to another worker, or to itself, once its lease
    (`worker_lease`) runs out."""
    global _WORKER
    reporter = reporter or Collect()
    url = require_queue(settings)
    # One connection per job in hand (its summary's lock) and one for each job's statements: kept open.
    store = Store(url, connections=2 * concurrency + 2)
    app = make_app(url, min(concurrency, 4) + 2)
    app.open()
    try:
        ensure_queue(store, app)
    finally:
        app.close()
    _WORKER = _Worker(settings, store, app, reporter)
    libraries = _LibraryLog(reporter, f"worker {socket.gethostname()}:{os.getpid()}")
    try:
        with libraries:
            asyncio.run(_serve(app, url, settings.worker_lease, concurrency, reporter))
    finally:
        _WORKER = None
        store.close()


class _LibraryLog(logging.Handler):
    """The warnings of procrastinate and psycopg's pool (a lost connection, a reconnection), told
    as the worker's own events, one line each: the message and its first cause, no traceback."""

    LOGGERS = ("procrastinate", "psycopg")

    def __init__(self, reporter: Reporter, who: str) -> None:
        super().__init__(logging.WARNING)
        self.reporter, self.who = reporter, who
        self._saved: list[tuple[logging.Logger, list[logging.Handler], bool]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())
        error = record.exc_info[1] if record.exc_info else None
        while error is not None and error.__cause__ is not None:
            error = error.__cause__
        if error is not None:
            message += f": {type(error).__name__}: {' '.join(str(error).split())}"
        self.reporter.event(Queued(f"{self.who}: {message}"))

    def __enter__(self) -> _LibraryLog:
        for name in self.LOGGERS:
            logger = logging.getLogger(name)
            self._saved.append((logger, logger.handlers[:], logger.propagate))
            logger.handlers[:] = [self]
            logger.propagate = False
        return self

    def __exit__(self, *exc: object) -> None:
        for logger, handlers, propagate in self._saved:
            logger.handlers[:], logger.propagate = handlers, propagate
        self._saved.clear()


async def _serve(app: procrastinate.App, url: str, lease: float, concurrency: int, reporter: Reporter) -> None:
    from procrastinate.worker import Worker

    loop = asyncio.get_running_loop()
    # Jobs are plain functions, run in threads: as many threads as jobs at once, and a few for the rest.
    loop.set_default_executor(ThreadPoolExecutor(concurrency + 4, thread_name_prefix="dailypapers-job"))
    stopping = asyncio.Event()
    current: list[Any] = []

    def stop() -> None:
        stopping.set()
        for worker in current:
            worker.stop()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    name = f"{socket.gethostname()}:{os.getpid()}"
    async with app.open_async():
        sweeper = asyncio.create_task(_sweep_forever(app, url, lease, stopping))
        try:
            while not stopping.is_set():
                worker = Worker(app, queues=[QUEUE], name=name, concurrency=concurrency,
                                install_signal_handlers=False, update_heartbeat_interval=lease / 4,
                                stalled_worker_timeout=lease, fetch_job_polling_interval=min(5.0, lease / 2))
                current[:] = [worker]
                try:
                    await worker.run()  # type: ignore[no-untyped-call]  # procrastinate leaves it unannotated
                except Exception as e:  # the database went away (a restart, the network): wait, go on
                    reporter.event(Queued(f"worker {name}: lost the database ({type(e).__name__}: {e}); "
                                          "trying again"))
                if not stopping.is_set():
                    await _pause(stopping, 2.0)
        finally:
            sweeper.cancel()


async def _pause(stopping: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less if the worker is asked to stop."""
    try:
        await asyncio.wait_for(stopping.wait(), seconds)
    except TimeoutError:
        pass


async def _sweep_forever(app: procrastinate.App, url: str, lease: float, stopping: asyncio.Event) -> None:
    while not stopping.is_set():
        try:
            await _sweep(app, url, lease)
        except Exception:  # the database is away; the next sweep will do
            pass
        await _pause(stopping, lease / 4)


async def _sweep(app: procrastinate.App, url: str, lease: float) -> None:
    """Give the jobs of workers silent for `lease` seconds back to the queue. One worker sweeps at a
    time (an advisory lock): two sweeps could give back a job that a live worker has just taken."""
    async with dialect.try_lock_async(url, "sweep") as taken:
        if not taken:
            return
        for job in await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=lease):
            await app.job_manager.retry_job(job)
        await app.job_manager.prune_stalled_workers(lease)


def queue_status(settings: Settings, days: int = 30) -> dict[str, Any]:
    """What the queue holds: its jobs by kind and state (waiting, running, done, failed), the
    workers alive, and the latest days given to it with their papers by state."""
    url = require_queue(settings)
    store = open_store(settings)
    try:
        jobs: list[dict[str, Any]] = []
        if dialect.has_table(store.engine, "procrastinate_jobs"):
            app = make_app(url, 2).open()
            try:
                for row in app.job_manager.list_tasks(queue=QUEUE):
                    jobs.append({"kind": str(row["name"]).removeprefix("dailypapers."), "waiting": row["todo"],
                                 "running": row["doing"], "done": row["succeeded"],
                                 "failed": row["failed"] + row["cancelled"] + row["aborted"]})
            finally:
                app.close()
        workers = store.live_workers(settings.worker_lease) if jobs else 0
        return {"jobs": sorted(jobs, key=lambda j: [DAY, PAPER, FINISH].index(f"dailypapers.{j['kind']}")
                               if f"dailypapers.{j['kind']}" in (DAY, PAPER, FINISH) else 3),
                "workers": workers, "days": store.work_progress(days)}
    finally:
        store.close()
