"""The feeds: RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1, one entry per paper or per day.

The lists of required elements below are written from the specifications, not from the code:
- RSS 2.0 (rssboard.org/rss-specification): a channel must have title, link and description; an
  item must have a title or a description (we give both, with link, guid and pubDate); dates are
  RFC 822; guid isPermaLink="false" when it is not a URL.
- Atom (RFC 4287): a feed must have exactly one id, title and updated, and an author unless every
  entry has one; an entry must have exactly one id, title and updated, and content or a link
  rel="alternate"; ids are IRIs; dates are RFC 3339; at most one alternate link per type/hreflang.
- JSON Feed 1.1 (jsonfeed.org/version/1.1): version, title and items are required; an item must
  have an id (a string) and content_html or content_text; dates are RFC 3339.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dailypapers.models import Digest, DigestEntry, Paper, Section, Summary, SummaryKey
from dailypapers.render.feeds import feed_files, render_feed
from tests.markdown_golden import EN_DATE, EN_PAPERS, GOLDEN, KO_DATE, KO_PAPERS, make_digest

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://papers.example.org/daily/"
WN, TD, PH = "What's New", "Technical Details", "Performance Highlights"

# Hostile text, and what a reader must see of it: markup as text, control characters gone.
HOSTILE_TITLE = "<script>alert('x')</script> Tables & Trees ]]> \x00\x0bfast🚀"
HOSTILE_TITLE_SEEN = "<script>alert('x')</script> Tables & Trees ]]> fast🚀"
HOSTILE_WN = "We use <b>bold</b> & <img src=x onerror=alert(1)> claims ]]> here\x01\x1f\x7f\x85 🚀 done."
HOSTILE_WN_SEEN = "We use <b>bold</b> & <img src=x onerror=alert(1)> claims ]]> here 🚀 done."
KO_TD = "어텐션(attention)을 <희소하게> 바꿉니다 & 속도가 2.3배 빨라집니다\x08. 이모지 😀도 있습니다."
KO_TD_SEEN = "어텐션(attention)을 <희소하게> 바꿉니다 & 속도가 2.3배 빨라집니다. 이모지 😀도 있습니다."
# Characters XML 1.0 does not allow (and C1 controls), which must never reach a feed.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

TAG_ID = re.compile(r"^tag:dailypapers,\d{4}-\d{2}-\d{2}:(?:\d{4}\.\d{4,5}|day)/(?:ko|en)$")


def _entry(pid: str, title: str, authors: list[str], sections: list[tuple[str | None, str]], lang: str,
           created_at: str | None = None, thumbnail: str | None = None, upvotes: int | None = 3) -> DigestEntry:
    key = SummaryKey(pid, 1, "abstract", lang, "test-model", "v1")
    summary = Summary(key, [Section(label, text) for label, text in sections], created_at=created_at)
    return DigestEntry(Paper(pid, title, authors, thumbnail=thumbnail, categories=["cs.CL"]), upvotes, summary)


def hostile_digests() -> dict[str, list[Digest]]:
    """Two Korean days and one English day; one paper without a summary; hostile text everywhere."""
    ko1 = Digest("2025-03-14", "ko", [
        _entry("2503.01234", HOSTILE_TITLE, ["김민수", "<i>Eve</i> & Mallory"],
               [(WN, HOSTILE_WN), (TD, KO_TD), (PH, "정확도가 4.2점 올랐습니다.")], "ko",
               created_at="2025-03-14T02:30:00Z", thumbnail="https://example.org/t.png"),
        _entry("2503.05678", "Plain Title", [], [(WN, "새로운 점입니다."), (None, "라벨 없는 <항목>입니다.")], "ko",
               created_at="2025-03-13T23:00:00Z"),  # written before the day began (UTC)
        DigestEntry(Paper("2503.09999", "No Summary Yet", ["Nobody"]), 1, None),
    ])
    ko2 = Digest("2025-03-15", "ko", [
        _entry("2503.01234", HOSTILE_TITLE, ["김민수"], [(WN, "다시 나온 논문입니다.")], "ko"),  # again, next day
        _entry("2503.11111", "Second Day", ["Lee"], [(WN, "둘째 날입니다."), (TD, KO_TD)], "ko",
               created_at="2025-03-16T08:00:00+09:00"),
    ])
    empty = Digest("2025-03-16", "ko", [DigestEntry(Paper("2503.22222", "Nothing", []), None, None)])
    en = Digest("2025-03-14", "en", [
        _entry("2503.01234", HOSTILE_TITLE, ["Ann"], [(WN, HOSTILE_WN), (PH, "Up 4.2 points & more.")], "en",
               created_at="2025-03-14T05:00:00Z"),
    ])
    return {"ko": [ko1, ko2, empty], "en": [en]}


class _Text(HTMLParser):
    """The text a browser shows of an HTML fragment, and the tags it would build."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_text(fragment: str) -> tuple[str, set[str]]:
    p = _Text()
    p.feed(fragment)
    p.close()
    return "".join(p.text), set(p.tags)


