"""A day page worth opening, in a real browser (Debian's Chromium through Playwright): the day
overview and its order, the paper's own figure where Hugging Face has no thumbnail, the status
page of a day, the archive's charts, the findings in the page's language, search excerpts whose
fields stay apart, and a header that fits one row on a phone.

The site is built the way the pipeline builds it: a store filled as `fetch` and `summarize` leave
it (Korean and English summaries, and Japanese and Chinese ones for a few papers), whose HTML was
read by the pipeline's TextReader from a fake arXiv (a real HTTP server on 127.0.0.1) that serves
LaTeXML pages with a figure and the figure's bytes; thumbnails come from a fake Hugging Face CDN.
The site publisher downloads the figures through its media cache, from the arXiv host only, for
the papers whose thumbnail is missing or cannot be had. A day carries its ledger (what happened
to it per language). Pages are served under a sub-path; screenshots at 375x812 and 1280x800 go
to tests/artifacts/."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from dailypapers import pipeline
from dailypapers.models import DayLedger, Failure, Finding, Listing, Paper, Section, Usage
from dailypapers.publish.site import SitePublisher
from dailypapers.render.site import paper_slug
from dailypapers.store import Store
from dailypapers.store.schema import WHOLE_DAY
from tests.browser import ARTIFACTS, DESKTOP, launch, load_images, needs_chromium, open_page, serve
from tests.fakes import Answer, FakeArxiv
from tests.site_helpers import DAYS, MediaHost, fill, png, settings_for, summary
from tests.test_fulltext_html import PAGE

pytestmark = needs_chromium

PHONE = {"width": 375, "height": 812}
VIEWPORTS = [PHONE, DESKTOP]
PWN = "window.__pwned=1"
HOSTILE_BODY = f'<script>{PWN}</script> Tidal "adapters" & <img src=x onerror="{PWN}"> gates.'
HOSTILE_CAPTION = f"Figure 1: {HOSTILE_BODY}"  # the page's figure number, then its words
# Digest order on the first day, and the upvotes given to it: the upvote order is another order.
UPVOTES = {"2502.00101": 42, "2502.00202": 3, "2502.00303": 57, "2502.00404": 12, "2502.00505": 9,
           "2502.00606": 0, "2502.00707": 7, "2502.00808": 99}
FIGURE_ONLY = "2502.00303"  # no thumbnail at all: its figure is its picture
THUMB_FAILS = "2502.00404"  # its thumbnail answers 404: its figure is its picture
THUMB_WORKS = "2502.00505"  # a thumbnail and a figure: the thumbnail, and the figure is never asked for
BAD_FIGURE = "2502.00606"  # its thumbnail fails, and its "figure" is SVG said to be PNG: no picture
FAILED_ID = "2502.00909"
FAILED_REASON = ("checks: language: What's New: text leaks into another script: 中文 (Chinese characters (Han)) "
                 "in Korean text")
MAILING_LIST = "alice@example.com,bob@example.org"
SITE_FOLDER = "/home/someone/private/site"
UNREACHABLE = "arXiv at http://127.0.0.1:9 could not be reached (connection refused)"


def _figure_page(pid: str, src: str, caption: str) -> str:
    """A LaTeXML page whose first figure is `src`, captioned `Figure 1: ` and `caption` (written as
    HTML text)."""
    return (PAGE.replace('src="x1.png"', f'src="{src}"')
            .replace("Tidal adapters between frozen encoder layers.", html.escape(caption, quote=False))
            .replace("Tidal Adapters for Streaming", f"Paper {pid}: Tidal Adapters for Streaming"))


def _arxiv() -> FakeArxiv:
    pages: dict[str, Any] = {}
    for i, pid in enumerate((FIGURE_ONLY, THUMB_FAILS, THUMB_WORKS, BAD_FIGURE)):
        caption = HOSTILE_BODY if pid == FIGURE_ONLY else f"The pipeline of paper {pid}."
        pages[f"{pid}v1"] = _figure_page(pid, "x1.png", caption)
        body = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>' if pid == BAD_FIGURE \
            else png(480, 270, [(30, 110, 200), (200, 60, 40), (40, 150, 80), (0, 0, 0)][i])
        pages[f"{pid}v1/x1.png"] = Answer(200, body, {"Content-Type": "image/png"})
    return FakeArxiv(htmls=pages)


def _more_languages(store: Store) -> None:
    """Japanese and Chinese summaries of two papers, so that every page language has a header."""
    texts = {"ja": ["長い文脈の検索のための疎なルーターを提案します。", "ルーターは対照損失で学習します。",
                    "128Kトークンで精度が4.2ポイント向上します。"],
             "zh": ["本文提出一种用于长上下文检索的稀疏路由器。", "路由器使用对比损失训练。",
                    "在128K词元输入上准确率提高4.2个点。"]}
    for lang, parts in texts.items():
        for pid in ("2502.00101", "2502.00202"):
            sections = [Section(label, text) for label, text in
                        zip(("What's New", "Technical Details", "Performance Highlights"), parts)]
            store.save_summary(summary(pid, lang, sections=sections))


def _findings(store: Store) -> None:
    """A Korean summary whose findings the checks gave twice (one per answer), as they come."""
    twice = [Finding("numbers", "soft", "Performance Highlights: 4.2 is not in the paper", "Performance Highlights"),
             Finding("terms", "soft", "Technical Details: (contrastive loss) is not in the paper", "Technical Details")]
    store.save_summary(summary("2502.00202", "ko", model="fake/model-c", findings=twice + twice,
                               created_at="2025-02-06T02:00:00Z"))


def _second_day(store: Store) -> None:
    """What a run leaves of the second day in the store, for its ledger: a Korean run that found arXiv
    out of reach (twice), and the day published to the site."""
    run = store.start_run("summarize", {"date": DAYS[1], "lang": "ko"})
    for _ in range(2):
        store.record_day_event(DAYS[1], "arxiv-unreachable", UNREACHABLE, "ko", run)
    store.finish_run(run, "ok", 0, Usage())
    store.record_publication("site", SITE_FOLDER, DAYS[1], "ko", WHOLE_DAY)


def _ledgers() -> dict[str, DayLedger]:
    failure = Failure(FAILED_ID, FAILED_REASON, "checks-hard")
    published = [("site", SITE_FOLDER, "2025-02-03T09:10:00Z"), ("email", MAILING_LIST, "2025-02-03T09:12:00Z")]
    return {lang: DayLedger(DAYS[0], lang, listed=9, summarized=8 if lang == "ko" else 5,
                            read={"html": 4, "abstract": 4 if lang == "ko" else 1}, failed=[failure],
                            published=published, warnings=["one paper kept failing its checks"], runs=2)
            for lang in ("ko", "en")}


@dataclass
class Site:
    path: Path
    order: list[str]  # the first day's papers in digest order
    figure_requests: list[str]
    media_failed: dict[str, str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    tmp = tmp_path_factory.mktemp("day-site")
    with MediaHost() as cdn, _arxiv() as arxiv:
        for pid in (THUMB_FAILS, BAD_FIGURE):
            cdn.files[f"/social-thumbnails/papers/{pid}.png"] = Answer(404, b"gone", {"Content-Type": "text/plain"})
        settings = dataclasses.replace(settings_for(tmp / "home", cdn.url), arxiv_url=arxiv.url,
                                       arxiv_api_url=arxiv.url + "/api/query", arxiv_delay=0)
        store = Store.open(settings.db_path)
        order = fill(store, cdn.url)[DAYS[0]]
        day = store.day(DAYS[0])
        store.save_listing(Listing(DAYS[0], "hf", [dataclasses.replace(e, upvotes=UPVOTES[e.paper.id]) for e in day]))
        _more_languages(store)
        _findings(store)
        _second_day(store)
        reader = pipeline.TextReader(store, settings, ("html",))
        for pid in (FIGURE_ONLY, THUMB_FAILS, THUMB_WORKS, BAD_FIGURE):
            stored = store.paper(pid)
            assert stored is not None
            store.save_arxiv_metadata(Paper(pid, stored.title, version=1))
            reader.read(store.paper(pid) or stored)  # reads the HTML: the text, and the first figure
        assert store.paper(FIGURE_ONLY).figure_caption == HOSTILE_CAPTION  # type: ignore[union-attr]
        before = len(arxiv.requests)
        days = pipeline.site_days(store)  # each day with its ledgers from the store
        for d in days:
            if d.date == DAYS[0]:
                d.ledgers = _ledgers()  # a failure and two publications, as a run would have left them
        report = SitePublisher(settings.site_options(tmp / "site")).publish_archive(days)
        figure_requests = [r.path for r in arxiv.requests[before:]]
    assert report.search and report.media is not None
    return Site(tmp / "site", order, figure_requests, dict(report.media.failed))


@pytest.fixture(scope="module")
def base(site: Site) -> Iterator[str]:
    with serve(site.path) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with sync_playwright() as p:
        ctx = launch(p, tmp_path_factory.mktemp("chromium-day"))
        try:
            yield ctx
        finally:
            ctx.close()


def _size(viewport: dict[str, int]) -> str:
    return f"{viewport['width']}x{viewport['height']}"


def _shot(page: Page, name: str, viewport: dict[str, int], full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / f"site-{name}-{_size(viewport)}.png"
    page.screenshot(path=str(out), full_page=full)
    assert out.stat().st_size > 3000 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _no_overflow(page: Page, where: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"{where}: {overflow}px wider than the screen"


def card(pid: str) -> str:
    """The selector of a paper's card (its id has dots: `#p-2502.00101` would be read as classes)."""
    return f'[id="p-{paper_slug(pid)}"]'


