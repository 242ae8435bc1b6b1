"""Use case: the ledger of a day in a language, the answer to "why did nothing arrive today?": how
many papers were listed, summarized (and from which text), failed (and why, by reason code), where
the day was published, what befell it (a step back, arXiv out of reach), and its warnings.

The warnings are judged here, once: a weekday with no papers listed, and more than FAILED_SHARE of
the listed papers failed; so is a day arXiv could not be reached, or whose listing could not be
read. They go into the ledger (for `stats`, the site's status page), into the run's report and events,
and, when the `alert` setting names chat targets, into a one-line alert (sent by `deliver.alert`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dailypapers.config import Settings
from dailypapers.models import DayLedger
from dailypapers.pipeline.events import Reporter, Warned
from dailypapers.pipeline.wiring import check_targets
from dailypapers.store import Store

FAILED_SHARE = 0.05  # more than this share of a day's listed papers failed: a warning
# Events that stay worth a warning after the day filled (a step back is news only while nothing is listed).
_LASTING_EVENTS = ("arxiv-unreachable", "listing-failed")
HOLIDAY = "holiday"  # the event of a weekday the `holidays` setting names: no papers expected, no warning


def day_ledger(store: Store, date: str, lang: str) -> DayLedger:
    """The ledger of one day in one language, with its warnings (an empty one for a day the store
    knows nothing of)."""
    found = store.ledgers(date, date, [lang])
    return judged(found[0] if found else DayLedger(date, lang))


def day_ledgers(store: Store, since: str | None = None, until: str | None = None,
                langs: list[str] | None = None, default_lang: str | None = None) -> list[DayLedger]:
    """The ledgers of every day the store knows of (from `since` to `until`), oldest first, in
    `langs` (else the languages each day has anything in, else `default_lang`), with their warnings."""
    return [judged(ledger) for ledger in store.ledgers(since, until, langs, default_lang)]


def judged(ledger: DayLedger) -> DayLedger:
    """The ledger with its warnings (those already there are replaced)."""
    ledger.warnings = warnings(ledger)
    return ledger


def warnings(ledger: DayLedger) -> list[str]:
    """What is wrong with the day, for a person: a weekday with no papers listed, more than
    FAILED_SHARE of the listed papers failed, and the events that explain them."""
    out = []
    day = dt.date.fromisoformat(ledger.date)
    holiday = any(code == HOLIDAY for code, _, _ in ledger.events)
    if ledger.listed == 0 and day.weekday() < 5 and not holiday:
        out.append(f"no papers listed on a weekday ({day:%A})")
    if ledger.listed and len(ledger.failed) > FAILED_SHARE * ledger.listed:
        out.append(f"{len(ledger.failed)} of {ledger.listed} papers failed ({len(ledger.failed) / ledger.listed:.0%}, "
                   f"more than {FAILED_SHARE:.0%}): {by_code_text(ledger)}")
    latest: dict[str, tuple[str, str, int]] = {}  # code -> (detail, when, times)
    for code, detail, at in ledger.events:
        latest[code] = (detail, at, latest.get(code, ("", "", 0))[2] + 1)
    for code, (detail, at, times) in latest.items():
        if code in _LASTING_EVENTS or (ledger.listed == 0 and code != HOLIDAY):
            when = f"{times} times, last at {at}" if times > 1 else f"at {at}"
            out.append(f"{code}: {detail} ({when})")
    return out


def by_code_text(ledger: DayLedger) -> str:
    """The failures by reason code on one line: `checks-hard 2, no-text 1`."""
    return ", ".join(f"{code} {n}" for code, n in ledger.failed_by_code().items())


def warn(ledger: DayLedger, reporter: Reporter) -> list[str]:
    """The ledger's warnings, each named by its day and language and reported (events.Warned)."""
    out = [f"{ledger.date} [{ledger.lang}]: {w}" for w in ledger.warnings]
    for line in out:
        reporter.event(Warned(ledger.date, ledger.lang, line))
    return out


def ledger_json(ledger: DayLedger) -> dict[str, Any]:
    """`stats --json`: one day in one language as plain data, field by field as models.DayLedger
    has them (its tuples as objects), with `missing` and `failed_by_code`."""
    return {
        "date": ledger.date, "lang": ledger.lang, "listed": ledger.listed, "summarized": ledger.summarized,
        "read": dict(ledger.read),
        "failed": [{"paper_id": f.paper_id, "code": f.code, "reason": f.reason} for f in ledger.failed],
        "failed_by_code": ledger.failed_by_code(), "missing": ledger.missing,
        "published": [{"target": t, "channel": c, "at": at} for t, c, at in ledger.published],
        "warnings": list(ledger.warnings), "runs": ledger.runs,
        "events": [{"code": code, "detail": detail, "at": at} for code, detail, at in ledger.events],
    }


def alert_targets(settings: Settings) -> list[str]:
    """The chat targets the `alert` setting names (a list, or names separated by commas)."""
    names = [name.strip() for item in settings.alert for name in item.split(",") if name.strip()]
    return check_targets(names, f"alert {', '.join(settings.alert)!r}")


def alert_text(ledger: DayLedger) -> str:
    """The alert of a day with warnings (a chat publisher posts it on one line, cut to its length)."""
    return (f"dailypapers {ledger.date} [{ledger.lang}]: {ledger.listed} listed, {ledger.summarized} summarized, "
            f"{len(ledger.failed)} failed; " + "; ".join(ledger.warnings))


def no_papers_expected(settings: Settings, date: str) -> str | None:
    """Why a day is expected to have no papers (a weekend, a holiday the settings name, the future),
    or None for a weekday that should have some."""
    day = dt.date.fromisoformat(date)
    if date > settings.today():
        return f"{date} is in the future; nothing is listed before the day"
    if day.weekday() >= 5:
        return f"{date} is a {day:%A}; no papers are listed on weekends"
    if date in settings.holidays:
        return f"{date} is a holiday (the holidays setting)"
    return None