def _xml(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def _render_all(lang: str, per: str, base_url: str | None = BASE) -> dict[str, str]:
    digests = hostile_digests()[lang]
    return {kind: render_feed(kind, lang, digests, per, base_url) for kind in ("rss", "atom", "json")}


def _ids(kind: str, text: str) -> list[str]:
    if kind == "rss":
        return [i.findtext("guid") for i in _xml(text).iter("item")]
    if kind == "atom":
        return [e.findtext(f"{ATOM}id") for e in _xml(text).iter(f"{ATOM}entry")]
    return [i["id"] for i in json.loads(text)["items"]]


def _contents(kind: str, text: str) -> list[str]:
    if kind == "rss":
        return [i.findtext("description") for i in _xml(text).iter("item")]
    if kind == "atom":
        return [e.findtext(f"{ATOM}content") for e in _xml(text).iter(f"{ATOM}entry")]
    return [i["content_html"] for i in json.loads(text)["items"]]


def _one(parent: ET.Element, tag: str) -> ET.Element:
    found = parent.findall(tag)
    assert len(found) == 1, f"{parent.tag} must have exactly one {tag}, has {len(found)}"
    return found[0]


def _rfc3339(value: str | None) -> dt.datetime:
    assert value and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", value), value
    when = dt.datetime.fromisoformat(value)
    assert when.tzinfo is not None
    return when


# -- well-formed, nothing forbidden ---------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("per", ["paper", "day"])
def test_feeds_are_well_formed_and_carry_no_forbidden_characters(lang: str, per: str) -> None:
    feeds = _render_all(lang, per)
    assert _xml(feeds["rss"]).tag == "rss"
    assert _xml(feeds["rss"]).get("version") == "2.0"
    assert _xml(feeds["atom"]).tag == f"{ATOM}feed"
    assert isinstance(json.loads(feeds["json"]), dict)
    for kind, text in feeds.items():
        assert not FORBIDDEN.search(text), kind
        for content in _contents(kind, text):
            assert not FORBIDDEN.search(content), kind
    assert "]]>" not in feeds["rss"] and "]]>" not in feeds["atom"]  # escaped, no CDATA tricks


def test_a_lone_surrogate_is_dropped_not_a_crash() -> None:
    d = Digest("2025-03-14", "en", [_entry("2503.00001", "Broken \udc80 title", ["A"], [(WN, "Text \ud800 here.")],
                                           "en")])
    for kind in ("rss", "atom"):
        text = render_feed(kind, "en", [d], "paper")
        assert "Broken title" in text and "Text  here." in text
        text.encode("utf-8")
        _xml(text)
    json.loads(render_feed("json", "en", [d], "paper")).get("items")[0]["title"].encode("utf-8")


# -- required elements ----------------------------------------------------------------------------

RSS_CHANNEL_REQUIRED = ("title", "link", "description")
RSS_ITEM_GIVEN = ("title", "link", "description", "guid", "pubDate")


@pytest.mark.parametrize("per", ["paper", "day"])
@pytest.mark.parametrize("base_url", [BASE, None])
def test_rss_has_every_required_element(per: str, base_url: str | None) -> None:
    rss = _xml(render_feed("rss", "ko", hostile_digests()["ko"], per, base_url))
    channel = _one(rss, "channel")
    for tag in RSS_CHANNEL_REQUIRED:
        assert (_one(channel, tag).text or "").strip(), tag
    assert channel.findtext("link").startswith("https://")
    assert channel.findtext("language") == "ko"
    parsedate_to_datetime(channel.findtext("lastBuildDate"))
    self_links = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    if base_url:
        assert [link.get("href") for link in self_links] == \
            [f"{BASE}feeds/ko/{'papers' if per == 'paper' else 'days'}.rss.xml"]
        assert self_links[0].get("type") == "application/rss+xml"
    else:
        assert self_links == []
    items = channel.findall("item")
    assert items
    for item in items:
        for tag in RSS_ITEM_GIVEN:
            assert (_one(item, tag).text or "").strip(), tag
        assert item.find("guid").get("isPermaLink") == "false"
        assert TAG_ID.match(item.findtext("guid"))
        when = parsedate_to_datetime(item.findtext("pubDate"))
        assert when.tzinfo is not None
        assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}",
                            item.findtext("pubDate"))


