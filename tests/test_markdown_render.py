"""render() against FORMAT.md: hand-written golden files byte for byte, and each exact rule."""

from __future__ import annotations

import re

import pytest

from dailypapers import pipeline
from dailypapers.models import Digest, DigestEntry, Paper, Section, Summary, SummaryKey
from dailypapers.render import markdown
from dailypapers.render.markdown import escape_title, render, unescape_title
from tests.markdown_golden import DAYS, GOLDEN, PH, TD, WN, make_digest, make_entry

DATE = "2025-04-08"


def entry(pid: str = "2504.00001", title: str = "A Title", sections=None, upvotes: int | None = 3,
          thumbnail: str | None = None, authors=("Ada Lovelace",), lang: str = "ko",
          version: int | None = None) -> DigestEntry:
    paper = Paper(pid, title, list(authors), thumbnail=thumbnail, version=version)
    if sections is None:
        sections = [(WN, "New thing."), (TD, "How it works."), (PH, "How well it works.")]
    key = SummaryKey(pid, version or 0, "abstract", lang, "m", "v1")
    return DigestEntry(paper, upvotes, Summary(key, [Section(label, text) for label, text in sections]))


def one(e: DigestEntry, lang: str = "ko") -> str:
    return render(Digest(DATE, lang, [e]))


def section_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("- ")]


# -- golden files ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(DAYS))
def test_render_matches_golden_file_byte_for_byte(name: str) -> None:
    date, lang, papers = DAYS[name]
    expected = (GOLDEN / name).read_bytes()
    d = make_digest(date, lang, papers)
    assert render(d).encode("utf-8") == expected
    assert pipeline.render(d, "markdown").encode("utf-8") == expected


@pytest.mark.parametrize("name", sorted(DAYS))
def test_golden_files_follow_the_byte_rules(name: str) -> None:
    # The golden files are typed by hand; make sure they say what FORMAT.md says before trusting them.
    date, _, papers = DAYS[name]
    data = (GOLDEN / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data
    assert data.endswith(b"\n\n") and not data.endswith(b"\n\n\n")
    text = data.decode("utf-8")
    assert text.split("\n", 1)[0] == f"## Daily Papers ({date})"
    assert "\n\n\n" not in text
    assert len(re.findall(r"^### \[", text, re.M)) == len(papers)


def test_ko_golden_day_covers_the_cases_the_format_names() -> None:
    _, _, papers = DAYS["ko_day.md"]
    assert len(papers) >= 12
    titles = [p["title"] for p in papers]
    assert any("[IDK]" in t for t in titles)
    assert any(escape_title(t) != t for t in titles)
    assert any(p["thumbnail"] is None for p in papers)
    assert any(p["upvotes"] is None for p in papers)
    assert any((p["thumbnail"] or "").endswith(".mp4") for p in papers)
    assert any(len(p["sections"]) == 2 for p in papers)
    assert any(any(not a.isascii() for a in p["authors"]) for p in papers)


# -- the exact rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("d", [
    make_digest(*DAYS["ko_day.md"]),
    make_digest(*DAYS["en_day.md"]),
    Digest("2024-12-31", "ko", []),
    Digest("2025-01-02", "en", [entry(sections=[(WN, "Only one.")])]),
], ids=["ko", "en", "empty", "single"])
def test_bytes_rules(d: Digest) -> None:
    out = render(d)
    data = out.encode("utf-8")
    assert out.split("\n", 1)[0] == f"## Daily Papers ({d.date})"
    assert data.endswith(b"\n\n") and not data.endswith(b"\n\n\n")
    assert not data.startswith(b"\xef\xbb\xbf") and "\ufeff" not in out
    assert "\r" not in out
    assert all(line == line.rstrip("\r") for line in out.split("\n"))


def test_empty_day_is_just_the_heading() -> None:
    assert render(Digest("2025-04-08", "ko", [])) == "## Daily Papers (2025-04-08)\n\n"


def test_single_paper_exact_layout() -> None:
    e = entry(pid="2504.00777", title="Tiny", upvotes=2, authors=("Ada Lovelace", "Alan Turing"),
              thumbnail="https://example.org/t.png")
    assert one(e) == (
        "## Daily Papers (2025-04-08)\n"
        "\n"
        "### [Tiny](https://arxiv.org/abs/2504.00777)\n"
        "\n"
        "![](https://example.org/t.png)\n"
        "\n"
        "Vote: 2\n"
        "\n"
        "Authors: Ada Lovelace, Alan Turing\n"
        "\n"
        "- ***What's New***: New thing.\n"
        "- ***Technical Details***: How it works.\n"
        "- ***Performance Highlights***: How well it works.\n"
        "\n"
    )


def test_url_is_the_abstract_url_without_version() -> None:
    out = one(entry(pid="2504.01234", version=3))
    assert "### [A Title](https://arxiv.org/abs/2504.01234)\n" in out
    assert "v3" not in out


@pytest.mark.parametrize("raw", [
    "Long Titles\nWrap Here",
    "Long Titles\n    Wrap Here",
    "Long Titles\r\nWrap Here",
    "Long Titles\rWrap Here",
    "Long Titles  Wrap Here",
    "Long Titles\tWrap Here",
    "Long Titles \n\n Wrap Here",
    "  Long Titles Wrap Here\n",
])
def test_title_line_breaks_and_runs_of_white_space_collapse(raw: str) -> None:
    out = one(entry(title=raw))
    assert out.split("\n")[2] == "### [Long Titles Wrap Here](https://arxiv.org/abs/2504.00001)"
    assert "\r" not in out and "\t" not in out


@pytest.mark.parametrize("text", ["First sentence.\nSecond sentence.", "First sentence.\r\nSecond sentence.",
                                  "First sentence.\rSecond sentence.", "First sentence. \n  Second sentence."])
def test_section_text_stays_on_one_line(text: str) -> None:
    out = one(entry(sections=[(WN, text), (TD, "Third.")]))
    assert "\r" not in out
    assert section_lines(out) == ["- ***What's New***: First sentence. Second sentence.",
                                  "- ***Technical Details***: Third."]


@pytest.mark.parametrize("given", [
    [PH, WN, TD],
    [TD, WN, PH],
    [PH, TD, WN],
    [TD, WN],
    [PH, WN],
])
def test_sections_are_written_in_the_format_order(given: list[str]) -> None:
    out = one(entry(sections=[(label, f"Text of {label}.") for label in given]))
    order = [label for label in (WN, TD, PH) if label in given]
    assert section_lines(out) == [f"- ***{label}***: Text of {label}." for label in order]


def test_other_labels_are_kept_in_their_order_and_the_three_stay_in_format_order() -> None:
    given = [WN, "Limitations", TD, "Why It Matters", PH]
    out = one(entry(sections=[(label, f"Text of {label}.") for label in given]))
    assert section_lines(out) == [f"- ***{label}***: Text of {label}." for label in given]

    scrambled = ["Limitations", PH, "Why It Matters", WN, TD]
    lines = section_lines(one(entry(sections=[(label, f"Text of {label}.") for label in scrambled])))
    labels = [re.match(r"- \*\*\*(.+?)\*\*\*: ", line).group(1) for line in lines]
    assert sorted(labels) == sorted(scrambled)
    assert [label for label in labels if label in (WN, TD, PH)] == [WN, TD, PH]
    assert [label for label in labels if label not in (WN, TD, PH)] == ["Limitations", "Why It Matters"]


def test_labels_stay_in_english_for_every_language() -> None:
    for lang, text in [("ko", "새로운 방법을 제안합니다."), ("ja", "新しい手法を提案します。"), ("zh", "提出了一种新方法。")]:
        out = one(entry(lang=lang, sections=[(WN, text), (TD, text), (PH, text)]), lang=lang)
        assert section_lines(out) == [f"- ***{WN}***: {text}", f"- ***{TD}***: {text}",
                                      f"- ***{PH}***: {text}"]


def test_unlabeled_points_render_as_plain_bullets_in_order() -> None:
    points = ["One.", "Two.", "Three.", "Four."]
    out = one(entry(sections=[(None, p) for p in points]))
    assert section_lines(out) == [f"- {p}" for p in points]


def test_papers_without_summary_are_left_out_and_order_is_kept() -> None:
    a = entry(pid="2504.00001", title="First")
    b = DigestEntry(Paper("2504.00002", "Second", ["X"]), 5, None)
    c = DigestEntry(Paper("2504.00003", "Third", ["Y"]), 5,
                    Summary(SummaryKey("2504.00003", 0, "abstract", "ko", "m", "v1"), []))
    d = entry(pid="2504.00004", title="Fourth")
    out = render(Digest(DATE, "ko", [a, b, c, d]))
    assert re.findall(r"^### \[(.*?)\]", out, re.M) == ["First", "Fourth"]
    assert "2504.00002" not in out and "2504.00003" not in out
    assert out.endswith("How well it works.\n\n")


def test_vote_zero_is_written_and_unknown_vote_is_left_out() -> None:
    assert "\nVote: 0\n\nAuthors: " in one(entry(upvotes=0))
    out = one(entry(upvotes=None))
    assert "Vote" not in out
    assert "](https://arxiv.org/abs/2504.00001)\n\nAuthors: Ada Lovelace\n\n- ***" in out


def test_no_thumbnail_leaves_out_the_line_and_its_blank_line() -> None:
    out = one(entry(thumbnail=None))
    assert "](https://arxiv.org/abs/2504.00001)\n\nVote: 3\n\nAuthors: " in out
    assert "![" not in out and "Watch Video" not in out


@pytest.mark.parametrize("url,video", [
    ("https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2504.00001.png", False),
    ("https://example.org/demo.mp4", True),
    ("https://example.org/demo.webm", True),
    ("https://example.org/DEMO.MP4", True),
    ("https://example.org/demo.mp4?download=true", True),
    ("https://example.org/demo.mp4.png", False),
    ("https://example.org/mp4/poster.jpg", False),
])
def test_thumbnail_lines(url: str, video: bool) -> None:
    out = one(entry(thumbnail=url))
    if video:
        expected = (f"[Watch Video]({url})\n"
                    f'<div><video controls src="{url}" muted="false"></video></div>\n\nVote: 3\n')
    else:
        expected = f"\n\n![]({url})\n\nVote: 3\n"
    assert expected in out
    assert markdown.is_video(url) is video


def test_authors_keep_source_order_and_non_ascii_names() -> None:
    names = ("Zoë Ødegård", "박지훈", "Łukasz Nowak", "Nguyễn Văn An")
    assert "\nAuthors: Zoë Ødegård, 박지훈, Łukasz Nowak, Nguyễn Văn An\n\n" in one(entry(authors=names))


def test_papers_keep_digest_order() -> None:
    ids = ["2504.00009", "2504.00001", "2504.00005"]
    out = render(Digest(DATE, "en", [entry(pid=i, title=f"T{i}") for i in ids]))
    assert re.findall(r"^### \[.*?\]\(https://arxiv\.org/abs/(.*?)\)$", out, re.M) == ids


# -- titles: escape and unescape ---------------------------------------------------------------------

TITLE_CASES = [
    ("Plain Title", "Plain Title"),
    ("Teaching Models to Say an [IDK] Token", "Teaching Models to Say an [IDK] Token"),
    ("f(x) Is All You Need", "f(x) Is All You Need"),
    ("Nested ([x]) and [(y)] Are Fine", "Nested ([x]) and [(y)] Are Fine"),
    ("[a](b) Looks Like a Link", "\\[a\\](b) Looks Like a Link"),  # a link of its own inside the title's: escaped
    ("Interval [0, 1) Bounds", "Interval \\[0, 1\\) Bounds"),
    ("Smile :) Rewards", "Smile :\\) Rewards"),
    ("Open ( Only", "Open \\( Only"),
    ("Close ] Only", "Close \\] Only"),
    ("Open [ Only", "Open \\[ Only"),
    ("Close ) Only", "Close \\) Only"),
    ("][ Reversed", "\\]\\[ Reversed"),
    (")( Reversed", "\\)\\( Reversed"),
    ("((a) Extra Opener", "\\((a) Extra Opener"),
    ("(a)) Extra Closer", "(a)\\) Extra Closer"),
    ("Ends With (", "Ends With \\("),
    ("]", "\\]"),
    ("", ""),
    ("그래프 신경망 [GNN) 혼합", "그래프 신경망 \\[GNN\\) 혼합"),
]


@pytest.mark.parametrize("raw,escaped", TITLE_CASES)
def test_escape_title(raw: str, escaped: str) -> None:
    assert escape_title(raw) == escaped


@pytest.mark.parametrize("raw,escaped", TITLE_CASES)
def test_unescape_title(raw: str, escaped: str) -> None:
    assert unescape_title(escaped) == raw


@pytest.mark.parametrize("raw,escaped", TITLE_CASES)
def test_titles_survive_a_render_and_parse(raw: str, escaped: str) -> None:
    out = one(entry(title=raw))
    assert f"### [{escaped}](https://arxiv.org/abs/2504.00001)\n" in out
    parsed = markdown.parse(out, "t.md")
    [day] = parsed.days
    [paper] = day.papers
    assert (paper.id, paper.title) == ("2504.00001", raw)


def test_make_entry_carries_the_data() -> None:
    # The helper the golden tests depend on must not drop fields silently.
    p = DAYS["ko_day.md"][2][5]
    e = make_entry(p, "ko")
    assert e.paper.thumbnail == p["thumbnail"] and e.upvotes == p["upvotes"]
    assert [(s.label, s.text) for s in e.summary.sections] == p["sections"]
