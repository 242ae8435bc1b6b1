"""Conformance: real arXiv API Atom responses of both dialects (recorded by others, kept outside the
project in ../shared/data/real/arxiv/api_atom/) read by the parser, and served with their recorded
status codes by a local server to ArxivClient.

Expected values come from two places that do not use the parser: a regex reading of each file
(`regex_entries`), and a table written by hand from the files (`HAND`).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from dailypapers.errors import ResponseShapeError, SourceError
from dailypapers.http import RetryPolicy
from dailypapers.models import Paper
from dailypapers.sources.arxiv import ArxivClient
from dailypapers.sources.arxiv_atom import parse_feed, split_id
from tests.fakes import Answer, FakeServer, Recorded

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
ATOM = REAL / "arxiv" / "api_atom"
OLD, NEW = ATOM / "old_format", ATOM / "new_format"

if not OLD.is_dir() or not NEW.is_dir():
    pytest.skip(f"real recorded arXiv data not present at {ATOM}", allow_module_level=True)

OLD_FILES = sorted(OLD.glob("*.xml"))
NEW_FILES = sorted(NEW.glob("*.xml"))
ALL_FILES = OLD_FILES + NEW_FILES
RECORDINGS = sorted(NEW.glob("*.recorded.json"))
if not OLD_FILES or not NEW_FILES:
    pytest.skip(f"no recorded Atom files in {ATOM}", allow_module_level=True)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def one(name: str) -> Path:
    """The one recorded file whose name contains `name`."""
    [path] = [p for p in ALL_FILES if name in p.name]
    return path


def recording(name: str) -> dict[str, Any]:
    [path] = [p for p in RECORDINGS if name in p.name]
    return json.loads(read(path))


# -- an independent reading: regular expressions over the raw text ----------------------------------

def _text(s: str) -> str:
    return " ".join(html.unescape(s).split())


def _all(block: str, tag: str) -> list[str]:
    return [_text(m) for m in re.findall(rf"<{tag}(?:\s[^>]*)?>(.*?)</{tag}>", block, re.DOTALL)]


def _opt(block: str, tag: str) -> str | None:
    found = [t for t in _all(block, tag) if t]
    assert len(found) <= 1, (tag, found)
    return found[0] if found else None


def regex_entries(body: str) -> list[dict[str, Any]]:
    """Every paper entry of a feed as a dict, read with regexes (error entries are left out)."""
    out = []
    for block in re.findall(r"<entry>(.*?)</entry>", body, re.DOTALL):
        m = re.search(r"<id>\s*https?://arxiv\.org/abs/(\S+?)v(\d+)\s*</id>", block)
        if m is None:
            assert "/api/errors" in block, block[:200]
            continue
        authors = re.findall(r"<author>(.*?)</author>", block, re.DOTALL)
        affiliations = [_all(a, "arxiv:affiliation") for a in authors]
        pdf = re.search(r'<link[^>]*title="pdf"[^>]*>', block)
        out.append({
            "id": m.group(1), "version": int(m.group(2)),
            "title": _all(block, "title")[0],
            "abstract": _all(block, "summary")[0],
            "authors": [_all(a, "name")[0] for a in authors],
            "affiliations": affiliations if any(affiliations) else [],
            "categories": re.findall(r'<category term="([^"]+)"', block),
            "primary_category": re.search(r'<arxiv:primary_category[^>]*\sterm="([^"]+)"', block).group(1),
            "comment": _opt(block, "arxiv:comment"),
            "journal_ref": _opt(block, "arxiv:journal_ref"),
            "doi": _opt(block, "arxiv:doi"),
            "pdf_link": re.search(r'href="([^"]+)"', pdf.group(0)).group(1) if pdf else None,
            "published_at": _all(block, "published")[0],
            "updated_at": _all(block, "updated")[0],
        })
    return out


def as_dict(p: Paper) -> dict[str, Any]:
    return {k: getattr(p, k) for k in ("id", "version", "title", "abstract", "authors", "affiliations",
                                       "categories", "primary_category", "comment", "journal_ref", "doi",
                                       "pdf_link", "published_at", "updated_at")}


# -- every file: the parser agrees with the regex reading ----------------------------------------------

@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_recorded_feed_parses_to_what_the_xml_says(path: Path) -> None:
    body = read(path)
    feed = parse_feed(body, path.name)
    expected = regex_entries(body)
    assert [as_dict(p) for p in feed.papers] == expected
    for p in feed.papers:
        assert "\n" not in p.title and "  " not in p.title
        assert p.title == p.title.strip() and p.abstract == p.abstract.strip()
    total = re.search(r"<opensearch:totalResults[^>]*>(\d+)<", body)
    assert feed.total == int(total.group(1))
    n_errors = len(re.findall(r"<id>[^<]*/api/errors#", body))
    assert len(feed.errors) == n_errors


def test_the_derived_body_files_are_the_recorded_bodies() -> None:
    for rec_path in RECORDINGS:
        rec = json.loads(read(rec_path))
        body_path = rec_path.with_name(rec_path.name.replace(".recorded.json", ".body.xml"))
        assert read(body_path) == rec["body"], rec_path.name
        assert rec["url"].startswith("https://export.arxiv.org/api/query?")


def test_both_dialects_are_present() -> None:
    """The old dialect repeats the arxiv namespace on each element; the new one declares it once."""
    assert all(read(p).startswith('<?xml version="1.0"') for p in OLD_FILES)
    assert all(read(p).startswith("<?xml version='1.0'") for p in NEW_FILES)
    assert all('<arxiv:primary_category xmlns:arxiv=' in read(p) for p in OLD_FILES)
    assert not any('<arxiv:primary_category xmlns:arxiv=' in read(p) for p in NEW_FILES)


# -- a table written by hand from the files -------------------------------------------------------------

HAND: dict[str, dict[str, Any]] = {
    "arxivpy_id_list=1111.2011v2.xml": {
        "id": "1111.2011", "version": 2,
        "title": "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit",
        "authors": ["James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic"],
        "categories": ["cond-mat.str-el", "cond-mat.stat-mech"], "primary_category": "cond-mat.str-el",
        "comment": "8 pages, 3 figures. Published version", "journal_ref": "Phys. Rev. B 85, 115117 (2012)",
        "doi": "10.1103/PhysRevB.85.115117", "pdf_link": "http://arxiv.org/pdf/1111.2011v2",
        "published_at": "2011-11-08T18:48:36Z", "updated_at": "2012-04-02T12:38:54Z", "affiliations": [],
    },
    "arxivpy_search_query=au_del_maestro+AND+ti_checkerboard.xml": {
        "id": "cond-mat/0603029", "version": 1,
        "title": "From stripe to checkerboard order on the square lattice in the presence of quenched disorder",
        "authors": ["Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev"],
        "categories": ["cond-mat.str-el", "cond-mat.supr-con"], "primary_category": "cond-mat.str-el",
        "comment": "10 pages, 11 figures; added reference", "journal_ref": "Phys. Rev. B 74, 024520 (2006)",
        "doi": "10.1103/PhysRevB.74.024520", "pdf_link": "http://arxiv.org/pdf/cond-mat/0603029v1",
    },
    "zoia_id_list=1601.00001.xml": {
        "id": "1601.00001", "version": 1,
        "title": "Inelastic effects in molecular transport junctions: The probe technique at high bias",
        "authors": ["Michael Kilgour", "Dvira Segal"], "categories": ["cond-mat.mes-hall"],
        "comment": None, "journal_ref": "J. Chem. Phys. 144, 124107 (2016)", "doi": "10.1063/1.4944470",
    },
    "arxivpy_id_astro-ph_0601001_s0_m100_3150dca9dc76.body.xml": {
        "id": "astro-ph/0601001", "version": 1,
        "title": "Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys Toward "
                 "the Galactic Bulge and Carina",
        "authors": ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"],
        "affiliations": [["Ohio State"], ["Ohio State"], ["CfA"], ["Warsaw University Observatory"]],
        "categories": ["astro-ph"], "primary_category": "astro-ph", "journal_ref": "ActaAstron.56:1-50,2006",
        "doi": None, "pdf_link": "https://arxiv.org/pdf/astro-ph/0601001v1",
    },
    "arxivpy_id_2104.12255v1_s0_m100_6ae69987ffe1.body.xml": {
        "id": "2104.12255", "version": 1, "title": "0", "authors": ["Quan Thoi Minh Nguyen"],
        "categories": ["cs.CR"], "primary_category": "cs.CR", "comment": None, "journal_ref": None, "doi": None,
    },
    "arxivpy_id_1605.08386_s0_m100_199195aa31ad.body.xml": {
        "id": "1605.08386", "version": 1, "title": "Heat-bath random walks with Markov bases",
        "authors": ["Caprice Stanley", "Tobias Windisch"], "categories": ["math.CO", "math.ST"],
        "primary_category": "math.CO", "comment": "20 pages, 3 figures", "doi": None,
        "pdf_link": "https://arxiv.org/pdf/1605.08386v1",
    },
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_single_paper_files_match_the_hand_written_table(name: str) -> None:
    feed = parse_feed(read(one(name)), name)
    assert feed.errors == []
    [paper] = feed.papers
    for key, value in HAND[name].items():
        assert getattr(paper, key) == value, key


def test_old_style_id_keeps_its_archive_and_affiliations_follow_the_authors() -> None:
    body = read(one("astro-ph_0601001"))
    assert body.count("arxiv:affiliation") == 8  # what the shared notes count: 4 opening, 4 closing tags
    [p] = parse_feed(body, "astro-ph").papers
    assert (p.id, p.version) == ("astro-ph/0601001", 1)
    assert p.url == "https://arxiv.org/abs/astro-ph/0601001"
    assert len(p.affiliations) == len(p.authors) == 4
    assert sum(len(a) for a in p.affiliations) == 4  # one <arxiv:affiliation> per author (8 tags with the closing ones)
    assert p.comment and p.comment.startswith("62 pages including 16 figures and 9 tables.")
    # entities are decoded: &amp; and &lt; in the abstract
    assert "Gould & Morgan (2003)" in p.abstract and "V_max<17.5" in p.abstract


def test_hard_wrapped_old_dialect_text_becomes_one_line() -> None:
    papers = parse_feed(read(one("xiv_search_cat.cs.RO")), "xiv").papers
    assert [(p.id, p.version) for p in papers] == [("2510.14968", 1), ("2510.14827", 1)]
    first, second = papers
    assert first.title == "RDD: Retrieval-Based Demonstration Decomposer for Planner Alignment in Long-Horizon Tasks"
    assert first.comment == ("39th Conference on Neural Information Processing Systems (NeurIPS 2025); "
                             "Project Website: rdd-neurips.github.io")
    assert first.categories == ["cs.RO", "cs.AI", "cs.CV", "cs.LG", "cs.SY", "eess.SY"]
    assert first.primary_category == "cs.RO"
    assert first.abstract.startswith("To tackle long-horizon tasks, recent hierarchical vision-language-action (VLAs)")
    assert second.comment is None and second.doi is None and second.journal_ref is None
    assert second.authors[-1] == "Martin Magnusson" and len(second.authors) == 6


def test_latex_in_the_abstract_is_kept_as_written() -> None:
    [p] = parse_feed(read(one("zoia_id_list=1601.00001")), "zoia").papers
    assert 'Landauer-B\\"uttiker probe formalism' in p.abstract
    assert "$I$-$V$ characteristics" in p.abstract


def test_old_dialect_search_with_ten_entries_mixes_old_and_new_ids() -> None:
    feed = parse_feed(read(one("au_del_maestro.xml")), "maestro")
    assert feed.total == 31
    assert [(p.id, p.version) for p in feed.papers] == [
        ("1201.4869", 1), ("cond-mat/0412498", 1), ("cond-mat/0603029", 1), ("1005.5383", 1),
        ("1303.6954", 2), ("1312.6177", 1), ("1412.6529", 2), ("cond-mat/0607501", 2),
        ("cond-mat/0702661", 2), ("0807.2873", 1)]


def test_the_hundred_entry_search_counts() -> None:
    """The shared notes say '4 affiliations, 32 doi, 36 journal_ref, 97 comments'. Counted per entry
    in the file: 32 DOIs, 97 comments, 18 journal references (36 is the number of
    `arxiv:journal_ref` strings, opening and closing tags) and 2 affiliations (4 strings)."""
    body = read(one("q_testing_s0_m100"))
    assert body.count("<entry>") == 100
    assert body.count("<arxiv:journal_ref>") == 18 and body.count("arxiv:journal_ref") == 36
    feed = parse_feed(body, "testing")
    assert len(feed.papers) == 100 and len({p.id for p in feed.papers}) == 100
    assert feed.total == 214881
    assert sum(p.doi is not None for p in feed.papers) == 32
    assert sum(p.journal_ref is not None for p in feed.papers) == 18
    assert sum(p.comment is not None for p in feed.papers) == 97
    assert sum(len(a) for p in feed.papers for a in p.affiliations) == 2
    [with_aff] = [p for p in feed.papers if p.affiliations]
    assert [a for a in with_aff.affiliations if a] == [["LRI"], ["IBISC"]]
    assert all(p.pdf_link and p.pdf_link.startswith("https://arxiv.org/pdf/") for p in feed.papers)
    assert all(p.primary_category in p.categories for p in feed.papers)
    # the ten-entry recording of the same query is its first ten entries
    ten = parse_feed(read(one("q_testing_s0_m10_")), "testing10").papers
    assert [as_dict(p) for p in ten] == [as_dict(p) for p in feed.papers[:10]]


def test_the_error_feed_names_the_bad_id() -> None:
    rec = recording("id_abc_")
    assert rec["status_code"] == 400
    feed = parse_feed(rec["body"], "abc")
    assert feed.papers == []
    [err] = feed.errors
    assert err.id == "abc"
    assert "abc" in err.message and "incorrect id format" in err.message


def test_the_empty_result_has_no_papers() -> None:
    rec = recording("id_0000.0000_")
    assert rec["status_code"] == 200
    feed = parse_feed(rec["body"], "empty")
    assert feed.papers == [] and feed.errors == [] and feed.total == 0


def test_the_two_id_request_returns_only_the_known_one() -> None:
    rec = recording("0808.05394_1707.08567")
    assert "id_list=0808.05394%2C1707.08567" in rec["url"]
    feed = parse_feed(rec["body"], "two ids")
    assert [(p.id, p.version) for p in feed.papers] == [("1707.08567", 1)]
    [p] = feed.papers
    assert len(p.authors) == 34 and p.authors[0] == "Kees A. Schouhamer Immink"
    assert p.authors[-1] == "Hirosuke Yamamoto"
    # the recording itself carries mojibake (UTF-8 read as Latin-1 by the recorder); it is kept as is
    assert "Dirk WÃ¼bben" in p.authors
    assert p.comment == "44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck"


# -- served by a local server to ArxivClient --------------------------------------------------------------

class Replay(FakeServer):
    """Answers /api/query from recordings: `by_id_list` maps the id_list sent to (status, body);
    anything else gets `default`."""

    def __init__(self, by_id_list: dict[str, tuple[int, str]] | None = None,
                 default: tuple[int, str] | None = None) -> None:
        super().__init__()
        self.by_id_list = by_id_list or {}
        self.default = default

    def answer(self, request: Recorded) -> Answer:
        key = request.query.get("id_list", [""])[0]
        status, body = self.by_id_list.get(key) or self.default or (404, "no recording")
        return Answer(status, body.encode("utf-8"), {"Content-Type": "application/atom+xml; charset=utf-8"})


def rec_answer(name: str) -> tuple[int, str]:
    rec = recording(name)
    return rec["status_code"], rec["body"]


def client_for(server: FakeServer, **kw: Any) -> ArxivClient:
    return ArxivClient(f"{server.url}/api/query", delay=0.0, policy=RetryPolicy(retries=0), **kw)


def test_client_returns_recorded_papers_and_reports_the_silently_dropped_id() -> None:
    replay = Replay({
        "0808.05394,1707.08567": rec_answer("0808.05394_1707.08567"),
        "1605.08386": rec_answer("id_1605.08386_"),
        "2104.12255v1": rec_answer("id_2104.12255v1_"),
        "astro-ph/0601001": rec_answer("astro-ph_0601001"),
        "0000.0000": rec_answer("id_0000.0000_"),
    })
    with replay:
        client = client_for(replay)
        papers, missing = client.by_ids(["0808.05394", "1707.08567"])
        assert [p.id for p in papers] == ["1707.08567"] and missing == ["0808.05394"]
        papers, missing = client.by_ids(["2104.12255v1"])
        assert [(p.id, p.version, p.title) for p in papers] == [("2104.12255", 1, "0")] and missing == []
        papers, missing = client.by_ids(["astro-ph/0601001"])
        assert [p.id for p in papers] == ["astro-ph/0601001"] and missing == []
        assert papers[0].affiliations[2] == ["CfA"]
        papers, missing = client.by_ids(["https://arxiv.org/abs/1605.08386"])
        assert [p.categories for p in papers] == [["math.CO", "math.ST"]] and missing == []
        assert client.by_ids(["0000.0000"]) == ([], ["0000.0000"])
        sent = [r.query["id_list"][0] for r in replay.requests]
    assert sent == ["0808.05394,1707.08567", "2104.12255v1", "astro-ph/0601001", "1605.08386", "0000.0000"]


def test_client_turns_the_400_error_feed_into_an_error_naming_the_id() -> None:
    with Replay(default=rec_answer("id_abc_")) as replay:
        with pytest.raises(SourceError) as info:
            client_for(replay).by_ids(["2104.12255"])
        assert len(replay.requests) == 1  # a 400 is not retried
    message = str(info.value)
    assert "abc" in message and "incorrect id format" in message
    assert "2104.12255" in message  # and which request it was


def test_an_error_feed_served_with_200_is_an_error_too() -> None:
    with Replay(default=(200, recording("id_abc_")["body"])) as replay:
        with pytest.raises(SourceError, match="abc"):
            client_for(replay).by_ids(["2104.12255"])


def test_a_400_that_is_not_a_feed_still_says_the_request_was_refused() -> None:
    with Replay(default=(400, "<html><body>Bad Request</body>")) as replay:
        with pytest.raises(SourceError) as info:
            client_for(replay).by_ids(["2104.12255"])
    assert "400" in str(info.value) and "2104.12255" in str(info.value)


@pytest.mark.parametrize("bad", ["abc", "BOGUSMISSING", "2412.197", "2412.19712,2412.00001", "../../etc/passwd"])
def test_a_malformed_id_is_left_out_and_the_others_are_looked_up(bad: str) -> None:
    with Replay(default=rec_answer("id_1605.08386_")) as replay:
        papers, missing = client_for(replay).by_ids(["1605.08386", bad])
        asked = [r.query["id_list"][0] for r in replay.requests]
    assert [p.id for p in papers] == ["1605.08386"]
    assert missing == [bad]
    assert asked == ["1605.08386"]


BOMB = ("<?xml version='1.0'?>\n<!DOCTYPE feed [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>\n"
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>http://arxiv.org/abs/1605.08386v1</id>"
        "<title>&b;</title></entry></feed>")


def test_a_doctype_or_entity_feed_is_refused() -> None:
    with pytest.raises(ResponseShapeError, match="DOCTYPE"):
        parse_feed(BOMB, "bomb")
    # an entity declaration hidden behind a long comment is still found
    hidden = BOMB.replace("<!DOCTYPE", "<!--" + "x" * 5000 + "-->\n<!DOCTYPE")
    with pytest.raises(ResponseShapeError):
        parse_feed(hidden, "bomb")
    with Replay(default=(200, BOMB)) as replay:
        with pytest.raises(SourceError, match="DOCTYPE"):
            client_for(replay).by_ids(["1605.08386"])


def test_not_xml_and_not_atom_are_shape_errors() -> None:
    with pytest.raises(ResponseShapeError, match="well-formed"):
        parse_feed("<feed><entry>", "broken")
    with pytest.raises(ResponseShapeError, match="Atom"):
        parse_feed("<rss version='2.0'><channel/></rss>", "rss")


@pytest.mark.parametrize("raw, expected", [
    ("2412.19712", ("2412.19712", None)),
    ("2412.19712v2", ("2412.19712", 2)),
    ("1111.2011v2", ("1111.2011", 2)),
    ("0704.0001", ("0704.0001", None)),
    ("astro-ph/0601001", ("astro-ph/0601001", None)),
    ("cond-mat/0603029v1", ("cond-mat/0603029", 1)),
    ("hep-th/9901001v10", ("hep-th/9901001", 10)),
    ("math.GT/0309136", ("math.GT/0309136", None)),
    ("arXiv:2412.19712", ("2412.19712", None)),
    ("https://arxiv.org/abs/2412.19712v3", ("2412.19712", 3)),
    ("http://arxiv.org/abs/cond-mat/0603029v1", ("cond-mat/0603029", 1)),
    ("  2412.19712\n", ("2412.19712", None)),
])
def test_split_id(raw: str, expected: tuple[str, int | None]) -> None:
    assert split_id(raw) == expected


@pytest.mark.parametrize("raw", ["", "abc", "BOGUSMISSING", "2412.197", "2412.197123", "2412.19712v",
                                 "2412.19712v2x", "astro-ph/060100", "2412.19712,2412.00001",
                                 "2412.19712 2412.00001", "../etc/passwd", "2412.19712\nfoo"])
def test_split_id_refuses(raw: str) -> None:
    with pytest.raises(ValueError):
        split_id(raw)