@pytest.mark.parametrize("per", ["paper", "day"])
@pytest.mark.parametrize("base_url", [BASE, None])
def test_atom_has_every_required_element(per: str, base_url: str | None) -> None:
    feed = _xml(render_feed("atom", "ko", hostile_digests()["ko"], per, base_url))
    assert re.match(r"^[a-z][a-z0-9+.-]*:", _one(feed, f"{ATOM}id").text)  # an IRI
    assert _one(feed, f"{ATOM}title").text.strip()
    feed_updated = _rfc3339(_one(feed, f"{ATOM}updated").text)
    feed_authors = feed.findall(f"{ATOM}author")
    assert feed_authors and all(a.findtext(f"{ATOM}name").strip() for a in feed_authors)
    links = feed.findall(f"{ATOM}link")
    alternates = [(link.get("type"), link.get("hreflang")) for link in links if link.get("rel") in (None, "alternate")]
    assert len(alternates) == 1 == len(set(alternates))
    self_links = [link.get("href") for link in links if link.get("rel") == "self"]
    assert self_links == ([f"{BASE}feeds/ko/{'papers' if per == 'paper' else 'days'}.atom.xml"] if base_url else [])
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        assert TAG_ID.match(_one(entry, f"{ATOM}id").text)
        assert _one(entry, f"{ATOM}title").text.strip()
        updated = _rfc3339(_one(entry, f"{ATOM}updated").text)
        published = _rfc3339(_one(entry, f"{ATOM}published").text)
        assert published <= updated <= feed_updated
        content = _one(entry, f"{ATOM}content")
        assert content.get("type") in ("html", "text") and content.text.strip()
        alternate = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") in (None, "alternate")]
        assert len(alternate) == 1 and alternate[0].get("href").startswith("https://")
        for author in entry.findall(f"{ATOM}author"):
            assert _one(author, f"{ATOM}name").text.strip()


@pytest.mark.parametrize("per", ["paper", "day"])
@pytest.mark.parametrize("base_url", [BASE, None])
def test_json_feed_has_every_required_member(per: str, base_url: str | None) -> None:
    feed = json.loads(render_feed("json", "ko", hostile_digests()["ko"], per, base_url))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"].strip()
    assert isinstance(feed["items"], list) and feed["items"]
    assert feed["home_page_url"].startswith("https://")
    if base_url:
        assert feed["feed_url"] == f"{BASE}feeds/ko/{'papers' if per == 'paper' else 'days'}.json"
    else:
        assert "feed_url" not in feed
    assert all(isinstance(a["name"], str) for a in feed["authors"])
    for item in feed["items"]:
        assert isinstance(item["id"], str) and TAG_ID.match(item["id"])
        assert isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str)
        assert item["content_html"].strip() and item["content_text"].strip()
        assert item["url"].startswith("https://")
        assert _rfc3339(item["date_published"]) <= _rfc3339(item["date_modified"])
        for author in item.get("authors", []):
            assert isinstance(author["name"], str) and author["name"]


def test_an_empty_feed_is_still_valid() -> None:
    for per in ("paper", "day"):
        rss = _one(_xml(render_feed("rss", "ja", [], per)), "channel")
        assert all(rss.findtext(t) for t in RSS_CHANNEL_REQUIRED) and not rss.findall("item")
        atom = _xml(render_feed("atom", "ja", [], per))
        assert atom.findtext(f"{ATOM}id") and atom.findtext(f"{ATOM}title") and atom.find(f"{ATOM}author")
        _rfc3339(atom.findtext(f"{ATOM}updated"))
        feed = json.loads(render_feed("json", "ja", [], per))
        assert feed["items"] == [] and feed["version"] and feed["title"]


