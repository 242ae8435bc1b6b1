"""What the browser tests share: Debian's Chromium driven by Playwright (never Playwright's own
browser download), a real HTTP server that serves a built site under a sub-path on 127.0.0.1, and
a Watch that records everything that went wrong on a page and every URL it asked for."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="needs Debian's chromium at /usr/bin/chromium (.ci/run installs it: "
                                           "apt-get install chromium fonts-noto-cjk)")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PREFIX = "/sub/"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LIGHT_BG = "rgb(251, 251, 250)"  # --bg of site.css
DARK_BG = "rgb(18, 19, 22)"


class SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the site under PREFIX only, as a static host serving it from a sub-path would."""

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if not clean.startswith(PREFIX):
            return str(Path(self.directory) / ".not-served")
        return super().translate_path("/" + path[len(PREFIX):])

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 under PREFIX; yields the site's address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SubPathHandler, directory=str(directory)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()


def launch(p: Any, profile: Path, **options: Any) -> BrowserContext:
    """A persistent Chromium context with a fresh profile in `profile` (light theme, desktop size)."""
    ctx = p.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=ARGS, viewport=DESKTOP,
        color_scheme="light", locale="en-US", service_workers="block", **options)
    ctx.set_default_timeout(10_000)
    return ctx


@dataclass
class Watch:
    """Everything that went wrong on a page, and every URL it asked for.

    An image or a video whose load the browser itself aborts (net::ERR_ABORTED) is not a failure:
    it drops such loads as it likes, when the page navigates away (a click on a search result
    while thumbnails still load) or when it has preloaded enough of a video. Those are kept apart
    in `aborted_media`. Any other failure of a media load (refused, blocked, a 404) counts, as
    does an aborted request of any other kind (a stylesheet, a script, a fetch)."""

    allowed_schemes: tuple[str, ...] = ("http",)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    aborted_media: list[str] = field(default_factory=list)

    def request_failed(self, url: str, resource_type: str, failure: str | None) -> None:
        if resource_type in ("image", "media") and failure == "net::ERR_ABORTED":
            self.aborted_media.append(url)
        else:
            self.failed.append(f"{url}: {failure} ({resource_type})")

    def requests_to(self, path: str) -> list[str]:
        return [u for u in self.requests if urlsplit(u).path == path]

    def foreign(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob"):
                continue
            if parts.scheme not in self.allowed_schemes or (parts.scheme == "http" and parts.hostname != "127.0.0.1"):
                out.append(url)
        return out

    def problems(self) -> dict[str, list[str]]:
        found = {"console errors": self.console, "page errors": self.errors, "failed requests": self.failed,
                 "responses >= 400": self.bad_status, "requests to another host": self.foreign()}
        return {k: v for k, v in found.items() if v}

    def assert_clean(self, where: str) -> None:
        assert not self.problems(), f"{where}: {self.problems()}"


def watch(page: Page, allowed_schemes: tuple[str, ...] = ("http",)) -> Watch:
    w = Watch(allowed_schemes)

    def on_console(msg: Any) -> None:
        if msg.type in ("error", "assert"):
            w.console.append(f"{msg.text} ({msg.location.get('url')}:{msg.location.get('lineNumber')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: w.errors.append(str(exc)))
    page.on("requestfailed", lambda req: w.request_failed(req.url, req.resource_type, req.failure))
    page.on("response", lambda res: w.bad_status.append(f"{res.status} {res.url}") if res.status >= 400 else None)
    page.on("request", lambda req: w.requests.append(req.url))
    return w


_IMAGES_JS = """async () => {
  const imgs = Array.from(document.images);
  for (const img of imgs) img.loading = "eager";
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  return imgs.map(img => ({src: img.getAttribute("src"), ok: img.complete && img.naturalWidth > 0}));
}"""


def load_images(page: Page) -> list[dict[str, Any]]:
    """Load every image of the page (lazy ones too) and say which loaded."""
    return page.evaluate(_IMAGES_JS)


def open_page(ctx: BrowserContext, url: str, allowed_schemes: tuple[str, ...] = ("http",)) -> tuple[Page, Watch]:
    page = ctx.new_page()
    w = watch(page, allowed_schemes)
    response = page.goto(url)
    assert response is None or response.ok, f"{url}: {response and response.status}"
    return page, w


def body_bg(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")
