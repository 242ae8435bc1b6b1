"""The work queue's own record, next to the queue (procrastinate's tables, in the same database):
which days a `run --queue` gave it, which papers each day's job found to summarize, and what
became of each. A day is finished (its digest written, delivered) once none of its papers is
left to do; the worker that settles the last paper of a day is the one that sees that, because
settling takes the day's row lock (`settle_paper`)."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from dailypapers.models import Usage
from dailypapers.store.schema import summaries, work_days, work_papers
from dailypapers.text import utc_now

STATES = ("todo", "done", "failed")


@dataclass(frozen=True)
class WorkDay:
    """A day given to the queue: `date` as asked, `listed` the day fetched (after a step back),
    `papers` None until its job has listed them; `options` the run's flags."""

    id: int
    batch: str
    date: str
    lang: str
    model: str
    options: dict[str, Any]
    run_id: int | None
    listed: str | None
    papers: int | None
    created_at: str
    finished_at: str | None


def _day(row: Any) -> WorkDay:
    return WorkDay(row.id, row.batch, row.date, row.lang, row.model, json.loads(row.options), row.run_id,
                   row.listed, row.papers, row.created_at, row.finished_at)


class WorkTables:
    """The work queue's queries, a part of `Store`."""

    if TYPE_CHECKING:
        def _tx(self, what: str = "write") -> AbstractContextManager[sa.Connection]: ...
        def _read(self, what: str = "read") -> AbstractContextManager[sa.Connection]: ...

    def queue_day(self, batch: str, date: str, lang: str, model: str, options: dict[str, Any]) -> int:
        """Record a day given to the queue; returns its id."""
        with self._tx(f"queue {date}") as conn:
            key = conn.execute(work_days.insert().values(
                batch=batch, date=date, lang=lang, model=model, options=json.dumps(options, sort_keys=True),
                created_at=utc_now())).inserted_primary_key
            assert key is not None  # an INSERT of one row has the key of that row
            return int(key[0])

    def work_day(self, day_id: int) -> WorkDay | None:
        """A day given to the queue, or None."""
        with self._read() as conn:
            row = conn.execute(sa.select(work_days).where(work_days.c.id == day_id)).first()
        return _day(row) if row else None

    def batch_days(self, batch: str) -> list[WorkDay]:
        """The days of one `run --queue`, in the order given."""
        with self._read() as conn:
            return [_day(r) for r in conn.execute(sa.select(work_days).where(work_days.c.batch == batch)
                                                  .order_by(work_days.c.id))]

    def list_day_papers(self, day_id: int, listed: str, run_id: int, paper_ids: list[str]) -> None:
        """Record what a day's job found: the day listed, its run, and the papers to summarize (each
        to do; one recorded before, by a job that was retried, keeps its state)."""
        with self._tx(f"queue the papers of {listed}") as conn:
            known = set(conn.scalars(sa.select(work_papers.c.paper_id).where(work_papers.c.day_id == day_id)))
            new = [{"day_id": day_id, "paper_id": p, "state": "todo", "updated_at": utc_now()}
                   for p in dict.fromkeys(paper_ids) if p not in known]
            if new:
                conn.execute(work_papers.insert(), new)
            conn.execute(work_days.update().where(work_days.c.id == day_id)
                         .values(listed=listed, run_id=run_id, papers=len(known) + len(new)))

    def papers_to_do(self, day_id: int) -> list[str]:
        """The papers of a day that are still to do."""
        with self._read() as conn:
            return list(conn.scalars(sa.select(work_papers.c.paper_id).where(
                work_papers.c.day_id == day_id, work_papers.c.state == "todo").order_by(work_papers.c.paper_id)))

    def settle_paper(self, day_id: int, paper_id: str, state: str) -> int:
        """Record what became of a paper (done, failed; a paper settled before keeps its state) and
        return how many of its day's papers are left to do. The day's row is locked first, so that
        of two workers settling the last two papers at once, exactly one is told 0."""
        assert state in STATES[1:]
        with self._tx(f"record paper {paper_id}") as conn:
            conn.execute(work_days.update().where(work_days.c.id == day_id).values(id=work_days.c.id))
            conn.execute(work_papers.update().where(
                work_papers.c.day_id == day_id, work_papers.c.paper_id == paper_id, work_papers.c.state == "todo")
                .values(state=state, updated_at=utc_now()))
            return int(conn.scalar(sa.select(sa.func.count()).select_from(work_papers).where(
                work_papers.c.day_id == day_id, work_papers.c.state == "todo")) or 0)

    def finish_work_day(self, day_id: int) -> bool:
        """Mark a day finished; False when it was already."""
        with self._tx("record a finished day") as conn:
            return bool(conn.execute(work_days.update().where(work_days.c.id == day_id,
                                                              work_days.c.finished_at.is_(None))
                                     .values(finished_at=utc_now())).rowcount)

    def run_totals(self, run_id: int) -> tuple[int, Usage, float | None]:
        """What a run stored: its summaries, their tokens and requests, their cost (None if unknown)."""
        with self._read() as conn:
            n, prompt, completion, requests, cost = conn.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(summaries.c.prompt_tokens), 0),
                          sa.func.coalesce(sa.func.sum(summaries.c.completion_tokens), 0),
                          sa.func.coalesce(sa.func.sum(summaries.c.requests), 0), sa.func.sum(summaries.c.cost))
                .where(summaries.c.run_id == run_id)).one()
        return int(n), Usage(int(prompt), int(completion), int(requests)), None if cost is None else float(cost)

    def work_progress(self, limit: int = 30) -> list[dict[str, Any]]:
        """The latest days given to the queue (newest first), each with its papers by state."""
        with self._read() as conn:
            days = list(conn.execute(sa.select(work_days).order_by(work_days.c.id.desc()).limit(limit)))
            counts: dict[tuple[int, str], int] = {(d, s): n for d, s, n in conn.execute(
                sa.select(work_papers.c.day_id, work_papers.c.state, sa.func.count())
                .where(work_papers.c.day_id.in_([d.id for d in days])).group_by(work_papers.c.day_id,
                                                                                work_papers.c.state))}
        return [{"id": d.id, "batch": d.batch, "date": d.date, "listed": d.listed, "lang": d.lang,
                 "model": d.model, "papers": d.papers, **{s: counts.get((d.id, s), 0) for s in STATES},
                 "queued_at": d.created_at, "finished_at": d.finished_at} for d in days]

    def live_workers(self, lease: float) -> int:
        """How many workers of the queue gave a sign of life within `lease` seconds (procrastinate's
        heartbeats, in its table of workers)."""
        with self._read() as conn:
            return int(conn.scalar(sa.text("SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > "
                                           "now() - make_interval(secs => :lease)"), {"lease": lease}) or 0)

