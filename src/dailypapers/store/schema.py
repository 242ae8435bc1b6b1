"""Tables, and the migrations that create them. Migrations are append-only: never edit one that
has shipped; add the next number. Each runs in its own transaction with its version row.
A column added by a later migration is declared on its table with info={"since": N}, so that
migration 1 still creates the table as it first shipped."""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations", metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

papers = sa.Table(
    "papers", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("authors", sa.Text, nullable=False),  # JSON list of names, in the source's order
    sa.Column("abstract", sa.Text, nullable=False, default=""),
    sa.Column("published_at", sa.String(40)),
    sa.Column("thumbnail", sa.Text),
    sa.Column("media_urls", sa.Text, nullable=False, default="[]"),
    sa.Column("meta", sa.Text, nullable=False, default="{}"),  # HF extras: comments, repo, stars, ...
    sa.Column("updated_at", sa.String(40), nullable=False),
)

fetches = sa.Table(
    "fetches", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("date", sa.String(10), nullable=False, index=True),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("fetched_at", sa.String(40), nullable=False),
    sa.Column("raw", sa.Text, nullable=False),  # JSON list of raw bodies, one per page
)

listings = sa.Table(
    "listings", metadata,
    sa.Column("date", sa.String(10), primary_key=True),
    sa.Column("paper_id", sa.String(64), sa.ForeignKey("papers.id"), primary_key=True),
    sa.Column("source", sa.String(40), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("upvotes", sa.Integer),
    sa.Column("upvotes_read_at", sa.String(40)),
)

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("command", sa.String(40), nullable=False),
    sa.Column("args", sa.Text, nullable=False, default="{}"),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40)),
    sa.Column("outcome", sa.String(20), nullable=False, default="running"),
    sa.Column("papers_done", sa.Integer, nullable=False, default=0),
    sa.Column("prompt_tokens", sa.Integer, nullable=False, default=0),
    sa.Column("completion_tokens", sa.Integer, nullable=False, default=0),
    sa.Column("requests", sa.Integer, nullable=False, default=0),
    sa.Column("cost", sa.Float, info={"since": 5}),
    # The day and language a run worked on (from its args), for the day's ledger; None for others.
    sa.Column("date", sa.String(10), info={"since": 8}),
    sa.Column("lang", sa.String(16), info={"since": 8}),
)