def _pwned(page: Page) -> Any:
    return page.evaluate("typeof window.__pwned === 'undefined' ? null : window.__pwned")


# -- the overview -------------------------------------------------------------------------------

_OVERVIEW_JS = """() => Array.from(document.querySelectorAll('#overview-list > li')).map(li => ({
  href: li.querySelector('a').getAttribute('href'), title: li.querySelector('a').textContent,
  votes: (li.querySelector('.ov-votes') || {}).textContent || '', line: (li.querySelector('.ov-line') || {}).textContent || ''}))"""


def _overview(page: Page) -> list[dict[str, str]]:
    return page.evaluate(_OVERVIEW_JS)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
def test_the_overview_lists_every_paper_and_sorts_by_upvotes(browser: BrowserContext, base: str, site: Site,
                                                             viewport: dict[str, int]) -> None:
    page, w = open_page(browser, f"{base}ko/days/{DAYS[0]}.html")
    try:
        page.set_viewport_size(viewport)
        rows = _overview(page)
        # digest order, each row linked to its card on the page, with its upvotes and one line
        assert [r["href"] for r in rows] == [f"#p-{paper_slug(pid)}" for pid in site.order]
        cards = page.eval_on_selector_all("ol.papers article.card", "els => els.map(e => e.id)")
        assert [r["href"][1:] for r in rows] == cards
        assert rows[0]["title"] == "Sparse Routers for Long-Context Retrieval"
        assert [r["votes"].replace("▲", "").strip() for r in rows] == [f"추천 {UPVOTES[pid]}" for pid in site.order]
        # the first sentence of What's New, whole, its Markdown dropped
        assert rows[0]["line"] == "긴 문맥 검색을 위한 희소 라우터를 제안합니다 (2502.00101)."
        buttons = page.locator(".overview .sort button")
        assert buttons.count() == 2 and page.locator(".overview .sort").is_visible()
        digest, by_votes = buttons.nth(0), buttons.nth(1)
        assert digest.get_attribute("aria-pressed") == "true" and by_votes.get_attribute("aria-pressed") == "false"
        assert page.get_attribute(".overview .sort", "role") == "group"
        assert page.get_attribute(".overview .sort", "aria-label") == "정렬"
        _shot(page, "day-overview", viewport)
        # by upvotes, with the mouse
        by_votes.click()
        ranked = sorted(site.order, key=lambda pid: -UPVOTES[pid])
        assert [r["href"] for r in _overview(page)] == [f"#p-{paper_slug(pid)}" for pid in ranked]
        assert by_votes.get_attribute("aria-pressed") == "true" and digest.get_attribute("aria-pressed") == "false"
        assert page.inner_text("#overview-status") == "추천이 많은 순서로 보여 줍니다."
        _shot(page, "day-overview-by-upvotes", viewport)
        # and back, with the keyboard
        digest.focus()
        page.keyboard.press("Enter")
        assert [r["href"] for r in _overview(page)] == [f"#p-{paper_slug(pid)}" for pid in site.order]
        assert digest.get_attribute("aria-pressed") == "true"
        # a line goes to its card
        page.click(f'#overview-list a[href="#p-{paper_slug(site.order[4])}"]')
        assert page.evaluate("location.hash") == f"#p-{paper_slug(site.order[4])}"
        box = page.locator(card(site.order[4])).bounding_box()
        assert box is not None and 0 <= box["y"] < viewport["height"] / 2
        _no_overflow(page, "day page")
        w.assert_clean("overview")
    finally:
        page.close()


