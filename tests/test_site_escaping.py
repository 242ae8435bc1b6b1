"""Every text that came from a paper, an API or an LLM is shown as text: titles, authors,
abstracts, keywords, summaries (Markdown rendered, then sanitized), findings and model names
carrying script tags, event handlers, `javascript:` links and broken markup. Checked by parsing
the built pages as HTML (the standard library's parser), not with regular expressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dailypapers import pipeline
from dailypapers.models import Finding, Listing, Section, Summary, SummaryKey
from dailypapers.render.site.pages import markdown_html
from dailypapers.sources.hf_daily import parse_items
from dailypapers.store import Store
from dailypapers.text import safe_url
from tests.site_helpers import html_pages, items, read, settings_for

DATE = "2025-02-03"
EVIL_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)> Attention Is </p></h2>Broken'
EVIL_ABSTRACT = ('</p><script>alert("abstract")</script><a href="javascript:alert(3)">x</a> '
                 '<iframe src="https://evil.example/"></iframe> <style>body{display:none}</style>')
EVIL_AUTHOR = '<b onmouseover="alert(4)">Eve</b>'
EVIL_SECTIONS = [
    Section("What's New", '<script>alert("summary")</script> **굵게** 새로운 점 <img src=x onerror=alert(7)>'),
    Section("Technical Details", '[click](javascript:alert(6)) ![x](https://evil.example/x.png) <a href="https://evil.example/">a</a>'),
    Section("Performance Highlights", '<div><p>닫히지 않은 <b>태그 "quotes" & ampersands <svg onload=alert(8)>'),
]
EVIL_MODEL = '<img src=x onerror=alert(11)>'
EVIL_REASON = '<script>alert("finding")</script> figure 4.2 not found'


def _evil_store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "home" / "dailypapers.db")
    its = items(None)[:2]
    p = its[0]["paper"]
    p["title"] = EVIL_TITLE
    p["summary"] = EVIL_ABSTRACT
    p["authors"][0]["name"] = EVIL_AUTHOR
    p["ai_keywords"] = ['<script>alert("kw")</script>', '"><img src=x onerror=alert(5)>']
    p["projectPage"] = "javascript:alert(8)"
    p["githubRepo"] = 'javascript:alert(9)//"><script>alert(10)</script>'
    its[0]["title"] = EVIL_TITLE
    its[1]["paper"]["ai_keywords"] = ['<script>alert("kw")</script>']  # two papers: a keyword page
    its[1]["paper"]["projectPage"] = 'https://ok.example/"onmouseover="alert(12)'
    store.save_listing(Listing(DATE, "hf", parse_items(its, DATE), [json.dumps(its)]))
    for it in its:
        pid = it["paper"]["id"]
        store.save_summary(Summary(SummaryKey(pid, 1, "abstract", "ko", EVIL_MODEL, "v1"), EVIL_SECTIONS,
                                   findings=[Finding("numbers", "soft", EVIL_REASON, "Performance Highlights")]))
        store.save_summary(Summary(SummaryKey(pid, 1, "abstract", 'ko"><script>alert(13)</script>', "m", "v1"),
                                   EVIL_SECTIONS))
    return store


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    tmp = tmp_path_factory.mktemp("evil")
    store = _evil_store(tmp)
    report = pipeline.build_site(store, settings_for(tmp / "home"), tmp / "site", download_media=False, search=False)
    return tmp / "site", report


def test_a_language_that_is_not_a_code_gets_no_pages(site: tuple[Path, object]) -> None:
    path, report = site
    assert report.langs == ["ko"]  # type: ignore[attr-defined]
    assert any("not language codes" in n for n in report.notes)  # type: ignore[attr-defined]
    # No folder for the language that is not a code; the feeds (built by default) are Korean only.
    assert sorted(p.name for p in path.iterdir() if p.is_dir()) == ["assets", "feeds", "ko"]
    assert sorted(p.name for p in (path / "feeds").iterdir()) == ["ko"]


def test_no_script_or_handler_comes_from_content(site: tuple[Path, object]) -> None:
    path, _ = site
    pages = html_pages(path)
    assert len(pages) >= 8
    for page_path in pages:
        page = read(page_path)
        scripts = page.find("script")
        assert len(scripts) == 1 and scripts[0].attrs["src"].endswith("assets/site.js"), page_path
        for e in page.elements:
            handlers = [a for a in e.attrs if a.lower().startswith("on")]
            assert not handlers, f"{page_path}:{e.line}: <{e.tag}> has {handlers}"
            assert e.tag not in ("iframe", "style", "object", "embed", "base", "form") or \
                (e.tag == "form" and e.attrs.get("id") == "search-form"), f"{page_path}:{e.line}: <{e.tag}>"
            for name in ("href", "src", "action"):
                value = e.attrs.get(name, "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), f"{page_path}: {name}={value}"
                assert "evil.example" not in value and "ok.example" not in value, f"{page_path}: {name}={value}"
            if e.tag == "img":
                assert e.attrs["src"].startswith(("../", "./")) and "x" != e.attrs["src"], page_path


def test_the_hostile_text_is_shown_as_text(site: tuple[Path, object]) -> None:
    path, _ = site
    day = read(path / "ko" / "days" / f"{DATE}.html")
    text = day.text
    assert '<script>alert("title")</script><img src=x onerror=alert(1)> Attention Is </p></h2>Broken' in text
    assert EVIL_AUTHOR in text
    assert '<script>alert("summary")</script>' in text and "<img src=x onerror=alert(7)>" in text
    assert '닫히지 않은 <b>태그 "quotes" & ampersands <svg onload=alert(8)>' in text
    # A Markdown link to javascript: is no link (markdown-it refuses the scheme): it stays as the
    # characters it was written with. Raw HTML is shown as text.
    assert "[click](javascript:alert(6))" in text
    assert '<a href="https://evil.example/">a</a>' in text
    assert day.find("strong")  # the summary's Markdown was rendered...
    assert not [e for e in day.find("a") if "javascript" in e.attrs.get("href", "")]  # ...its links were not
    paper = read(path / "ko" / "papers" / "2502.00101.html")
    assert '<script>alert("abstract")</script>' in paper.text and "<iframe" in paper.text
    assert EVIL_REASON in paper.text and EVIL_MODEL in paper.text
    assert '<script>alert("kw")</script>' in paper.text
    # a project page or GitHub repository that is not a plain http(s) URL gets no link
    hrefs = [e.attrs["href"] for e in paper.find("a")]
    assert not any("javascript" in h or "(" in h or "<" in h or '"' in h for h in hrefs), hrefs
    assert not any("ok.example" in h for h in hrefs)  # a URL with a quote in it is not a URL
    title = paper.find("h1")
    assert len(title) == 1


def test_the_keyword_page_of_a_hostile_keyword(site: tuple[Path, object]) -> None:
    path, _ = site
    pages = list((path / "ko" / "keywords").glob("*.html"))
    assert len(pages) == 1 and pages[0].name.startswith("kw-script-alert-kw-script-")
    page = read(pages[0])
    assert '<script>alert("kw")</script>' in page.text


def test_markdown_is_rendered_then_sanitized() -> None:
    html = str(markdown_html('**bold** <script>x()</script> [a](https://e.example) ![i](https://e.example/i.png)'))
    assert "<strong>bold</strong>" in html and "&lt;script&gt;" in html
    assert "<a" not in html and "<img" not in html and "e.example/i.png" not in html
    assert str(markdown_html("`code` and *em*")) == "<p><code>code</code> and <em>em</em></p>\n"


@pytest.mark.parametrize("url,ok", [
    ("https://github.com/a/b", True), ("http://x.org/p?q=1#f", True),
    ("javascript:alert(1)", False), (" JAVASCRIPT:alert(1)", False), ("data:text/html,<script>", False),
    ("//evil.example/", False), ("/relative", False), ("https://a.org/\"onmouseover=\"x", False),
    ("https://a.org/<script>", False), ("", False), (None, False),
])
def test_only_plain_http_links_are_kept(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok
