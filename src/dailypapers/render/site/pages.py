"""The static site: every day, paper, keyword and language of the store as plain HTML files.

Layout (every link is relative and names a file, so the site works opened from disk and served
from any sub-path):

    index.html                     the latest day, in the default language
    {lang}/index.html              the latest day in that language
    {lang}/days/{date}.html        a day: an overview (title, upvotes, one line each; sortable), then
                                   its papers in digest order
    {lang}/papers/{id}.html        a paper: all its summaries in that language, checks, metadata
    {lang}/status/{date}.html      what happened to a day: listed, published, failed and why, the
                                   text read, where it was sent (only for a day with a ledger)
    {lang}/archive.html            a calendar of the days and charts over time (inline SVG), a list
    {lang}/keywords.html           arXiv categories and Hugging Face keywords
    {lang}/keywords/{slug}.html    the papers of one keyword
    {lang}/search.html             full-text search (Pagefind, run at build time)
    assets/                        one CSS file, one JS file, the icon
    media/                         thumbnails, videos and papers' figures, downloaded at build time
    pagefind/                      the search index
    feeds/                         RSS, Atom and JSON feeds (dailypapers.render.feeds)

A paper's picture is its Hugging Face thumbnail; where there is none (or it could not be had), the
first figure of its arXiv HTML with its caption; else none, and its card is laid out without one.

Pure: `SitePlan(days).files(media)` gives every file of the site as a relative path, a key (a hash
of everything the file depends on: its data, the templates, the static files and this code) and a
function that renders its bytes, so a publisher can skip the pages whose key has not changed.
Where the files go, the media downloads, the search index and the swap are `publish.site`'s.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from dailypapers import langdetect
from dailypapers.models import SECTION_LABELS, DayLedger, Digest, DigestEntry, Finding, Paper, Summary, format_order
from dailypapers.render import feeds as feed_render
from dailypapers.render.site import charts, i18n
from dailypapers.render.site.evidence import annotated
from dailypapers.render.site.lines import markdown_parser, overview_line
from dailypapers.render.site.status import status_model
from dailypapers.text import arxiv_id, safe_url

if TYPE_CHECKING:
    import jinja2

SITE_FORMAT = 1  # the layout of the site; a change makes every page be rendered again
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
HF_PAPER_URL = "https://huggingface.co/papers/{id}"
ARXIV_ABS_URL = "https://arxiv.org/abs/{id}"
ARXIV_PDF_URL = "https://arxiv.org/pdf/{id}"
AUTHORS_ON_CARD = 12
MEDIA_ON_PAPER = 6

# Everything comes from the site itself. Pagefind's search runs WebAssembly ('wasm-unsafe-eval') and
# may start a worker from its own folder; nothing else is allowed, inline script and style included.
CSP = ("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
       "media-src 'self'; connect-src 'self'; worker-src 'self'; font-src 'self'; manifest-src 'self'; "
       "form-action 'self'; base-uri 'none'; object-src 'none'")


# -- what goes in, what comes out -------------------------------------------------------------------

class MediaRef(Protocol):
    """A thumbnail or video the publisher has for a URL: its file name in media/ and its kind."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...  # image | video


@dataclass
class SiteEntry:
    """A paper's place in a day: the paper, its upvotes that day, and all its summaries (every
    language, newest first, as Store.summaries_for returns them)."""

    paper: Paper
    upvotes: int | None
    summaries: list[Summary]


@dataclass
class SiteDay:
    """A day of the site: its papers in digest order, and what happened to it per language."""

    date: str
    entries: list[SiteEntry]
    ledgers: dict[str, DayLedger] = field(default_factory=dict)  # lang -> the day's ledger, when known
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> its summary style's section names


@dataclass(frozen=True)
class SiteFile:
    """One file of the site: `rel` its path, `key` what it depends on, `produce` its bytes.
    `page`: an HTML page (counted for progress); `tracked`: recorded in the manifest and reused
    when its key is unchanged (feeds are written every time)."""

    rel: str
    key: str
    produce: Callable[[], bytes]
    page: bool = True
    tracked: bool = True


def is_paper_page(rel: str) -> bool:
    """Whether `rel` is a paper page (`{lang}/papers/{id}.html`), the pages search indexes."""
    parts = rel.split("/")
    return len(parts) == 3 and parts[1] == "papers"


