"""The pure parts of a day page worth opening, without a browser: the overview's one line per paper,
the paper's picture (thumbnail, else its first figure, else none), findings grouped by rule in the
page's language, the status page of a day from its ledger, and the archive's charts; and that
each new page is escaped, kept to the CSP, and rendered again only when its inputs change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from dailypapers import pipeline
from dailypapers.models import DayLedger, Failure, Finding, Paper, Section, Summary, SummaryKey
from dailypapers.publish.media import MediaFile
from dailypapers.publish.site import build_site
from dailypapers.render.footer import footer
from dailypapers.render.site import SiteDay, SiteEntry
from dailypapers.render.site.charts import keywords_chart, papers_chart, period_of, periods, unit_for
from dailypapers.render.site.lines import first_sentence, overview_line, plain_text
from dailypapers.render.site.pages import CSP, SiteModel, finding_groups
from dailypapers.render.site.status import shown_time, status_model
from dailypapers.store import Store
from tests.site_helpers import DAYS, fill, html_pages, read, settings_for

# -- the overview line --------------------------------------------------------------------------------


def test_plain_text_drops_markdown_and_keeps_what_looks_like_html_as_text() -> None:
    assert plain_text("A **bold** and `code` [link](https://x.example) claim.") == "A bold and code link claim."
    assert plain_text("<script>alert(1)</script> *x*") == "<script>alert(1)</script> x"
    assert plain_text("- one\n- two\n\nThree") == "one two Three"


@pytest.mark.parametrize("text,first", [
    ("We cut lag by 31.5%, e.g. on HarborTalk. Then more.", "We cut lag by 31.5%, e.g. on HarborTalk."),
    ("긴 문맥을 위한 라우터를 제안합니다 (2502.00101). 두 번째 문장입니다.", "긴 문맥을 위한 라우터를 제안합니다 (2502.00101)."),
    ("本文提出一种路由器。第二句。", "本文提出一种路由器。"),
    ("ルーターを提案します。次の文です。", "ルーターを提案します。"),
    ("No sentence end at all", "No sentence end at all"),
])
def test_the_first_sentence_is_cut_where_the_checks_cut_sentences(text: str, first: str) -> None:
    assert first_sentence(text) == first


def test_a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    long = "Sparse routers " + "send every token to two experts " * 20 + "today."
    line = first_sentence(long, 80)
    assert len(line) <= 80 and line.endswith("…") and line[:-1] == long[:len(line) - 1]
    assert long[len(line) - 1] == " "  # cut between words
    cjk = "本" * 300 + "。"
    assert first_sentence(cjk, 50) == "本" * 49 + "…"


def test_the_overview_line_is_from_whats_new_wherever_it_stands() -> None:
    key = SummaryKey("2502.00101", 1, "html", "en", "m", "v1")
    s = Summary(key, [Section("Technical Details", "Details first."), Section("What's New", "**News** here. More.")])
    assert overview_line(s) == "News here."
    old = Summary(key, [Section(None, "An older bullet. Another.")])
    assert overview_line(old) == "An older bullet."


# -- findings -----------------------------------------------------------------------------------------

FINDINGS = [Finding("numbers", "soft", "Performance Highlights: 4.2 is not in the paper", "Performance Highlights"),
            Finding("language", "hard", "What's New: text leaks into another script", "What's New"),
            Finding("numbers", "soft", "Performance Highlights: 4.2 is not in the paper", "Performance Highlights"),
            Finding("numbers", "soft", "Technical Details: 7x is not in the paper", "Technical Details"),
            Finding("future-rule", "soft", "something new", None)]


@pytest.mark.parametrize("lang,numbers,language", [("ko", "수치", "언어"), ("en", "Figures", "Language"),
                                                   ("ja", "数値", "言語"), ("zh", "数值", "语言"), ("fr", "Figures", "Language")])
def test_findings_are_grouped_by_rule_each_once_hard_first_in_the_pages_words(lang: str, numbers: str,
                                                                              language: str) -> None:
    groups = finding_groups(FINDINGS, lang)
    assert [(g["rule"], g["name"], g["severity"]) for g in groups] == [
        ("language", language, "hard"), ("numbers", numbers, "soft"), ("future-rule", "future-rule", "soft")]
    assert groups[1]["items"] == [{"section": "Performance Highlights", "reason": "4.2 is not in the paper"},
                                  {"section": "Technical Details", "reason": "7x is not in the paper"}]
    assert groups[2]["items"] == [{"section": None, "reason": "something new"}]


# -- the status page ------------------------------------------------------------------------------------

def _ledger(lang: str = "ko", **kw: Any) -> DayLedger:
    base: dict[str, Any] = dict(listed=13, summarized=12, read={"html": 9, "abstract": 3},
                                failed=[Failure("2502.00909", "checks: language: 中文 in Korean text", "checks-hard")],
                                published=[("email", "a@example.com,b@example.org", "2025-02-03T09:12:00Z"),
                                           ("site", "/srv/private/site", "2025-02-03T09:10:00+00:00")])
    base.update(kw)
    return DayLedger(DAYS[0], lang, **base)


@pytest.mark.parametrize("lang,expected", [
    ("ko", "13편 등록, 12편 게재, 1편 실패 (검사: 심각한 문제)"),
    ("en", "13 listed, 12 published, 1 failed (checks: hard problem)"),
    ("ja", "掲載 13本、公開 12本、失敗 1本（チェック: 重大な問題）"),
    ("zh", "列出 13 篇，发布 12 篇，失败 1 篇（检查: 严重问题）"),
])
def test_the_headline_is_the_days_footer_in_the_pages_language(lang: str, expected: str) -> None:
    ledger = _ledger(lang)
    model = status_model(ledger, lang, lambda pid: (None, None, None))
    assert model["headline"] == expected == footer(ledger, lang)  # the same line as the feeds and e-mail


def test_the_status_model_names_where_by_kind_never_by_channel() -> None:
    model = status_model(_ledger(), "ko", lambda pid: (None, None, None))
    assert [(p["name"], p["shown"]) for p in model["published"]] == [("이 사이트", "2025-02-03 09:10 UTC"),
                                                                     ("이메일", "2025-02-03 09:12 UTC")]
    assert "a@example.com" not in repr(model) and "/srv/private" not in repr(model)
    assert [(r["name"], r["n"]) for r in model["read"]] == [("논문의 arXiv HTML (전문)", 9), ("초록만", 3)]
    assert model["failures"][0]["why"] == "검사: 심각한 문제"
    assert model["failures"][0]["detail"] == "checks: language: 中文 in Korean text"  # as the run wrote it
    assert shown_time("yesterday") == "yesterday"


def test_what_befell_the_day_is_named_in_the_pages_words_each_once_with_how_often() -> None:
    step_back = ("not-listed-yet", "nothing listed yet; the run went on with 2025-01-31")
    ledger = _ledger(events=[(*step_back, "2025-02-03T06:00:00Z"), ("new-event", "x", "2025-02-03T06:30:00Z"),
                             (*step_back, "2025-02-03T07:00:00Z")])
    events = status_model(ledger, "ko", lambda pid: (None, None, None))["events"]
    assert events == [
        {"code": "not-listed-yet", "name": "아직 목록 없음", "detail": step_back[1], "times": 2,
         "when": "2025-02-03T07:00:00Z", "shown": "2025-02-03 07:00 UTC"},
        {"code": "new-event", "name": "new-event", "detail": "x", "times": 1,  # a code with no words: itself
         "when": "2025-02-03T06:30:00Z", "shown": "2025-02-03 06:30 UTC"}]


# -- the charts --------------------------------------------------------------------------------------------

def test_a_bar_stands_for_a_day_a_week_or_a_month_by_the_span() -> None:
    d = dt.date(2025, 1, 1)
    assert unit_for(d, d + dt.timedelta(days=92)) == "day"
    assert unit_for(d, d + dt.timedelta(days=93)) == "week"
    assert unit_for(d, d + dt.timedelta(days=800)) == "month"
    weeks = periods(dt.date(2025, 2, 5), dt.date(2025, 2, 20), "week")  # a Wednesday to a Thursday
    assert [p.key for p in weeks] == ["2025-02-03", "2025-02-10", "2025-02-17"]
    assert period_of(dt.date(2024, 2, 29), "month").last == dt.date(2024, 2, 29)


def test_the_papers_chart_has_a_bar_per_day_gaps_included() -> None:
    chart = papers_chart({"2025-02-03": 8, "2025-02-05": 2}, "en")
    assert chart is not None
    assert [(b["n"], b["h"], b["y"]) for b in chart["bars"]] == [(8, 100.0, 0.0), (0, 0.0, 100.0), (2, 25.0, 75.0)]
    assert chart["bars"][2]["label"] == "2025-02-05: 2 papers"
    assert chart["title"] == "Papers per day" and chart["width"] == 3 and chart["top"] == 8
    assert chart["desc"] == "From 2025-02-03 to 2025-02-05: 10 papers in all, at most 8 in one day (2025-02-03)."
    assert chart["rows"] == [{"period": "2025-02-03", "n": 8}, {"period": "2025-02-04", "n": 0},
                             {"period": "2025-02-05", "n": 2}]
    assert papers_chart({}, "en") is None


def test_a_long_archive_is_drawn_per_week_in_the_pages_words() -> None:
    first = dt.date(2024, 1, 1)
    counts = {(first + dt.timedelta(days=i)).isoformat(): 25 for i in range(400)}
    chart = papers_chart(counts, "ko")
    assert chart is not None and chart["title"] == "주별 논문 수"
    assert len(chart["bars"]) == 58 and chart["bars"][0]["label"] == "2024-01-01 주: 논문 175편"
    assert chart["rows"][-1] == {"period": "2025-02-03 주", "n": 25}  # the last day, a Monday, alone


def test_the_keywords_chart_shows_the_top_keywords_on_one_scale() -> None:
    counts = {"2025-02-03": 5, "2025-02-04": 5}
    kws = {f"kw:{k}": (k, f"../ko/keywords/{k}.html", dates) for k, dates in {
        "alpha": ["2025-02-03"] * 3 + ["2025-02-04"], "beta": ["2025-02-04"] * 2, "gamma": ["2025-02-03"] * 2,
        "delta": ["2025-02-03"], "epsilon": ["2025-02-03"], "zeta": ["2025-02-04"]}.items()}
    chart = keywords_chart(counts, kws, "en", top_n=4)
    assert chart is not None
    assert [s["name"] for s in chart["series"]] == ["alpha", "beta", "gamma", "delta"]  # by papers, then name
    assert chart["top"] == 3 and [b["h"] for b in chart["series"][0]["bars"]] == [100.0, 33.33]
    assert chart["series"][1]["desc"] == "beta: 2 papers from 2025-02-03 to 2025-02-04, at most 2 in one day (2025-02-04)."
    assert chart["rows"][0] == {"period": "2025-02-03", "counts": [3, 0, 2, 1]}
    assert keywords_chart(counts, {}, "en") is None


# -- the paper's picture -----------------------------------------------------------------------------------

def _media(name: str, kind: str = "image") -> MediaFile:
    return MediaFile("u", name, kind, Path(name))


def _model(*papers: Paper) -> SiteModel:
    key = SummaryKey("x", 1, "abstract", "en", "m", "v1")
    entries = [SiteEntry(p, 1, [dataclasses.replace(Summary(key, [Section("What's New", "New.")]),
                                                    key=dataclasses.replace(key, paper_id=p.id))]) for p in papers]
    return SiteModel([SiteDay(DAYS[0], entries)], "en", None)


def test_a_figure_is_asked_for_and_shown_only_where_the_thumbnail_is_missing_or_failed() -> None:
    fig = "https://arxiv.org/html/{}v1/x1.png"
    with_thumb = Paper("2502.00001", "A", thumbnail="https://cdn/a.png", figure_url=fig.format("2502.00001"))
    failed_thumb = Paper("2502.00002", "B", thumbnail="https://cdn/b.png", figure_url=fig.format("2502.00002"),
                         figure_caption="Figure 1: B.")
    no_thumb = Paper("2502.00003", "C", figure_url=fig.format("2502.00003"), media_urls=["https://cdn/c.mp4"])
    nothing = Paper("2502.00004", "D", media_urls=["https://cdn/d.mp4"])
    bad_url = Paper("2502.00005", "E", figure_url="javascript:alert(1)")
    model = _model(with_thumb, failed_thumb, no_thumb, nothing, bad_url)
    found: dict[str, Any] = {"https://cdn/a.png": _media("a.png"), "https://cdn/b.png": None,
                             "https://cdn/c.mp4": _media("c.mp4", "video"), "https://cdn/d.mp4": None}
    assert model.wanted_figures(found) == [fig.format("2502.00002"), fig.format("2502.00003")]
    model.media = {**found, fig.format("2502.00002"): _media("f2.png"), fig.format("2502.00003"): None}
    assert model.picture(with_thumb) == {"kind": "image", "src": "media/a.png"}
    assert model.picture(failed_thumb) == {"kind": "figure", "src": "media/f2.png", "caption": "Figure 1: B."}
    assert model.picture(no_thumb) == {"kind": "video", "src": "media/c.mp4"}  # its figure failed: its media
    assert model.picture(nothing) is None and model.picture(bad_url) is None
    model.media = {fig.format("2502.00002"): _media("f2.mp4", "video")}
    assert model.figure(failed_thumb) is None  # a "figure" that is a video is no figure


# -- the pages: built, escaped, incremental -------------------------------------------------------------------

PWN = '<script>alert("x")</script>'


def _days(tmp_path: Path, ledgers: dict[str, dict[str, DayLedger]]) -> list[SiteDay]:
    store = Store.open(settings_for(tmp_path / "home").db_path)
    fill(store)
    days = pipeline.site_days(store)
    for d in days:
        d.ledgers = ledgers.get(d.date, {})
    return days


def test_a_status_page_only_for_a_day_with_a_ledger_linked_from_its_day_and_the_archive(tmp_path: Path) -> None:
    hostile = _ledger("ko", failed=[Failure(f'2502.00{PWN}', f"{PWN} broke", "checks-hard")],
                      warnings=[f"{PWN} warned"], published=[(f"{PWN}", "x", f"{PWN}")])
    quiet = DayLedger("2025-02-06", "ko", listed=4, failed=[Failure("2502.01001", "no text", "no-text")] * 4,
                      events=[("arxiv-unreachable", f"arXiv {PWN} could not be reached", "2025-02-06T08:00:00Z")])
    days = _days(tmp_path, {DAYS[0]: {"ko": hostile, "de": _ledger("de")}})
    days.append(SiteDay("2025-02-06", [], {"ko": quiet}))  # a day nothing was published on
    report = build_site(days, tmp_path / "site", search=False)
    site = tmp_path / "site"
    assert sorted(p.name for p in (site / "ko" / "status").iterdir()) == [f"{DAYS[0]}.html", "2025-02-06.html"]
    assert not (site / "en" / "status").exists() and not (site / "de").exists()
    assert f"ko/status/{DAYS[0]}.html" in report.written
    day = read(site / "ko" / "days" / f"{DAYS[0]}.html")
    assert [e.attrs["href"] for e in day.find("a") if "status-link" in e.attrs.get("class", "")] == \
        [f"../../ko/status/{DAYS[0]}.html"]
    assert not any("status" in e.attrs.get("href", "") for e in read(site / "ko" / "days" / f"{DAYS[1]}.html").find("a"))
    archive = read(site / "ko" / "archive.html")
    hrefs = [e.attrs.get("href", "") for e in archive.find("a")]
    assert "../ko/status/2025-02-06.html" in hrefs and "../ko/days/2025-02-06.html" not in hrefs
    assert "2025-02-06 · 논문 0편 · 상태" in archive.text
    page = read(site / "ko" / "status" / f"{DAYS[0]}.html")
    assert page.find("script") == [page.find("script")[0]] and page.find("script")[0].attrs["src"].endswith("site.js")
    assert f"{PWN} broke" in page.text and f"{PWN} warned" in page.text
    assert not any(e.attrs.get("href", "").startswith("https://arxiv.org/abs/2502.00<") for e in page.find("a"))
    assert page.find("meta", **{"http-equiv": "Content-Security-Policy"})[0].attrs["content"] == CSP
    quiet_page = read(site / "ko" / "status" / "2025-02-06.html")
    assert "4편 등록, 0편 게재, 4편 실패 (본문 없음 ×4)" in quiet_page.text
    assert quiet_page.text.count("no text") == 4 and len(quiet_page.find("p", **{"class": "status-paper"})) == 4
    # what befell the day as a whole: named in Korean, its detail once, as text
    assert "이날 일어난 일 arXiv 연결 실패 · 2025-02-06 08:00 UTC 자세한 내용: arXiv <script>" in quiet_page.text
    assert quiet_page.text.count(f"arXiv {PWN} could not be reached") == 1
    assert [e.attrs.get("src", "")[-7:] for e in quiet_page.find("script")] == ["site.js"]  # the detail is text


def test_no_new_piece_carries_a_style_attribute_or_an_inline_script(tmp_path: Path) -> None:
    days = _days(tmp_path, {DAYS[0]: {"ko": _ledger(), "en": _ledger("en")}})
    build_site(days, tmp_path / "site", search=False)
    for path in html_pages(tmp_path / "site"):
        page = read(path)
        assert not [e for e in page.elements if "style" in e.attrs or any(a.startswith("on") for a in e.attrs)], path
        assert all(e.attrs.get("src", "").endswith("assets/site.js") for e in page.find("script")), path
        assert not [e for e in page.elements if e.tag == "style"], path
    archive = (tmp_path / "site" / "ko" / "archive.html").read_text(encoding="utf-8")
    assert archive.count('role="img"') >= 2 and re.search(r"<desc id=\"[^\"]+\">[^<]+</desc>", archive)


def test_a_changed_ledger_rewrites_its_status_page_and_nothing_else(tmp_path: Path) -> None:
    first = build_site(_days(tmp_path, {DAYS[0]: {"ko": _ledger()}}), tmp_path / "site", search=False)
    assert f"ko/status/{DAYS[0]}.html" in first.written
    again = build_site(_days(tmp_path / "b", {DAYS[0]: {"ko": _ledger()}}), tmp_path / "site", search=False)
    assert again.written == []
    changed = build_site(_days(tmp_path / "c", {DAYS[0]: {"ko": _ledger(summarized=13, failed=[])}}),
                         tmp_path / "site", search=False)
    assert changed.written == [f"ko/status/{DAYS[0]}.html"]


def test_a_day_without_upvotes_has_no_order_to_choose(tmp_path: Path) -> None:
    key = SummaryKey("x", 1, "abstract", "en", "m", "v1")
    entries = [SiteEntry(Paper(pid, f"Title {pid}"), None,
                         [dataclasses.replace(Summary(key, [Section("What's New", f"About {pid}. More.")]),
                                              key=dataclasses.replace(key, paper_id=pid))])
               for pid in ("2502.00001", "2502.00002")]
    build_site([SiteDay(DAYS[0], entries)], tmp_path / "site", search=False, default_lang="en")
    page = read(tmp_path / "site" / "en" / "days" / f"{DAYS[0]}.html")
    assert [e.attrs["href"] for e in page.elements if e.tag == "a" and e.attrs.get("class") == "ov-title"] == \
        ["#p-2502.00001", "#p-2502.00002"]
    # each line once in the overview and once in its card; the second sentence in the card only
    assert page.text.count("About 2502.00001.") == 2 and page.text.count("More.") == 2
    assert page.find("button", **{"data-sort": "upvotes"}) == [] and not page.find("div", **{"class": "sort"})
