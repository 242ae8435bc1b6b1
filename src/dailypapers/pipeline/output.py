"""Use cases that give the day back: a digest from the store, rendered (Markdown, JSON), the
recent days for the feeds, the days for the site, `list`'s JSON, and `import` of a digest file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dailypapers import langdetect
from dailypapers.errors import ConfigError
from dailypapers.models import Digest, DigestEntry, Listing, ListingEntry, Paper, Summary, SummaryKey
from dailypapers.pipeline.ledger import day_ledger, day_ledgers
from dailypapers.render import markdown
from dailypapers.render.site import SiteDay, SiteEntry
from dailypapers.store import Store
from dailypapers.styles import SECTIONS, Style, style_of


def digest(store: Store, date: str, lang: str, model: str | None = None, style: Style = SECTIONS) -> Digest:
    """The day's papers in listing order, each with its newest summary in `lang` and `style` (by
    `model`), and the day's ledger (for the footers of feeds and e-mail; the Markdown leaves it out)."""
    entries = [DigestEntry(e.paper, e.upvotes, newest_summary(store, e.paper.id, lang, style, model))
               for e in store.day(date)]
    return Digest(date, lang, entries, day_ledger(store, date, lang), sections=style.labels(lang))


def newest_summary(store: Store, paper_id: str, lang: str, style: Style = SECTIONS,
                   model: str | None = None) -> Summary | None:
    """The newest summary of a paper in `lang` written in `style` (by `model`, when given), or None:
    a summary in one style is never served for another."""
    for s in store.summaries_for(paper_id, lang):
        if style_of(s.key.prompt_version) == style.name and (model is None or s.key.model == model):
            return s
    return None


def feed_digests(store: Store, lang: str, days: int = 30, model: str | None = None,
                 until: str | None = None, style: Style = SECTIONS) -> list[Digest]:
    """The digests of the `days` most recent days the store holds (up to `until`), oldest first,
    in `style`, for the feeds."""
    dates = [d for d, _ in store.days() if until is None or d <= until]
    return [digest(store, d, lang, model, style) for d in dates[-days:]] if days > 0 else []


def render(d: Digest, fmt: str = "markdown") -> str:
    """The digest as Markdown (docs/format.md) or as JSON."""
    if fmt == "markdown":
        return markdown.render(d)
    if fmt == "json":
        return json.dumps(digest_json(d), ensure_ascii=False, indent=2) + "\n"
    raise ConfigError(f"unknown format {fmt!r}; known formats: markdown, json")


def digest_json(d: Digest) -> list[dict[str, Any]]:
    """`render --format json`: one object per paper."""
    return [_entry_json(d.date, e.paper, e.upvotes, [e.summary] if e.summary else []) for e in d.entries]


def list_json(store: Store, date: str) -> list[dict[str, Any]]:
    """`list --json`: each paper of the day with its newest summary per language, its findings and evidence."""
    out = []
    for e in store.day(date):
        latest: dict[str, Summary] = {}
        for s in store.summaries_for(e.paper.id):
            latest.setdefault(s.key.lang, s)
        out.append(_entry_json(date, e.paper, e.upvotes, list(latest.values()), e))
    return out


def _entry_json(date: str, p: Paper, upvotes: int | None, summaries: list[Summary],
                entry: ListingEntry | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": p.id, "title": p.title, "url": p.url, "authors": p.authors, "upvotes": upvotes,
        "thumbnail": p.thumbnail, "date": date, "version": p.version, "abstract": p.abstract,
        "media_urls": p.media_urls, "num_comments": p.num_comments, "github_repo": p.github_repo,
        "github_stars": p.github_stars, "project_page": p.project_page, "ai_keywords": p.ai_keywords,
        "published_at": p.published_at, "categories": p.categories, "primary_category": p.primary_category,
        "affiliations": p.affiliations, "comment": p.comment, "journal_ref": p.journal_ref, "doi": p.doi,
        "pdf_link": p.pdf_link,
        "summaries": {s.key.lang: s.as_dict() for s in summaries},
        "summary_info": {s.key.lang: {"model": s.key.model, "text_source": s.key.text_source,
                                      "prompt_version": s.key.prompt_version, "style": style_of(s.key.prompt_version),
                                      "created_at": s.created_at, "attempts": s.attempts}
                         for s in summaries},
        "findings": {s.key.lang: [f.as_dict() for f in s.findings] for s in summaries},
        "evidence": {s.key.lang: [e.as_dict() for e in s.evidence] for s in summaries},
    }
    if entry is not None:
        obj["upvotes_read_at"] = entry.upvotes_read_at
        obj["source"] = entry.source
    return obj


# -- import ---------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    """What `import` stored: papers per day, the language, what it normalized or skipped."""

    days: list[tuple[str, int]]
    lang: str
    notes: list[str]
    warnings: list[str] = field(default_factory=list)  # lines skipped because they could not be read


def import_digest(store: Store, path: Path, lang: str | None = None, model: str = "import") -> ImportReport:
    """Read a digest in the layout of docs/format.md (or an older variant) into the store; the
    language is detected from the text unless given. Each summary is keyed as imported (text
    source "import"), under `model` (the demo's shipped summaries say "sample"). Importing the
    same file again changes nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file", path=str(path))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e})", path=str(path))
    parsed = markdown.parse(text, str(path))
    all_text = " ".join(s.text for d in parsed.days for p in d.papers for s in p.sections)
    lang = lang or langdetect.detect(all_text)
    days = []
    for day in parsed.days:
        entries = [ListingEntry(day.date, Paper(p.id, p.title, p.authors, thumbnail=p.thumbnail),
                                "import", upvotes=p.upvotes) for p in day.papers]
        store.save_listing(Listing(day.date, "import", entries))
        for p in day.papers:
            if p.sections:
                version = (store.paper(p.id) or Paper(p.id, p.title)).version or 0
                key = SummaryKey(p.id, version, "import", lang, model, "import")
                if any(s.key == key and s.sections == p.sections for s in store.summaries_for(p.id, lang)):
                    continue  # the same text imported again: keep the summary (and its date) as it is
                store.save_summary(Summary(key, p.sections), replace=True)
        days.append((day.date, len(day.papers)))
    return ImportReport(days, lang, parsed.notes, parsed.warnings)




def site_days(store: Store, style: Style = SECTIONS) -> list[SiteDay]:
    """Every day the store holds, each paper with all its summaries in `style` (every language,
    newest first), and the day's ledger in each language that has summaries, for the site. A day with
    a ledger but no papers (nothing listed: a step back, a listing that failed) comes with no entries."""
    summaries: dict[str, list[Summary]] = {}
    days = {}
    for date, _ in store.days():
        entries = []
        for e in store.day(date):
            if e.paper.id not in summaries:
                summaries[e.paper.id] = [s for s in store.summaries_for(e.paper.id)
                                         if style_of(s.key.prompt_version) == style.name]
            entries.append(SiteEntry(e.paper, e.upvotes, summaries[e.paper.id]))
        days[date] = SiteDay(date, entries)
    langs = sorted({s.key.lang for found in summaries.values() for s in found})
    for ledger in day_ledgers(store, langs=langs):
        days.setdefault(ledger.date, SiteDay(ledger.date, [])).ledgers[ledger.lang] = ledger
    for day in days.values():
        day.sections = {lang: style.labels(lang) for lang in langs if style.speaks(lang)}
    return [days[date] for date in sorted(days)]


def write_atomic(text: str, output: Path) -> None:
    """Write `text` (UTF-8, LF) to `output` through a temporary file: readers never see half a file."""
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(output)
