"""The use cases: the only place that wires the stages together (sources → store → fulltext →
summarize → checks → render → publish). Each module is one use case; this package re-exports
their public API, so callers write `from dailypapers import pipeline` and `pipeline.run_days(...)`.

    wiring     the store, and the plugins built from the settings through their registries
    fetch      a day's listing into the store
    texts      the text each summary reads (stored, HTML, PDF, abstract), within the budget
    summarize  a day's summaries: workers, checks, repair, the budget, Ctrl-C
    review     check, eval, stats: looking back at what is stored
    output     digests from the store, rendered; import of a digest file
    deliver    the site, e-mail and chat, each target on its own
    day        run_days, summarize_days, publish_day: the workflow, under the run lock
    events     what the workflow reports as it goes

Owns: the order of the steps and their rules (the lock, the step back to yesterday, a backfill
sends no mail). Must not import: `cli`. Reports through events, never by printing.
"""

from dailypapers.pipeline.day import DayRun, RunReport, digest_path, publish_day, run_days, summarize_days
from dailypapers.pipeline.deliver import (
                                          PUBLISHED,
                                          PublishReport,
                                          StoreJournal,
                                          build_site,
                                          deliver,
                                          describe,
                                          is_archive,
                                          publish,
)
from dailypapers.pipeline.events import (
                                          Collect,
                                          Fetched,
                                          Published,
                                          Reporter,
                                          SiteBuilt,
                                          SteppedBack,
                                          Summarized,
                                          TargetFailed,
                                          Waiting,
                                          Written,
)
from dailypapers.pipeline.fetch import FetchReport, fetch
from dailypapers.pipeline.output import (
                                          ImportReport,
                                          digest,
                                          digest_json,
                                          feed_digests,
                                          import_digest,
                                          list_json,
                                          render,
                                          site_days,
                                          write_atomic,
)
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
    "ANSWER_TOKENS", "MIN_TEXT_TOKENS", "PUBLISHED", "CheckRow", "Collect", "DayRun", "EvalReport", "FetchReport",
    "Fetched", "ImportReport", "PublishReport", "Published", "Reporter", "RunReport", "SiteBuilt", "SteppedBack",
    "StoreJournal", "SummarizeReport", "Summarized", "TargetFailed", "TextReader", "Waiting", "Written",
    "arxiv_client", "arxiv_gate", "build_site", "check_day", "check_targets", "deliver", "describe", "digest",
    "digest_json", "digest_path", "evaluate_digest", "evidence_for", "feed_digests", "fetch", "get_backend",
    "group_failures",
    "import_digest", "is_archive", "list_json", "make_source", "open_store", "paper_text", "publish",
    "publish_day", "publish_targets", "publisher", "quality_checker", "render", "run_budget", "run_days",
    "run_targets", "site_days", "source_sections", "source_text", "stats", "summarize", "summarize_days",
    "summary_key", "write_atomic",
]
