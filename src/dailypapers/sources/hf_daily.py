"""Hugging Face Daily Papers: GET {HF_ENDPOINT}/api/daily_papers?date=D&p=N&limit=M.

The response has drifted since 2024 (see the shared notes): `mediaUrl` became `mediaUrls`,
`submittedBy` and `thumbnail` appeared (the latter sometimes empty), a top-level `title` keeps
LaTeX while `paper.title` is hard-wrapped, and the top-level `publishedAt` changed meaning. We
read only what is stable, check its shape, and keep the raw bodies so parsing can be redone.
"""

from __future__ import annotations

import json
import os
from typing import Any

import httpx

from dailypapers.errors import ResponseShapeError, SourceError
from dailypapers.http import GaveUp, RetryPolicy, make_client, request
from dailypapers.models import Listing, ListingEntry, Paper
from dailypapers.text import one_line, utc_now

MAX_PAGES = 50  # a guard against a server that ignores `p` and repeats itself


class HFDailySource:
    name = "hf"

    def __init__(self, endpoint: str = "https://huggingface.co", token: str | None = None,
                 page_size: int = 100, policy: RetryPolicy | None = None, timeout: float = 60.0,
                 client: httpx.Client | None = None) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.page_size = page_size
        self.policy = policy or RetryPolicy()
        token = token if token is not None else os.environ.get("HF_TOKEN")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = client or make_client(timeout, headers)

    def fetch_day(self, date: str) -> Listing:
        url = f"{self.endpoint}/api/daily_papers"
        entries: list[ListingEntry] = []
        raw: list[str] = []
        seen: set[str] = set()
        read_at = utc_now()
        for page in range(MAX_PAGES):
            params = {"date": date, "p": page, "limit": self.page_size}
            body = self._get(url, params, date)
            raw.append(body)
            items = _decode(body, date, url, page)
            new = [e for e in parse_items(items, date, url, page, read_at) if e.paper.id not in seen]
            for e in new:
                seen.add(e.paper.id)
                e.position = len(entries)
                entries.append(e)
            if len(items) < self.page_size or not new:
                break
        return Listing(date=date, source=self.name, entries=entries, raw=raw, url=url)

    def _get(self, url: str, params: dict[str, Any], date: str) -> str:
        shown = f"{url}?date={params['date']}&p={params['p']}&limit={params['limit']}"
        try:
            response = request(self.client, "GET", url, self.policy, params=params)
        except GaveUp as e:
            raise SourceError(f"Hugging Face Daily Papers for {date}: {shown}: {e}. "
                              "Check the network or HF_ENDPOINT, then run fetch again.")
        if response.status_code in (401, 403):
            raise SourceError(f"Hugging Face Daily Papers for {date}: {shown}: HTTP "
                              f"{response.status_code}; check HF_TOKEN (it was rejected).")
        if response.status_code != 200:
            raise SourceError(f"Hugging Face Daily Papers for {date}: {shown}: HTTP "
                              f"{response.status_code}: {response.text[:200]!r}")
        return response.text


def _decode(body: str, date: str, url: str, page: int) -> list[Any]:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as e:
        raise ResponseShapeError(f"Hugging Face Daily Papers for {date} ({url}, page {page}): "
                                 f"the body is not JSON ({e}); nothing was stored")
    if not isinstance(data, list):
        raise ResponseShapeError(f"Hugging Face Daily Papers for {date} ({url}, page {page}): "
                                 f"expected a JSON array of papers, got {type(data).__name__}; "
                                 "nothing was stored")
    return data


def parse_items(items: list[Any], date: str, url: str = "", page: int = 0,
                read_at: str | None = None) -> list[ListingEntry]:
    """Turn the items of one response page into listing entries, or raise ResponseShapeError
    naming the date, the URL, the item and the field that was wrong."""
    return [_parse_item(item, i, date, url, page, read_at or utc_now()) for i, item in enumerate(items)]


class _Shape:
    def __init__(self, date: str, url: str, page: int, index: int) -> None:
        self.where = f"Hugging Face Daily Papers for {date} ({url}, page {page}, item {index})"

    def fail(self, path: str, problem: str) -> ResponseShapeError:
        return ResponseShapeError(f"{self.where}: {path} {problem}; nothing was stored")

    def get(self, obj: dict[str, Any], key: str, kind: type | tuple[type, ...], path: str,
            required: bool = True) -> Any:
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(f"{path}.{key}", "is missing")
            return None
        value = obj[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise self.fail(f"{path}.{key}", f"should be {_kind_name(kind)}, got {type(value).__name__}")
        return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", list: "a list", dict: "an object"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _parse_item(item: Any, index: int, date: str, url: str, page: int, read_at: str) -> ListingEntry:
    s = _Shape(date, url, page, index)
    if not isinstance(item, dict):
        raise s.fail("item", f"should be an object, got {type(item).__name__}")
    p = s.get(item, "paper", dict, "item")
    paper_id = s.get(p, "id", str, "paper").strip()
    if not paper_id:
        raise s.fail("paper.id", "is empty")
    title = s.get(p, "title", str, "paper", required=False) or s.get(item, "title", str, "item")
    authors = []
    for j, a in enumerate(s.get(p, "authors", list, "paper")):
        if not isinstance(a, dict):
            raise s.fail(f"paper.authors[{j}]", "should be an object")
        authors.append(one_line(s.get(a, "name", str, f"paper.authors[{j}]")))
    upvotes = s.get(p, "upvotes", int, "paper", required=False)
    media = _media(item, p, s)
    thumbnail = s.get(item, "thumbnail", str, "item", required=False) or None
    if thumbnail is None and media and not media[0].lower().endswith((".mp4", ".webm")):
        thumbnail = media[0]  # the 2024 schema had only `mediaUrl`, which was the thumbnail
    org = item.get("organization") or p.get("organization")
    paper = Paper(
        id=paper_id,
        title=one_line(title),
        authors=authors,
        abstract=one_line(s.get(p, "summary", str, "paper", required=False) or ""),
        published_at=s.get(p, "publishedAt", str, "paper", required=False),
        thumbnail=thumbnail,
        media_urls=media,
        num_comments=s.get(item, "numComments", int, "item", required=False),
        github_repo=s.get(p, "githubRepo", str, "paper", required=False) or None,
        github_stars=s.get(p, "githubStars", int, "paper", required=False),
        project_page=s.get(p, "projectPage", str, "paper", required=False) or None,
        ai_keywords=[k for k in (s.get(p, "ai_keywords", list, "paper", required=False) or [])
                     if isinstance(k, str)],
        ai_summary=s.get(p, "ai_summary", str, "paper", required=False),
        organization=(org.get("fullname") or org.get("name")) if isinstance(org, dict) else None,
    )
    return ListingEntry(date=date, paper=paper, source="hf", upvotes=upvotes, upvotes_read_at=read_at)


def _media(item: dict[str, Any], paper: dict[str, Any], s: _Shape) -> list[str]:
    urls = s.get(item, "mediaUrls", list, "item", required=False) \
        or s.get(paper, "mediaUrls", list, "paper", required=False) or []
    single = s.get(item, "mediaUrl", str, "item", required=False)
    if single:
        urls = [single, *urls]
    return [u for u in urls if isinstance(u, str) and u]