class SitePlan:
    """The days turned into the files of the site. default_lang: the front page's language;
    langs: only these (default: every language that has summaries); keyword_min: a Hugging Face
    keyword gets a page when at least this many papers carry it (arXiv categories always do)."""

    def __init__(self, days: list[SiteDay], default_lang: str = "ko", langs: list[str] | None = None,
                 keyword_min: int = 2) -> None:
        self.model = SiteModel(days, default_lang, langs, keyword_min)
        self.langs = self.model.langs
        self.default = self.model.default
        self.notes = self.model.notes
        self.day_count = len(self.model.days)
        self.paper_count = len(self.model.papers)

    @property
    def has_papers(self) -> bool:
        """Whether any page shows a paper (no search index is needed otherwise)."""
        return any(self.model.papers_by_lang().values())

    def media_urls(self) -> list[str]:
        """Every thumbnail and media URL the pages show, once each, for the publisher to fetch."""
        return self.model.wanted_media()

    def figure_urls(self, found: Mapping[str, MediaRef | None]) -> list[str]:
        """The papers' figures the pages would show, given what `media_urls` found: those of the
        papers whose thumbnail is missing or could not be had, for the publisher to fetch next."""
        return self.model.wanted_figures(found)

    def page_count(self) -> int:
        """How many pages the site has."""
        return self.model.page_count()

    def files(self, media: Mapping[str, MediaRef | None], *, feeds: bool = True,
              base_url: str | None = None) -> Iterator[SiteFile]:
        """Every file: the static assets, the pages (rendered only when `produce` is called) and
        the feeds. `media` maps each of `media_urls()` to the file the publisher has for it."""
        fp = fingerprint()
        model = self.model
        model.media = media
        model.has_feeds = feeds and bool(model.langs)
        for name in sorted(p.name for p in STATIC.iterdir() if p.is_file()):
            data = (STATIC / name).read_bytes()
            yield SiteFile(f"assets/{name}", _key(fp, data), functools.partial(bytes, data), page=False)
        for rel, template, context in model.pages():  # contexts are not all kept
            inputs = json.dumps(context, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
            yield SiteFile(rel, _key(fp, f"{rel}\n{inputs}".encode()),
                           functools.partial(_page_bytes, template, context))
        if model.has_feeds:
            for rel, text in feed_render.feed_files(model.digests(), base_url).items():
                body = text.encode("utf-8")
                yield SiteFile(rel, _key(fp, body), functools.partial(bytes, body), page=False, tracked=False)


def _key(fp: str, data: bytes) -> str:
    return hashlib.sha256(fp.encode() + b"\n" + data).hexdigest()


def _page_bytes(template: str, context: dict[str, Any]) -> bytes:
    return render_page(template, context).encode("utf-8")


# -- the model: what each page shows --------------------------------------------------------------

def _valid_date(value: str) -> bool:
    try:
        return dt.date.fromisoformat(value).isoformat() == value
    except (TypeError, ValueError):
        return False


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def paper_slug(paper_id: str) -> str:
    """A file name for a paper id (old-style ids have a slash: `astro-ph/0601001`)."""
    slug = _UNSAFE.sub("_", paper_id).strip(".") or "_"
    if slug != paper_id:
        slug += "-" + hashlib.sha1(paper_id.encode()).hexdigest()[:6]
    return slug


def keyword_slug(kind: str, key: str) -> str:
    """A file name for a keyword page: the key in ASCII, cut short, with a hash that keeps it unique."""
    ascii_ = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:50] or "kw"
    return f"{kind}-{base}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


def github_url(repo: str | None) -> str | None:
    """The GitHub link of a repository given as `owner/name` or a github.com URL; None for anything else."""
    if not repo:
        return None
    repo = repo.strip()
    if re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo):
        return f"https://github.com/{repo}"
    url = safe_url(repo)
    return url if url and re.match(r"^https://(www\.)?github\.com/", url) else None


@functools.lru_cache(maxsize=1 << 16)
def text_lang(text: str, default: str = "en") -> str:
    """The language a text is written in, by script (`default` for no text)."""
    return langdetect.detect(text) if text else default


