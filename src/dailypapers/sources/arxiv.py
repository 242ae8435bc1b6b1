"""The arXiv API as a source: papers by id, and the papers announced in categories on a day.

arXiv's terms ask for at most one request every three seconds and one connection at a time, for
all of a user's machines together. `ArxivClient(delay=3.0, lock_path=...)` keeps them across
threads and across processes that share the lock file (dailypapers puts it in the home folder),
and caches responses for the day, since results do not change within a day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import httpx

from dailypapers.config import SourceOptions
from dailypapers.errors import ConfigError, DownloadRefused, GaveUp, LimitExceeded, ResponseShapeError, SourceError
from dailypapers.http import ARXIV_API, Gate, Limits, PoliteGate, RetryPolicy, guarded_client, request
from dailypapers.models import Listing, ListingEntry, Paper
from dailypapers.sources.arxiv_atom import Feed, parse_feed, split_id
from dailypapers.text import strip_userinfo, utc_now

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
EASTERN = ZoneInfo("America/New_York")
CHECK_ID = "1706.03762"  # the paper `check` asks the API for: any id will do, this one will stay


class ArxivClient:
    """A polite arXiv API client.

    delay: seconds between requests (arXiv asks for 3); lock_path: a file that makes the delay
    and the one-connection rule hold across processes; cache_dir: where responses are kept for
    the day; batch_size: ids per request; policy: retries for 429, 5xx and timeouts.
    """

    def __init__(self, api_url: str = DEFAULT_API_URL, delay: float = 3.0, lock_path: Path | None = None,
                 cache_dir: Path | None = None, batch_size: int = 100, page_size: int = 500,
                 policy: RetryPolicy | None = None, timeout: float = 60.0,
                 gate: Gate | None = None, client: httpx.Client | None = None) -> None:
        self.api_url = api_url
        self.gate = gate or PoliteGate(delay, lock_path)
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self.page_size = page_size
        self.policy = policy or RetryPolicy()
        self.bodies: list[str] = []  # raw feeds read, kept with listings so parsing can be redone
        host = urlsplit(api_url).hostname or ""
        self.client = client or guarded_client({host}, timeout)

    # -- requests ---------------------------------------------------------------------------------
    def query(self, params: dict[str, str | int], what: str) -> Feed:
        """One request to the API (or its answer cached today), as a feed; SourceError when it fails or
        arXiv answers with an error. `what` names the request in messages."""
        url = f"{self.api_url}?{urlencode(params, safe=':,/()[] ')}"
        cached = self._cached(url)
        if cached is not None:
            self.bodies.append(cached)
            return parse_feed(cached, f"arXiv API ({what}, cached)")
        feed, body = self._ask(url, what, self.policy, ARXIV_API)
        self._store(url, body)
        self.bodies.append(body)
        return feed

    def check(self, deadline: float = 20.0) -> str:
        """One request to the API through the gate, never answered from the cache nor retried, for
        `dailypapers doctor`: what it answered; SourceError when it did not answer with a feed."""
        url = f"{self.api_url}?{urlencode({'id_list': CHECK_ID, 'max_results': 1})}"
        limits = Limits(ARXIV_API.max_bytes, deadline, ARXIV_API.what)
        feed, _ = self._ask(url, "a check", RetryPolicy(retries=0), limits)
        return f"{strip_userinfo(self.api_url)} answered with a feed of {len(feed.papers)} paper(s)"

    def _ask(self, url: str, what: str, policy: RetryPolicy, limits: Limits) -> tuple[Feed, str]:
        """One request, through the gate: the feed and the body it was read from."""
        shown = strip_userinfo(url)
        try:
            response = request(self.client, "GET", url, policy, limits=limits, gate=self.gate)
        except (GaveUp, DownloadRefused, LimitExceeded) as e:
            raise SourceError(f"arXiv API ({what}): {url}: {e}", url=shown)
        if response.status_code == 400:
            try:
                feed = parse_feed(response.text, f"arXiv API ({what})")
            except ResponseShapeError:  # a proxy's page, not arXiv's error feed
                feed = Feed([])
            detail = "; ".join(f"{e.message}" for e in feed.errors) or response.text[:200]
            raise SourceError(f"arXiv API ({what}) refused the request (HTTP 400): {detail}", url=shown)
        if response.status_code != 200:
            raise SourceError(f"arXiv API ({what}): {url}: HTTP {response.status_code}", url=shown)
        feed = parse_feed(response.text, f"arXiv API ({what})")
        if feed.errors:
            raise SourceError(f"arXiv API ({what}): " + "; ".join(e.message for e in feed.errors), url=shown)
        return feed, response.text

    def _cache_file(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        day = dt.datetime.now(EASTERN).date().isoformat()  # arXiv's day turns over in New York
        return self.cache_dir / day / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".xml")

    def _cached(self, url: str) -> str | None:
        path = self._cache_file(url)
        if path is not None and path.exists():
            return path.read_text("utf-8")
        return None

    def _store(self, url: str, body: str) -> None:
        path = self._cache_file(url)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(body, "utf-8")
        tmp.replace(path)

    # -- papers by id -----------------------------------------------------------------------------
    def by_ids(self, raw_ids: list[str]) -> tuple[list[Paper], list[str]]:
        """The papers for these ids, in the order asked, and the ids arXiv did not return (the API
        silently drops an id it does not know). What is not an arXiv id is not asked for: it is
        returned among the missing, and the others are looked up as ever."""
        wanted: list[tuple[str, int | None, str]] = []
        invalid: list[str] = []
        for raw in raw_ids:
            try:
                pid, version = split_id(raw)
            except ValueError:
                invalid.append(raw)
                continue
            wanted.append((pid, version, raw))
        found: dict[str, Paper] = {}
        for start in range(0, len(wanted), self.batch_size):
            batch = wanted[start:start + self.batch_size]
            ids = [f"{pid}v{v}" if v else pid for pid, v, _ in batch]
            feed = self.query({"id_list": ",".join(ids), "start": 0, "max_results": len(ids)},
                              f"ids {', '.join(ids[:3])}{'…' if len(ids) > 3 else ''}")
            for p in feed.papers:
                found[p.id] = p
        papers = [found[pid] for pid, _, _ in wanted if pid in found]
        missing = [raw for pid, _, raw in wanted if pid not in found] + invalid
        return papers, missing

    # -- a day's announcements --------------------------------------------------------------------
    def announced(self, categories: list[str], date: str) -> list[Paper]:
        """The papers arXiv announced on `date` in any of `categories` (by the submission window of the
        day), once each; none on a weekend."""
        start, end = announcement_window(date)
        if start is None or end is None:
            return []
        cats = " OR ".join(f"cat:{c}" for c in categories)
        window = f"submittedDate:[{start:%Y%m%d%H%M} TO {end:%Y%m%d%H%M}]"
        papers: list[Paper] = []
        seen: set[str] = set()
        offset = 0
        while True:
            feed = self.query({"search_query": f"({cats}) AND {window}", "sortBy": "submittedDate",
                               "sortOrder": "ascending", "start": offset, "max_results": self.page_size},
                              f"{', '.join(categories)} on {date}")
            for p in feed.papers:
                if p.id not in seen:
                    seen.add(p.id)
                    papers.append(p)
            offset += self.page_size
            if not feed.papers or feed.total is None or offset >= feed.total or offset >= 30000:
                return papers


def announcement_window(date: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The submission window (UTC) of the papers arXiv lists as new on `date`: submitted between
    14:00 New York time on the weekday before the previous weekday and 14:00 on the previous
    weekday. Weekends list nothing. Holidays are not known here."""
    day = dt.date.fromisoformat(date)
    if day.weekday() >= 5:
        return None, None
    end_day = _previous_weekday(day)
    start_day = _previous_weekday(end_day)
    to_utc = dt.UTC
    start = dt.datetime.combine(start_day, dt.time(14), EASTERN).astimezone(to_utc)
    end = dt.datetime.combine(end_day, dt.time(14), EASTERN).astimezone(to_utc)
    return start, end


