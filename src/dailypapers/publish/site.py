"""The site publisher: the pages `render.site` plans, written into a folder that readers may be
looking at.

A build takes a lock on the folder, renders only the pages whose inputs changed (the others are
hard-linked from the current site) into `DIR.new`, downloads thumbnails and media (`media.py`),
indexes the paper pages with Pagefind, then swaps `DIR.new` with `DIR` in one step: a reader never
sees a half-built site, and a build that fails leaves the current site as it was. A build that was
killed leaves nothing in the way of the next: its `DIR.new` is removed, a swap it left half done
is finished or undone, and a Pagefind child that outlived it is stopped.

    .dailypapers-site.json         the manifest: a hash of every page's inputs
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dailypapers.config import PublishOptions, SiteOptions
from dailypapers.errors import ConfigError, SiteError
from dailypapers.http import PoliteGate
from dailypapers.publish.media import HF_MEDIA_HOSTS, MediaCache, MediaFile, MediaReport, place
from dailypapers.render.site import SiteDay, SitePlan, fingerprint, is_paper_page

SITE_FORMAT = 1
MANIFEST = ".dailypapers-site.json"
SEARCH_KEY = "pagefind/"  # in the pages read from a manifest: the build made a search index


@dataclass
class SiteReport:
    """What a build did."""

    out_dir: Path
    langs: list[str]
    default_lang: str | None
    days: int
    papers: int
    written: list[str] = field(default_factory=list)  # pages rendered this build (relative paths)
    kept: int = 0  # pages whose inputs had not changed: linked from the previous build
    media: MediaReport | None = None
    search: bool = False
    feeds: str = "skipped"
    notes: list[str] = field(default_factory=list)


class SitePublisher:
    """`publish --to site`: the whole archive as a static site in `options.out_dir`."""

    target = "site"

    def __init__(self, options: SiteOptions) -> None:
        self.options = options
        self.channel = str(options.out_dir)

    def media_cache(self) -> MediaCache:
        """Thumbnails and media come from the Hugging Face hosts (and the HF_ENDPOINT host, and
        `media_hosts`), papers' figures from the arXiv host, asked at arXiv's pace; all cached
        between builds."""
        o = self.options
        arxiv = urlsplit(o.arxiv_url).hostname or ""
        hosts = {*HF_MEDIA_HOSTS, urlsplit(o.hf_endpoint).hostname or "", arxiv, *o.media_hosts}
        gates = {arxiv: PoliteGate(o.arxiv_delay, o.arxiv_lock)} if arxiv else {}
        return MediaCache(o.media_dir, hosts, base_url=o.hf_endpoint, timeout=o.timeout, offline=not o.download_media,
                          gates=gates)

    def publish_archive(self, days: list[SiteDay], progress: Any = None) -> SiteReport:
        """Build the site of `days` (every day the store holds) into the folder, in one step."""
        o = self.options
        return build_site(days, o.out_dir, media=self.media_cache(), default_lang=o.default_lang,
                          langs=list(o.langs) if o.langs else None, search=o.search, base_url=o.base_url,
                          progress=progress)


def make(options: PublishOptions, env: Mapping[str, str]) -> SitePublisher:
    """The `site` publisher (the entry point)."""
    if options.site is None:
        raise ConfigError("--to site needs a folder for the site (the setting site_dir)")
    return SitePublisher(options.site)


# -- the build ----------------------------------------------------------------------------------

def build_site(days: list[SiteDay], out_dir: Path, *, media: MediaCache | None = None,
               default_lang: str = "ko", langs: list[str] | None = None, search: bool = True,
               feeds: bool = True, base_url: str | None = None, keyword_min: int = 2,
               progress: Any = None) -> SiteReport:
    """Build the site for `days` into `out_dir`, replacing what is there in one step.

    media: where thumbnails come from (None: no downloads, no pictures);
    langs: only these languages (default: every language that has summaries); search: run
    Pagefind; feeds: write the feeds; base_url: the site's public address, for the feeds' links;
    keyword_min: a Hugging Face keyword gets a page when at least this many papers carry it
    (arXiv categories always do)."""
    out = Path(out_dir).absolute()
    new = out.with_name(out.name + ".new")
    with _build_lock(out):
        _recover(out)
        _check_target(out)
        old_pages = _read_manifest(out)
        _stop_stale_pagefind(new)
        if new.exists():
            shutil.rmtree(new)
        new.mkdir(parents=True)
        try:
            report = _build_into(new, out, old_pages, SitePlan(days, default_lang, langs, keyword_min), media,
                                 search, feeds, base_url, progress)
            report.out_dir = out
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        _swap(new, out)
    return report


def _build_into(new: Path, old: Path, old_pages: dict[str, str], plan: SitePlan, media: MediaCache | None,
                search: bool, feeds: bool, base_url: str | None, progress: Any) -> SiteReport:
    report = SiteReport(new, plan.langs, plan.default, plan.day_count, plan.paper_count, notes=list(plan.notes))
    found = _resolve_media(plan, media, new / "media")
    report.media = media.report if media else None
    writer = Writer(new, old, old_pages, fingerprint())
    total = plan.page_count()
    step = max(1, -(-total // 100))  # at most 100 steps shown, however many pages
    if progress is not None:
        progress.start("site pages", -(-total // step))
    done = 0
    try:
        for f in plan.files(found, feeds=feeds, base_url=base_url):
            writer.emit(f.rel, f.key, f.produce, tracked=f.tracked)
            if f.page:
                done += 1
                if progress is not None and (done % step == 0 or done == total):
                    progress.advance(f.rel)
    finally:
        if progress is not None:
            progress.stop()
    report.written, report.kept = writer.written, writer.kept
    report.feeds = "written" if feeds and plan.langs else "skipped"
    if search and plan.has_papers:
        if not _reuse_search_index(writer, old, old_pages):
            run_pagefind(new)
        report.search = True
    writer.search = report.search
    writer.write_manifest()
    return report


def _resolve_media(plan: SitePlan, cache: MediaCache | None, target: Path) -> dict[str, MediaFile | None]:
    """Each thumbnail and media URL's file in the cache (downloaded now if need be), then the figures
    of the papers whose thumbnail could not be had; each placed into the site."""
    wanted = plan.media_urls()
    if cache is None:
        return {u: None for u in wanted}
    try:
        found = cache.resolve(wanted)
        found.update(cache.resolve(plan.figure_urls(found)))
    finally:
        cache.close()
    for got in found.values():
        if got is not None:
            place(got, target)
    return found


def _reuse_search_index(writer: Writer, old: Path, old_pages: dict[str, str]) -> bool:
    """Link the previous build's search index when none of the pages it indexes changed: Pagefind
    has no incremental mode, and indexing every paper again is most of a rebuild's time."""
    if not old_pages.get(SEARCH_KEY) or not (old / "pagefind" / "pagefind-entry.json").is_file():
        return False
    if any(is_paper_page(rel) for rel in writer.written):
        return False
    if {r for r in writer.pages if is_paper_page(r)} != {r for r in old_pages if is_paper_page(r)}:
        return False
    for path in (old / "pagefind").rglob("*"):
        target = writer.new / path.relative_to(old)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copyfile(path, target)
    return True