def test_without_script_the_overview_is_in_digest_order_with_no_buttons(browser: BrowserContext, base: str,
                                                                        site: Site) -> None:
    page = browser.new_page()
    try:
        page.route("**/assets/site.js", lambda route: route.abort())  # the site's one script never runs
        page.goto(f"{base}en/days/{DAYS[0]}.html")
        rows = _overview(page)
        english = [pid for pid in site.order if page.locator(card(pid)).count()]
        assert [r["href"] for r in rows] == [f"#p-{paper_slug(pid)}" for pid in english] and len(rows) == 5
        assert rows[0]["line"] == "Sparse routers send each token to two experts (2502.00101)."
        assert page.locator(".overview .sort").count() == 1 and not page.locator(".overview .sort").is_visible()
    finally:
        page.close()


# -- the paper's own figure -----------------------------------------------------------------------

@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
def test_a_paper_without_a_thumbnail_shows_its_first_figure_with_its_caption(
        browser: BrowserContext, base: str, site: Site, viewport: dict[str, int]) -> None:
    page, w = open_page(browser, f"{base}ko/days/{DAYS[0]}.html")
    try:
        page.set_viewport_size(viewport)
        images = load_images(page)
        assert all(i["ok"] for i in images), images
        for pid in (FIGURE_ONLY, THUMB_FAILS):
            figure = page.locator(card(pid)).locator("figure.paper-figure")
            assert figure.count() == 1, pid
            size = figure.locator("img").evaluate("e => [e.naturalWidth, e.naturalHeight, e.getAttribute('alt')]")
            assert size == [480, 270, "논문의 첫 번째 그림"], (pid, size)
            assert figure.locator("figcaption").get_attribute("lang") == "en"
        caption = page.locator(f"{card(FIGURE_ONLY)} figcaption")
        assert caption.inner_text() == HOSTILE_CAPTION  # shown as text, whole
        assert _pwned(page) is None and page.locator(f"{card(FIGURE_ONLY)} figcaption *").count() == 0
        box = caption.bounding_box()
        lines = caption.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert box is not None and box["height"] <= 3 * lines + 1  # three lines at most on a card
        # a thumbnail that works is the picture; its paper's figure was never asked for
        assert page.locator(f"{card(THUMB_WORKS)} .thumb img").get_attribute("src").startswith("../../media/")
        assert page.locator(f"{card(THUMB_WORKS)} figure").count() == 0
        assert f"/html/{THUMB_WORKS}v1/x1.png" not in site.figure_requests
        assert sorted(site.figure_requests) == sorted(f"/html/{p}v1/x1.png" for p in (FIGURE_ONLY, THUMB_FAILS, BAD_FIGURE))
        # SVG bytes said to be a PNG are refused: no picture, and no empty box either
        assert any(BAD_FIGURE in url and "bytes" in why for url, why in site.media_failed.items()), site.media_failed
        bad = page.locator(card(BAD_FIGURE))
        assert "no-picture" in (bad.get_attribute("class") or "") and bad.locator("img, figure").count() == 0
        title_box, card_box = bad.locator("h2").bounding_box(), bad.bounding_box()
        assert title_box and card_box and title_box["y"] - card_box["y"] < 40  # the title opens the card
        page.locator(card(FIGURE_ONLY)).scroll_into_view_if_needed()
        _shot(page, "day-figure", viewport)
        _no_overflow(page, "day page with figures")
        w.assert_clean("figures")
        # the paper page shows the figure too, with its whole caption
        page.goto(f"{base}ko/papers/{paper_slug(FIGURE_ONLY)}.html")
        load_images(page)
        assert page.locator(".paper-media figure.paper-figure img").evaluate("e => e.naturalWidth") == 480
        assert page.inner_text(".paper-media figcaption") == HOSTILE_CAPTION
        _shot(page, "paper-figure", viewport)
        assert _pwned(page) is None
    finally:
        page.close()


# -- the status page -------------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
def test_a_day_with_a_ledger_has_a_status_page_in_the_pages_language(browser: BrowserContext, base: str,
                                                                     site: Site, viewport: dict[str, int]) -> None:
    page, w = open_page(browser, f"{base}ko/days/{DAYS[0]}.html")
    try:
        page.set_viewport_size(viewport)
        page.click("a.status-link")
        page.wait_for_url(f"{base}ko/status/{DAYS[0]}.html")
        assert page.inner_text("h1") == f"{DAYS[0]}의 처리 상태"
        assert page.inner_text(".status-headline") == "9편 등록, 8편 게재, 1편 실패 (검사: 심각한 문제)"
        failure = page.locator(".status-failures > li")
        assert failure.count() == 1
        assert failure.locator("a").inner_text() == FAILED_ID
        assert failure.locator("a").get_attribute("href") == f"https://arxiv.org/abs/{FAILED_ID}"
        assert failure.locator(".status-why").inner_text() == "검사: 심각한 문제"
        main = page.inner_text("main")
        assert main.count(FAILED_REASON) == 1  # the detail, once, as the run wrote it
        read = page.eval_on_selector_all(".status-table", "ts => ts.map(t => t.innerText)")
        assert "논문의 arXiv HTML (전문)\t4" in read[0] and "초록만\t4" in read[0]
        assert "이 사이트\t2025-02-03 09:10 UTC" in read[1] and "이메일\t2025-02-03 09:12 UTC" in read[1]
        # where it was sent, by kind: never a mailing list's addresses or a local folder
        content = page.content()
        assert "alice@example.com" not in content and SITE_FOLDER not in content
        _shot(page, "status", viewport, full=True)
        _no_overflow(page, "status page")
        # in English, from the archive
        page.goto(f"{base}en/archive.html")
        page.click("details.day-list summary")
        page.click(f"details.day-list a.status-link[href$='status/{DAYS[0]}.html']")
        page.wait_for_url(f"{base}en/status/{DAYS[0]}.html")
        assert page.inner_text(".status-headline") == "9 listed, 5 published, 1 failed (checks: hard problem), 3 pending"
        # the second day's ledger, as the store has it: what befell the day, once, with how often
        page.goto(f"{base}ko/days/{DAYS[1]}.html")
        page.click("a.status-link")
        page.wait_for_url(f"{base}ko/status/{DAYS[1]}.html")
        assert page.inner_text(".status-headline") == "3편 등록, 3편 게재"
        events = page.locator(".status-events > li")
        assert events.count() == 1
        assert re.fullmatch(r"arXiv 연결 실패 · \d{4}-\d\d-\d\d \d\d:\d\d UTC \(2회, 마지막 시각\)",
                            events.locator(".status-why").inner_text())
        assert events.locator(".status-detail").inner_text() == f"자세한 내용: {UNREACHABLE}"
        assert page.inner_text("main").count(UNREACHABLE) == 2  # the event, and the warning it is
        tables = page.eval_on_selector_all(".status-table", "ts => ts.map(t => t.innerText)")
        assert page.locator(".status-failures").count() == 0 and "초록만\t3" in tables[0]
        assert re.search(r"이 사이트\t\d{4}-\d\d-\d\d \d\d:\d\d UTC", tables[1])
        assert SITE_FOLDER not in page.content()
        _shot(page, "status-events", viewport, full=True)
        _no_overflow(page, "status page with events")
        w.assert_clean("status pages")
    finally:
        page.close()