# -- ids, dates, links ----------------------------------------------------------------------------

@pytest.mark.parametrize("per", ["paper", "day"])
def test_ids_are_stable_unique_and_the_same_in_every_format(per: str) -> None:
    first, second = _render_all("ko", per), _render_all("ko", per, base_url="https://elsewhere.example/")
    ids = {kind: _ids(kind, text) for kind, text in first.items()}
    for kind, text in second.items():
        assert _ids(kind, text) == ids[kind], "an id changed when the site moved"
    assert ids["rss"] == ids["atom"] == ids["json"]
    assert len(set(ids["rss"])) == len(ids["rss"])
    if per == "paper":
        assert ids["rss"] == ["tag:dailypapers,2025-03-15:2503.01234/ko", "tag:dailypapers,2025-03-15:2503.11111/ko",
                              "tag:dailypapers,2025-03-14:2503.01234/ko", "tag:dailypapers,2025-03-14:2503.05678/ko"]
    else:
        assert ids["rss"] == ["tag:dailypapers,2025-03-15:day/ko", "tag:dailypapers,2025-03-14:day/ko"]
    # The same paper in another language is another entry.
    assert _ids("json", _render_all("en", per)["json"])[0].endswith("/en")
    # A day given twice is one entry.
    twice = hostile_digests()["ko"] * 2
    assert _ids("atom", render_feed("atom", "ko", twice, per)) == ids["atom"]


def test_per_paper_and_per_day_counts() -> None:
    digests = hostile_digests()
    counts = {(lang, per): len(json.loads(render_feed("json", lang, digests[lang], per))["items"])
              for lang in ("ko", "en") for per in ("paper", "day")}
    # ko: 2 summarized papers on the 14th (one has no summary), 2 on the 15th, none on the 16th.
    assert counts == {("ko", "paper"): 4, ("ko", "day"): 2, ("en", "paper"): 1, ("en", "day"): 1}
    for kind in ("rss", "atom"):
        assert len(_ids(kind, render_feed(kind, "ko", digests["ko"], "paper"))) == 4
        assert len(_ids(kind, render_feed(kind, "ko", digests["ko"], "day"))) == 2
    # Digests in another language are not mixed in.
    assert len(_ids("rss", render_feed("rss", "en", digests["ko"] + digests["en"], "paper"))) == 1


def test_dates_come_from_the_digest_and_the_summaries() -> None:
    items = {i["id"]: i for i in json.loads(render_feed("json", "ko", hostile_digests()["ko"], "paper"))["items"]}
    hostile = items["tag:dailypapers,2025-03-14:2503.01234/ko"]
    assert hostile["date_published"] == "2025-03-14T00:00:00Z"
    assert hostile["date_modified"] == "2025-03-14T02:30:00Z"
    early = items["tag:dailypapers,2025-03-14:2503.05678/ko"]
    assert early["date_modified"] == early["date_published"] == "2025-03-14T00:00:00Z"  # never before published
    assert items["tag:dailypapers,2025-03-15:2503.11111/ko"]["date_modified"] == "2025-03-15T23:00:00Z"
    days = {i["id"]: i for i in json.loads(render_feed("json", "ko", hostile_digests()["ko"], "day"))["items"]}
    assert days["tag:dailypapers,2025-03-14:day/ko"]["date_modified"] == "2025-03-14T02:30:00Z"
    rss = _xml(render_feed("rss", "ko", hostile_digests()["ko"], "paper"))
    dates = [parsedate_to_datetime(i.findtext("pubDate")) for i in rss.iter("item")]
    assert [d.date().isoformat() for d in dates] == ["2025-03-15", "2025-03-15", "2025-03-14", "2025-03-14"]
    assert parsedate_to_datetime(rss.find("channel").findtext("lastBuildDate")) == \
        dt.datetime(2025, 3, 15, 23, 0, tzinfo=dt.UTC)


def test_links_point_at_arxiv_and_the_day_pages() -> None:
    papers = json.loads(render_feed("json", "ko", hostile_digests()["ko"], "paper", BASE))["items"]
    assert papers[0]["url"] == "https://arxiv.org/abs/2503.01234"
    days = json.loads(render_feed("json", "ko", hostile_digests()["ko"], "day", BASE))["items"]
    assert [d["url"] for d in days] == [f"{BASE}ko/days/2025-03-15.html", f"{BASE}ko/days/2025-03-14.html"]
    offline = json.loads(render_feed("json", "ko", hostile_digests()["ko"], "day"))["items"]
    assert offline[0]["url"] == "https://huggingface.co/papers/date/2025-03-15"


# -- content --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_content_is_the_sections_escaped(kind: str) -> None:
    text = _render_all("ko", "paper")[kind]
    contents = dict(zip(_ids(kind, text), _contents(kind, text)))
    shown, tags = html_text(contents["tag:dailypapers,2025-03-14:2503.01234/ko"])
    assert tags <= {"p", "strong"}, f"markup from a paper or an LLM became tags: {tags}"
    assert shown == ("Authors: 김민수, <i>Eve</i> & Mallory"
                     f"\n{WN}: {HOSTILE_WN_SEEN}\n{TD}: {KO_TD_SEEN}\n{PH}: 정확도가 4.2점 올랐습니다.")
    shown, tags = html_text(contents["tag:dailypapers,2025-03-14:2503.05678/ko"])
    assert shown == f"{WN}: 새로운 점입니다.\n라벨 없는 <항목>입니다." and tags == {"p", "strong"}
    # Labels in bold.
    labels = re.findall(r"<strong>(.*?)</strong>", contents["tag:dailypapers,2025-03-14:2503.01234/ko"])
    assert [html_text(x)[0] for x in labels] == [WN, TD, PH]


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_titles_and_authors_are_text(kind: str) -> None:
    text = _render_all("ko", "paper")[kind]
    if kind == "rss":
        titles = [i.findtext("title") for i in _xml(text).iter("item")]
    elif kind == "atom":
        entries = list(_xml(text).iter(f"{ATOM}entry"))
        titles = [e.findtext(f"{ATOM}title") for e in entries]
        assert [a.findtext(f"{ATOM}name") for a in entries[2].findall(f"{ATOM}author")] == \
            ["김민수", "<i>Eve</i> & Mallory"]
        assert entries[3].findall(f"{ATOM}author") == []  # no authors: the feed's author stands
    else:
        titles = [i["title"] for i in json.loads(text)["items"]]
    assert titles[0] == HOSTILE_TITLE_SEEN


def test_per_day_content_has_every_paper_with_its_sections() -> None:
    items = json.loads(_render_all("ko", "day")["json"])["items"]
    day = next(i for i in items if i["id"] == "tag:dailypapers,2025-03-14:day/ko")
    shown, tags = html_text(day["content_html"])
    assert tags <= {"h2", "a", "p", "strong"}
    for part in (HOSTILE_TITLE_SEEN, HOSTILE_WN_SEEN, KO_TD_SEEN, "Plain Title", "라벨 없는 <항목>입니다."):
        assert part in shown
        assert part in day["content_text"]
    assert "No Summary Yet" not in shown and "No Summary Yet" not in day["content_text"]
    assert day["title"] == "Daily Papers (2025-03-14)"


def test_json_feed_content_text_is_plain() -> None:
    item = json.loads(_render_all("en", "paper")["json"])["items"][0]
    assert item["content_text"] == f"Authors: Ann\n\n{WN}: {HOSTILE_WN_SEEN}\n\n{PH}: Up 4.2 points & more."
    assert item["authors"] == [{"name": "Ann"}]


# -- a real feed reader ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("per", ["paper", "day"])
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feedparser_reads_the_feeds_without_complaint(kind: str, per: str, lang: str) -> None:
    feedparser = pytest.importorskip("feedparser")
    text = render_feed(kind, lang, hostile_digests()[lang], per, BASE)
    parsed = feedparser.parse(text.encode("utf-8"))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if kind == "rss" else "atom10")
    assert [e.id for e in parsed.entries] == _ids(kind, text)
    for entry in parsed.entries:
        assert entry.title and entry.link and entry.published_parsed
    if per == "paper":
        assert parsed.entries[-1 if lang == "en" else 2].title == HOSTILE_TITLE_SEEN


