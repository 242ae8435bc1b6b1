"""The only module that wires the stages together: sources → store → summarize → render."""

from __future__ import annotations

import json
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dailypapers import langdetect
from dailypapers.config import Settings
from dailypapers.errors import ConfigError, DailyPapersError, LLMAuthError
from dailypapers.http import RetryPolicy
from dailypapers.models import (Digest, DigestEntry, Failure, Listing, ListingEntry, Paper, PaperText,
                                Summary, SummaryKey, Usage)
from dailypapers.progress import NoProgress, Progress
from dailypapers.render import markdown
from dailypapers.store import Store
from dailypapers.summarize.backends import Backend, Job, get_backend  # noqa: F401 (re-exported)


def open_store(settings: Settings) -> Store:
    return Store.open(settings.db_path)


# -- fetch ----------------------------------------------------------------------------------------

@dataclass
class FetchReport:
    date: str
    listed: int
    added: int
    updated: int


def make_source(name: str, settings: Settings) -> Any:
    if name == "hf":
        from dailypapers.sources.hf_daily import HFDailySource

        policy = RetryPolicy(retries=settings.retries, max_wait=settings.max_retry_wait)
        return HFDailySource(settings.hf_endpoint, page_size=settings.hf_page_size, policy=policy,
                             timeout=settings.timeout)
    raise ConfigError(f"unknown source {name!r}; known sources: hf")


def fetch(store: Store, settings: Settings, date: str, source: str = "hf") -> FetchReport:
    listing = make_source(source, settings).fetch_day(date)
    added, updated = store.save_listing(listing)
    return FetchReport(date, len(listing.entries), added, updated)


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


def text_for(paper: Paper) -> PaperText:
    """The text a summary reads. Today: the title and abstract."""
    return PaperText(paper.id, "abstract", paper.abstract)


def summary_key(paper: Paper, text: PaperText, lang: str, backend: Backend) -> SummaryKey:
    return SummaryKey(paper.id, paper.version or 0, text.source, lang, backend.model_id,
                      backend.prompt_version)


def summarize(store: Store, settings: Settings, date: str, lang: str, backend: Backend,
              force: bool = False, progress: Progress | None = None,
              concurrency: int | None = None) -> SummarizeReport:
    if backend.languages is not None and lang not in backend.languages:
        raise ConfigError(f"{backend.model_id} writes only {', '.join(sorted(backend.languages))}; "
                          f"use --lang {sorted(backend.languages)[0]} or an LLM (--llm) for --lang {lang}")
    progress = progress or NoProgress()
    report = SummarizeReport(date, lang, backend.model_id)
    entries = store.day(date)
    jobs: list[tuple[Job, SummaryKey]] = []
    for entry in entries:
        text = text_for(entry.paper)
        key = summary_key(entry.paper, text, lang, backend)
        if not force and store.has_summary(key):
            report.skipped += 1
        elif not text.text.strip():
            report.failures.append(Failure(entry.paper.id, "no text to summarize (the paper has no "
                                                           "abstract; run fetch for this day)"))
        else:
            jobs.append((Job(entry.paper, text, lang), key))
    run_id = store.start_run("summarize", {"date": date, "lang": lang, "model": backend.model_id})
    progress.start(f"summarize {date} [{lang}]", len(jobs))
    try:
        _summarize_jobs(store, backend, jobs, report, run_id, progress,
                        concurrency or settings.concurrency, force)
    finally:
        progress.stop()
        for f in report.failures:
            store.record_failure(run_id, f, "summarize")
        outcome = "failed" if report.failures else "ok"
        store.finish_run(run_id, outcome, report.done, report.usage)
    return report


def _summarize_jobs(store: Store, backend: Backend, jobs: list[tuple[Job, SummaryKey]],
                    report: SummarizeReport, run_id: int, progress: Progress, concurrency: int,
                    force: bool) -> None:
    pending: dict[Future[Any], tuple[Job, SummaryKey]] = {}
    queue = list(reversed(jobs))
    stop_reason: str | None = None
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        try:
            while queue or pending:
                while queue and len(pending) < concurrency and stop_reason is None:
                    job, key = queue.pop()
                    pending[pool.submit(backend.summarize, job)] = (job, key)
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    job, key = pending.pop(future)
                    stop_reason = _collect(store, future, job, key, report, run_id, progress, force) \
                        or stop_reason
        except KeyboardInterrupt:
            stop_reason = "interrupted (Ctrl-C)"
            for f in pending:
                f.cancel()
            raise
        finally:
            if stop_reason:
                for job, _ in reversed(queue):
                    report.failures.append(Failure(job.paper.id, f"not attempted: {stop_reason}"))


def _collect(store: Store, future: Future[Any], job: Job, key: SummaryKey, report: SummarizeReport,
             run_id: int, progress: Progress, force: bool) -> str | None:
    """Store one finished summary or record its failure; returns a reason to stop the run."""
    try:
        draft = future.result()
    except LLMAuthError as e:
        report.failures.append(Failure(job.paper.id, str(e)))
        progress.advance(f"{job.paper.id} failed")
        return f"the provider rejected the credentials ({e})"
    except DailyPapersError as e:
        report.failures.append(Failure(job.paper.id, str(e)))
        progress.advance(f"{job.paper.id} failed")
        return None
    except Exception as e:  # a backend plugin's bug must not take the other papers down
        report.failures.append(Failure(job.paper.id, f"{type(e).__name__}: {e}"))
        progress.advance(f"{job.paper.id} failed")
        return None
    store.save_summary(Summary(key, draft.sections, draft.usage), run_id, replace=force)
    report.done += 1
    report.repaired += int(draft.repaired)
    report.usage.add(draft.usage)
    progress.advance(f"{job.paper.id} ok")
    return None


# -- render ---------------------------------------------------------------------------------------

def digest(store: Store, date: str, lang: str, model: str | None = None) -> Digest:
    entries = [DigestEntry(e.paper, e.upvotes, store.latest_summary(e.paper.id, lang, model))
               for e in store.day(date)]
    return Digest(date, lang, entries)


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
        "summaries": {s.key.lang: s.as_dict() for s in summaries},
        "summary_info": {s.key.lang: {"model": s.key.model, "text_source": s.key.text_source,
                                      "prompt_version": s.key.prompt_version, "created_at": s.created_at}
                         for s in summaries},
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
                store.save_summary(Summary(key, p.sections), replace=True)
        days.append((day.date, len(day.papers)))
    return ImportReport(days, lang, parsed.notes)
