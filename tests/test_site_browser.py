"""The built site in a real browser: Debian's Chromium, headless, driven by Playwright's Python
package (`executable_path`: Playwright's own browser downloads are never used).

One site is built from a real store (three days of Korean and English summaries, and a day whose
titles, abstracts, authors, keywords, model names and summaries carry script tags, event handlers,
`javascript:` links and broken markup), with thumbnails downloaded from a local fake of the
Hugging Face CDN and a Pagefind index. It is served by a real HTTP server on 127.0.0.1 under a
sub-path (`/sub/`) and also opened from disk. The tests check that every page loads with no
console error, no failed request and nothing asked of another host; that search finds a paper by
a Korean and by an English word; that the language switch, the dark theme and keyboard focus
work; that hostile text is shown as text and never runs (with the Content-Security-Policy
enforced, and with it bypassed, so that escaping alone is tested); and they save screenshots at
phone and desktop widths to tests/artifacts/.

Skipped only when /usr/bin/chromium is absent (.ci/run installs it)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from dailypapers import pipeline
from dailypapers.checks.evidence import find_evidence
from dailypapers.models import Finding, Listing, Section, Summary, SummaryKey, TextSection
from dailypapers.render.site import paper_slug
from dailypapers.sources.hf_daily import parse_items
from dailypapers.store import Store
from tests.browser import (
    ARTIFACTS,
    DARK_BG,
    DESKTOP,
    LIGHT_BG,
    PHONE,
    PREFIX,
    Watch,
    body_bg,
    launch,
    load_images,
    needs_chromium,
    open_page,
    serve,
    watch,
)
from tests.fakes import Answer
from tests.site_helpers import DAYS, MediaHost, fill, items, png, settings_for, summary

pytestmark = needs_chromium

# Each in exactly one paper of its language's index (and in no abstract).
KO_UNIQUE = "두더지"  # an extra Korean summary of 2502.00202
KO_UNIQUE_PAPER = "2502.00202"
EN_UNIQUE = "axolotl"  # an extra English summary of 2502.00404
EN_UNIQUE_PAPER = "2502.00404"

HOSTILE_DATE = "2025-02-02"  # before the fixture's days: not the front page
HOSTILE_ID = "2502.00999"
NEIGHBOUR_ID = "2502.00998"  # listed after the hostile paper: broken markup must not swallow it
PWN = "window.__pwned=1"
HOSTILE_TITLE = f'<script>{PWN}</script> Hostile <img src=x onerror="{PWN}"> </h1><b>Title'
HOSTILE_ABSTRACT = (f'</p><script>{PWN}</script><a href="javascript:{PWN}">click me</a> '
                    f'<img src=x onerror="{PWN}"> <svg onload="{PWN}"> <div>unclosed')
HOSTILE_AUTHOR = f'<b onmouseover="{PWN}">Eve</b>'
HOSTILE_KEYWORD = f"<script>{PWN}</script>"
HOSTILE_MODEL = f'<img src=x onerror="{PWN}">'
HOSTILE_SECTIONS = {
    "ko": [Section("What's New", f"<script>{PWN}</script> **굵게** 새로운 점 <img src=x onerror=\"{PWN}\">"),
           Section("Technical Details", f"[click](javascript:{PWN}) <a href=\"javascript:{PWN}\">링크</a> "
                                        f"![x](javascript:{PWN})"),
           Section("Performance Highlights", f'<div><p>닫히지 않은 <b>태그 "quotes" & <svg onload="{PWN}"> '
                                             f'<iframe src="javascript:{PWN}">')],
    "en": [Section("What's New", f"<script>{PWN}</script> **bold** news <img src=x onerror=\"{PWN}\">"),
           Section("Technical Details", f"[click](javascript:{PWN}) <a href=\"javascript:{PWN}\">link</a>"),
           Section("Performance Highlights", f'<div><p>unclosed <b>tags "quotes" & <svg onload="{PWN}">')],
}
COLOURS = [(66, 103, 178), (219, 68, 55), (15, 157, 88), (244, 180, 0), (171, 71, 188), (0, 172, 193),
           (255, 112, 67), (92, 107, 192), (124, 179, 66), (141, 110, 99)]


# -- the site -----------------------------------------------------------------------------------

def _fill_hostile(store: Store, thumb_base: str) -> None:
    base = items(thumb_base)
    hostile, neighbour = json.loads(json.dumps(base[0])), json.loads(json.dumps(base[1]))
    hostile["paper"].update(id=HOSTILE_ID, title=HOSTILE_TITLE, summary=HOSTILE_ABSTRACT,
                            ai_keywords=[HOSTILE_KEYWORD, "sparse routing"], projectPage=f"javascript:{PWN}",
                            githubRepo=f'javascript:{PWN}//"><script>{PWN}</script>')
    hostile["paper"]["authors"][0]["name"] = HOSTILE_AUTHOR
    hostile["title"], hostile["summary"] = HOSTILE_TITLE, HOSTILE_ABSTRACT
    hostile["thumbnail"] = f"javascript:{PWN}"
    neighbour["paper"].update(id=NEIGHBOUR_ID, ai_keywords=[HOSTILE_KEYWORD])
    neighbour["thumbnail"] = f"{thumb_base}/social-thumbnails/papers/{NEIGHBOUR_ID}.png"
    its = [hostile, neighbour]
    store.save_listing(Listing(HOSTILE_DATE, "hf", parse_items(its, HOSTILE_DATE), [json.dumps(its)]))
    reason = f"<script>{PWN}</script> the figure was not found"
    for lang in ("ko", "en"):
        store.save_summary(Summary(SummaryKey(HOSTILE_ID, 1, "abstract", lang, HOSTILE_MODEL, "v1"),
                                   HOSTILE_SECTIONS[lang], created_at="2025-02-02T01:00:00Z",
                                   findings=[Finding("numbers", "soft", reason, "Performance Highlights")]))
    store.save_summary(summary(NEIGHBOUR_ID, "ko", created_at="2025-02-02T01:00:00Z"))


# The Korean summary of KO_UNIQUE_PAPER read arXiv's HTML: its evidence points into its sections.
UNIQUE_HTML = [TextSection("Abstract", "Small models make arithmetic slips. This paper introduces self-checking, "
                                       "a training recipe. A 1.5B model reaches 71.3% on GSM8K.", "abstract", None),
               TextSection("4 Experiments", "Self-checking removes 38% of the arithmetic errors of the base model. "
                                            "Longer checks help little.", "results", "S4")]
UNIQUE_SECTIONS = [Section("What's New", f"{KO_UNIQUE} 실험으로 작은 모델이 산술 오류를 스스로 점검합니다."),
                   Section("Technical Details", "자기 점검 단계를 학습 과정에 넣습니다."),
                   Section("Performance Highlights", "1.5B 모델이 GSM8K에서 71.3%에 이르고 산술 오류는 38% 줄어듭니다. "
                                                     "MATH에서는 52.4%입니다.")]


def _fill_unique_words(store: Store) -> None:
    store.save_summary(Summary(
        SummaryKey(KO_UNIQUE_PAPER, 1, "html", "ko", "fake/model-b", "v1"), UNIQUE_SECTIONS,
        created_at="2025-02-06T01:00:00Z",
        evidence=find_evidence(UNIQUE_SECTIONS, "ko", "Teaching Small Models to Check Their Own Arithmetic",
                               UNIQUE_HTML)))
    store.save_summary(Summary(
        SummaryKey(EN_UNIQUE_PAPER, 1, "abstract", "en", "fake/model-b", "v1"),
        [Section("What's New", f"An {EN_UNIQUE} of a token: models learn to say they do not know."),
         Section("Technical Details", "The token is trained with a calibration loss."),
         Section("Performance Highlights", "Hallucinations drop by a third.")],
        created_at="2025-02-06T01:00:00Z"))


@dataclass
class Site:
    path: Path
    order: dict[str, list[str]]
    report: Any


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    tmp = tmp_path_factory.mktemp("browser-site")
    with MediaHost() as host:
        for i, pid in enumerate([f"2502.00{n}0{n}" for n in range(1, 10)] + [NEIGHBOUR_ID]):
            host.files[f"/social-thumbnails/papers/{pid}.png"] = Answer(
                200, png(320, 180, COLOURS[i % len(COLOURS)]), {"Content-Type": "image/png"})
        settings = settings_for(tmp / "home", host.url)
        store = Store.open(settings.db_path)
        order = fill(store, host.url)
        _fill_hostile(store, host.url)
        _fill_unique_words(store)
        report = pipeline.build_site(store, settings, tmp / "site", download_media=True, search=True)
    assert report.search and report.media is not None and report.media.downloaded >= 7, report.media
    return Site(tmp / "site", order, report)


@pytest.fixture(scope="module")
def base(site: Site) -> Iterator[str]:
    with serve(site.path) as url:
        yield url


# -- the browser --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def playwright_() -> Iterator[Any]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """A fresh profile; the page's Content-Security-Policy enforced."""
    ctx = launch(playwright_, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def browser_no_csp(playwright_: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """A second fresh profile that ignores the Content-Security-Policy: what is left to stop
    hostile text from running there is the escaping alone."""
    ctx = launch(playwright_, tmp_path_factory.mktemp("chromium-profile-no-csp"), bypass_csp=True)
    try:
        yield ctx
    finally:
        ctx.close()


def pwned(page: Page) -> Any:
    return page.evaluate("typeof window.__pwned === 'undefined' ? null : window.__pwned")


def keyword_page(site: Site, lang: str, starts: str) -> str:
    found = sorted(p.name for p in (site.path / lang / "keywords").glob(f"{starts}*.html"))
    assert found, f"no {lang} keyword page starting with {starts}"
    return f"{lang}/keywords/{found[0]}"


# -- the watch itself ---------------------------------------------------------------------------

# Headers at once, then a body that never comes: the load stays in flight.
_SLOW = {"/slow.webm": ("video/webm", b"\x1a\x45\xdf\xa3"), "/slow.png": ("image/png", b"\x89PNG\r\n\x1a\n")}
_WATCH_PAGES = {
    "/media.html": ('<!doctype html><title>v</title><video src="slow.webm" preload="auto" muted></video>'
                    '<img src="slow.png" alt="">'),
    "/plain.html": "<!doctype html><title>p</title><p>nothing to load</p>",
    "/missing-video.html": '<!doctype html><title>m</title><video src="nothing.webm" preload="auto" muted></video>',
    "/refused-video.html": ('<!doctype html><title>r</title>'
                            '<video src="http://127.0.0.1:{closed}/v.webm" preload="auto" muted></video>'),
    "/blocked-video.html": ('<!doctype html><title>b</title>'
                            '<meta http-equiv="Content-Security-Policy" content="media-src \'none\'">'
                            '<video src="slow.webm" preload="auto" muted></video>'),
    "/refused-image.html": '<!doctype html><title>i</title><img src="http://127.0.0.1:{closed}/x.png" alt="">',
    "/aborted-fetch.html": ("<!doctype html><title>f</title><script>const c = new AbortController();"
                            "fetch('slow.webm', {signal: c.signal}).catch(() => null);"
                            "setTimeout(() => c.abort(), 200);</script>"),
}


def _closed_port() -> int:
    """A local port nothing listens on (Chromium refuses port 9 itself, as an unsafe port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _WatchHandler(BaseHTTPRequestHandler):
    release = threading.Event()
    closed = 0

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path in _SLOW:
            kind, start = _SLOW[path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(10 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(start)  # the start of the file, and no more
            self.wfile.flush()
            self.release.wait(10)
            return
        body = _WATCH_PAGES.get(path)
        if body:
            body = body.replace("{closed}", str(self.closed))
            body = body.replace("<title>", '<link rel="icon" href="data:,"><title>', 1)  # no /favicon.ico
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        data = (body or "not found").encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def settle(page: Page, done: Any, seconds: float = 10) -> None:
    """Let the page run until `done()` (the Watch's lists fill from the browser's events)."""
    for _ in range(int(seconds / 0.02)):
        if done():
            return
        page.wait_for_timeout(20)
    assert done(), "the browser did not get there"


def test_the_watch_forgives_only_media_loads_the_browser_itself_aborts(browser: BrowserContext) -> None:
    """The Watch that every test above trusts: a video and an image whose loads the browser aborts
    when the page navigates away are not failures; a refused connection, a 404, a load blocked by
    the Content-Security-Policy, and an aborted request that is not media, all are."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WatchHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    _WatchHandler.release.clear()
    _WatchHandler.closed = _closed_port()
    try:
        def visit(path: str, until: str = "load", then: str | None = None, when: Any = None) -> Watch:
            """Open `path` and wait for the event `until` of its page (that `when` accepts), or,
            with `then`, for its video to be asked for, then go to `then`."""
            page = browser.new_page()
            w = watch(page)
            try:
                if then is not None:
                    # The video holds up the page's load event while it waits for data: not waited for.
                    page.goto(root + path, wait_until="commit")
                    settle(page, lambda: all(w.requests_to(slow) for slow in _SLOW))
                    page.goto(root + then)  # navigating away aborts both loads
                    settle(page, lambda: len(w.aborted_media) + len(w.failed) >= len(_SLOW))
                elif until == "load":
                    page.goto(root + path)
                else:
                    with page.expect_event(until, when):
                        page.goto(root + path, wait_until="commit")
                return w
            finally:
                page.close()

        left = visit("/media.html", then="/plain.html")
        assert sorted(left.aborted_media) == sorted(root + slow for slow in _SLOW), left
        assert left.problems() == {}, left.problems()

        missing = visit("/missing-video.html", "response", when=lambda r: r.status == 404)
        assert any("nothing.webm" in x for x in missing.bad_status), missing
        refused = visit("/refused-video.html", "requestfailed")
        assert any("v.webm" in x and "ERR_CONNECTION_REFUSED" in x for x in refused.failed), refused
        blocked = visit("/blocked-video.html", "console")  # "Loading media from ... violates ..."
        assert blocked.problems() and not blocked.requests_to("/slow.webm"), blocked
        image = visit("/refused-image.html")
        assert any("x.png" in x for x in image.failed), image
        fetched = visit("/aborted-fetch.html", "requestfailed")
        assert any("slow.webm" in x and "ERR_ABORTED" in x for x in fetched.failed), fetched
        # (a 404 video may be aborted as well, after its answer: the 404 still counts)
        for w in (missing, refused, blocked, image, fetched):
            assert w.problems(), w
    finally:
        _WatchHandler.release.set()
        server.shutdown()
        server.server_close()


# -- the pages load -----------------------------------------------------------------------------

def test_every_kind_of_page_loads_cleanly_from_a_sub_path(browser: BrowserContext, base: str, site: Site) -> None:
    pages = ["", "ko/index.html", f"ko/days/{DAYS[0]}.html", "ko/papers/2502.00101.html", "ko/archive.html",
             "ko/keywords.html", keyword_page(site, "ko", "kw-sparse-routing"), "ko/search.html",
             "en/index.html", f"en/days/{DAYS[0]}.html", "en/papers/2502.00101.html", "en/archive.html",
             keyword_page(site, "en", "kw-sparse-routing"), f"ko/days/{HOSTILE_DATE}.html", f"ko/papers/{HOSTILE_ID}.html"]
    for rel in pages:
        page, w = open_page(browser, base + rel)
        try:
            images = load_images(page)
            broken = [i["src"] for i in images if not i["ok"]]
            assert not broken, f"{rel}: images that did not load: {broken}"
            assert body_bg(page) == LIGHT_BG, f"{rel}: the stylesheet was not applied"
            assert page.locator("#theme-toggle").is_visible(), f"{rel}: site.js did not run"
            assert page.evaluate("document.documentElement.lang") in ("ko", "en")
            assert page.locator("main h1").count() == 1, rel
            w.assert_clean(rel)
            assert any(urlsplit(u).path.startswith(PREFIX + "assets/site.css") for u in w.requests)
        finally:
            page.close()


def test_thumbnails_downloaded_at_build_time_are_shown(browser: BrowserContext, base: str, site: Site) -> None:
    page, w = open_page(browser, f"{base}ko/days/{DAYS[0]}.html")
    try:
        load_images(page)
        cards = page.locator("ol.papers > li article.card")
        assert cards.count() == len(site.order[DAYS[0]])
        thumbs = page.eval_on_selector_all(
            ".card .thumb img", "els => els.map(e => [e.getAttribute('src'), e.naturalWidth])")
        # 2502.00303 has no thumbnail (nor a figure): a card with no picture; every other one came
        # from the fake CDN
        assert len(thumbs) == cards.count() - 1 and all(src.startswith("../../media/") for src, _ in thumbs), thumbs
        assert all(width == 320 for _, width in thumbs), thumbs
        bare = page.locator("article.card.no-picture")
        assert bare.count() == 1 and bare.get_attribute("id") == "p-2502.00303"
        assert bare.locator("img, video, svg").count() == 0
        w.assert_clean("day page")
    finally:
        page.close()


# -- search -------------------------------------------------------------------------------------

_SETTLED_JS = """() => { const s = document.getElementById('search-status').textContent;
  return !!s && s !== document.getElementById('search-form').dataset.msgBusy; }"""


def _results(page: Page) -> list[str]:
    page.wait_for_function(_SETTLED_JS, timeout=15000)
    return page.eval_on_selector_all("#search-results li > a", "els => els.map(e => e.href)")


def _search(page: Page, term: str) -> list[str]:
    """Type the term (the page searches as one types), then submit the form with Enter; both must
    give the same results."""
    page.fill("#q", term)
    typed = _results(page)
    page.press("#q", "Enter")
    submitted = _results(page)
    assert typed == submitted, (typed, submitted)
    assert "q=" in page.url  # the query is kept in the address
    return submitted


@pytest.mark.parametrize("lang,term,paper", [("ko", KO_UNIQUE, KO_UNIQUE_PAPER), ("en", EN_UNIQUE, EN_UNIQUE_PAPER)])
def test_search_finds_the_one_paper_with_a_word(browser: BrowserContext, base: str, lang: str, term: str,
                                                paper: str) -> None:
    page, w = open_page(browser, f"{base}{lang}/search.html")
    try:
        found = _search(page, term)
        expected = f"{base}{lang}/papers/{paper_slug(paper)}.html"
        assert found == [expected], (term, found, page.inner_text("#search-status"))
        marks = page.eval_on_selector_all("#search-results mark", "els => els.map(e => e.textContent)")
        assert any(term in m for m in marks), marks  # the excerpt highlights the word
        page.click("#search-results li > a")
        page.wait_for_url(expected)
        assert term in page.inner_text("main")
        assert page.evaluate("document.documentElement.lang") == lang
        # the query is kept in the address: a search can be linked to
        page.goto(f"{base}{lang}/search.html?q={term}")
        assert _results(page) == [expected]
        w.assert_clean(f"search {term}")
        assert any("/pagefind/" in u for u in w.requests)
    finally:
        page.close()


def test_search_of_a_word_no_paper_has(browser: BrowserContext, base: str) -> None:
    page, w = open_page(browser, f"{base}en/search.html")
    try:
        assert _search(page, "zyzzogeton") == []
        assert page.inner_text("#search-status").strip()
        w.assert_clean("search with no results")
    finally:
        page.close()


# -- the language switch, the theme, the keyboard -----------------------------------------------

def test_the_language_switch_goes_to_the_same_page_in_the_other_language(browser: BrowserContext, base: str) -> None:
    page, w = open_page(browser, f"{base}ko/days/{DAYS[0]}.html")
    try:
        assert page.evaluate("document.documentElement.lang") == "ko"
        assert page.get_attribute(".lang-switch a[hreflang=ko]", "aria-current") == "page"
        page.click(".lang-switch a[hreflang=en]")
        page.wait_for_url(f"{base}en/days/{DAYS[0]}.html")
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.get_attribute(".lang-switch a[hreflang=en]", "aria-current") == "page"
        page.click(".card h2 a >> nth=0")
        page.wait_for_url(f"{base}en/papers/*.html")
        slug = page.url.rsplit("/", 1)[1]
        assert page.get_attribute(".summary .sections", "lang") == "en"
        page.click(".lang-switch a[hreflang=ko]")
        page.wait_for_url(f"{base}ko/papers/{slug}")
        assert page.evaluate("document.documentElement.lang") == "ko"
        # each text says its own language: the Korean summary, the English title and abstract
        assert page.get_attribute(".summary .sections", "lang") == "ko"
        assert page.get_attribute("h1", "lang") == "en" and page.get_attribute("section.abstract p", "lang") == "en"
        # the front page (served as the sub-path's index) switches to the English front page
        page.goto(base)
        page.click(".lang-switch a[hreflang=en]")
        page.wait_for_url(f"{base}en/index.html")
        assert page.evaluate("document.documentElement.lang") == "en"
        w.assert_clean("language switch")
    finally:
        page.close()


def test_a_day_with_no_english_summary_offers_no_switch(browser: BrowserContext, base: str) -> None:
    page, w = open_page(browser, f"{base}ko/days/{DAYS[2]}.html")
    try:
        assert page.locator(".lang-switch").count() == 0
        w.assert_clean("ko-only day")
    finally:
        page.close()


def test_the_dark_theme_toggle_and_it_survives_a_reload(browser: BrowserContext, base: str) -> None:
    page, w = open_page(browser, f"{base}ko/index.html")
    try:
        toggle = page.locator("#theme-toggle")
        assert body_bg(page) == LIGHT_BG and toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert body_bg(page) == DARK_BG and toggle.get_attribute("aria-pressed") == "true"
        page.reload()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert body_bg(page) == DARK_BG and toggle.get_attribute("aria-pressed") == "true"
        page.goto(f"{base}en/papers/2502.00101.html")  # every page of the site, in either language
        assert body_bg(page) == DARK_BG
        page.locator("#theme-toggle").click()
        assert body_bg(page) == LIGHT_BG
        page.reload()
        assert body_bg(page) == LIGHT_BG and page.evaluate("document.documentElement.dataset.theme") == "light"
        # a reader whose system is dark gets the dark theme until they choose
        page.evaluate("localStorage.clear()")
        page.emulate_media(color_scheme="dark")
        page.reload()
        assert body_bg(page) == DARK_BG and page.get_attribute("#theme-toggle", "aria-pressed") == "true"
        page.locator("#theme-toggle").click()
        assert body_bg(page) == LIGHT_BG
        w.assert_clean("theme")
    finally:
        page.evaluate("localStorage.clear()")
        page.close()


_FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, text: e.textContent.trim().slice(0, 40),
          href: e.getAttribute("href"), outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight};
}"""


def test_the_keyboard_reaches_the_main_links_and_the_theme_toggle(browser: BrowserContext, base: str,
                                                                   site: Site) -> None:
    page, w = open_page(browser, f"{base}ko/days/{DAYS[0]}.html")
    try:
        seen = []
        for _ in range(16):
            page.keyboard.press("Tab")
            info = page.evaluate(_FOCUSED_JS)
            assert info is not None
            seen.append(info)
            assert info["visible"], f"focused but not on screen: {info}"
            assert info["outline"] != "none" and info["width"] >= 2, f"no visible focus: {info}"
            if info["tag"] == "a" and (info["href"] or "").startswith("#p-"):
                break
        hrefs = [s["href"] for s in seen]
        assert seen[0]["cls"] == "skip" and hrefs[0] == "#main"
        for target in ("index.html", "archive.html", "keywords.html", "search.html"):
            assert f"../../ko/{target}" in hrefs, (target, hrefs)
        assert "theme-toggle" in [s["id"] for s in seen]
        assert f"../../en/days/{DAYS[0]}.html" in hrefs  # the language switch
        # then the overview: its two order buttons, and its first line, which goes to the first card
        assert [s["text"] for s in seen if s["tag"] == "button" and s["id"] != "theme-toggle"] == \
            ["다이제스트 순", "추천 많은 순"]
        assert hrefs[-1] == f"#p-{paper_slug(site.order[DAYS[0]][0])}"
        # the toggle works from the keyboard too
        page.focus("#theme-toggle")
        page.keyboard.press("Enter")
        assert body_bg(page) == DARK_BG
        page.keyboard.press("Space")
        assert body_bg(page) == LIGHT_BG
        # the skip link moves focus to the main content
        page.goto(f"{base}ko/days/{DAYS[0]}.html")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        w.assert_clean("keyboard")
    finally:
        page.evaluate("localStorage.clear()")
        page.close()


# -- hostile text -------------------------------------------------------------------------------

_CONTENT_JS = """() => ({
  handlers: Array.from(document.querySelectorAll("*")).flatMap(e =>
    Array.from(e.attributes).filter(a => a.name.toLowerCase().startsWith("on")).map(a => e.tagName + " " + a.name)),
  jsLinks: Array.from(document.querySelectorAll("a[href], area[href], [src], [action], [formaction]")).filter(e => {
    const v = (e.getAttribute("href") || e.getAttribute("src") || e.getAttribute("action") || "").trim().toLowerCase();
    return v.startsWith("javascript:") || v.startsWith("data:") || (e.href && String(e.href).startsWith("javascript:"));
  }).map(e => e.outerHTML.slice(0, 120)),
  jsHref: document.querySelectorAll('a[href^="javascript:" i]').length,
  scripts: Array.from(document.scripts).map(s => s.getAttribute("src")),
  frames: document.querySelectorAll("iframe, object, embed, svg[onload], img[src=x]").length,
})"""


def _assert_inert(page: Page, where: str) -> None:
    assert pwned(page) is None, f"{where}: hostile text ran"
    found = page.evaluate(_CONTENT_JS)
    assert found["handlers"] == [], f"{where}: {found['handlers']}"
    assert found["jsLinks"] == [] and found["jsHref"] == 0, f"{where}: {found['jsLinks']}"
    assert len(found["scripts"]) == 1 and found["scripts"][0].endswith("assets/site.js"), f"{where}: {found['scripts']}"
    assert found["frames"] == 0, where


def _visible_text(page: Page, text: str, where: str) -> None:
    loc = page.get_by_text(text, exact=False)
    assert loc.count() >= 1 and loc.first.is_visible(), f"{where}: {text!r} is not shown as text"


_POKE_JS = """(selector) => {
  let n = 0;
  for (const e of document.querySelectorAll(selector + " *")) {
    const events = ["mouseover", "mouseenter", "mousemove", "mousedown", "mouseup", "focus", "focusin"];
    if (!e.closest("a, video, summary")) events.push("click", "dblclick");  // a link would leave the page
    for (const type of events) e.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true}));
    n++;
  }
  return n;
}"""


def _hover_and_click_everything_inside(page: Page, selector: str) -> None:
    """Fire the pointer events of every element of the content at it (onmouseover, onclick...), and
    move the real mouse over the page and click what is not a link."""
    url = page.url
    assert page.evaluate(_POKE_JS, selector) > 10
    size = page.viewport_size or DESKTOP
    for y in range(20, size["height"], 90):
        for x in range(20, size["width"], 140):
            page.mouse.move(x, y)
    for text in page.query_selector_all(f"{selector} p, {selector} h1, {selector} h2, {selector} h3"):
        if text.is_visible() and not text.query_selector("a"):
            text.click(position={"x": 1, "y": 1})
    assert page.url == url


@pytest.mark.parametrize("csp", ["enforced", "bypassed"])
def test_hostile_text_is_shown_as_text_and_never_runs(browser: BrowserContext, browser_no_csp: BrowserContext,
                                                      base: str, site: Site, csp: str) -> None:
    ctx = browser if csp == "enforced" else browser_no_csp
    page, w = open_page(ctx, base)
    try:
        # clicking through: the front page, the archive, the hostile day, the hostile paper
        page.click(".site-nav a[href$='archive.html']")
        page.wait_for_url(f"{base}ko/archive.html")
        page.click("details.day-list summary")
        page.click(f"details.day-list a[href$='{HOSTILE_DATE}.html']")
        page.wait_for_url(f"{base}ko/days/{HOSTILE_DATE}.html")
        where = f"ko day ({csp})"
        _assert_inert(page, where)
        assert page.locator("ol.papers > li").count() == 2, "broken markup swallowed the next paper"
        assert page.locator("footer.site-footer").is_visible()
        _visible_text(page, f"<script>{PWN}</script> Hostile <img src=x onerror=\"{PWN}\">", where)
        _visible_text(page, HOSTILE_AUTHOR, where)
        _visible_text(page, f"<script>{PWN}</script>", where)
        _visible_text(page, f"[click](javascript:{PWN})", where)
        _visible_text(page, f'닫히지 않은 <b>태그 "quotes" & <svg onload="{PWN}">', where)
        assert page.locator(".card strong").first.inner_text() == "굵게"  # Markdown was rendered
        if csp == "enforced":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "site-hostile-day-1280x800.png"), full_page=True)
        _hover_and_click_everything_inside(page, "main")
        _assert_inert(page, where + " after clicks")

        page.click(f'[id="p-{paper_slug(HOSTILE_ID)}-t"] a')
        page.wait_for_url(f"{base}ko/papers/{paper_slug(HOSTILE_ID)}.html")
        where = f"ko paper ({csp})"
        _assert_inert(page, where)
        assert page.inner_text("h1") == f"<script>{PWN}</script> Hostile <img src=x onerror=\"{PWN}\"> </h1><b>Title"
        _visible_text(page, f'<a href="javascript:{PWN}">click me</a>', where)  # the abstract
        _visible_text(page, f'<svg onload="{PWN}"> <div>unclosed', where)
        _visible_text(page, HOSTILE_MODEL, where)  # the model's name
        _visible_text(page, f"<script>{PWN}</script> the figure was not found", where)
        assert page.locator("section.abstract").is_visible() and page.locator("footer.site-footer").is_visible()
        _hover_and_click_everything_inside(page, "main")
        _assert_inert(page, where + " after clicks")

        page.click(".lang-switch a[hreflang=en]")
        page.wait_for_url(f"{base}en/papers/{paper_slug(HOSTILE_ID)}.html")
        _assert_inert(page, f"en paper ({csp})")
        _visible_text(page, "<div><p>unclosed <b>tags", f"en paper ({csp})")
        _hover_and_click_everything_inside(page, "main")
        _assert_inert(page, f"en paper ({csp}) after clicks")

        page.goto(base + keyword_page(site, "ko", "kw-script-window-pwned"))
        _assert_inert(page, f"hostile keyword ({csp})")
        assert page.inner_text("h1").count(f"<script>{PWN}</script>") == 1
        w.assert_clean(f"hostile pages ({csp})")
    finally:
        page.close()


# -- screenshots --------------------------------------------------------------------------------

SHOTS = {"front": "", "day": f"ko/days/{DAYS[0]}.html", "paper": "ko/papers/2502.00101.html"}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_screenshots_at_phone_and_desktop_widths(browser: BrowserContext, base: str, viewport: dict[str, int]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page()
    w = watch(page)
    try:
        page.set_viewport_size(viewport)
        size = f"{viewport['width']}x{viewport['height']}"
        for name, rel in SHOTS.items():
            page.goto(base + rel)
            load_images(page)
            page.evaluate("document.fonts.ready.then(() => true)")
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"{name} at {size}: {overflow}px wider than the screen"
            out = ARTIFACTS / f"site-{name}-{size}.png"
            page.screenshot(path=str(out), full_page=True)
            assert out.stat().st_size > 5000 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # and the front page in the dark theme
        page.goto(base)
        page.click("#theme-toggle")
        load_images(page)
        page.screenshot(path=str(ARTIFACTS / f"site-front-dark-{size}.png"), full_page=True)
        w.assert_clean(f"screenshots {size}")
    finally:
        page.evaluate("localStorage.clear()")
        page.close()


# -- opened from disk ---------------------------------------------------------------------------

@pytest.mark.parametrize("rel", ["index.html", f"ko/days/{DAYS[0]}.html", "en/papers/2502.00101.html",
                                 "ko/archive.html"])
def test_opened_from_disk(browser: BrowserContext, site: Site, rel: str) -> None:
    page, w = open_page(browser, (site.path / rel).as_uri(), allowed_schemes=("file",))
    try:
        images = load_images(page)
        assert all(i["ok"] for i in images) and (images or rel.endswith("archive.html")), images
        assert body_bg(page) == LIGHT_BG and page.locator("#theme-toggle").is_visible()
        # a relative link goes to the file it names
        page.click(".site-nav a[href$='archive.html']")
        page.wait_for_url("**/ko/archive.html" if not rel.startswith("en/") else "**/en/archive.html")
        assert page.evaluate("document.documentElement.lang") in ("ko", "en")
        w.assert_clean(f"file://{rel}")
        assert all(u.startswith(("file://", "data:")) for u in w.requests)
    finally:
        page.close()


def test_search_opened_from_disk_says_it_needs_a_server(browser: BrowserContext, site: Site) -> None:
    page, w = open_page(browser, (site.path / "ko" / "search.html").as_uri(), allowed_schemes=("file",))
    try:
        status = page.inner_text("#search-status")
        assert status.strip() and status == page.get_attribute("#search-form", "data-msg-file")
        w.assert_clean("file:// search page")
        assert not any("pagefind" in u for u in w.requests)
    finally:
        page.close()


# -- evidence of claims ----------------------------------------------------------------------------

def _claim(page: Page, text: str) -> Any:
    claims = page.locator(".claim", has=page.locator(".claim-mark", has_text=text))
    assert claims.count() >= 1, f"no claim {text!r} on {page.url}"
    return claims.first


def test_a_claim_reveals_its_sentence_on_hover_focus_and_tap_in_korean(browser: BrowserContext, base: str) -> None:
    page, w = open_page(browser, base + "ko/papers/2502.00101.html")
    try:
        assert page.locator(".evidence-hint").first.is_visible()
        figure = _claim(page, "4.2")
        sentence = figure.locator(".evidence")
        assert not sentence.is_visible()
        assert "accuracy rises by 4.2 points" in sentence.inner_text()
        assert "논문(초록)" in sentence.inner_text()  # where it was found, in the page's language
        # The mouse.
        figure.locator(".claim-mark").hover()
        assert sentence.is_visible()
        page.mouse.move(0, 0)
        assert not sentence.is_visible()
        # The keyboard: Tab reaches the claim, Escape hides its sentence again.
        page.locator("h1").click()
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent") == figure.locator(".claim-mark").inner_text():
                break
        else:
            raise AssertionError("Tab never reached the claim")
        assert sentence.is_visible()
        page.keyboard.press("Escape")
        assert not sentence.is_visible()
        # A tap (a click, as touch screens send it) keeps it open; a tap elsewhere closes it.
        page.locator("h1").click()
        figure.locator(".claim-mark").click()
        page.mouse.move(0, 0)
        assert sentence.is_visible()
        assert figure.locator(".claim-mark").get_attribute("aria-expanded") == "true"
        page.locator("h1").click()
        assert not sentence.is_visible()
        # A term of the summary is a claim too, found in the same abstract.
        term = _claim(page, "contrastive loss")
        assert "trained with a contrastive loss" in term.locator(".evidence").inner_text()
        w.assert_clean("paper page with evidence")
    finally:
        page.close()


def test_a_claim_links_to_its_section_of_arxiv_html_and_a_missing_one_says_so(browser: BrowserContext,
                                                                              base: str) -> None:
    page, w = open_page(browser, base + f"ko/papers/{KO_UNIQUE_PAPER}.html")
    try:
        found = _claim(page, "38%")
        found.locator(".claim-mark").focus()
        box = found.locator(".evidence")
        assert box.is_visible()
        assert "removes 38% of the arithmetic errors" in box.inner_text()
        assert "4 Experiments" in box.inner_text()
        assert box.locator("a").get_attribute("href") == f"https://arxiv.org/html/{KO_UNIQUE_PAPER}v1#S4"
        missing = _claim(page, "52.4%")
        assert "missing" in (missing.get_attribute("class") or "")
        missing.locator(".claim-mark").focus()
        assert missing.locator(".evidence").inner_text().strip() == "논문에서 찾지 못했습니다."
        assert missing.locator(".evidence a").count() == 0
        w.assert_clean("paper page read from HTML")
    finally:
        page.close()
