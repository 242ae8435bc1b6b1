"""Feeds of the digests: RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1, per language, with one
entry per paper or one per day. Pure: digests in, text out (`feed_files` gives every feed of the site by its path).

- Ids never change for a paper, language and day: `tag:dailypapers,2025-03-14:2503.01234/ko` for a
  paper, `tag:dailypapers,2025-03-14:day/ko` for a day (RFC 4151 tag URIs; the date is the digest's).
- Dates: an entry is published at 00:00 UTC of its digest's day and updated when its newest
  summary was written (never before it was published).
- Content: the summary sections, labels in bold, as HTML and (JSON Feed) as plain text, and last the
  day's ledger in one line (`13 listed, 12 published, 1 failed (checks: hard problem)`) when the
  digest carries it. Every text that came from a paper or an LLM is escaped, and characters XML 1.0
  forbids are removed.
- Links: a paper's arXiv abstract page; a day's page on the site (`{lang}/days/DATE.html` under
  `base_url`) when the site's address is known, else the day on Hugging Face Daily Papers.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import format_datetime

from dailypapers.models import SECTION_LABELS, Digest, DigestEntry, Section, format_order, is_video
from dailypapers.render.footer import footer
from dailypapers.text import and_list, one_line

KINDS = ("rss", "atom", "json")
PERS = ("paper", "day")
_FILE_SUFFIX = {"rss": "rss.xml", "atom": "atom.xml", "json": "json"}
_FILE_STEM = {"paper": "papers", "day": "days"}
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}

ATOM_NS = "http://www.w3.org/2005/Atom"
JSONFEED_VERSION = "https://jsonfeed.org/version/1.1"
TAG_AUTHORITY = "dailypapers"
GENERATOR = "dailypapers"
HF_DAY_URL = "https://huggingface.co/papers/date/{date}"
HF_HOME_URL = "https://huggingface.co/papers"

# Everything XML 1.0 does not allow (C0 controls but tab, newline and carriage return; lone
# surrogates; U+FFFE and U+FFFF), and the C1 controls, which are allowed but mean nothing in a feed.
_NOT_XML = re.compile("[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str | None) -> str:
    """Text from a paper, an API or an LLM, with the characters no feed may carry removed."""
    return _NOT_XML.sub("", text or "")


def feed_path(kind: str, lang: str, per: str) -> str:
    """Where a feed lives under the site root: `feeds/ko/papers.rss.xml`, `feeds/en/days.json`."""
    return f"feeds/{lang}/{_FILE_STEM[per]}.{_FILE_SUFFIX[kind]}"


def day_page_path(lang: str, date: str) -> str:
    """The site's page of a day, relative to the site root."""
    return f"{lang}/days/{date}.html"


def paper_id(date: str, arxiv_id: str, lang: str) -> str:
    """The feed id of a paper's entry: a tag URI of the day, the paper and the language."""
    return clean(f"tag:{TAG_AUTHORITY},{date}:{arxiv_id}/{lang}")


def day_id(date: str, lang: str) -> str:
    """The feed id of a day's entry: a tag URI of the day and the language."""
    return f"tag:{TAG_AUTHORITY},{date}:day/{lang}"


# -- what every format says -----------------------------------------------------------------------

@dataclass
class _Item:
    id: str
    title: str
    url: str
    published: dt.datetime
    updated: dt.datetime
    content_html: str
    content_text: str
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: str | None = None


@dataclass
class _Feed:
    kind: str
    lang: str
    per: str
    title: str
    description: str
    home_url: str
    self_url: str | None
    updated: dt.datetime
    items: list[_Item]


def _url(base_url: str | None, rel: str) -> str | None:
    return f"{base_url.rstrip('/')}/{rel}" if base_url else None


def _day_start(date: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(date), dt.time(0, 0), tzinfo=dt.UTC)


def _instant(stamp: str | None) -> dt.datetime | None:
    if not stamp:
        return None
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _updated(published: dt.datetime, entries: list[DigestEntry]) -> dt.datetime:
    stamps = [_instant(e.summary.created_at) for e in entries if e.summary is not None]
    return max([published, *(s for s in stamps if s is not None)]).replace(microsecond=0)


def _sections(entry: DigestEntry) -> list[Section]:
    assert entry.summary is not None
    return format_order(entry.summary.sections)


def _authors(entry: DigestEntry) -> list[str]:
    return [a for a in (one_line(clean(a)) for a in entry.paper.authors) if a]


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _sections_html(entry: DigestEntry) -> str:
    out = []
    authors = _authors(entry)
    if authors:
        out.append(f"<p>Authors: {_esc(', '.join(authors))}</p>")
    for s in _sections(entry):
        text = _esc(clean(s.text))
        if s.label is None:
            out.append(f"<p>{text}</p>")
        else:
            out.append(f"<p><strong>{_esc(clean(s.label))}</strong>: {text}</p>")
    return "\n".join(out)