# -- the charts --------------------------------------------------------------------------------------

_CHART_JS = """() => Array.from(document.querySelectorAll('svg.bars')).map(svg => {
  const r = svg.getBoundingClientRect();
  const bars = Array.from(svg.querySelectorAll('rect.bar')).map(b => b.getBoundingClientRect());
  const labels = Array.from(svg.closest('figure').querySelectorAll('.chart-y span, .chart-x span, .chart-row-name'))
    .map(e => parseFloat(getComputedStyle(e).fontSize));
  return {width: r.width, height: r.height, right: r.right, bars: bars.map(b => [b.width, b.height]),
          fill: bars.length ? getComputedStyle(svg.querySelector('rect.bar')).fill : null,
          name: svg.getAttribute('aria-labelledby').split(' ').map(id => document.getElementById(id).textContent),
          role: svg.getAttribute('role'), labels};
})"""


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
def test_the_archive_charts_are_drawn_and_readable(browser: BrowserContext, base: str, site: Site,
                                                   viewport: dict[str, int]) -> None:
    page, w = open_page(browser, f"{base}ko/archive.html")
    try:
        page.set_viewport_size(viewport)
        charts = page.evaluate(_CHART_JS)
        assert len(charts) >= 2  # papers per day, and a row per keyword
        days = charts[0]
        assert days["role"] == "img" and days["name"][0] == "날짜별 논문 수"
        assert days["name"][1] == f"{DAYS[0]}부터 {DAYS[2]}까지 모두 14편, 하루에 최대 8편({DAYS[0]})."
        assert len(days["bars"]) == 3  # three days with papers (no day between them is empty)
        heights = [h for _, h in days["bars"]]
        assert heights[0] > heights[1] > 0 and abs(heights[1] - heights[2]) < 0.5  # 8, 3 and 3 papers
        assert days["fill"] not in (None, "none", "rgb(0, 0, 0)")  # coloured by the stylesheet
        for c in charts:
            assert c["width"] > 100 and c["height"] > 30 and c["right"] <= viewport["width"]
            assert min(c["labels"]) >= 12, c["labels"]  # the words keep their size at every width
        keywords = page.locator("#chart-keywords .chart-row-name a").all_inner_texts()
        assert keywords[0] == "sparse routing"
        # the numbers as a table, for anyone who cannot see the bars
        page.click("#chart-papers details summary")
        rows = page.eval_on_selector_all("#chart-papers table tbody tr", "rs => rs.map(r => r.innerText)")
        assert rows == [f"{DAYS[0]}\t8", f"{DAYS[1]}\t3", f"{DAYS[2]}\t3"]
        page.click("#chart-papers details summary")
        page.locator("#chart-papers").scroll_into_view_if_needed()
        _shot(page, "archive-charts", viewport)
        _no_overflow(page, "archive")
        w.assert_clean("archive charts")
    finally:
        page.close()


# -- findings, named once in the page's language ------------------------------------------------------

def test_findings_are_grouped_by_rule_named_in_the_pages_language_and_shown_once(browser: BrowserContext,
                                                                                 base: str) -> None:
    page, w = open_page(browser, f"{base}ko/papers/{paper_slug('2502.00202')}.html")
    try:
        groups = page.locator(".summary").first.locator(".finding-groups > li")
        assert groups.count() == 2
        assert groups.nth(0).locator(".rule").inner_text() == "수치"
        assert groups.nth(0).locator(".severity").inner_text() == "경미"
        assert groups.nth(0).locator("ul > li").all_inner_texts() == ["Performance Highlights: 4.2 is not in the paper"]
        assert groups.nth(1).locator(".rule").inner_text() == "용어"
        text = page.locator(".summary").first.locator(".findings").inner_text()
        assert text.count("4.2 is not in the paper") == 1 and text.count("Performance Highlights") == 1
        assert "numbers" not in text and "soft" not in text  # the rule and severity in Korean only
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".summary").first.locator(".findings").screenshot(path=str(ARTIFACTS / "site-findings-ko.png"))
        w.assert_clean("findings")
    finally:
        page.close()


# -- search excerpts -------------------------------------------------------------------------------------

_EXCERPTS_JS = "() => Array.from(document.querySelectorAll('#search-results .excerpt')).map(e => e.textContent)"


def test_search_excerpts_keep_the_fields_of_a_page_apart(browser: BrowserContext, base: str) -> None:
    page, w = open_page(browser, f"{base}ko/search.html?q=라우터는")
    try:
        page.wait_for_function("() => document.querySelectorAll('#search-results .excerpt').length > 0",
                               timeout=15000)
        excerpts = page.evaluate(_EXCERPTS_JS)
        assert len(excerpts) >= 5, excerpts
        for e in excerpts:
            # no count glued to a date or to the next field ("▲ 추천 42댓글 32025-01-31")
            assert not re.search(r"\d\d\d\d-\d\d-\d\d|(추천|댓글) ?\d", e), e
            # no sentence of the paper wedged into the summary's words (the evidence of a claim)
            assert "논문(초록)" not in e and "arXiv에서 보기" not in e, e
        # a section's heading and its text, apart
        assert any("Technical Details. 라우터는 대조 손실(contrastive loss)로 학습됩니다." in e for e in excerpts), excerpts
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-search-excerpts-1280x800.png"))
        w.assert_clean("search excerpts")
    finally:
        page.close()


# -- the header --------------------------------------------------------------------------------------

_HEADER_JS = """() => {
  const row = document.querySelector('.header-row').getBoundingClientRect();
  const parts = ['.brand', '.site-nav', '#theme-toggle'].map(s => document.querySelector(s).getBoundingClientRect());
  const links = Array.from(document.querySelectorAll('.site-nav a')).map(a => a.getBoundingClientRect());
  return {height: row.height, parts: parts.map(r => [r.top, r.bottom, r.left, r.right]),
          links: links.map(r => [r.top, r.left, r.right]), width: innerWidth, navRight: parts[1].right};
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", ["ko", "en", "ja", "zh"])
def test_the_header_fits_one_row(browser: BrowserContext, base: str, lang: str, viewport: dict[str, int]) -> None:
    page, w = open_page(browser, f"{base}{lang}/archive.html")
    try:
        page.set_viewport_size(viewport)
        got = page.evaluate(_HEADER_JS)
        assert got["height"] < 64, got  # one row of 44px targets and its padding
        middles = [(top + bottom) / 2 for top, bottom, _, _ in got["parts"]]
        assert max(middles) - min(middles) < 4, got  # brand, links and theme switch side by side
        assert len({round(t) for t, _, _ in got["links"]}) == 1, got  # every link on the same line
        # every link whole in view: none cut off by the edge of the screen or of the links' row
        assert all(0 <= left and right <= min(got["width"], got["navRight"] + 0.5) for _, left, right in got["links"]), got
        assert all(right <= got["width"] for _, _, _, right in got["parts"]), got
        # the words a phone does not show are still there for a screen reader
        assert page.locator(".brand").evaluate("e => e.textContent.trim()") == "Daily Papers"
        assert page.locator("#theme-toggle").get_attribute("aria-pressed") == "false"
        assert page.get_by_role("button", name=page.locator(".toggle-text").text_content() or "-").count() == 1
        _no_overflow(page, f"{lang} header")
        page.screenshot(path=str(ARTIFACTS / f"site-header-{lang}-{_size(viewport)}.png"),
                        clip={"x": 0, "y": 0, "width": viewport["width"], "height": 120})
        w.assert_clean(f"{lang} header")
    finally:
        page.close()
