"""The static site built from a real store: which pages there are and what they hold, in digest
order; links that resolve to files (so the site works from disk and from a sub-path); `lang`
attributes; the Content-Security-Policy; nothing loaded from another host; the search index, asked
for a Korean and an English word; and the command line."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dailypapers import pipeline
from dailypapers.publish.site import MANIFEST
from dailypapers.render.site import CSP, paper_slug
from dailypapers.store import Store
from tests.site_helpers import (
    DAYS,
    EN_WORD,
    KO_WORD,
    MediaHost,
    fill,
    html_pages,
    links,
    node,
    read,
    resolves,
    search,
    settings_for,
)

ALLOWED_LINK_HOSTS = {"arxiv.org", "huggingface.co", "github.com", "routers.example.org"}
URL_ATTRS = ("href", "src", "poster", "srcset", "action", "data", "xlink:href", "formaction")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]], object]:
    """One site for the read-only tests: three days, Korean and English, thumbnails from a fake CDN."""
    tmp = tmp_path_factory.mktemp("site")
    with MediaHost() as host:
        settings = settings_for(tmp / "home", host.url)
        store = Store.open(settings.db_path)
        order = fill(store, host.url)
        report = pipeline.build_site(store, settings, tmp / "site")
    return tmp / "site", order, report


def test_every_page_is_there(built: tuple[Path, dict[str, list[str]], object]) -> None:
    site, order, report = built
    assert report.langs == ["ko", "en"] and report.default_lang == "ko"  # type: ignore[attr-defined]
    for lang in ("ko", "en"):
        for name in ("index.html", "archive.html", "keywords.html", "search.html"):
            assert (site / lang / name).is_file(), f"{lang}/{name}"
    for date in DAYS:
        assert (site / "ko" / "days" / f"{date}.html").is_file()
    assert (site / "en" / "days" / f"{DAYS[0]}.html").is_file()
    assert (site / "en" / "days" / f"{DAYS[1]}.html").is_file()
    assert not (site / "en" / "days" / f"{DAYS[2]}.html").exists()  # no English summary that day
    for pid in order[DAYS[0]]:
        assert (site / "ko" / "papers" / f"{paper_slug(pid)}.html").is_file()
    assert len(list((site / "en" / "papers").glob("*.html"))) == 5
    assert (site / "index.html").is_file() and (site / MANIFEST).is_file()
    assert (site / "assets" / "site.css").is_file() and (site / "assets" / "site.js").is_file()
    keyword_pages = sorted(p.name for p in (site / "ko" / "keywords").glob("*.html"))
    assert len(keyword_pages) == 1 and keyword_pages[0].startswith("kw-sparse-routing-")  # 2 papers: a page


def test_a_day_lists_its_papers_in_digest_order_with_everything(built: tuple[Path, dict[str, list[str]], object]) -> None:
    site, order, _ = built
    page = read(site / "ko" / "days" / f"{DAYS[0]}.html")
    cards = [e.attrs["id"] for e in page.find("article")]
    assert cards == [f"p-{paper_slug(pid)}" for pid in order[DAYS[0]]]
    text = page.text
    assert "Sparse Routers for Long-Context Retrieval" in text and "Mina Park, Jonas Weber" in text
    assert "추천 42" in text and "What's New" in text and "Technical Details" in text
    assert "Performance Highlights" in text and "희소 라우터" in text
    hrefs = [e.attrs["href"] for e in page.find("a")]
    assert "https://arxiv.org/abs/2502.00101" in hrefs and "https://arxiv.org/pdf/2502.00101" in hrefs
    assert "https://huggingface.co/papers/2502.00101" in hrefs
    assert "https://github.com/mina/routers" in hrefs and "스타 1,234" in text
    assert "https://routers.example.org/" in hrefs
    imgs = [e.attrs["src"] for e in page.find("img")]
    assert all(src.startswith("../../media/") for src in imgs[:2]), imgs
    # the third paper has no thumbnail (nor a figure): no picture at all, and a compact card
    third = read(site / "ko" / "papers" / "2502.00303.html")
    assert third.find("img") == [] and not (site / "assets" / "placeholder.svg").exists()
    card = next(e for e in page.find("article") if e.attrs["id"] == "p-2502.00303")
    assert "no-picture" in card.attrs["class"].split()
    assert len(imgs) == len(order[DAYS[0]]) - 1


def test_the_front_page_is_the_latest_day(built: tuple[Path, dict[str, list[str]], object]) -> None:
    site, order, _ = built
    for path in (site / "index.html", site / "ko" / "index.html"):
        page = read(path)
        assert page.lang == "ko"
        assert [e.attrs["id"] for e in page.find("article")] == [f"p-{paper_slug(p)}" for p in order[DAYS[2]]]
        assert DAYS[2] in page.text
    en = read(site / "en" / "index.html")
    assert en.lang == "en" and DAYS[1] in en.text  # the latest day with English summaries


def test_a_paper_page_has_its_summaries_checks_text_and_model(built: tuple[Path, dict[str, list[str]], object]) -> None:
    site, _, _ = built
    page = read(site / "ko" / "papers" / "2502.00101.html")
    assert page.find("article", **{"data-pagefind-body": ""})
    text = page.text
    assert "fake/model-a" in text and "초록만" in text  # the model, and which text it read (the abstract)
    assert "the figure 4.2 was not found in the paper" in text  # the finding of the checks
    assert "v1" in text  # the prompt version
    assert "Retrieval over long inputs is slow." in text  # the abstract
    assert DAYS[0] in text and DAYS[1] in text  # listed on both days, with links
    hrefs = {e.attrs["href"] for e in page.find("a")}
    assert f"../../ko/days/{DAYS[0]}.html" in hrefs and f"../../ko/days/{DAYS[1]}.html" in hrefs
    assert any(h.startswith("../../ko/keywords/kw-sparse-routing-") for h in hrefs)
    # the language switch: this paper has Korean and English
    switch = [e for e in page.find("a") if e.attrs.get("hreflang")]
    assert {(e.attrs["hreflang"], e.attrs["lang"]) for e in switch} >= {("ko", "ko"), ("en", "en")}
    assert any(e.attrs["href"] == "../../en/papers/2502.00101.html" for e in switch)
    # a paper with only a Korean summary has no switch to English
    solo = read(site / "ko" / "papers" / "2502.00808.html")
    assert not any(e.attrs.get("href", "").startswith("../../en/papers/") for e in solo.find("a"))


def test_lang_attributes(built: tuple[Path, dict[str, list[str]], object]) -> None:
    site, _, _ = built
    for path in html_pages(site):
        rel = path.relative_to(site).parts
        page = read(path)
        assert page.lang == (rel[0] if len(rel) > 1 else "ko"), path
    day = read(site / "ko" / "days" / f"{DAYS[0]}.html")
    assert {e.attrs.get("lang") for e in day.find("h2") if e.attrs.get("id", "").endswith("-t")} == {"en"}
    assert all(e.attrs["lang"] == "ko" for e in day.find("div") if "sections" in e.attrs.get("class", ""))
    assert {e.attrs.get("lang") for e in day.find("h3")} == {"en"}  # the section labels are English


def test_csp_and_nothing_from_another_host(built: tuple[Path, dict[str, list[str]], object]) -> None:
    site, _, _ = built
    for path in html_pages(site):
        page = read(path)
        metas = page.find("meta", **{"http-equiv": "Content-Security-Policy"})
        assert len(metas) == 1 and metas[0].attrs["content"] == CSP, path
        for e in page.elements:
            for name in URL_ATTRS:
                value = e.attrs.get(name)
                if value is None or not re.match(r"^\s*(https?:)?//", value):
                    continue
                assert e.tag == "a" and name == "href", f"{path}: <{e.tag} {name}={value!r}> loads from another host"
                assert urlsplit(value).hostname in ALLOWED_LINK_HOSTS, f"{path}: link to {value}"
            assert not (e.tag == "link" and e.attrs.get("rel") in ("stylesheet", "preload", "icon")
                        and "//" in e.attrs.get("href", "")), path
            if e.tag == "script":
                assert e.attrs.get("src", "").endswith("assets/site.js"), f"{path}: {e.attrs}"
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    js = (site / "assets" / "site.js").read_text(encoding="utf-8")
    assert "http://" not in js and "https://" not in js and "eval(" not in js and "innerHTML" not in js
    assert "'unsafe-inline'" not in CSP and "'unsafe-eval'" not in CSP and "default-src 'none'" in CSP


def test_every_internal_link_is_relative_and_names_a_file(built: tuple[Path, dict[str, list[str]], object]) -> None:
    site, _, _ = built
    checked = 0
    for page, e, name, value in links(site):
        if re.match(r"^(https?:)?//", value):
            continue
        path = page.path
        assert not value.startswith("/"), f"{path}: {value} is absolute: breaks from disk and sub-paths"
        assert not value.endswith("/"), f"{path}: {value} names a folder: breaks from disk"
        assert resolves(site, page, value), f"{path}: <{e.tag} {name}={value!r}> leads nowhere"
        checked += 1
    assert checked > 500


def test_the_archive_draws_a_calendar(built: tuple[Path, dict[str, list[str]], object]) -> None:
    site, order, _ = built
    page = read(site / "ko" / "archive.html")
    assert page.find("svg")
    links = {e.attrs["href"]: e.attrs["aria-label"] for e in page.find("a") if "aria-label" in e.attrs}
    for date in DAYS:
        assert links[f"../ko/days/{date}.html"] == f"{date}: 논문 {len(order[date])}편"
    cells = [e for e in page.find("rect") if re.fullmatch(r"b[0-4]", e.attrs.get("class", ""))]
    assert len(cells) == 28  # February 2025


def test_keyword_and_category_pages(tmp_path: Path) -> None:
    with MediaHost() as host:
        settings = settings_for(tmp_path / "home", host.url)
        store = Store.open(settings.db_path)
        fill(store, host.url)
        p = store.paper("2502.00101")
        assert p is not None
        p.categories, p.primary_category, p.version = ["cs.CL", "cs.LG"], "cs.CL", 1
        store.save_arxiv_metadata(p)
        pipeline.build_site(store, settings, tmp_path / "site", download_media=False, search=False)
    site = tmp_path / "site"
    index = read(site / "ko" / "keywords.html")
    assert "cs.CL" in index.text and "sparse routing" in index.text
    cat = next(e.attrs["href"] for e in index.find("a") if e.attrs.get("href", "").startswith("../ko/keywords/cat-cs-cl-"))
    page = read((site / "ko" / cat).resolve())
    assert "Sparse Routers for Long-Context Retrieval" in page.text


@pytest.mark.skipif(node() is None, reason="node is not installed: the search index is not queried")
def test_search_finds_a_korean_and_an_english_word(built: tuple[Path, dict[str, list[str]], object],
                                                    tmp_path: Path) -> None:
    site, order, report = built
    assert report.search and (site / "pagefind" / "pagefind.js").is_file()  # type: ignore[attr-defined]
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    ko = search(site, "ko", KO_WORD, tmp_path)
    assert sorted(ko) == sorted(f"ko/papers/{paper_slug(p)}.html" for p in order[DAYS[0]])
    assert search(site, "ko", "contrastive", tmp_path)  # an English term inside a Korean summary
    en = search(site, "en", EN_WORD, tmp_path)
    assert "en/papers/2502.00101.html" in en and all(u.startswith("en/papers/") for u in en)
    assert search(site, "en", "Hallucinations", tmp_path) == ["en/papers/2502.00404.html"]  # from an abstract
    assert search(site, "ko", "zzyzx", tmp_path) == []


def test_the_command_line_builds_the_site(cli: object, tmp_path: Path) -> None:
    with MediaHost() as host:
        store = Store.open(cli.home / "dailypapers.db")  # type: ignore[attr-defined]
        fill(store, host.url)
        store.close()
        out = tmp_path / "public"
        r = cli("render", "--format", "html", "-o", str(out), env={"HF_ENDPOINT": host.url})  # type: ignore[operator]
        assert r.returncode == 0, r.stderr
        assert "wrote the site" in r.stderr and "languages: ko, en" in r.stderr
        assert (out / "ko" / "days" / f"{DAYS[0]}.html").is_file() and (out / "pagefind").is_dir()
        assert len(host.requests) == 7  # every thumbnail, once
        again = cli("render", "--format", "html", "-o", str(out), "--lang", "en",  # type: ignore[operator]
                    env={"HF_ENDPOINT": host.url})
        assert again.returncode == 0, again.stderr
        assert not (out / "ko").exists() and (out / "en" / "index.html").is_file()
        assert read(out / "index.html").lang == "en"
        assert len(host.requests) == 7  # cached: nothing asked again
    not_a_site = tmp_path / "documents"
    not_a_site.mkdir()
    (not_a_site / "thesis.txt").write_text("mine", encoding="utf-8")
    refused = cli("render", "--format", "html", "-o", str(not_a_site))  # type: ignore[operator]
    assert refused.returncode == 2 and "other than a dailypapers site" in refused.stderr
    assert (not_a_site / "thesis.txt").read_text(encoding="utf-8") == "mine"


def test_an_empty_store_builds_a_site_that_says_so(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "home")
    store = Store.open(settings.db_path)
    report = pipeline.build_site(store, settings, tmp_path / "site")
    assert report.langs == [] and not report.search
    page = read(tmp_path / "site" / "index.html")
    assert page.find("meta", **{"http-equiv": "Content-Security-Policy"})
    assert "Nothing has been published" in page.text