failures = sa.Table(
    "failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
    sa.Column("paper_id", sa.String(64)),
    sa.Column("stage", sa.String(40), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("code", sa.String(40), nullable=False, default="error", info={"since": 8}),  # models.REASON_CODES
)

summaries = sa.Table(
    "summaries", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("paper_id", sa.String(64), sa.ForeignKey("papers.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("text_source", sa.String(40), nullable=False),
    sa.Column("lang", sa.String(16), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("prompt_version", sa.String(40), nullable=False),
    sa.Column("sections", sa.Text, nullable=False),  # JSON list of [label or null, text]
    sa.Column("prompt_tokens", sa.Integer, nullable=False, default=0),
    sa.Column("completion_tokens", sa.Integer, nullable=False, default=0),
    sa.Column("requests", sa.Integer, nullable=False, default=0),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("findings", sa.Text, nullable=False, default="[]", info={"since": 3}),
    sa.Column("attempts", sa.Integer, nullable=False, default=1, info={"since": 3}),
    sa.Column("cost", sa.Float, info={"since": 5}),  # US dollars, when the model's price is known
    # JSON list of models.Evidence: where each figure, name and term of the summary stands in the paper
    sa.Column("evidence", sa.Text, nullable=False, default="[]", info={"since": 6}),
    sa.UniqueConstraint("paper_id", "version", "text_source", "lang", "model", "prompt_version",
                        name="uq_summary_key"),
)
sa.Index("ix_summaries_paper_lang", summaries.c.paper_id, summaries.c.lang)


texts = sa.Table(
    "texts", metadata,
    sa.Column("paper_id", sa.String(64), sa.ForeignKey("papers.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("source", sa.String(40), primary_key=True),  # html or pdf; the abstract is in papers
    sa.Column("sections", sa.Text, nullable=False),  # JSON list of [title, text, kind]
    sa.Column("fetched_at", sa.String(40), nullable=False),
)

# The first figure of a paper version's arXiv HTML, found when the HTML was read (migration 9): the
# site shows it where Hugging Face has no thumbnail. The URL and caption were checked
# (text.clean_figure) before they were stored, and are again when they are read.
figures = sa.Table(
    "figures", metadata,
    sa.Column("paper_id", sa.String(64), sa.ForeignKey("papers.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("caption", sa.Text, nullable=False, default=""),
    sa.Column("found_at", sa.String(40), nullable=False),
)

WHOLE_DAY = "*"  # the part of `publications` recorded once a whole day was sent to a target and channel

# What `publish` sent: one row per part of a day (an e-mail is one part, "message"; a chat day is a
# head message "day#0" and parts per paper "2502.00101#0"), and the part "*" once the whole day is
# sent. A part is recorded only after the service took it, so a retry sends only what is missing.
publications = sa.Table(
    "publications", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("target", sa.String(40), nullable=False),  # email, slack, discord, telegram
    sa.Column("channel", sa.Text, nullable=False),  # the mailing list or chat channel (never a secret)
    sa.Column("date", sa.String(10), nullable=False),
    sa.Column("lang", sa.String(16), nullable=False),
    sa.Column("part", sa.String(200), nullable=False),
    sa.Column("message_id", sa.Text, nullable=False, default=""),  # as the service gave it, or ""
    sa.Column("sent_at", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, default="{}"),  # JSON
    sa.UniqueConstraint("target", "channel", "date", "lang", "part", name="uq_publication"),
)


# What befell a day that is not one paper's failure (the step back of a day with nothing listed yet,
# arXiv out of reach, a listing that could not be read): one row each time, for the day's ledger.
day_events = sa.Table(
    "day_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("date", sa.String(10), nullable=False, index=True),
    sa.Column("lang", sa.String(16)),  # None: the day in every language (a listing has no language)
    sa.Column("code", sa.String(40), nullable=False),  # models.REASON_CODES
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
    sa.Column("at", sa.String(40), nullable=False),
)


# -- shared by the processes of a PostgreSQL store (migration 10) ------------------------------------
# Tables marked info={"copy": False} hold state of the moment (gates, the work queue's progress), not
# the record: `migrate-store` leaves them behind.

# A gate that paces requests for every process and machine sharing the store (arXiv's one request every
# few seconds): its row is locked while a request goes through, and says when the next may go.
gates = sa.Table(
    "gates", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("next_at", sa.Float, nullable=False, default=0.0),  # the database's clock, seconds since the epoch
    info={"copy": False},
)

# The requests (and their tokens) that went through a rate gate (an LLM's requests and tokens per
# minute) within its window; older rows are deleted as the window moves on.
gate_log = sa.Table(
    "gate_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, index=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("tokens", sa.Integer, nullable=False, default=0),
    info={"copy": False},
)

# The days the work queue was given (`run --queue`): one per day, language and model of a batch (one
# `run --queue`, all its days), with the run's flags; the papers each day's job found to summarize,
# and what became of them. The day is finished (digest, deliveries) once none of its papers is to do.
work_days = sa.Table(
    "work_days", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("batch", sa.String(40), nullable=False, index=True),
    sa.Column("date", sa.String(10), nullable=False),  # as asked for
    sa.Column("lang", sa.String(16), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("options", sa.Text, nullable=False, default="{}"),  # JSON: the run's flags
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id")),
    sa.Column("listed", sa.String(10)),  # the day listed (the day before, after a step back), once fetched
    sa.Column("papers", sa.Integer),  # papers given to the queue, once fetched
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40)),
    info={"copy": False},
)

work_papers = sa.Table(
    "work_papers", metadata,
    sa.Column("day_id", sa.Integer, sa.ForeignKey("work_days.id"), primary_key=True),
    sa.Column("paper_id", sa.String(64), primary_key=True),
    sa.Column("state", sa.String(10), nullable=False, default="todo"),  # todo, done, failed
    sa.Column("updated_at", sa.String(40), nullable=False),
    info={"copy": False},
)


def _as_first_shipped(table: sa.Table) -> sa.Table:
    """The table as migration 1 created it: without the columns later migrations add."""
    if not any(c.info.get("since", 1) > 1 for c in table.columns):
        return table
    md = sa.MetaData()
    for other in (papers, runs):  # what its foreign keys point at
        if other is not table:
            other.to_metadata(md)
    copy = table.to_metadata(md)
    for column in [c for c in copy.columns if c.info.get("since", 1) > 1]:
        copy._columns.remove(column)
    return copy


def _m1_initial(conn: sa.Connection) -> None:
    for table in (papers, fetches, listings, runs, failures, summaries):
        _as_first_shipped(table).create(conn)


def _m2_texts(conn: sa.Connection) -> None:
    texts.create(conn)


def _m3_findings(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE summaries ADD COLUMN findings TEXT NOT NULL DEFAULT '[]'"))
    conn.execute(sa.text("ALTER TABLE summaries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1"))


def _m4_publications(conn: sa.Connection) -> None:
    publications.create(conn)


def _m5_cost(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE summaries ADD COLUMN cost FLOAT"))
    conn.execute(sa.text("ALTER TABLE runs ADD COLUMN cost FLOAT"))


def _m6_evidence(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE summaries ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]'"))


def _m8_ledger(conn: sa.Connection) -> None:
    conn.execute(sa.text("ALTER TABLE failures ADD COLUMN code VARCHAR(40) NOT NULL DEFAULT 'error'"))
    conn.execute(sa.text("ALTER TABLE runs ADD COLUMN date VARCHAR(10)"))
    conn.execute(sa.text("ALTER TABLE runs ADD COLUMN lang VARCHAR(16)"))
    conn.execute(sa.text("CREATE INDEX ix_runs_date_lang ON runs (date, lang)"))
    # Earlier runs kept their day and language only in their JSON args: copy them out.
    rows = [{"id": run_id, **day} for run_id, args in conn.execute(sa.text("SELECT id, args FROM runs"))
            if (day := run_day(args)) is not None]
    if rows:
        conn.execute(sa.text("UPDATE runs SET date = :date, lang = :lang WHERE id = :id"), rows)
    day_events.create(conn)


def _m10_shared(conn: sa.Connection) -> None:
    for table in (gates, gate_log, work_days, work_papers):
        table.create(conn)


def run_day(args: str | None) -> dict[str, str] | None:
    """The day and language in a run's JSON args ({"date": ..., "lang": ...}), or None without both."""
    try:
        value = json.loads(args or "{}")
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    date, lang = value.get("date"), value.get("lang")
    if not (isinstance(date, str) and isinstance(lang, str)):
        return None
    return {"date": date[:10], "lang": lang[:16]}


def _m9_figures(conn: sa.Connection) -> None:
    figures.create(conn)


# Numbers are never reused, and a gap is harmless: `Store.migrate` applies each listed version the
# database lacks, in order (7 is unused: the figures table was numbered 7 on another branch while 8
# shipped, and came in after it as 9; 10 was numbered while 9 was on its way in).
MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "initial tables: papers, fetches, listings, runs, failures, summaries", _m1_initial),
    (2, "texts: full text of papers by version and source", _m2_texts),
    (3, "summaries: quality findings and attempts", _m3_findings),
    (4, "publications: what was e-mailed and posted, part by part", _m4_publications),
    (5, "cost of summaries and runs", _m5_cost),
    (6, "summaries: the evidence of their claims in the paper", _m6_evidence),
    (8, "the day's ledger: failure codes, the day and language of runs, day events", _m8_ledger),
    (9, "figures: the first figure of a paper version's arXiv HTML", _m9_figures),
    (10, "shared by workers: gates, rate limits, the work queue's days and papers", _m10_shared),
]
