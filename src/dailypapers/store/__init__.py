"""The store: the only code that speaks SQL. SQLite by default; PostgreSQL (psycopg 3) for a store
shared by many processes and machines. What differs between the two is in `dialect.py`.

Every write is one transaction, so a crash never leaves half a listing or half a summary.

Owns: the schema, its append-only migrations, and every query. Must not import: another stage
(sources, fulltext, summarize, checks, render, publish), the pipeline.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from dailypapers.errors import StoreError
from dailypapers.models import (
    DayLedger,
    Evidence,
    Failure,
    Figure,
    Finding,
    Listing,
    ListingEntry,
    Paper,
    Section,
    Summary,
    SummaryKey,
    TextSection,
    Usage,
)
from dailypapers.store import dialect
from dailypapers.store.schema import (
    MIGRATIONS,
    WHOLE_DAY,
    day_events,
    failures,
    fetches,
    figures,
    listings,
    papers,
    publications,
    run_day,
    runs,
    schema_migrations,
    summaries,
    texts,
)
from dailypapers.store.work import WorkTables
from dailypapers.text import clean_figure, strip_userinfo, utc_now

_PAPER_META = ("num_comments", "github_repo", "github_stars", "project_page", "ai_keywords",
               "ai_summary", "organization", "updated_at", "categories", "primary_category",
               "affiliations", "comment", "journal_ref", "doi", "pdf_link")


_ARXIV_FIELDS = ("updated_at", "categories", "primary_category", "affiliations", "comment", "journal_ref",
                 "doi", "pdf_link", "published_at")


class Store(WorkTables):
    """`readonly`: the store is read and never written (a home the user cannot write: `list`,
    `render` and `check` still work; a command that writes says the store is read-only)."""

    def __init__(self, url: str, readonly: bool = False, where: str | None = None,
                 connections: int | None = None) -> None:
        """`connections`: how many connections a PostgreSQL store keeps open for reuse (a worker
        keeps one per job in hand, for its summary's lock) [default: dialect.POOL]."""
        self.url = url
        self.readonly = readonly
        self.where = where or _safe_url(url)
        self._path = where  # the file, for a store opened by path (`open`); None for a database URL
        self._begin = "BEGIN"  # "BEGIN IMMEDIATE" while migrating (takes the write lock first)
        try:
            self.engine = dialect.make_engine(url, connections)
            if self.engine.dialect.name == "sqlite":
                sa.event.listen(self.engine, "connect", _sqlite_readonly if readonly else _sqlite_pragmas)
                # pysqlite opens transactions late and commits DDL on its own; take control so
                # that a migration and its version row commit together, or not at all.
                sa.event.listen(self.engine, "begin", lambda conn: conn.exec_driver_sql(self._begin))
            self.migrate()
        except sa.exc.SQLAlchemyError as e:
            message, hint = _database_problem(self.where, e, "open it")
            raise self._error(message, hint=hint) from e

    @classmethod
    def open(cls, path: Path | str, readonly: bool | None = None) -> Store:
        """The SQLite store at `path`, made when it does not exist. Read-only when asked, or when
        the file or its folder cannot be written. A file that is empty or not a SQLite database
        is an error, never replaced by a new store: what it held (the record of what was sent)
        would be lost."""
        if str(path) == ":memory:":
            return cls("sqlite+pysqlite:///:memory:")
        path = Path(path)
        if path.exists() and not path.is_file():
            raise StoreError(f"the store {path} is not a file", path=str(path))
        if path.is_file() and path.stat().st_size > 0:
            return cls._open_file(path, readonly)
        # A new store, or an empty file: decided holding the creation lock, so that a process
        # making the store (its file is empty for a moment) is never taken for a damaged store.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot make the folder of the store {path}: {e.strerror}", path=str(path))
        with _creation_lock(path):
            if path.is_file() and path.stat().st_size == 0:
                raise StoreError(f"the store {path} is empty (0 bytes): it is not a dailypapers database. Restore "
                                 "it from a backup, or move it away to start a new, empty store", path=str(path),
                                 hint="restore it from a backup, or move it away to start a new, empty store")
            return cls._open_file(path, readonly)

    @classmethod
    def _open_file(cls, path: Path, readonly: bool | None) -> Store:
        if readonly is None:
            readonly = path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
        if readonly:
            if not path.exists():
                raise StoreError(f"there is no store at {path}, and its folder cannot be written", path=str(path))
            # immutable: SQLite takes no lock and writes no journal, which a read-only folder forbids
            return cls(f"sqlite+pysqlite:///file:{quote(str(path))}?mode=ro&immutable=1&uri=true",
                       readonly=True, where=str(path))
        return cls(f"sqlite+pysqlite:///{path}", where=str(path))

    def close(self) -> None:
        """Close the database's connections."""
        self.engine.dispose()

    def _error(self, message: str, *, hint: str | None = None, paper_id: str | None = None) -> StoreError:
        """A StoreError about this store, naming its file (or its URL, without a password)."""
        if self._path is not None:
            return StoreError(message, path=self._path, hint=hint, paper_id=paper_id)
        return StoreError(message, url=strip_userinfo(self.where), hint=hint, paper_id=paper_id)

    @contextmanager
    def _tx(self, what: str = "write") -> Iterator[sa.Connection]:
        """One transaction; a database error becomes a StoreError after the rollback."""
        if self.readonly:
            raise self._error(f"could not {what}: the store {self.where} is read-only (its file or folder cannot "
                              "be written by this user)")
        try:
            with self.engine.begin() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as e:
            message, hint = _database_problem(self.where, e, what)
            raise self._error(message + "; nothing of it was stored", hint=hint) from e

    @contextmanager
    def _read(self, what: str = "read") -> Iterator[sa.Connection]:
        """A connection for reading; a database error (a damaged file) becomes a StoreError."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except sa.exc.SQLAlchemyError as e:
            message, hint = _database_problem(self.where, e, what)
            raise self._error(message, hint=hint) from e

    @property
    def is_postgres(self) -> bool:
        """Whether the store is a PostgreSQL database (else SQLite)."""
        return self.engine.dialect.name == "postgresql"

    # -- migrations ---------------------------------------------------------------------------
    def migrate(self) -> None:
        """Apply the migrations the database lacks, each in its own transaction; StoreError for an older
        store opened read-only, and for a store migrated by a newer dailypapers (whose tables this
        version would misread: workers of two versions may share one database)."""
        with self.engine.connect() as conn:
            done = set(conn.scalars(sa.select(schema_migrations.c.version))) \
                if sa.inspect(conn).has_table(schema_migrations.name) else set()
        unknown = sorted(done - {version for version, _, _ in MIGRATIONS})
        if unknown:
            raise self._error(f"the store {self.where} was upgraded by a newer dailypapers (migration "
                              f"{unknown[-1]}, which this version does not know): upgrade dailypapers here too",
                              hint="upgrade dailypapers to the version that upgraded the store")
        if all(version in done for version, _, _ in MIGRATIONS):
            return
        if self.readonly:
            raise self._error(f"the store {self.where} is from an older dailypapers and must be upgraded, which "
                              "a read-only store cannot be: run any command once as a user who can write it",
                              hint="run any command once as a user who can write the store")
        # Processes that open a new home (or database) at once must not apply a migration twice: each
        # one is applied holding the write lock (an advisory lock on PostgreSQL), after looking again
        # at what is done.
        self._begin = "BEGIN IMMEDIATE"
        try:
            for version, name, apply in MIGRATIONS:
                with self._tx() as conn:
                    dialect.lock_migrations(conn)
                    schema_migrations.create(conn, checkfirst=True)
                    if conn.scalar(sa.select(schema_migrations.c.version)
                                   .where(schema_migrations.c.version == version)) is not None:
                        continue
                    apply(conn)
                    conn.execute(schema_migrations.insert().values(version=version, name=name,
                                                                   applied_at=utc_now()))
        finally:
            self._begin = "BEGIN"

    def schema_version(self) -> int:
        """The latest migration applied (0 for none)."""
        with self._read() as conn:
            return conn.scalar(sa.select(sa.func.max(schema_migrations.c.version))) or 0

    # -- papers and listings --------------------------------------------------------------------
    def save_listing(self, listing: Listing) -> tuple[int, int]:
        """Store a fetched listing: upsert papers, update upvotes, append new papers after the
        ones already listed (first positions are kept). Returns (new papers, updated papers)."""
        with self._tx(f"store the {listing.source} listing for {listing.date}") as conn:
            if listing.raw:
                conn.execute(fetches.insert().values(date=listing.date, source=listing.source,
                                                     url=listing.url, fetched_at=utc_now(),
                                                     raw=json.dumps(listing.raw)))
            return self._merge_entries(conn, listing.date, listing.entries)

    def _merge_entries(self, conn: sa.Connection, date: str,
                       entries: Iterable[ListingEntry]) -> tuple[int, int]:
        listed = {r.paper_id: r for r in conn.execute(
            sa.select(listings).where(listings.c.date == date))}
        next_pos = max((r.position for r in listed.values()), default=-1) + 1
        existing = set(listed)  # the papers listed that day, those added here included
        added = updated = 0
        for e in entries:
            self._upsert_paper(conn, e.paper)
            if e.paper.id in existing:
                values: dict[str, Any] = {}
                if e.upvotes is not None:
                    values = {"upvotes": e.upvotes, "upvotes_read_at": e.upvotes_read_at}
                if values:
                    conn.execute(listings.update().where(listings.c.date == date,
                                                         listings.c.paper_id == e.paper.id).values(**values))
                updated += 1
            else:
                conn.execute(listings.insert().values(
                    date=date, paper_id=e.paper.id, source=e.source, position=next_pos,
                    upvotes=e.upvotes, upvotes_read_at=e.upvotes_read_at))
                existing.add(e.paper.id)
                next_pos += 1
                added += 1
        return added, updated

    def _upsert_paper(self, conn: sa.Connection, p: Paper) -> None:
        row = conn.execute(sa.select(papers).where(papers.c.id == p.id)).first()
        values = _paper_row(p)
        if row is None:
            conn.execute(papers.insert().values(id=p.id, **values))
            return
        # A later source that knows less (an import with no thumbnail) must not erase what we had.
        old = _row_paper(row)
        merged = _paper_row(_merge_paper(old, p))
        conn.execute(papers.update().where(papers.c.id == p.id).values(**merged))

    def paper(self, paper_id: str) -> Paper | None:
        """The stored paper with this id (with the figure of its version, when one was found), or None."""
        q = _with_figure(sa.select(papers), papers).where(papers.c.id == paper_id)
        with self._read() as conn:
            row = conn.execute(q).first()
        return _row_paper(row) if row else None

    def day(self, date: str) -> list[ListingEntry]:
        """The day's papers in digest order (each with the figure of its version, when one was found)."""
        q = (_with_figure(sa.select(listings, papers), listings.join(papers, papers.c.id == listings.c.paper_id))
             .where(listings.c.date == date).order_by(listings.c.position))
        with self._read() as conn:
            return [ListingEntry(date=r.date, paper=_row_paper(r), source=r.source, position=r.position,
                                 upvotes=r.upvotes, upvotes_read_at=r.upvotes_read_at)
                    for r in conn.execute(q)]

    def days(self) -> list[tuple[str, int]]:
        """Every day with a listing and how many papers it lists, oldest first."""
        q = (sa.select(listings.c.date, sa.func.count()).group_by(listings.c.date)
             .order_by(listings.c.date))
        with self._read() as conn:
            return [(r[0], r[1]) for r in conn.execute(q)]

    def raw_fetches(self, date: str) -> list[tuple[str, str, list[str]]]:
        """The raw bodies of a day's fetches, oldest first: (source, URL, one body per page)."""
        q = sa.select(fetches).where(fetches.c.date == date).order_by(fetches.c.id)
        with self._read() as conn:
            return [(r.source, r.url, json.loads(r.raw)) for r in conn.execute(q)]

    def save_arxiv_metadata(self, p: Paper) -> None:
        """Add what the arXiv API says (version, categories, comment, ...) to a stored paper,
        keeping its title, authors and Hugging Face fields as the listing gave them."""
        with self._tx() as conn:
            row = conn.execute(sa.select(papers).where(papers.c.id == p.id)).first()
            if row is None:
                conn.execute(papers.insert().values(id=p.id, **_paper_row(p)))
                return
            old = _row_paper(row)
            old.version = p.version or old.version
            for name in _ARXIV_FIELDS:
                value = getattr(p, name)
                if value not in (None, "", []):
                    setattr(old, name, value)
            if not old.abstract:
                old.abstract = p.abstract
            conn.execute(papers.update().where(papers.c.id == p.id).values(**_paper_row(old)))

    # -- full text ----------------------------------------------------------------------------------
    def save_text(self, paper_id: str, version: int, source: str, sections: list[TextSection],
                  figure: Figure | None = None) -> None:
        """Store a paper version's text from one source, replacing any stored before; and, in the same
        transaction, the first figure found in it (replacing the version's figure)."""
        checked = clean_figure(figure.url, figure.caption) if figure else None
        # [title, text, kind] as first stored; the HTML anchor is a fourth element when there is one.
        body = json.dumps([[s.title, s.text, s.kind, *([s.anchor] if s.anchor else [])] for s in sections],
                          ensure_ascii=False)
        with self._tx() as conn:
            conn.execute(texts.delete().where(texts.c.paper_id == paper_id, texts.c.version == version,
                                              texts.c.source == source))
            conn.execute(texts.insert().values(paper_id=paper_id, version=version, source=source,
                                               sections=body, fetched_at=utc_now()))
            if checked is not None:
                conn.execute(figures.delete().where(figures.c.paper_id == paper_id, figures.c.version == version))
                conn.execute(figures.insert().values(paper_id=paper_id, version=version, url=checked.url,
                                                     caption=checked.caption, found_at=utc_now()))

    def text(self, paper_id: str, version: int, source: str) -> list[TextSection] | None:
        """The stored text of a paper version from one source, or None."""
        q = sa.select(texts.c.sections).where(texts.c.paper_id == paper_id, texts.c.version == version,
                                              texts.c.source == source)
        with self._read() as conn:
            body = conn.scalar(q)
        return [TextSection(*row[:4]) for row in json.loads(body)] if body else None

    # -- summaries --------------------------------------------------------------------------------
    def has_summary(self, key: SummaryKey, any_text_source: bool = False) -> bool:
        """Whether this key has a summary; with `any_text_source`, whether any summary of the same
        paper version, language, model and prompt exists, whatever text it read."""
        where = _key_where(key, with_text_source=not any_text_source)
        with self._read() as conn:
            return conn.execute(sa.select(summaries.c.id).where(*where)).first() is not None

    def save_summary(self, summary: Summary, run_id: int | None = None, replace: bool = False) -> None:
        """Write one summary atomically. With `replace`, a summary under the same key is replaced
        (an import of newer text, or --force); otherwise the existing one is kept."""
        if not summary.sections or any(not s.text.strip() for s in summary.sections):
            raise self._error(f"refusing to store an empty summary section for paper {summary.key.paper_id}",
                              paper_id=summary.key.paper_id)
        k = summary.key
        values = dict(paper_id=k.paper_id, version=k.version, text_source=k.text_source, lang=k.lang,
                      model=k.model, prompt_version=k.prompt_version,
                      sections=json.dumps([[s.label, s.text] for s in summary.sections], ensure_ascii=False),
                      prompt_tokens=summary.usage.prompt_tokens,
                      completion_tokens=summary.usage.completion_tokens,
                      requests=summary.usage.requests, run_id=run_id,
                      created_at=summary.created_at or utc_now(),
                      findings=json.dumps([f.as_dict() for f in summary.findings], ensure_ascii=False),
                      attempts=summary.attempts, cost=summary.cost,
                      evidence=json.dumps([e.as_dict() for e in summary.evidence], ensure_ascii=False))
        with self._tx(f"store the summary of {k.paper_id}") as conn:
            found = conn.execute(sa.select(summaries.c.id).where(*_key_where(k))).first()
            if found is None:
                conn.execute(summaries.insert().values(**values))
            elif replace:
                conn.execute(summaries.update().where(summaries.c.id == found.id).values(**values))

    def summaries_for(self, paper_id: str, lang: str | None = None) -> list[Summary]:
        """All summaries of a paper (of one language), newest first."""
        q = sa.select(summaries).where(summaries.c.paper_id == paper_id)
        if lang:
            q = q.where(summaries.c.lang == lang)
        q = q.order_by(summaries.c.created_at.desc(), summaries.c.id.desc())
        with self._read() as conn:
            return [_row_summary(r) for r in conn.execute(q)]

    def latest_summary(self, paper_id: str, lang: str, model: str | None = None) -> Summary | None:
        """The newest summary of a paper in `lang` (by `model`, when given), or None."""
        for s in self.summaries_for(paper_id, lang):
            if model is None or s.key.model == model:
                return s
        return None

    # -- publications -----------------------------------------------------------------------------
    def publication(self, target: str, channel: str, date: str, lang: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """What was sent of a day to a target and channel: part -> (message id, detail)."""
        q = sa.select(publications).where(publications.c.target == target, publications.c.channel == channel,
                                          publications.c.date == date, publications.c.lang == lang)
        with self._read() as conn:
            return {r.part: (r.message_id, json.loads(r.detail)) for r in conn.execute(q)}

    def record_publication(self, target: str, channel: str, date: str, lang: str, part: str,
                           message_id: str = "", detail: dict[str, Any] | None = None) -> None:
        """Record one part as sent (right after the service took it); a part recorded again is updated."""
        values = dict(message_id=message_id, sent_at=utc_now(),
                      detail=json.dumps(detail or {}, ensure_ascii=False))
        where = (publications.c.target == target, publications.c.channel == channel,
                 publications.c.date == date, publications.c.lang == lang, publications.c.part == part)
        with self._tx(f"record what was sent to {target} for {date}") as conn:
            if conn.execute(sa.select(publications.c.id).where(*where)).first() is None:
                conn.execute(publications.insert().values(target=target, channel=channel, date=date, lang=lang,
                                                          part=part, **values))
            else:
                conn.execute(publications.update().where(*where).values(**values))

    def forget_publication(self, target: str, channel: str, date: str, lang: str, keep: tuple[str, ...] = ()) -> int:
        """Forget what was sent of a day to a target and channel (to send it again), but the parts
        named in `keep`; returns the rows."""
        with self._tx(f"forget what was sent to {target} for {date}") as conn:
            return conn.execute(publications.delete().where(
                publications.c.target == target, publications.c.channel == channel,
                publications.c.date == date, publications.c.lang == lang,
                publications.c.part.not_in(keep))).rowcount

    def publications(self, date: str | None = None) -> list[dict[str, Any]]:
        """Every part recorded as sent (of one day, when given), in the order sent."""
        q = sa.select(publications).order_by(publications.c.id)
        if date is not None:
            q = q.where(publications.c.date == date)
        with self._read() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    # -- the days' ledgers ------------------------------------------------------------------------
    def ledgers(self, since: str | None = None, until: str | None = None, langs: Iterable[str] | None = None,
                default_lang: str | None = None) -> list[DayLedger]:
        """What the store knows of each day from `since` to `until` (both included, None: no bound),
        per language, oldest first: the papers listed; those with a summary in the language, by the
        text their newest summary read; the latest failure of each paper that has none; where the
        day went whole (target, channel, when); its runs; and its events. The days are those with a
        listing, a fetch, a run, an event or a publication; the languages of a day are `langs`, else
        the ones it has anything in, else `default_lang`. The warnings are the pipeline's to judge."""
        with self._read("read the days' ledgers") as conn:
            facts = _LedgerFacts(conn, since, until)
        out: list[DayLedger] = []
        for date in sorted(facts.dates):
            day_langs = list(langs) if langs is not None else \
                sorted(facts.langs[date]) or ([default_lang] if default_lang else [])
            out.extend(facts.ledger(date, lang) for lang in day_langs)
        return out

    # -- runs -------------------------------------------------------------------------------------
    def close_abandoned_runs(self) -> int:
        """Mark runs still "running" as "unfinished": called by a run that holds the run lock, so no
        other run is going on, and these were killed. They keep no finish time: what they did is
        counted from what they stored. Returns how many there were. The days of the work queue
        (command "queue") are not runs of this kind: workers finish them, whoever runs meanwhile."""
        with self._tx("mark killed runs as unfinished") as conn:
            return conn.execute(runs.update().where(runs.c.outcome == "running", runs.c.command != "queue")
                                .values(outcome="unfinished")).rowcount

    def start_run(self, command: str, args: dict[str, Any]) -> int:
        """Record a run as started, with its command and arguments (a `date` and `lang` among them
        make it a run of that day and language, in the day's ledger); returns its id."""
        encoded = json.dumps(args, default=str)
        with self._tx() as conn:
            result = conn.execute(runs.insert().values(command=command, args=encoded, started_at=utc_now(),
                                                       outcome="running", **(run_day(encoded) or {})))
            key = result.inserted_primary_key
            assert key is not None  # an INSERT of one row has the key of that row
            return int(key[0])

    def record_failure(self, run_id: int, failure: Failure, stage: str) -> None:
        """Record a paper the run could not do, and why (no password of a URL in it)."""
        with self._tx() as conn:
            conn.execute(failures.insert().values(run_id=run_id, paper_id=failure.paper_id, stage=stage,
                                                  reason=strip_userinfo(failure.reason), at=utc_now(),
                                                  code=failure.code))

    def record_day_event(self, date: str, code: str, detail: str, lang: str | None = None,
                         run_id: int | None = None) -> None:
        """Record what befell a day that is not one paper's failure (`code` of models.REASON_CODES:
        not-listed-yet, arxiv-unreachable, ...); `lang` None: the day in every language."""
        with self._tx(f"record what befell {date}") as conn:
            conn.execute(day_events.insert().values(date=date, lang=lang, code=code, run_id=run_id,
                                                    detail=strip_userinfo(detail), at=utc_now()))

    def finish_run(self, run_id: int, outcome: str, papers_done: int, usage: Usage,
                   cost: float | None = None) -> None:
        """Record how a run ended: its outcome, the papers done and what it spent (cost in US dollars)."""
        with self._tx() as conn:
            conn.execute(runs.update().where(runs.c.id == run_id).values(
                finished_at=utc_now(), outcome=outcome, papers_done=papers_done,
                prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                requests=usage.requests, cost=cost))

    def runs(self) -> list[dict[str, Any]]:
        """Every run, oldest first, with its failures. A run that has not finished (still going,
        or killed) is counted from the summaries it stored so far."""
        with self._read() as conn:
            rows = conn.execute(sa.select(runs).order_by(runs.c.id)).mappings().all()
            fails = conn.execute(sa.select(failures).order_by(failures.c.id)).mappings().all()
            unfinished = [r["id"] for r in rows if r["finished_at"] is None]
            so_far = {t.run_id: t for t in conn.execute(
                sa.select(summaries.c.run_id, sa.func.count().label("papers_done"),
                          sa.func.sum(summaries.c.prompt_tokens).label("prompt_tokens"),
                          sa.func.sum(summaries.c.completion_tokens).label("completion_tokens"),
                          sa.func.sum(summaries.c.requests).label("requests"),
                          sa.func.sum(summaries.c.cost).label("cost"))
                .where(summaries.c.run_id.in_(unfinished)).group_by(summaries.c.run_id))} if unfinished else {}
        out = [dict(r) for r in rows]
        for r in out:
            r["failures"] = [dict(f) for f in fails if f["run_id"] == r["id"]]
            if r["id"] in so_far:
                t = so_far[r["id"]]
                r.update(papers_done=t.papers_done, prompt_tokens=t.prompt_tokens,
                         completion_tokens=t.completion_tokens, requests=t.requests, cost=t.cost)
        return out


class _LedgerFacts:
    """The rows the days' ledgers are made of, read in a few queries, by day (and language)."""

    def __init__(self, conn: sa.Connection, since: str | None, until: str | None) -> None:
        def within(column: Any) -> list[Any]:
            return [c for c in (column >= since if since else None, column <= until if until else None)
                    if c is not None]

        self.listed: dict[str, list[str]] = defaultdict(list)
        for date, paper_id in conn.execute(sa.select(listings.c.date, listings.c.paper_id)
                                           .where(*within(listings.c.date)).order_by(listings.c.position)):
            self.listed[date].append(paper_id)
        fetched = set(conn.scalars(sa.select(fetches.c.date).where(*within(fetches.c.date)).distinct()))
        self.read: dict[tuple[str, str, str], str] = {}  # (date, lang, paper) -> text of its newest summary
        for date, lang, paper_id, source in conn.execute(
                sa.select(listings.c.date, summaries.c.lang, summaries.c.paper_id, summaries.c.text_source)
                .join(summaries, summaries.c.paper_id == listings.c.paper_id).where(*within(listings.c.date))
                .order_by(summaries.c.created_at, summaries.c.id)):
            self.read[(date, lang, paper_id)] = source  # the newest comes last
        self.failed: dict[tuple[str, str, str], Failure] = {}  # (date, lang, paper) -> its latest failure
        for date, lang, paper_id, reason, code in conn.execute(
                sa.select(runs.c.date, runs.c.lang, failures.c.paper_id, failures.c.reason, failures.c.code)
                .join(runs, runs.c.id == failures.c.run_id)
                .where(runs.c.date.is_not(None), failures.c.paper_id.is_not(None), *within(runs.c.date))
                .order_by(failures.c.id)):
            self.failed[(date, lang, paper_id)] = Failure(paper_id, reason, code)
        self.runs: dict[tuple[str, str], int] = {(d, lang): n for d, lang, n in conn.execute(
            sa.select(runs.c.date, runs.c.lang, sa.func.count()).where(runs.c.date.is_not(None), *within(runs.c.date))
            .group_by(runs.c.date, runs.c.lang))}
        self.published: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
        for date, lang, target, channel, sent_at in conn.execute(
                sa.select(publications.c.date, publications.c.lang, publications.c.target, publications.c.channel,
                          publications.c.sent_at)
                .where(publications.c.part == WHOLE_DAY, *within(publications.c.date)).order_by(publications.c.id)):
            self.published[(date, lang)].append((target, channel, sent_at))
        self.events: dict[tuple[str, str | None], list[tuple[str, str, str]]] = defaultdict(list)
        for date, lang, code, detail, at in conn.execute(
                sa.select(day_events.c.date, day_events.c.lang, day_events.c.code, day_events.c.detail,
                          day_events.c.at).where(*within(day_events.c.date)).order_by(day_events.c.id)):
            self.events[(date, lang)].append((code, detail, at))
        self.langs: dict[str, set[str]] = defaultdict(set)  # date -> the languages it has anything in
        for keys in (self.read, self.failed, self.runs, self.published, self.events):
            for date, lang, *_ in keys:
                if lang is not None:
                    self.langs[date].add(lang)
        self.dates = set(self.listed) | fetched | {key[0] for keys in (self.runs, self.published, self.events)
                                                   for key in keys}

    def ledger(self, date: str, lang: str) -> DayLedger:
        """The ledger of one day in one language, its warnings left to the pipeline."""
        listed = list(dict.fromkeys(self.listed.get(date, [])))
        read = Counter(self.read[(date, lang, p)] for p in listed if (date, lang, p) in self.read)
        failed = [self.failed[(date, lang, p)] for p in listed
                  if (date, lang, p) in self.failed and (date, lang, p) not in self.read]
        events = sorted(self.events.get((date, None), []) + self.events.get((date, lang), []), key=lambda e: e[2])
        return DayLedger(date, lang, listed=len(listed), summarized=sum(read.values()), read=dict(read),
                         failed=failed, published=list(self.published.get((date, lang), [])),
                         runs=self.runs.get((date, lang), 0), events=events)


def _database_problem(where: str, e: sa.exc.SQLAlchemyError, what: str) -> tuple[str, str | None]:
    """What went wrong with the database, for a person: the file, the error, and what to do; and
    what to do alone, as the error's hint (None when there is nothing to do)."""
    detail = str(getattr(e, "orig", e))
    advice = hint = ""
    if "not a database" in detail or "malformed" in detail or "corrupt" in detail:
        hint = ("restore it from a backup (sqlite3 FILE '.recover' may save part of it), or move it away to "
                "start a new store")
        advice = " — the file is damaged: " + hint
    elif "readonly" in detail or "read-only" in detail:
        advice = " — the store cannot be written by this user"
    elif "disk" in detail and "full" in detail or "No space" in detail:
        hint = "free some space and run again"
        advice = " — the disk is full: " + hint
    return f"could not {what} in the store {where}: {detail}{advice}", hint or None


def _sqlite_readonly(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.close()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _safe_url(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparseable database URL>"


def _key_where(k: SummaryKey, with_text_source: bool = True) -> list[Any]:
    where = [summaries.c.paper_id == k.paper_id, summaries.c.version == k.version,
             summaries.c.lang == k.lang, summaries.c.model == k.model,
             summaries.c.prompt_version == k.prompt_version]
    return where + [summaries.c.text_source == k.text_source] if with_text_source else where


def _paper_row(p: Paper) -> dict[str, Any]:
    meta = {k: getattr(p, k) for k in _PAPER_META if getattr(p, k) not in (None, [])}
    return dict(version=p.version, title=p.title, authors=json.dumps(p.authors, ensure_ascii=False),
                abstract=p.abstract, published_at=p.published_at, thumbnail=p.thumbnail,
                media_urls=json.dumps(p.media_urls), meta=json.dumps(meta, ensure_ascii=False),
                updated_at=utc_now())


def _with_figure(q: sa.Select[Any], joined: Any) -> sa.Select[Any]:
    """`q` over `joined` (papers, or a join with it) with the figure of each paper's version, if any."""
    on = sa.and_(figures.c.paper_id == papers.c.id, figures.c.version == papers.c.version)
    return (q.add_columns(figures.c.url.label("figure_url"), figures.c.caption.label("figure_caption"))
            .select_from(joined.outerjoin(figures, on)))


def _row_paper(r: Any) -> Paper:
    meta = json.loads(r.meta)
    figure = clean_figure(getattr(r, "figure_url", None), getattr(r, "figure_caption", None))
    return Paper(id=r.id, title=r.title, authors=json.loads(r.authors), abstract=r.abstract,
                 version=r.version, published_at=r.published_at, thumbnail=r.thumbnail,
                 media_urls=json.loads(r.media_urls), **{k: meta[k] for k in _PAPER_META if k in meta},
                 figure_url=figure.url if figure else None, figure_caption=figure.caption if figure else None)


def _merge_paper(old: Paper, new: Paper) -> Paper:
    merged = Paper(id=old.id, title=new.title or old.title)
    for name in Paper.__dataclass_fields__:
        if name in ("id", "title"):
            continue
        value = getattr(new, name)
        setattr(merged, name, value if value not in (None, "", []) else getattr(old, name))
    return merged


def _row_summary(r: Any) -> Summary:
    return Summary(key=SummaryKey(r.paper_id, r.version, r.text_source, r.lang, r.model, r.prompt_version),
                   sections=[Section(label, text) for label, text in json.loads(r.sections)],
                   usage=Usage(r.prompt_tokens, r.completion_tokens, r.requests), created_at=r.created_at,
                   findings=[Finding(**f) for f in json.loads(r.findings)], attempts=r.attempts, cost=r.cost,
                   evidence=[Evidence(**e) for e in json.loads(r.evidence)])


@contextmanager
def _creation_lock(path: Path) -> Iterator[None]:
    """Held while a store file is made and migrated (or found empty): one process at a time.
    Without a writable folder there is no lock to take, and nothing could be made anyway."""
    import fcntl

    try:
        fd = os.open(path.with_name(f".{path.name}.create.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
