"""Thumbnails, media and papers' figures for the site: downloaded at build time, so a reader's
browser asks no other host for anything, and cached on disk by URL between builds.

Only the Hugging Face hosts and the arXiv host are contacted (the CDN hosts, the HF_ENDPOINT host,
the host of the `arxiv_url` setting; redirects elsewhere are refused by the guarded client), a
host with a politeness gate (arXiv) one request at a time at its pace; bodies are capped, and a
file is kept only when both its Content-Type and its first bytes say it is an image (PNG, JPEG,
GIF, WebP, AVIF) or a video (MP4, WebM). SVG is never kept (it can carry script). A file that
cannot be had is left out of the site (a card without a picture); a URL that answered with an
error or something that is not an image is remembered for `failure_ttl` seconds, while a host
that could not be reached is tried again on the next build (and not again in this one).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from dailypapers.errors import DownloadRefused, GaveUp, LimitExceeded
from dailypapers.http import MEDIA_FILE, Limits, PoliteGate, RetryPolicy, guarded_client, request
from dailypapers.text import safe_url

HF_MEDIA_HOSTS = frozenset({"cdn-thumbnails.huggingface.co", "cdn-uploads.huggingface.co"})

# content type -> (extension, kind)
TYPES = {
    "image/png": ("png", "image"),
    "image/jpeg": ("jpg", "image"),
    "image/gif": ("gif", "image"),
    "image/webp": ("webp", "image"),
    "image/avif": ("avif", "image"),
    "video/mp4": ("mp4", "video"),
    "video/webm": ("webm", "video"),
}
KIND_OF_EXT = {ext: kind for ext, kind in TYPES.values()}


def sniff(data: bytes) -> str | None:
    """The content type the bytes themselves show, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"avif", b"avis"):
            return "image/avif"
        return "video/mp4"
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


def _same_family(declared: str, sniffed: str) -> bool:
    """A server may call an MP4 `video/quicktime`-ish or a JPEG `image/jpg`; what matters is that the
    declared type is an image or video type we accept and the bytes agree on the kind."""
    return TYPES[declared][1] == TYPES[sniffed][1]


def url_key(url: str) -> str:
    """The name of a URL's file in the cache: a hash of the URL."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class MediaFile:
    """A downloaded file in the cache: `name` is its file name in the site's media/ folder."""

    url: str
    name: str
    kind: str  # image | video
    path: Path


@dataclass
class MediaReport:
    """What a build did with its media: downloaded, taken from the cache, failed (with why), skipped."""

    downloaded: int = 0
    cached: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    skipped: int = 0  # not asked for: offline, or a failure remembered


class MediaCache:
    """Downloads thumbnails and media into `cache_dir` (HOME/cache/media), one file per URL named
    by the hash of the URL, and answers from it on the next build without asking anyone. `gates`:
    a host whose requests wait for its politeness gate (arXiv's, shared with every process of the
    home)."""

    def __init__(self, cache_dir: Path, allowed_hosts: Iterable[str], *, base_url: str | None = None,
                 max_image_bytes: int = 8 * 1024 * 1024, max_video_bytes: int = 40 * 1024 * 1024,
                 timeout: float = 30.0, policy: RetryPolicy | None = None, offline: bool = False,
                 failure_ttl: float = 24 * 3600, workers: int = 8,
                 gates: Mapping[str, PoliteGate] | None = None) -> None:
        self.cache_dir = cache_dir
        self.allowed_hosts = {h.lower() for h in allowed_hosts if h}
        self.gates = {h.lower(): g for h, g in (gates or {}).items()}
        self.base_url = base_url
        self.max_image_bytes = max_image_bytes
        self.max_video_bytes = max_video_bytes
        self.timeout = timeout
        self.policy = policy or RetryPolicy(retries=1, backoff=0.5, max_wait=10)
        self.offline = offline
        self.failure_ttl = failure_ttl
        self.workers = max(1, workers)
        self.report = MediaReport()
        self._client: httpx.Client | None = None
        self._index: dict[str, str] | None = None
        self._unreachable: dict[str, str] = {}  # host -> why: not asked again this build

    # -- the cache ---------------------------------------------------------------------------------
    def _load_index(self) -> dict[str, str]:
        """URL hash -> file name of what the cache holds (one directory listing per build)."""
        if self._index is None:
            self._index = {}
            if self.cache_dir.is_dir():
                for entry in os.scandir(self.cache_dir):
                    stem, _, ext = entry.name.partition(".")
                    if ext in KIND_OF_EXT or ext == "failed":
                        self._index[stem if ext in KIND_OF_EXT else stem + ".failed"] = entry.name
        return self._index

    def cached(self, url: str) -> MediaFile | None:
        """The cached file of a URL, or None."""
        name = self._load_index().get(url_key(url))
        if name is None:
            return None
        return MediaFile(url, name, KIND_OF_EXT[name.partition(".")[2]], self.cache_dir / name)

    def _recent_failure(self, key: str) -> str | None:
        name = self._load_index().get(key + ".failed")
        if name is None:
            return None
        path = self.cache_dir / name
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            if time.time() - float(info["at"]) < self.failure_ttl:
                return str(info.get("reason", "failed before"))
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    # -- downloading -------------------------------------------------------------------------------
    def absolute(self, url: str) -> str:
        """The URL to download: a path (`/papers/...`) is taken as one of `base_url`."""
        if self.base_url and url.startswith("/") and not url.startswith("//"):
            return urljoin(self.base_url + "/", url.lstrip("/"))
        return url

    def allowed(self, url: str) -> str | None:
        """Why this URL will not be downloaded, or None when it may be."""
        if safe_url(url) is None:
            return "not a safe http(s) URL (white space, control characters, quotes or angle brackets)"
        try:
            parts = urlsplit(url)
        except ValueError:
            return "not a URL"
        if parts.scheme not in ("http", "https"):
            return f"scheme {parts.scheme or '(none)'} is not http(s)"
        host = (parts.hostname or "").lower()
        if host not in self.allowed_hosts:
            return f"{host or '(no host)'} is not one of the media hosts ({', '.join(sorted(self.allowed_hosts))})"
        return None

    def resolve(self, urls: Iterable[str]) -> dict[str, MediaFile | None]:
        """Each URL's cached file, downloading what the cache lacks (in parallel); None for a URL
        that could not be had (the site leaves it out)."""
        out: dict[str, MediaFile | None] = {}
        todo: list[str] = []
        ordered = list(dict.fromkeys(u for u in urls if u))
        for url in ordered:
            hit = self.cached(url)
            if hit is not None:
                self.report.cached += 1
                out[url] = hit
            else:
                todo.append(url)
        if todo and self.offline:
            self.report.skipped += len(todo)
            out.update({u: None for u in todo})
            todo = []
        fetch: list[str] = []
        for url in todo:
            if self._recent_failure(url_key(url)) is not None:
                self.report.skipped += 1
                out[url] = None
            elif (why := self.allowed(self.absolute(url))) is not None:
                self.report.failed.append((url, why))
                out[url] = None
            else:
                fetch.append(url)
        if fetch:
            with ThreadPoolExecutor(max_workers=min(self.workers, len(fetch))) as pool:
                for url, got in zip(fetch, pool.map(self._download_one, fetch)):
                    out[url] = got
        return {u: out[u] for u in ordered}  # in the order asked

    def _clients(self) -> httpx.Client:
        if self._client is None:
            self._client = guarded_client(self.allowed_hosts, timeout=self.timeout)
        return self._client

    def close(self) -> None:
        """Close the HTTP client, if one was made."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def _download_one(self, url: str) -> MediaFile | None:
        """One file, whatever goes wrong with it: a failure costs that file (left out), never the
        build."""
        try:
            return self._download(url)
        except Exception as e:
            self.report.failed.append((url, f"{type(e).__name__}: {e}"))
            return None

    def _download(self, url: str) -> MediaFile | None:
        key = url_key(url)
        target = self.absolute(url)
        host = (urlsplit(target).hostname or "").lower()
        if host in self._unreachable:
            self.report.failed.append((url, f"skipped: {host} could not be reached ({self._unreachable[host]})"))
            return None  # not remembered on disk: the next build tries again
        try:
            response = request(self._clients(), "GET", target, self.policy,
                               limits=Limits(max(self.max_image_bytes, self.max_video_bytes), MEDIA_FILE.deadline,
                                             MEDIA_FILE.what), gate=self.gates.get(host))
        except GaveUp as e:
            self._unreachable[host] = str(e)
            self.report.failed.append((url, str(e)))
            return None
        except (DownloadRefused, LimitExceeded) as e:
            self._fail(url, key, str(e))
            return None
        if response.status_code != 200:
            self._fail(url, key, f"HTTP {response.status_code}")
            return None
        declared = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if declared == "image/jpg":
            declared = "image/jpeg"
        if declared not in TYPES:
            self._fail(url, key, f"content type {declared or '(none)'} is not an accepted image or video")
            return None
        data = response.content
        sniffed = sniff(data)
        if sniffed is None or not _same_family(declared, sniffed):
            self._fail(url, key, f"declared {declared}, but the bytes are not an accepted image or video")
            return None
        ext, kind = TYPES[sniffed]
        limit = self.max_video_bytes if kind == "video" else self.max_image_bytes
        if len(data) > limit:
            self._fail(url, key, f"{len(data):,} bytes, over the limit of {limit:,}")
            return None
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        name = f"{key}.{ext}"
        tmp = self.cache_dir / f".{name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        tmp.replace(self.cache_dir / name)
        (self.cache_dir / f"{key}.failed").unlink(missing_ok=True)
        self._load_index()[key] = name
        self.report.downloaded += 1
        return MediaFile(url, name, kind, self.cache_dir / name)

    def _fail(self, url: str, key: str, reason: str) -> None:
        self.report.failed.append((url, reason))
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            (self.cache_dir / f"{key}.failed").write_text(
                json.dumps({"url": url, "at": time.time(), "reason": reason}), encoding="utf-8")
        except OSError:
            pass


def place(media: MediaFile, target_dir: Path) -> None:
    """Put a cached file into the site: a hard link when the cache is on the same file system (the
    cache file is never written again, so sharing it is safe), else a copy."""
    target = target_dir / media.name
    if target.exists():
        return
    target_dir.mkdir(parents=True, exist_ok=True)
    try:
        os.link(media.path, target)
    except OSError:
        shutil.copyfile(media.path, target)
