"""The archive's charts, drawn at build time: papers per day (or week, or month) and papers per
keyword over time, as inline SVG with no script, no style attribute and no other host.

Pure: counts in, a plain model out, which `templates/_chart.html` turns into markup. Each chart
is bars in an SVG stretched to its box (`preserveAspectRatio="none"`: a bar is a rectangle at any
width) while its words — the scale, the first and last periods, the legend — are HTML text beside
it, so they keep their size on a phone and on a desktop. Every chart has a title and a
description (`role="img"`), each bar a tooltip, and the numbers are also given as a table.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dailypapers.render.site import i18n

HEIGHT = 100  # the SVG's own units: bars are drawn in a box `periods` wide and HEIGHT high
TOP_KEYWORDS = 5
DAYS_FOR_DAILY = 92  # a span of up to about three months is drawn per day,
DAYS_FOR_WEEKLY = 731  # up to two years per week, a longer one per month


@dataclass(frozen=True)
class Period:
    """A stretch of the time axis: its first and last day, and its key (`2025-02-03`, `2025-02`)."""

    key: str
    first: dt.date
    last: dt.date


def unit_for(first: dt.date, last: dt.date, daily: int = DAYS_FOR_DAILY) -> str:
    """day, week or month: what one bar stands for, so that a chart never has hundreds of them."""
    span = (last - first).days
    return "day" if span <= daily else "week" if span <= DAYS_FOR_WEEKLY else "month"


def periods(first: dt.date, last: dt.date, unit: str) -> list[Period]:
    """Every period from the one holding `first` to the one holding `last`, empty ones included
    (a gap in time is a gap in the chart)."""
    out: list[Period] = []
    day = period_of(first, unit).first
    while day <= last:
        p = period_of(day, unit)
        out.append(p)
        day = p.last + dt.timedelta(days=1)
    return out


def period_of(day: dt.date, unit: str) -> Period:
    """The period of `unit` that holds `day` (weeks start on Monday)."""
    if unit == "day":
        return Period(day.isoformat(), day, day)
    if unit == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period(start.isoformat(), start, start + dt.timedelta(days=6))
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return Period(f"{day.year:04d}-{day.month:02d}", start, end)


def period_label(p: Period, unit: str, lang: str) -> str:
    """How a period is named on the page: the date, `week of DATE`, or the month."""
    if unit == "day":
        return p.key
    if unit == "week":
        return i18n.translator(lang)("week_of", date=p.key)
    return i18n.month_label(lang, p.first.year, p.first.month)


def _counted(dated: Iterable[tuple[str, int]], ps: list[Period], unit: str) -> list[int]:
    totals: Counter[str] = Counter()
    for date, n in dated:
        totals[period_of(dt.date.fromisoformat(date), unit).key] += n
    return [totals[p.key] for p in ps]


def _bars(counts: list[int], top: int, label: Callable[[int, int], str]) -> list[dict[str, Any]]:
    """One bar per period: x in periods, y and height in HEIGHT units of the shared `top`."""
    bars = []
    for i, n in enumerate(counts):
        h = round(HEIGHT * n / top, 2) if top else 0.0
        bars.append({"x": i + 0.12, "w": 0.76, "y": round(HEIGHT - h, 2), "h": h, "n": n, "label": label(i, n)})
    return bars


def _kw_label(t: Callable[..., str], name: str, names: list[str], i: int, n: int) -> str:
    return f"{name} · {names[i]}: {t('papers_n', n=n)}"


def _busiest(counts: list[int], names: list[str]) -> tuple[int, str]:
    top = max(counts, default=0)
    return top, names[counts.index(top)] if counts and top else ""


def papers_chart(day_counts: Mapping[str, int], lang: str) -> dict[str, Any] | None:
    """Papers per day (week, month) over the whole archive; None for an archive with no day."""
    if not day_counts:
        return None
    t = i18n.translator(lang)
    dates = sorted(day_counts)
    first, last = dt.date.fromisoformat(dates[0]), dt.date.fromisoformat(dates[-1])
    unit = unit_for(first, last)
    ps = periods(first, last, unit)
    names = [period_label(p, unit, lang) for p in ps]
    counts = _counted(day_counts.items(), ps, unit)
    top, when = _busiest(counts, names)
    return {
        "id": "chart-papers",
        "title": t(f"chart_{unit}"), "note": None, "series": None,
        "desc": t("chart_desc", first=names[0], last=names[-1], total=sum(counts), max=top,
                  one=t(f"one_{unit}"), when=when),
        "width": len(ps), "height": HEIGHT, "top": top,
        "first": names[0], "last": names[-1] if len(names) > 1 else None,
        "bars": _bars(counts, top, lambda i, n: f"{names[i]}: {t('papers_n', n=n)}"),
        "rows": [{"period": name, "n": n} for name, n in zip(names, counts)],
    }


def keywords_chart(day_counts: Mapping[str, int], keyword_days: Mapping[str, tuple[str, str, list[str]]],
                   lang: str, top_n: int = TOP_KEYWORDS) -> dict[str, Any] | None:
    """Papers per keyword over time, for the `top_n` keywords with the most papers: one row of bars
    each, on one scale. `keyword_days` maps a keyword's key to (its name, its page, the date of each
    of its papers). None when there are no keywords."""
    ranked = sorted(keyword_days.items(), key=lambda kv: (-len(kv[1][2]), kv[1][0].casefold()))[:top_n]
    if not ranked or not day_counts:
        return None
    t = i18n.translator(lang)
    dates = sorted(day_counts)
    first, last = dt.date.fromisoformat(dates[0]), dt.date.fromisoformat(dates[-1])
    unit = unit_for(first, last, daily=31)  # keywords are sparser than papers: wider bars sooner
    ps = periods(first, last, unit)
    names = [period_label(p, unit, lang) for p in ps]
    rows = [(name, href, _counted(((d, 1) for d in kdates), ps, unit)) for _, (name, href, kdates) in ranked]
    top = max((max(c) for _, _, c in rows), default=0)
    series = []
    for i, (name, href, counts) in enumerate(rows):
        most, when = _busiest(counts, names)
        series.append({
            "name": name, "href": href, "total": sum(counts), "cls": f"k{i + 1}", "id": f"chart-kw-{i + 1}",
            "desc": t("chart_kw_desc", kw=name, total=sum(counts), first=names[0], last=names[-1], max=most,
                      one=t(f"one_{unit}"), when=when),
            "bars": _bars(counts, top, functools.partial(_kw_label, t, name, names)),
        })
    return {
        "id": "chart-keywords", "title": t("chart_keywords"),
        "note": t("chart_keywords_note", n=len(series), unit=t(f"unit_{unit}")),
        "width": len(ps), "height": HEIGHT, "top": top,
        "first": names[0], "last": names[-1] if len(names) > 1 else None,
        "series": series,
        "columns": [s["name"] for s in series],
        "rows": [{"period": name, "counts": [c[j] for _, _, c in rows]} for j, name in enumerate(names)],
    }
