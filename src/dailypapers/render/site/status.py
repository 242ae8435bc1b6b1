"""A day's status page: what happened to the day in one language (models.DayLedger) in the page's
words — how many papers were listed, published and failed and why, which text the summaries read,
and where the day was sent.

Pure: a ledger in, a plain model out (`templates/status.html`). Reason codes, text sources and
targets are named in the page's language; the free-text reason of a failure is shown once, as its
detail, in English as the run wrote it. Where a day was sent is named by its kind (e-mail, Slack,
this site) and time only: a channel can be a list of addresses or a local folder, which a public
page must not show.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from dailypapers.models import DayLedger
from dailypapers.render.site import i18n

_ISO_UTC = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?(?:Z|\+00:00)")


def shown_time(when: str) -> str:
    """A time as the store keeps it (ISO 8601, UTC), as a reader reads it: `2025-02-03 09:10 UTC`."""
    m = _ISO_UTC.fullmatch(when)
    return f"{m.group(1)} {m.group(2)} UTC" if m else when


def headline(ledger: DayLedger, lang: str) -> str:
    """`13 listed, 12 published, 1 failed: <why>` in the page's language."""
    t = i18n.translator(lang)
    parts = [t("status_listed", n=ledger.listed), t("status_published", n=ledger.summarized)]
    if ledger.failed:
        parts.append(t("status_failed", n=len(ledger.failed)))
    if ledger.missing:
        parts.append(t("status_missing", n=ledger.missing))
    text = ", ".join(parts)
    codes = Counter(f.code for f in ledger.failed)
    if codes:
        whys = [i18n.named(lang, "reason", code) + (f" ({n})" if len(codes) > 1 else "") for code, n in codes.items()]
        text += ": " + "; ".join(whys)
    return text


def status_model(ledger: DayLedger, lang: str,
                 paper: Callable[[str], tuple[str | None, str | None, str | None]]) -> dict[str, Any]:
    """What the status page shows. `paper(id)` gives a failed paper's link, title and the title's
    language (each None when the site has none)."""
    failures = []
    for f in ledger.failed:
        href, title, title_lang = paper(f.paper_id)
        failures.append({"id": f.paper_id, "href": href, "title": title, "title_lang": title_lang,
                         "code": f.code, "why": i18n.named(lang, "reason", f.code), "detail": f.reason})
    sent = sorted({(target, when) for target, _channel, when in ledger.published}, key=lambda x: (x[1], x[0]))
    return {
        "headline": headline(ledger, lang),
        "failures": failures,
        "read": [{"source": source, "name": i18n.named(lang, "source", source), "n": n}
                 for source, n in sorted(ledger.read.items(), key=lambda kv: (-kv[1], kv[0]))],
        "published": [{"target": target, "name": i18n.named(lang, "target", target), "when": when,
                       "shown": shown_time(when)} for target, when in sent],
        "warnings": list(ledger.warnings),
        "runs": ledger.runs,
    }