@contextlib.contextmanager
def _build_lock(out: Path) -> Iterator[None]:
    """One build at a time per output folder (two would fight over DIR.new)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = out.with_name(f".{out.name}.lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class Writer:
    """Writes pages into the new folder, or links them from the old one when their inputs (and the
    code that renders them) have not changed."""

    def __init__(self, new: Path, old: Path, old_pages: dict[str, str], fingerprint: str) -> None:
        self.new, self.old, self.old_pages, self.fp = new, old, old_pages, fingerprint
        self.pages: dict[str, str] = {}
        self.search = False
        self.written: list[str] = []
        self.kept = 0
        self._dirs: set[Path] = set()

    def _target(self, rel: str) -> Path:
        if rel.startswith("/") or ".." in rel.split("/") or "\\" in rel:
            raise SiteError(f"refusing to write outside the site: {rel!r}")
        path = self.new / rel
        if path.parent not in self._dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(path.parent)
        return path

    def emit(self, rel: str, key: str, produce: Any, tracked: bool = True) -> None:
        """Write `rel` (or link it from the old site when its key is the one recorded there); an
        untracked file (a feed) is written every time and kept out of the manifest."""
        target = self._target(rel)
        if not tracked:
            target.write_bytes(produce())
            return
        self.pages[rel] = key
        old = self.old / rel
        if self.old_pages.get(rel) == key and old.is_file():
            try:
                os.link(old, target)
            except OSError:
                shutil.copyfile(old, target)
            self.kept += 1
            return
        target.write_bytes(produce())
        self.written.append(rel)

    def write_manifest(self) -> None:
        """Write the manifest of the new site: the key of every page, and whether it has a search index."""
        body = {"format": SITE_FORMAT, "generator": "dailypapers", "fingerprint": self.fp,
                "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                "search": self.search, "pages": self.pages}
        (self.new / MANIFEST).write_text(json.dumps(body, ensure_ascii=False, indent=0, sort_keys=True),
                                         encoding="utf-8")


# -- the folder: recovery, the manifest, the swap ------------------------------------------------------

def _read_manifest(out: Path) -> dict[str, str]:
    try:
        body = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(body, dict) or body.get("format") != SITE_FORMAT or not isinstance(body.get("pages"), dict):
        return {}
    pages = {str(k): str(v) for k, v in body["pages"].items()}
    if body.get("search") is True:
        pages[SEARCH_KEY] = "yes"
    return pages


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out} is a file; the site is a folder: give -o a folder name", path=str(out))
    if out.is_dir() and not (out / MANIFEST).exists() and any(out.iterdir()):
        raise ConfigError(f"{out} is a folder that holds something other than a dailypapers site; "
                          "give -o a new or empty folder (a rebuild replaces the whole folder)", path=str(out))


def _recover(out: Path) -> None:
    """Undo what a build that died in the middle of the swap left: the old site under DIR.old."""
    old = out.with_name(out.name + ".old")
    if not out.exists() and old.is_dir():
        os.rename(old, out)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    return bool(fn(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange) == 0)


def _swap(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new)  # it holds the previous site now
        return
    old = out.with_name(out.name + ".old")
    os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old)


# -- search -------------------------------------------------------------------------------------

def pagefind_executable() -> str:
    """The Pagefind binary of the pagefind[bin] package; SiteError when there is none."""
    try:
        from pagefind_bin import get_executable
    except ImportError as e:
        raise SiteError("the search index needs Pagefind: pip install 'pagefind[bin]' "
                        f"(or build without search) ({e})",
                        hint="pip install 'pagefind[bin]', or build without search")
    try:
        return str(get_executable())
    except FileNotFoundError as e:
        raise SiteError(f"the pagefind[bin] package has no binary for this machine ({e})")


def _pid_file(site: Path) -> Path:
    return site.with_name(f".{site.name}.pagefind.pid")


def run_pagefind(site: Path) -> None:
    """Index the paper pages (each language in its own index, by the `lang` of its <html>). The
    child's pid is kept next to the folder while it runs: if this process is killed, the next build
    finds the child that outlived it and stops it before it touches the folder again."""
    cmd = [pagefind_executable(), "--site", str(site), "--output-subdir", "pagefind",
           "--glob", "*/papers/*.html", "--quiet"]
    pid_file = _pid_file(site)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise SiteError(f"pagefind could not index {site}: {e}", path=str(site))
    pid_file.write_text(str(proc.pid), encoding="ascii")
    try:
        out, err = proc.communicate(timeout=1800)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise SiteError(f"pagefind could not index {site}: it took more than 30 minutes", path=str(site))
    finally:
        pid_file.unlink(missing_ok=True)
    if proc.returncode != 0:
        tail = (err or out).strip()[-800:]
        raise SiteError(f"pagefind failed (exit {proc.returncode}) indexing {site}: {tail}", path=str(site))


def _stop_stale_pagefind(site: Path) -> None:
    """Stop a Pagefind left running by a build that was killed, if it is still indexing `site`."""
    pid_file = _pid_file(site)
    try:
        pid = int(pid_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pid_file.unlink(missing_ok=True)
        return
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        cmdline = []  # gone (or not Linux): nothing to stop
    if any(b"pagefind" in part for part in cmdline[:1]) and os.fsencode(str(site)) in cmdline:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        for _ in range(100):  # its files are closed once it is gone
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.05)
    pid_file.unlink(missing_ok=True)
