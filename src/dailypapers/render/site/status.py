"""A day's status page: what happened to the day in one language (models.DayLedger) in the page's
words — how many papers were listed, published and failed and why, which text the summaries read,
what befell the day as a whole (a step back, arXiv out of reach) and where the day was sent.

Pure: a ledger in, a plain model out (`templates/status.html`). The headline is the footer of the
day's feeds and e-mail (render.footer), and reason codes are named by its `reason_phrase`, so the
site says what they say; text sources and targets are named in the page's language. The free-text
reason of a failure and the detail of an event are shown once, in English as the run wrote them.
Where a day was sent is named by its kind (e-mail, Slack, this site) and time only: a channel can
be a list of addresses or a local folder, which a public page must not show.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dailypapers.models import DayLedger
from dailypapers.render.footer import footer, reason_phrase
from dailypapers.render.site import i18n

_ISO_UTC = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?(?:Z|\+00:00)")


def shown_time(when: str) -> str:
    """A time as the store keeps it (ISO 8601, UTC), as a reader reads it: `2025-02-03 09:10 UTC`."""
    m = _ISO_UTC.fullmatch(when)
    return f"{m.group(1)} {m.group(2)} UTC" if m else when


def status_model(ledger: DayLedger, lang: str,
                 paper: Callable[[str], tuple[str | None, str | None, str | None]]) -> dict[str, Any]:
    """What the status page shows. `paper(id)` gives a failed paper's link, title and the title's
    language (each None when the site has none)."""
    failures = []
    for f in ledger.failed:
        href, title, title_lang = paper(f.paper_id)
        failures.append({"id": f.paper_id, "href": href, "title": title, "title_lang": title_lang,
                         "code": f.code, "why": reason_phrase(f.code, lang), "detail": f.reason})
    sent = sorted({(target, when) for target, _channel, when in ledger.published}, key=lambda x: (x[1], x[0]))
    return {
        "headline": footer(ledger, lang),
        "failures": failures,
        "read": [{"source": source, "name": i18n.named(lang, "source", source), "n": n}
                 for source, n in sorted(ledger.read.items(), key=lambda kv: (-kv[1], kv[0]))],
        "events": events(ledger, lang),
        "published": [{"target": target, "name": i18n.named(lang, "target", target), "when": when,
                       "shown": shown_time(when)} for target, when in sent],
        "warnings": list(ledger.warnings),
        "runs": ledger.runs,
    }


def events(ledger: DayLedger, lang: str) -> list[dict[str, Any]]:
    """What befell the day, oldest first: each code and detail once, with how often and when it
    last happened (a run every hour may step back from an unlisted day many times)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for code, detail, when in sorted(ledger.events, key=lambda e: e[2]):
        item = seen.setdefault((code, detail), {"code": code, "name": reason_phrase(code, lang),
                                                "detail": detail, "times": 0})
        item.update(times=item["times"] + 1, when=when, shown=shown_time(when))
    return list(seen.values())