def _sections_text(entry: DigestEntry) -> str:
    out = []
    authors = _authors(entry)
    if authors:
        out.append(f"Authors: {', '.join(authors)}")
    for s in _sections(entry):
        text = clean(s.text)
        out.append(text if s.label is None else f"{clean(s.label)}: {text}")
    return "\n\n".join(out)


def _summarized(d: Digest) -> list[DigestEntry]:
    seen: set[str] = set()
    out = []
    for e in d.entries:
        if e.summary is None or not e.summary.sections or e.paper.id in seen:
            continue
        seen.add(e.paper.id)
        out.append(e)
    return out


def _image(url: str | None) -> str | None:

    url = clean(url).strip()
    return url if url.startswith(("https://", "http://")) and not is_video(url) else None


def _footer(d: Digest) -> tuple[str, str]:
    """The day's ledger as a last paragraph: (HTML, text to append), both empty without a ledger."""
    line = one_line(clean(footer(d.ledger, d.lang)))
    return (f"\n<p>{_esc(line)}</p>", f"\n\n{line}") if line else ("", "")


def _paper_items(d: Digest) -> list[_Item]:
    published = _day_start(d.date)
    foot_html, foot_text = _footer(d)
    items = []
    for e in _summarized(d):
        p = e.paper
        tags = [t for t in (clean(c).strip() for c in [*p.categories, *p.ai_keywords]) if t]
        items.append(_Item(
            id=paper_id(d.date, p.id, d.lang), title=one_line(clean(p.title)) or p.id,
            url=clean(p.url), published=published, updated=_updated(published, [e]),
            content_html=_sections_html(e) + foot_html, content_text=_sections_text(e) + foot_text,
            authors=_authors(e), tags=list(dict.fromkeys(tags)), image=_image(p.thumbnail)))
    return items


def _day_item(d: Digest, base_url: str | None) -> _Item | None:
    entries = _summarized(d)
    if not entries:
        return None
    published = _day_start(d.date)
    parts_html, parts_text = [], []
    for e in entries:
        title = one_line(clean(e.paper.title)) or e.paper.id
        url = clean(e.paper.url)
        parts_html.append(f'<h2><a href="{html.escape(url)}">{_esc(title)}</a></h2>\n'
                          f"{_sections_html(e)}")
        parts_text.append(f"{title}\n{url}\n\n{_sections_text(e)}")
    foot_html, foot_text = _footer(d)
    return _Item(
        id=day_id(d.date, d.lang), title=f"Daily Papers ({d.date})",
        url=_url(base_url, day_page_path(d.lang, d.date)) or HF_DAY_URL.format(date=d.date),
        published=published, updated=_updated(published, entries),
        content_html="\n".join(parts_html) + foot_html, content_text="\n\n\n".join(parts_text) + foot_text)


def _feed(kind: str, lang: str, digests: list[Digest], per: str, base_url: str | None,
          title: str | None) -> _Feed:
    if kind not in KINDS:
        raise ValueError(f"unknown feed kind {kind!r}; known kinds: {', '.join(KINDS)}")
    if per not in PERS:
        raise ValueError(f"unknown feed unit {per!r}; known: {', '.join(PERS)}")
    items: list[_Item] = []
    for d in sorted((d for d in digests if d.lang == lang), key=lambda d: d.date, reverse=True):
        if per == "paper":
            items.extend(_paper_items(d))
        elif (item := _day_item(d, base_url)) is not None:
            items.append(item)
    unique: dict[str, _Item] = {}
    for item in items:
        unique.setdefault(item.id, item)  # a day given twice is one entry
    items = list(unique.values())
    if items:
        updated = max(i.updated for i in items)
    elif digests:
        updated = _day_start(max(d.date for d in digests))
    else:
        updated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    unit = "one entry per paper" if per == "paper" else "one entry per day"
    # The sections of the digests' summary style (the default style's when there are none).
    sections = next((d.sections for d in digests if d.lang == lang), SECTION_LABELS)
    return _Feed(
        kind=kind, lang=lang, per=per,
        title=one_line(clean(title)) if title else f"Daily Papers ({lang}{'' if per == 'paper' else ', by day'})",
        description=f"Each day's AI papers, summarized in {lang}: {and_list(list(sections))} ({unit}).",
        home_url=_url(base_url, f"{lang}/index.html") or HF_HOME_URL,
        self_url=_url(base_url, feed_path(kind, lang, per)), updated=updated, items=items)


# -- the three formats ----------------------------------------------------------------------------