def _previous_weekday(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def client_from(options: SourceOptions, gate: Gate | None = None) -> ArxivClient:
    """The arXiv API client of these options: their delay, held across the processes of a home by
    its lock file (or by `gate`, shared with the downloads), and a cache of the answers."""
    return ArxivClient(options.arxiv_api_url, gate=gate or PoliteGate(options.arxiv_delay, options.arxiv_lock),
                       cache_dir=options.cache_dir / "arxiv-api" if options.cache_dir else None,
                       timeout=options.timeout,
                       policy=RetryPolicy(retries=min(options.retries, 2), max_wait=options.max_retry_wait))


def make(options: SourceOptions, env: Mapping[str, str]) -> ArxivSource:
    """The `arxiv` source (the entry point): papers by id, or a day's announcements in categories."""
    return ArxivSource(client_from(options, options.arxiv_gate), list(options.categories), list(options.ids),
                       options.max_papers)


class ArxivSource:
    """`fetch --source arxiv`: a day's papers in categories, or papers named by id."""

    name = "arxiv"

    def __init__(self, client: ArxivClient, categories: list[str] | None = None,
                 ids: list[str] | None = None, max_papers: int = 500) -> None:
        self.client = client
        self.categories = categories or []
        self.ids = ids or []
        self.max_papers = max_papers
        self.missing: list[str] = []

    def fetch_day(self, date: str) -> Listing:
        """The papers named by id, else those announced on `date` in the categories, at most `max_papers`;
        ConfigError when it was given neither."""
        self.client.bodies.clear()
        if self.ids:
            papers, self.missing = self.client.by_ids(self.ids)
        elif self.categories:
            papers = self.client.announced(self.categories, date)
        else:
            raise ConfigError("--source arxiv needs --id ID or --category CAT (for example cs.CL)")
        warnings = []
        if len(papers) > self.max_papers:
            warnings.append(f"arXiv announced {len(papers)} papers for {date}: only the first {self.max_papers} "
                            "were kept (the setting max_papers)")
            papers = papers[:self.max_papers]
        read_at = utc_now()
        entries = [ListingEntry(date, p, "arxiv", position=i, upvotes_read_at=read_at)
                   for i, p in enumerate(papers)]
        return Listing(date, "arxiv", entries, list(self.client.bodies), self.client.api_url, warnings)
