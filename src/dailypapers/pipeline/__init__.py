"""The use cases: the only place that wires the stages together (sources → store → fulltext →
summarize → checks → render → publish). Each module is one use case; this package re-exports
their public API, so callers write `from dailypapers import pipeline` and `pipeline.run_days(...)`.

    wiring     the store, and the plugins built from the settings through their registries
    fetch      a day's listing into the store
    texts      the text each summary reads (stored, HTML, PDF, abstract), within the budget
    summarize  a day's summaries: workers, checks, repair, the budget, Ctrl-C
    review     check, eval, stats: looking back at what is stored
    ledger     what happened to a day in a language, and its warnings ("why did nothing arrive?")
    output     digests from the store, rendered; import of a digest file
    deliver    the site, e-mail and chat, each target on its own
    day        run_days, summarize_days, publish_day: the workflow, under the run lock
    queue      the same work as jobs of a task queue in a PostgreSQL store, for many workers
    migrate    a store copied into another (SQLite and PostgreSQL), verified
    events     what the workflow reports as it goes
    doctor     does each configured service answer? One small request to each, and what to fix

Owns: the order of the steps and their rules (the lock, the step back to yesterday, a backfill
sends no mail). Must not import: `cli`. Reports through events, never by printing.
"""

from dailypapers.pipeline.day import DayRun, RunReport, digest_path, publish_day, run_days, summarize_days
from dailypapers.pipeline.deliver import (
                                          ALERT,
                                          PUBLISHED,
                                          PublishReport,
                                          StoreJournal,
                                          alert,
                                          alert_publishers,
                                          build_site,
                                          deliver,
                                          describe,
                                          is_archive,
                                          publish,
)
from dailypapers.pipeline.doctor import ServiceCheck, doctor
from dailypapers.pipeline.events import (
                                          Alerted,
                                          Collect,
                                          EmptyDay,
                                          Fetched,
                                          Published,
                                          Queued,
                                          Reporter,
                                          SiteBuilt,
                                          SteppedBack,
                                          Summarized,
                                          TargetFailed,
                                          Waiting,
                                          Warned,
                                          Written,
)
from dailypapers.pipeline.fetch import FetchReport, fetch
from dailypapers.pipeline.ledger import (
                                          FAILED_SHARE,
                                          alert_targets,
                                          alert_text,
                                          day_ledger,
                                          day_ledgers,
                                          ledger_json,
                                          warn,
                                          warnings,
)
from dailypapers.pipeline.migrate import MigrateReport, migrate_store
from dailypapers.pipeline.output import (
                                          ImportReport,
                                          digest,
                                          digest_json,
                                          feed_digests,
                                          import_digest,
                                          list_json,
                                          newest_summary,
                                          render,
                                          site_days,
                                          write_atomic,
)
from dailypapers.pipeline.queue import QueueReport, enqueue, queue_status, run_worker
from dailypapers.pipeline.review import (
                                          CheckRow,
                                          EvalReport,
                                          check_day,
                                          evaluate_digest,
                                          source_sections,
                                          source_text,
                                          stats,
)
from dailypapers.pipeline.summarize import (
                                          ANSWER_TOKENS,
                                          SummarizeReport,
                                          check_style,
                                          evidence_for,
                                          group_failures,
                                          quality_checker,
                                          summarize,
                                          summary_key,
)
from dailypapers.pipeline.texts import MIN_TEXT_TOKENS, TextReader, paper_text
from dailypapers.pipeline.wiring import (
                                          arxiv_client,
                                          arxiv_gate,
                                          check_targets,
                                          get_backend,
                                          make_source,
                                          open_store,
                                          publish_targets,
                                          publisher,
                                          run_budget,
                                          run_targets,
)

__all__ = [
    "ALERT", "ANSWER_TOKENS", "FAILED_SHARE", "MIN_TEXT_TOKENS", "PUBLISHED", "Alerted", "CheckRow", "Collect",
    "DayRun", "EmptyDay", "EvalReport", "FetchReport", "Fetched", "ImportReport", "MigrateReport", "PublishReport",
    "Published", "QueueReport", "Queued", "Reporter", "RunReport", "ServiceCheck", "SiteBuilt", "SteppedBack",
    "StoreJournal", "SummarizeReport", "Summarized", "TargetFailed", "TextReader", "Waiting", "Warned", "Written",
    "alert", "alert_publishers", "alert_targets", "alert_text", "arxiv_client", "arxiv_gate", "build_site",
    "check_day", "check_style", "check_targets", "day_ledger", "day_ledgers", "deliver", "describe", "digest",
    "digest_json", "digest_path", "doctor", "enqueue", "evaluate_digest", "evidence_for", "feed_digests", "fetch",
    "get_backend", "group_failures", "import_digest", "is_archive", "ledger_json", "list_json", "make_source",
    "migrate_store", "newest_summary", "open_store", "paper_text", "publish", "publish_day", "publish_targets",
    "publisher", "quality_checker", "queue_status", "render", "run_budget", "run_days", "run_targets", "run_worker",
    "site_days", "source_sections", "source_text", "stats", "summarize", "summarize_days", "summary_key", "warn",
    "warnings", "write_atomic",
]