def ordered_sections(summary: Summary) -> list[dict[str, Any]]:
    """The sections in FORMAT.md order, each with its name (the label, or `Point N` for an old
    unlabeled bullet: how the checks and the evidence name it)."""
    named = [(s, s.label if s.label is not None else f"Point {i + 1}") for i, s in enumerate(summary.sections)]
    ordered = format_order(named, lambda x: x[0].label)
    return [{"label": s.label, "label_lang": text_lang(s.label) if s.label else None, "text": s.text,
             "name": name} for s, name in ordered]


class SiteModel:
    """The store's days turned into what each page shows, per language."""

    def __init__(self, days: list[SiteDay], default_lang: str, langs: list[str] | None,
                 keyword_min: int = 2) -> None:
        self.notes: list[str] = []
        self.keyword_min = max(1, keyword_min)
        self.has_feeds = False
        self.days: list[SiteDay] = []
        for day in sorted(days, key=lambda d: d.date):
            if _valid_date(day.date):
                self.days.append(day)
            else:
                self.notes.append(f"left out the day {day.date!r}: not a date (YYYY-MM-DD)")
        self.papers: dict[str, Paper] = {}
        self.summaries: dict[str, list[Summary]] = {}
        found: Counter[str] = Counter()
        bad_langs: set[str] = set()
        for day in self.days:
            for e in day.entries:
                self.papers[e.paper.id] = e.paper
                self.summaries[e.paper.id] = e.summaries
        for summaries in self.summaries.values():
            for lang in {s.key.lang for s in summaries}:
                if i18n.valid_lang(lang):
                    found[lang] += 1
                else:
                    bad_langs.add(lang)
        if bad_langs:
            self.notes.append(f"left out summaries in {', '.join(sorted(map(repr, bad_langs)))}: "
                              "not language codes")
        if langs:
            self.langs = [lang for lang in dict.fromkeys(langs) if lang in found]
            for lang in langs:
                if lang not in found:
                    self.notes.append(f"no summaries in {lang!r}: no pages in that language")
        else:
            self.langs = sorted(found, key=lambda lang: (lang != default_lang, -found[lang], lang))
        if default_lang in self.langs:
            self.default: str | None = default_lang
        else:
            self.default = self.langs[0] if self.langs else None
        self.media: Mapping[str, MediaRef | None] = {}
        self._by_lang: dict[str, _LangView] = {lang: _LangView(self, lang) for lang in self.langs}

    # -- media -----------------------------------------------------------------------------------
    def media_urls(self, paper: Paper) -> list[str]:
        """A paper's thumbnail and media URLs, once each, the thumbnail first."""
        return list(dict.fromkeys(u for u in [paper.thumbnail or "", *paper.media_urls] if u))

    def shown_papers(self) -> list[Paper]:
        """Every paper a page of the site shows, once each."""
        ids = dict.fromkeys(pid for lang in self.langs for pid in self._by_lang[lang].papers)
        return [self.papers[pid] for pid in ids]

    def wanted_media(self) -> list[str]:
        """Every thumbnail and media URL a page of the site shows, once each."""
        return list(dict.fromkeys(u for p in self.shown_papers() for u in self.media_urls(p)))

    def wanted_figures(self, found: Mapping[str, MediaRef | None]) -> list[str]:
        """The figures to fetch, once `found` says which thumbnails the publisher has: those of the
        papers whose thumbnail is missing or could not be had (no other figure is asked for)."""
        out = [url for p in self.shown_papers() if (url := safe_url(p.figure_url)) is not None
               and (not p.thumbnail or found.get(p.thumbnail) is None)]
        return list(dict.fromkeys(out))

    def _media_item(self, url: str) -> dict[str, str] | None:
        got = self.media.get(url)
        if got is None:
            return None
        return {"kind": got.kind, "src": f"media/{got.name}"}

    def figure(self, paper: Paper) -> dict[str, str] | None:
        """The paper's own first figure, with its caption, when the publisher has its image."""
        url = safe_url(paper.figure_url)
        got = self.media.get(url) if url else None
        if got is None or got.kind != "image":
            return None
        return {"kind": "figure", "src": f"media/{got.name}", "caption": paper.figure_caption or ""}

    def picture(self, paper: Paper) -> dict[str, str] | None:
        """The picture of a paper card: its thumbnail; else its first figure; else (when it has no
        thumbnail at all) its first media; else None, and the card has no picture."""
        if paper.thumbnail and (item := self._media_item(paper.thumbnail)) is not None:
            return item
        figure = self.figure(paper)
        if figure is not None or paper.thumbnail:
            return figure
        return next((item for u in paper.media_urls if (item := self._media_item(u)) is not None), None)

    def gallery(self, paper: Paper) -> list[dict[str, str]]:
        """The media a paper page shows: those the publisher has, at most MEDIA_ON_PAPER."""
        items = [self._media_item(u) for u in self.media_urls(paper)]
        return [i for i in items if i is not None][:MEDIA_ON_PAPER]

    # -- per language -----------------------------------------------------------------------------
    def papers_by_lang(self) -> dict[str, list[str]]:
        """The paper ids each language's pages show."""
        return {lang: list(view.papers) for lang, view in self._by_lang.items()}

    def digests(self) -> dict[str, list[Digest]]:
        """The days as digests per language, for the feeds."""
        out: dict[str, list[Digest]] = {}
        ledgers = {day.date: day.ledgers for day in self.days}
        sections = {day.date: day.sections for day in self.days}
        for lang, view in self._by_lang.items():
            out[lang] = [Digest(date, lang, [DigestEntry(e.paper, e.upvotes, ss[0]) for e, ss in entries],
                                ledgers[date].get(lang), sections[date].get(lang, SECTION_LABELS))
                         for date, entries in view.days]
        return out

    def page_count(self) -> int:
        """How many pages the site has."""
        return 1 + sum(4 + len(v.days) + len(v.papers) + len(v.keyword_pages) + len(v.ledgers)
                       for v in self._by_lang.values())

    def pages(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(relative path, template, context) of every page."""
        for lang in self.langs:
            yield from self._by_lang[lang].pages()
        if self.default is not None:
            view = self._by_lang[self.default]
            yield "index.html", "day.html", view.front_context(root="./")
        else:
            yield "index.html", "empty.html", {**self._base("index.html", "en", []), "kind": "empty"}

    def _base(self, rel: str, lang: str, alternates: list[dict[str, Any]]) -> dict[str, Any]:
        depth = rel.count("/")
        return {
            "root": "../" * depth if depth else "./",
            "lang": lang,
            "ui": i18n.ui_lang(lang),
            "langs": [{"code": code, "name": i18n.lang_name(code)} for code in self.langs],
            "alternates": alternates,
            "feeds": self.has_feeds,
        }


class _LangView:
    """What the pages in one language show."""

    def __init__(self, model: SiteModel, lang: str) -> None:
        self.model = model
        self.lang = lang
        self.days: list[tuple[str, list[tuple[SiteEntry, list[Summary]]]]] = []
        self.missing: dict[str, int] = {}
        self.papers: dict[str, list[str]] = {}  # paper id -> the dates it is listed on
        for day in model.days:
            entries, seen = [], set()
            for e in day.entries:
                mine = [s for s in e.summaries if s.key.lang == lang and s.sections]
                if mine and e.paper.id not in seen:
                    seen.add(e.paper.id)
                    entries.append((e, mine))
            if entries:
                self.days.append((day.date, entries))
                self.missing[day.date] = len({e.paper.id for e in day.entries}) - len(entries)
                for e, _ in entries:
                    self.papers.setdefault(e.paper.id, []).append(day.date)
        self.upvotes: dict[str, int | None] = {}
        for _, entries in self.days:
            for e, _ in entries:
                self.upvotes[e.paper.id] = e.upvotes  # the latest day's count
        # date -> what happened to the day in this language: a status page each
        self.ledgers: dict[str, DayLedger] = {day.date: day.ledgers[lang] for day in model.days
                                              if lang in day.ledgers}
        self._keywords()

    def _keywords(self) -> None:
        """Keyword pages: arXiv categories always, Hugging Face keywords carried by enough papers."""
        groups: dict[str, list[str]] = defaultdict(list)  # key -> paper ids
        names: dict[str, Counter[str]] = defaultdict(Counter)
        for pid in self.papers:
            p = self.model.papers[pid]
            keys = set()
            for cat in p.categories:
                cat = " ".join(cat.split())
                if cat:
                    keys.add(("cat", cat))
                    names[f"cat:{cat}"][cat] += 1
            for kw in p.ai_keywords:
                shown = " ".join(kw.split())
                if shown:
                    keys.add(("kw", shown.casefold()))
                    names[f"kw:{shown.casefold()}"][shown] += 1
            for kind, key in keys:
                groups[f"{kind}:{key}"].append(pid)
        self.keyword_pages: dict[str, dict[str, Any]] = {}
        for full, pids in groups.items():
            kind, _, key = full.partition(":")
            if kind == "kw" and len(pids) < self.model.keyword_min:
                continue
            self.keyword_pages[full] = {"kind": kind, "name": names[full].most_common(1)[0][0],
                                        "slug": keyword_slug(kind, key), "papers": pids}

    def _keyword_links(self, p: Paper, root: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        def link(kind: str, shown: str) -> dict[str, Any]:
            key = f"{kind}:{shown if kind == 'cat' else shown.casefold()}"
            page = self.keyword_pages.get(key)
            return {"name": shown, "href": f"{root}{self.lang}/keywords/{page['slug']}.html" if page else None}

        cats = [link("cat", " ".join(c.split())) for c in p.categories if c.strip()]
        kws = [link("kw", " ".join(k.split())) for k in p.ai_keywords if k.strip()]
        return cats, kws

    # -- page contexts ----------------------------------------------------------------------------
    def pages(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        lang = self.lang
        yield f"{lang}/index.html", "day.html", self.front_context(root="../")
        for i, (date, _) in enumerate(self.days):
            yield f"{lang}/days/{date}.html", "day.html", self.day_context(i)
        for pid in self.papers:
            yield f"{lang}/papers/{paper_slug(pid)}.html", "paper.html", self.paper_context(pid)
        for date in self.ledgers:
            yield f"{lang}/status/{date}.html", "status.html", self.status_context(date)
        yield f"{lang}/archive.html", "archive.html", self.archive_context()
        yield f"{lang}/keywords.html", "keywords.html", self.keywords_context()
        for key, page in self.keyword_pages.items():
            yield f"{lang}/keywords/{page['slug']}.html", "keyword.html", self.keyword_context(key)
        yield f"{lang}/search.html", "search.html", self.search_context()

    def _alternates(self, rel_for: Callable[[str], str | None], root: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for code in self.model.langs:
            rel = rel_for(code)
            if rel is not None:
                out.append({"code": code, "name": i18n.lang_name(code), "href": root + rel,
                            "current": code == self.lang})
        return out if len(out) > 1 else []

    def _base(self, rel: str, alternates: list[dict[str, Any]]) -> dict[str, Any]:
        return self.model._base(rel, self.lang, alternates)

    def card(self, e: SiteEntry, summaries: list[Summary], root: str) -> dict[str, Any]:
        p = e.paper
        s = summaries[0]
        return {
            "id": p.id,
            "anchor": "p-" + paper_slug(p.id),
            "href": f"{root}{self.lang}/papers/{paper_slug(p.id)}.html",
            "title": p.title or p.id,
            "title_lang": text_lang(p.title),
            "authors": p.authors[:AUTHORS_ON_CARD],
            "more_authors": max(0, len(p.authors) - AUTHORS_ON_CARD),
            "upvotes": e.upvotes,
            "comments": p.num_comments,
            "picture": self.model.picture(p),
            "sections": ordered_sections(s),
            "summary_lang": s.key.lang,
            "links": self.links(p),
        }

    def links(self, p: Paper) -> dict[str, Any]:
        return {
            "abs": ARXIV_ABS_URL.format(id=p.id),
            "pdf": ARXIV_PDF_URL.format(id=p.id),
            "hf": HF_PAPER_URL.format(id=p.id),
            "github": github_url(p.github_repo),
            "stars": p.github_stars,
            "project": safe_url(p.project_page),
        }

    def day_context(self, index: int, front: bool = False, root: str | None = None) -> dict[str, Any]:
        date, entries = self.days[index]
        rel = f"{self.lang}/days/{date}.html"
        if root is None:
            root = "../../"
        views = self.model._by_lang

        def alternate(code: str) -> str | None:
            if front:
                return f"{code}/index.html" if views[code].days else None
            return f"{code}/days/{date}.html" if date in views[code].missing else None

        alternates = self._alternates(alternate, root)
        cards = [self.card(e, ss, root) for e, ss in entries]
        prev_href = f"{root}{self.lang}/days/{self.days[index - 1][0]}.html" if index > 0 else None
        next_href = (f"{root}{self.lang}/days/{self.days[index + 1][0]}.html"
                     if index + 1 < len(self.days) else None)
        ctx = self._base(rel, alternates)
        ctx["root"] = root
        ctx.update({
            "kind": "front" if front else "day",
            "date": date,
            "day_href": f"{root}{rel}",
            "papers": cards,
            "overview": [{"anchor": c["anchor"], "title": c["title"], "title_lang": c["title_lang"],
                          "upvotes": c["upvotes"], "line": overview_line(ss[0]), "line_lang": self.lang}
                         for c, (_, ss) in zip(cards, entries)],
            # an order by upvotes only where there are upvotes to order by (arXiv listings have none)
            "sortable": len(cards) > 1 and any(c["upvotes"] is not None for c in cards),
            "status_href": self.status_href(date, root),
            "missing": self.missing.get(date, 0),
            "prev": None if front else prev_href,
            "next": None if front else next_href,
            "canonical_lang": self.lang,
        })
        return ctx

    def front_context(self, root: str) -> dict[str, Any]:
        if not self.days:
            ctx = self._base(f"{self.lang}/index.html", [])
            ctx.update({"kind": "front", "date": None, "papers": [], "overview": [], "sortable": False, "missing": 0,
                        "prev": None, "next": None, "day_href": None, "status_href": None,
                        "canonical_lang": self.lang})
            ctx["root"] = root
            return ctx
        return self.day_context(len(self.days) - 1, front=True, root=root)

    def summary_dict(self, s: Summary, index: int = 0) -> dict[str, Any]:
        sections = ordered_sections(s)
        t = i18n.translator(self.lang)
        for n, sec in enumerate(sections):
            mine = [e for e in s.evidence if e.section == sec["name"]]
            sec["html"] = annotated(sec["text"], mine, markdown_html, t, s.key.paper_id, s.key.version or None,
                                    f"ev-{index}-{n}")
        return {
            "model": s.key.model,
            "text_source": s.key.text_source,
            "prompt_version": s.key.prompt_version,
            "version": s.key.version,
            "created_at": s.created_at,
            "attempts": s.attempts,
            "sections": sections,
            "findings": finding_groups(s.findings, self.lang),
            "evidence": bool(s.evidence),
        }

    def paper_context(self, pid: str) -> dict[str, Any]:
        p = self.model.papers[pid]
        root = "../../"
        slug = paper_slug(pid)
        rel = f"{self.lang}/papers/{slug}.html"
        alternates = self._alternates(
            lambda code: f"{code}/papers/{slug}.html" if pid in self.model._by_lang[code].papers else None, root)
        cats, kws = self._keyword_links(p, root)
        summaries = [s for s in self.model.summaries[pid] if s.key.lang == self.lang and s.sections]
        ctx = self._base(rel, alternates)
        ctx.update({
            "kind": "paper",
            "id": p.id,
            "title": p.title or p.id,
            "title_lang": text_lang(p.title),
            "authors": p.authors,
            "affiliations": [", ".join(a) for a in p.affiliations] if p.affiliations else [],
            "abstract": p.abstract,
            "abstract_lang": text_lang(p.abstract),
            "upvotes": self.upvotes.get(pid),
            "comments": p.num_comments,
            "published_at": (p.published_at or "")[:10] or None,
            "version": p.version,
            "organization": p.organization,
            "comment": p.comment,
            "journal_ref": p.journal_ref,
            "doi": p.doi,
            "figure": self.model.figure(p),
            "gallery": self.model.gallery(p),
            "links": self.links(p),
            "categories": cats,
            "keywords": kws,
            "dates": [{"date": d, "href": f"{root}{self.lang}/days/{d}.html"} for d in self.papers[pid]],
            "summaries": [self.summary_dict(s, i) for i, s in enumerate(summaries)],
        })
        return ctx

    def status_href(self, date: str, root: str) -> str | None:
        """The link to a day's status page, when the day has one in this language."""
        return f"{root}{self.lang}/status/{date}.html" if date in self.ledgers else None

    def archive_context(self) -> dict[str, Any]:
        root = "../"
        rel = f"{self.lang}/archive.html"
        counts = {date: len(entries) for date, entries in self.days}
        ctx = self._base(rel, self._alternates(lambda code: f"{code}/archive.html", root))
        ctx.update({
            "kind": "archive",
            "months": calendar_months(counts, self.lang, lambda d: f"{root}{self.lang}/days/{d}.html"),
            "charts": [c for c in (charts.papers_chart(counts, self.lang),
                                   charts.keywords_chart(counts, self._chart_keywords(root), self.lang)) if c],
            "days": [{"date": d, "count": counts.get(d, 0),
                      "href": f"{root}{self.lang}/days/{d}.html" if d in counts else None,
                      "status_href": self.status_href(d, root)}
                     for d in sorted(set(counts) | set(self.ledgers), reverse=True)],
        })
        return ctx

    def _chart_keywords(self, root: str) -> dict[str, tuple[str, str, list[str]]]:
        """Each Hugging Face keyword (arXiv categories when there are none): its name, its page and
        the day each of its papers was first listed."""
        kind = "kw" if any(page["kind"] == "kw" for page in self.keyword_pages.values()) else "cat"
        return {key: (page["name"], f"{root}{self.lang}/keywords/{page['slug']}.html",
                      [self.papers[pid][0] for pid in page["papers"]])
                for key, page in self.keyword_pages.items() if page["kind"] == kind}

    def status_context(self, date: str) -> dict[str, Any]:
        root = "../../"
        rel = f"{self.lang}/status/{date}.html"
        ctx = self._base(rel, self._alternates(
            lambda code: f"{code}/status/{date}.html" if date in self.model._by_lang[code].ledgers else None, root))

        def paper(pid: str) -> tuple[str | None, str | None, str | None]:
            if pid in self.papers:
                p = self.model.papers[pid]
                return f"{root}{self.lang}/papers/{paper_slug(pid)}.html", p.title, text_lang(p.title)
            known = self.model.papers.get(pid)
            href = ARXIV_ABS_URL.format(id=pid) if arxiv_id(pid) == (pid, None) else None
            return href, known.title if known else None, text_lang(known.title) if known else None

        ctx.update({"kind": "status", "date": date,
                    "day_href": f"{root}{self.lang}/days/{date}.html" if date in self.missing else None,
                    **status_model(self.ledgers[date], self.lang, paper)})
        return ctx

    def keywords_context(self) -> dict[str, Any]:
        root = "../"
        ctx = self._base(f"{self.lang}/keywords.html",
                         self._alternates(lambda code: f"{code}/keywords.html", root))

        def items(kind: str) -> list[dict[str, Any]]:
            rows = [{"name": page["name"], "count": len(page["papers"]),
                     "href": f"{root}{self.lang}/keywords/{page['slug']}.html"}
                    for page in self.keyword_pages.values() if page["kind"] == kind]
            return sorted(rows, key=lambda r: (-r["count"], r["name"].casefold()))

        ctx.update({"kind": "keywords", "categories": items("cat"), "keywords": items("kw"),
                    "keyword_min": self.model.keyword_min})
        return ctx

    def keyword_context(self, key: str) -> dict[str, Any]:
        page = self.keyword_pages[key]
        root = "../../"
        rel = f"{self.lang}/keywords/{page['slug']}.html"
        ctx = self._base(rel, self._alternates(
            lambda code: rel.replace(f"{self.lang}/", f"{code}/", 1)
            if key in self.model._by_lang[code].keyword_pages else None, root))
        papers = []
        for pid in page["papers"]:
            p = self.model.papers[pid]
            papers.append({"title": p.title or p.id, "title_lang": text_lang(p.title),
                           "href": f"{root}{self.lang}/papers/{paper_slug(pid)}.html",
                           "date": self.papers[pid][-1], "id": pid})
        papers.sort(key=lambda r: (r["date"], r["id"]), reverse=True)
        ctx.update({"kind": "keyword", "name": page["name"], "keyword_kind": page["kind"], "papers": papers})
        return ctx

    def search_context(self) -> dict[str, Any]:
        root = "../"
        ctx = self._base(f"{self.lang}/search.html", self._alternates(lambda code: f"{code}/search.html", root))
        ctx["kind"] = "search"
        return ctx


# -- findings -----------------------------------------------------------------------------------------

def finding_groups(findings: list[Finding], lang: str) -> list[dict[str, Any]]:
    """A summary's findings as the paper page shows them: grouped by rule (hard ones first), each
    rule and severity named once in the page's language, each finding once, its reason without the
    section name the checks put before it (the section is shown on its own)."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for f in findings:
        reason = f.reason
        if f.section and reason.startswith(f"{f.section}: "):
            reason = reason[len(f.section) + 2:]
        group = groups.setdefault((f.rule, f.severity), {
            "rule": f.rule, "name": i18n.named(lang, "rule", f.rule), "severity": f.severity, "items": []})
        item = {"section": f.section, "reason": reason}
        if item not in group["items"]:
            group["items"].append(item)
    return sorted(groups.values(), key=lambda g: g["severity"] != "hard")


# -- the calendar -------------------------------------------------------------------------------

CELL_W, CELL_H, HEAD_H, PAD = 46, 40, 24, 2


def _bucket(n: int) -> int:
    return 0 if n <= 0 else 1 if n < 6 else 2 if n < 16 else 3 if n < 31 else 4


def calendar_months(counts: dict[str, int], lang: str, href: Callable[[str], str]) -> list[dict[str, Any]]:
    """One month grid per month that has a day, newest first: cells positioned for an SVG picture,
    Monday first, each with its day, its number of papers and its page."""
    months: dict[tuple[int, int], list[str]] = defaultdict(list)
    for date in counts:
        d = dt.date.fromisoformat(date)
        months[(d.year, d.month)].append(date)
    weekdays = i18n.strings(lang)["weekdays"].split()
    s = i18n.strings(lang)
    out = []
    for (year, month) in sorted(months, reverse=True):
        first_weekday, ndays = calendar.monthrange(year, month)
        cells = []
        for day in range(1, ndays + 1):
            slot = first_weekday + day - 1
            col, row = slot % 7, slot // 7
            date = f"{year:04d}-{month:02d}-{day:02d}"
            n = counts.get(date, 0)
            cells.append({"x": col * CELL_W + PAD, "y": HEAD_H + row * CELL_H + PAD, "day": day, "count": n,
                          "bucket": _bucket(n), "href": href(date) if n else None,
                          "label": s["day_label"].format(date=date, n=n)})
        rows = (first_weekday + ndays + 6) // 7
        label = i18n.month_label(lang, year, month)
        out.append({
            "label": label,
            "aria": s["calendar_label"].format(month=label),
            "width": 7 * CELL_W + 2 * PAD,
            "height": HEAD_H + rows * CELL_H + 2 * PAD,
            "cell_w": CELL_W - 4, "cell_h": CELL_H - 4,
            "weekdays": [{"x": i * CELL_W + PAD + (CELL_W - 4) / 2, "name": w} for i, w in enumerate(weekdays)],
            "cells": cells,
            "total": sum(counts.get(d, 0) for d in months[(year, month)]),
        })
    return out


# -- rendering ----------------------------------------------------------------------------------

_ENV: jinja2.Environment | None = None
SUMMARY_TAGS = {"p", "em", "strong", "code", "ul", "ol", "li", "br", "sub", "sup", "b", "i", "blockquote"}


def markdown_html(text: str) -> Any:
    """A summary's Markdown as HTML: raw HTML in it is shown as text (markdown-it with html off),
    and the result is sanitized (nh3): no links, images, scripts, styles or attributes survive."""
    import nh3
    from markupsafe import Markup

    html = markdown_parser().render(text or "")
    return Markup(nh3.clean(html, tags=SUMMARY_TAGS, attributes={}, link_rel=None, strip_comments=True))


def env() -> jinja2.Environment:
    """The Jinja environment of the templates (made once): autoescaped, strict about unknown names."""
    global _ENV
    if _ENV is None:
        import jinja2

        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                  undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                  keep_trailing_newline=True)
        _ENV.filters["md"] = markdown_html
        _ENV.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, int) else n
        _ENV.globals["CSP"] = CSP
    return _ENV


def render_page(template: str, context: dict[str, Any]) -> str:
    """A page as HTML: its template filled with `context`, in the page's language."""
    ui = context["ui"]
    return env().get_template(template).render(context, t=i18n.translator(context["lang"]),
                                               ui_attr=ui if ui != context["lang"] else None)


_FINGERPRINT: str | None = None


def fingerprint() -> str:
    """What every page depends on besides its data: the templates, the static files and this code."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        h = hashlib.sha256(f"site-format-{SITE_FORMAT}".encode())
        for path in sorted(HERE.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".css", ".js", ".svg"):
                h.update(str(path.relative_to(HERE)).encode())
                h.update(path.read_bytes())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT
