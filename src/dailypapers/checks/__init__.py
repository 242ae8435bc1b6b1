"""Quality checks: pure functions from (summary sections, source text, language) to findings.

Each rule lives in its own module and returns a list of Finding. A hard finding means the
summary must not be published (wrong language, missing section, obeyed injection, ...); a soft
one is published and kept with the summary (a figure or a term not found in the source, ...).

Owns: every rule a summary is judged by, the evidence of its claims, and the comparison with a
reference digest (`compare`). Must not import: another stage (sources, fulltext, summarize,
render, publish), the store, the pipeline, http: the checks are pure.
"""

from __future__ import annotations

from dailypapers.models import HARD, SOFT, Finding

__all__ = ["HARD", "SOFT", "Finding"]


# The entry point, after Finding (the rules import it from here).
from dailypapers.checks.run import RULES, check_summary, hard_reasons, has_hard

__all__ = ["HARD", "RULES", "SOFT", "Finding", "check_summary", "hard_reasons", "has_hard"]