def render_feed(kind: str, lang: str, digests: list[Digest], per: str = "paper",
                base_url: str | None = None, title: str | None = None) -> str:
    """One feed ("rss", "atom" or "json") of the digests in `lang`, one entry per paper or per day,
    newest first. Papers without a summary are left out, and so are days without any."""
    feed = _feed(kind, lang, digests, per, base_url, title)
    if kind == "rss":
        return _rss(feed)
    if kind == "atom":
        return _atom(feed)
    return _jsonfeed(feed)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _rfc822(when: dt.datetime) -> str:
    return format_datetime(when)  # "Tue, 08 Apr 2025 00:00:00 +0000"


def _rfc3339(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _rss(feed: _Feed) -> str:
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS})
    channel = _sub(rss, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.home_url)
    _sub(channel, "description", feed.description)
    _sub(channel, "language", feed.lang)
    _sub(channel, "lastBuildDate", _rfc822(feed.updated))
    _sub(channel, "generator", GENERATOR)
    _sub(channel, "docs", "https://www.rssboard.org/rss-specification")
    if feed.self_url:
        _sub(channel, "atom:link", href=feed.self_url, rel="self", type=MEDIA_TYPES["rss"])
    for item in feed.items:
        el = _sub(channel, "item")
        _sub(el, "title", item.title)
        _sub(el, "link", item.url)
        _sub(el, "description", item.content_html)
        _sub(el, "guid", item.id, isPermaLink="false")
        _sub(el, "pubDate", _rfc822(item.published))
        for tag in item.tags:
            _sub(el, "category", tag)
    return _xml(rss)


def _atom(feed: _Feed) -> str:
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": feed.lang})
    _sub(root, "id", _feed_id(feed))
    _sub(root, "title", feed.title)
    _sub(root, "subtitle", feed.description)
    _sub(root, "updated", _rfc3339(feed.updated))
    author = _sub(root, "author")
    _sub(author, "name", GENERATOR)
    if feed.self_url:
        _sub(root, "link", rel="self", type=MEDIA_TYPES["atom"], href=feed.self_url)
    _sub(root, "link", rel="alternate", type="text/html", href=feed.home_url)
    _sub(root, "generator", GENERATOR)
    for item in feed.items:
        entry = _sub(root, "entry")
        _sub(entry, "id", item.id)
        _sub(entry, "title", item.title, type="text")
        _sub(entry, "updated", _rfc3339(item.updated))
        _sub(entry, "published", _rfc3339(item.published))
        for name in item.authors:
            _sub(_sub(entry, "author"), "name", name)
        _sub(entry, "link", rel="alternate", type="text/html", href=item.url)
        for tag in item.tags:
            _sub(entry, "category", term=tag)
        _sub(entry, "content", item.content_html, type="html")
    return _xml(root)


def _feed_id(feed: _Feed) -> str:
    """The feed's own id: stable for a language and unit, whatever address the site moves to."""
    return f"tag:{TAG_AUTHORITY},2025:feed/{feed.lang}/{_FILE_STEM[feed.per]}"


def _jsonfeed(feed: _Feed) -> str:
    obj: dict[str, object] = {
        "version": JSONFEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
    }
    if feed.self_url:
        obj["feed_url"] = feed.self_url
    obj.update({"description": feed.description, "language": feed.lang,
                "authors": [{"name": GENERATOR}], "items": []})
    items: list[dict[str, object]] = []
    for item in feed.items:
        out: dict[str, object] = {
            "id": item.id, "url": item.url, "title": item.title,
            "content_html": item.content_html, "content_text": item.content_text,
            "date_published": _rfc3339(item.published), "date_modified": _rfc3339(item.updated),
            "language": feed.lang,
        }
        if item.authors:
            out["authors"] = [{"name": a} for a in item.authors]
        if item.tags:
            out["tags"] = item.tags
        if item.image:
            out["image"] = item.image
        items.append(out)
    obj["items"] = items
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


# -- files ----------------------------------------------------------------------------------------

def feed_files(digests_by_lang: dict[str, list[Digest]], base_url: str | None = None,
               days: int | None = 30) -> dict[str, str]:
    """Every feed of every language, by its path in the site (`feeds/{lang}/{papers,days}.{rss.xml,
    atom.xml,json}`), each over the `days` most recent days that have summaries (all with None)."""
    files = {}
    for lang, digests in sorted(digests_by_lang.items()):
        digests = sorted((d for d in digests if d.lang == lang and _summarized(d)), key=lambda d: d.date)
        if days is not None:
            digests = digests[-days:] if days > 0 else []
        for per in PERS:
            for kind in KINDS:
                files[feed_path(kind, lang, per)] = render_feed(kind, lang, digests, per, base_url)
    return files
