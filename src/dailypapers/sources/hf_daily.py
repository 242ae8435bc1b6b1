"""Hugging Face Daily Papers: GET {HF_ENDPOINT}/api/daily_papers?date=D&p=N&limit=M.

The response has drifted since 2024 (see the shared notes): `mediaUrl` became `mediaUrls`,
`submittedBy` and `thumbnail` appeared (the latter sometimes empty), a top-level `title` keeps
LaTeX while `paper.title` is hard-wrapped, and the top-level `publishedAt` changed meaning. We
read only what is stable, check its shape, and keep the raw bodies so parsing can be redone.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any

import httpx

from dailypapers.config import SourceOptions
from dailypapers.errors import GaveUp, LimitExceeded, ResponseShapeError, SourceError
from dailypapers.http import HF_LISTING, Limits, RetryPolicy, make_client, request
from dailypapers.models import VIDEO_SUFFIXES, Listing, ListingEntry, Paper
from dailypapers.sources import validate
from dailypapers.sources.validate import Notes
from dailypapers.text import strip_userinfo, utc_now

MAX_PAGES = 50  # a guard against a server that ignores `p` and repeats itself
MAX_PAPERS = 500  # papers of one day at most (the busiest real days have about fifty)


def make(options: SourceOptions, env: Mapping[str, str]) -> HFDailySource:
    """The `hf` source (the entry point): HF_TOKEN, when set, raises the rate limits."""
    return HFDailySource(options.hf_endpoint, env.get("HF_TOKEN") or "", page_size=options.hf_page_size,
                         policy=RetryPolicy(retries=options.retries, max_wait=options.max_retry_wait),
                         timeout=options.timeout, max_papers=options.max_papers)


class HFDailySource:
    """The papers Hugging Face lists for a day, page by page, each item checked on its own."""

    name = "hf"
    missing: list[str] = []

    def __init__(self, endpoint: str = "https://huggingface.co", token: str | None = None,
                 page_size: int = 100, policy: RetryPolicy | None = None, timeout: float = 60.0,
                 client: httpx.Client | None = None, max_papers: int = MAX_PAPERS) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.page_size = page_size
        self.max_papers = max_papers
        self.policy = policy or RetryPolicy()
        token = token if token is not None else os.environ.get("HF_TOKEN")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = client or make_client(timeout, headers)

    def fetch_day(self, date: str) -> Listing:
        """Every paper Hugging Face lists for `date`, page by page, at most `max_papers`; items that cannot
        be read are skipped, with a warning in the listing. SourceError when a page cannot be had."""
        url = f"{self.endpoint}/api/daily_papers"
        entries: list[ListingEntry] = []
        raw: list[str] = []
        seen: set[str] = set()
        read_at = utc_now()
        notes = Notes(f"Hugging Face Daily Papers for {date} ({url})")
        for page in range(MAX_PAGES):
            params = {"date": date, "p": page, "limit": self.page_size}
            body = self._get(url, params, date)
            raw.append(body)
            items = _decode(body, date, url, page)
            new = [e for e in parse_items(items, date, url, page, read_at, notes) if e.paper.id not in seen]
            if len(entries) + len(new) > self.max_papers:
                new = new[:self.max_papers - len(entries)]
                notes.warnings.append(f"Hugging Face lists more than {self.max_papers} papers for {date}: only the "
                                      f"first {self.max_papers} were kept (the setting max_papers)")
                capped = True
            else:
                capped = False
            for e in new:
                seen.add(e.paper.id)
                e.position = len(entries)
                entries.append(e)
            if capped:
                break
            if len(items) < self.page_size or not new:
                break
        else:
            notes.warnings.append(f"Hugging Face Daily Papers for {date}: stopped after {MAX_PAGES} pages of "
                                  f"{self.page_size}; the server kept sending new papers")
        return Listing(date=date, source=self.name, entries=entries, raw=raw, url=url, warnings=notes.warnings)

    def check(self, date: str, deadline: float = 20.0) -> str:
        """One small request, not retried (the first paper listed for `date`), for `dailypapers
        doctor`: what the server answered; SourceError when it did not answer with a listing."""
        url = f"{self.endpoint}/api/daily_papers"
        body = self._get(url, {"date": date, "p": 0, "limit": 1}, date, RetryPolicy(retries=0),
                         Limits(HF_LISTING.max_bytes, deadline, HF_LISTING.what))
        listed = "a listing" if _decode(body, date, url, 0) else "an empty listing"
        return f"{strip_userinfo(url)} answered with {listed} for {date}"

    def _get(self, url: str, params: dict[str, Any], date: str, policy: RetryPolicy | None = None,
             limits: Limits = HF_LISTING) -> str:
        shown = f"{url}?date={params['date']}&p={params['p']}&limit={params['limit']}"
        safe_shown = strip_userinfo(shown)  # what the errors carry: no user name or password
        try:
            response = request(self.client, "GET", url, policy or self.policy, limits=limits, params=params)
        except LimitExceeded as e:
            raise SourceError(f"Hugging Face Daily Papers for {date}: {e}; nothing was stored", url=safe_shown)
        except GaveUp as e:
            raise SourceError(f"Hugging Face Daily Papers for {date}: {shown}: {e}. "
                              "Check the network or HF_ENDPOINT, then run fetch again.", url=safe_shown,
                              hint="check the network or HF_ENDPOINT, then run fetch again")
        if response.status_code in (401, 403):
            raise SourceError(f"Hugging Face Daily Papers for {date}: {shown}: HTTP "
                              f"{response.status_code}; check HF_TOKEN (it was rejected).", url=safe_shown,
                              hint="check HF_TOKEN")
        if response.status_code != 200:
            raise SourceError(f"Hugging Face Daily Papers for {date}: {shown}: HTTP "
                              f"{response.status_code}: {response.text[:200]!r}", url=safe_shown)
        return response.text


def _decode(body: str, date: str, url: str, page: int) -> list[Any]:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as e:
        raise ResponseShapeError(f"Hugging Face Daily Papers for {date} ({url}, page {page}): "
                                 f"the body is not JSON ({e}); nothing was stored", url=strip_userinfo(url))
    if not isinstance(data, list):
        raise ResponseShapeError(f"Hugging Face Daily Papers for {date} ({url}, page {page}): "
                                 f"expected a JSON array of papers, got {type(data).__name__}; "
                                 "nothing was stored", url=strip_userinfo(url))
    return data


def parse_items(items: list[Any], date: str, url: str = "", page: int = 0,
                read_at: str | None = None, notes: Notes | None = None) -> list[ListingEntry]:
    """Turn the items of one response page into listing entries. Each item is read on its own: one
    that cannot be a paper (no arXiv id, no title) is skipped, a value that is wrong is mended or
    dropped, and `notes` says which and where; the other items are read as ever."""
    notes = notes if notes is not None else Notes(f"Hugging Face Daily Papers for {date} ({url})")
    entries = []
    for i, item in enumerate(items):
        entry = _parse_item(item, f"page {page}, item {i}", date, read_at or utc_now(), notes)
        if entry is not None:
            entries.append(entry)
    return entries


def _parse_item(item: Any, where: str, date: str, read_at: str, notes: Notes) -> ListingEntry | None:
    p = item.get("paper") if isinstance(item, dict) else None
    if not isinstance(p, dict):
        notes.warn(where, "skipped: the item has no `paper` object")
        return None
    paper_id = validate.paper_id(p.get("id"))
    if paper_id is None:
        notes.warn(where, f"skipped: paper.id {str(p.get('id'))[:60]!r} is not an arXiv id")
        return None
    where = f"{where} ({paper_id})"
    title = validate.text(p.get("title"), validate.MAX_TITLE) or validate.text(item.get("title"), validate.MAX_TITLE)
    if not title:
        notes.warn(where, "skipped: the paper has no title")
        return None

    def number(obj: dict[str, Any], key: str, path: str) -> int | None:
        if key not in obj or obj[key] is None:
            return None
        value, why = validate.count(obj[key])
        if why:
            notes.warn(where, f"{path} dropped: {why}")
        elif not isinstance(obj[key], int):
            notes.warn(where, f"{path} {obj[key]!r} read as {value}")
        return value

    def link(obj: dict[str, Any], key: str, path: str) -> str | None:
        raw = obj.get(key)
        if not raw:
            return None
        url = validate.safe_url(raw)
        if url is None:
            notes.warn(where, f"{path} dropped: {str(raw)[:60]!r} is not a safe http(s) URL")
        return url

    media, dropped = validate.urls(item.get("mediaUrls") or p.get("mediaUrls") or [])
    single = item.get("mediaUrl")
    if single:
        url = validate.safe_url(single)
        media, dropped = ([url, *media], dropped) if url else (media, [str(single)[:60], *dropped])
    for bad in dropped:
        notes.warn(where, f"a media URL dropped: {bad!r} is not a safe http(s) URL")
    thumbnail = link(item, "thumbnail", "thumbnail")
    if thumbnail is None and media and not media[0].lower().endswith(VIDEO_SUFFIXES):
        thumbnail = media[0]  # the 2024 schema had only `mediaUrl`, which was the thumbnail
    keywords, why = validate.keywords(p.get("ai_keywords", []))
    if why:
        notes.warn(where, f"paper.ai_keywords: {why}")
    org = item.get("organization") or p.get("organization")
    paper = Paper(
        id=paper_id,
        title=title,
        authors=_authors(p.get("authors"), where, notes),
        abstract=validate.text(p.get("summary"), validate.MAX_ABSTRACT) or "",
        published_at=validate.text(p.get("publishedAt"), 40),
        thumbnail=thumbnail,
        media_urls=media,
        num_comments=number(item, "numComments", "numComments"),
        github_repo=_repo(p.get("githubRepo"), where, notes),
        github_stars=number(p, "githubStars", "paper.githubStars"),
        project_page=link(p, "projectPage", "paper.projectPage"),
        ai_keywords=keywords,
        ai_summary=validate.text(p.get("ai_summary"), validate.MAX_SHORT_TEXT),
        organization=validate.text((org.get("fullname") or org.get("name")) if isinstance(org, dict) else None,
                                   validate.MAX_NAME),
    )
    return ListingEntry(date=date, paper=paper, source="hf", upvotes=number(p, "upvotes", "paper.upvotes"),
                        upvotes_read_at=read_at)


def _authors(raw: Any, where: str, notes: Notes) -> list[str]:
    if isinstance(raw, str):
        notes.warn(where, "paper.authors is a string, not a list: read as names separated by commas")
        raw = [{"name": n} for n in raw.split(",")]
    if not isinstance(raw, list):
        if raw is not None:
            notes.warn(where, f"paper.authors dropped: {type(raw).__name__}, not a list")
        return []
    names = []
    for j, a in enumerate(raw[:validate.MAX_AUTHORS]):
        name = validate.text(a.get("name") if isinstance(a, dict) else a, validate.MAX_NAME)
        if name:
            names.append(name)
        else:
            notes.warn(where, f"paper.authors[{j}] skipped: no name")
    if len(raw) > validate.MAX_AUTHORS:
        notes.warn(where, f"paper.authors: only the first {validate.MAX_AUTHORS:,} of {len(raw):,} were kept")
    return names


def _repo(raw: Any, where: str, notes: Notes) -> str | None:
    """A GitHub repository as `owner/name` or an http(s) URL."""
    if not raw:
        return None
    if isinstance(raw, str) and re.fullmatch(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}", raw.strip()):
        return raw.strip()
    url = validate.safe_url(raw)
    if url is None:
        notes.warn(where, f"paper.githubRepo dropped: {str(raw)[:60]!r} is not a repository or a safe URL")
    return url