# -- files and the command line --------------------------------------------------------------------

def test_feed_files_gives_every_combination() -> None:
    files = feed_files(hostile_digests(), BASE)
    assert sorted(files) == sorted(f"feeds/{lang}/{unit}.{suffix}" for lang in ("en", "ko")
                                   for unit in ("papers", "days") for suffix in ("rss.xml", "atom.xml", "json"))
    for rel, text in files.items():
        json.loads(text) if rel.endswith(".json") else _xml(text)
        assert f"{BASE}{rel}" in text  # its own address


# Golden files, compared byte for byte (regenerate with DAILYPAPERS_UPDATE_GOLDEN=1 and read the diff).
FEED_GOLDEN = GOLDEN / "feeds"


@pytest.mark.parametrize("name,kind,per", [("en_papers.rss.xml", "rss", "paper"), ("en_days.atom.xml", "atom", "day"),
                                           ("en_papers.json", "json", "paper")])
def test_golden_feeds(name: str, kind: str, per: str) -> None:
    d = make_digest(EN_DATE, "en", EN_PAPERS)
    for e in d.entries:
        e.summary.created_at = "2025-04-09T06:15:00Z"
    out = render_feed(kind, "en", [d], per, BASE)
    path = FEED_GOLDEN / name
    if os.environ.get("DAILYPAPERS_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8", newline="\n")
    assert out == path.read_text(encoding="utf-8")


def test_cli_renders_feeds_after_an_import(cli, tmp_path: Path) -> None:
    r = cli("import", str(GOLDEN / "ko_day.md"), "--lang", "ko")
    assert r.returncode == 0, r.stderr
    expected = [p["id"] for p in KO_PAPERS]

    out = tmp_path / "ko.rss.xml"
    r = cli("render", "--format", "rss", "--lang", "ko", "-o", str(out))
    assert r.returncode == 0, r.stderr
    channel = _xml(out.read_text(encoding="utf-8")).find("channel")
    assert [i.findtext("link") for i in channel.iter("item")] == [f"https://arxiv.org/abs/{x}" for x in expected]
    assert [i.findtext("guid") for i in channel.iter("item")] == [f"tag:dailypapers,{KO_DATE}:{x}/ko" for x in expected]

    out = tmp_path / "ko.days.atom.xml"
    r = cli("render", "--format", "atom", "--per", "day", "--lang", "ko", "--days", "7", "--date", KO_DATE,
            "--base-url", BASE, "-o", str(out))
    assert r.returncode == 0, r.stderr
    entries = _xml(out.read_text(encoding="utf-8")).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [f"tag:dailypapers,{KO_DATE}:day/ko"]
    assert entries[0].find(f"{ATOM}link").get("href") == f"{BASE}ko/days/{KO_DATE}.html"

    r = cli("render", "--format", "jsonfeed", "--lang", "ko")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["items"]) == len(expected)

    r = cli("render", "--format", "rss", "--lang", "en")  # nothing in English: empty, but valid
    assert r.returncode == 0
    assert _xml(r.stdout).find("channel").findall("item") == [] and "empty" in r.stderr

    r = cli("render", "--format", "rss", "--lang", "ko", "--date", "2025-01-01")  # before any day
    assert r.returncode == 0 and _xml(r.stdout).find("channel").findall("item") == []


def test_feed_files_keep_the_most_recent_days() -> None:
    digests = [Digest(f"2025-01-{day:02d}", "en", [_entry(f"2501.{day:05d}", f"Paper {day}", ["A"], [(WN, "Text.")],
                                                          "en")]) for day in range(1, 11)]
    digests.append(Digest("2025-01-11", "en", [DigestEntry(Paper("2501.99999", "No summary"), None, None)]))
    items = json.loads(feed_files({"en": digests}, None, days=3)["feeds/en/days.json"])["items"]
    assert [i["id"] for i in items] == [f"tag:dailypapers,2025-01-{d}:day/en" for d in ("10", "09", "08")]
    assert len(json.loads(feed_files({"en": digests}, None, days=None)["feeds/en/papers.json"])["items"]) == 10
