"""The older variants FORMAT.md says import must accept: stored as they say, nothing lost, reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dailypapers import pipeline
from dailypapers.errors import FormatError
from dailypapers.models import Section
from dailypapers.store import Store
from tests.markdown_golden import GOLDEN, PH, TD, WN
from tests.test_markdown_roundtrip import list_json, ok

DATE = "2023-12-07"
HEAD = f"## Daily Papers ({DATE})\n\n"


def paper(pid: str = "2312.03001", title: str = "A Paper", body: str = "", vote: str = "Vote: 4\n\n",
          authors: str = "Authors: Ada Lovelace\n\n", thumb: str = "") -> str:
    return f"### [{title}](https://arxiv.org/abs/{pid})\n\n{thumb}{vote}{authors}{body}\n"


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "store.db")
    yield s
    s.close()


def do_import(store: Store, tmp_path: Path, text: str, lang: str | None = "ko",
              name: str = "old.md") -> pipeline.ImportReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return pipeline.import_digest(store, path, lang)


def rendered(store: Store, date: str = DATE, lang: str = "ko") -> str:
    return pipeline.render(pipeline.digest(store, date, lang))


def sections_of(store: Store, pid: str, lang: str = "ko") -> list[tuple[str | None, str]]:
    s = store.latest_summary(pid, lang)
    assert s is not None
    return [(x.label, x.text) for x in s.sections]


def bullet_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("- ")]


_LABEL = re.compile(r"^[-*] (?:\*\*\*?[^*]+?\*\*\*?:? ?)?")


def sentences(markdown_text: str) -> list[str]:
    """Every sentence of every section or bullet line of a digest, labels taken off."""
    out: list[str] = []
    for line in markdown_text.split("\n"):
        if line.startswith(("- ", "* ")):
            body = _LABEL.sub("", line).strip()
            out += [s for s in re.split(r"(?<=[.!?])\s+", body) if s]
    return out


# -- section labels -------------------------------------------------------------------------------

def test_bold_labels_are_read_as_the_three_labels(store: Store, tmp_path: Path) -> None:
    body = ("- **What's New**: 새로운 방법을 제안합니다. 두 번째 문장입니다.\n"
            "- **Technical Details**: 기술적인 내용입니다.\n"
            "- **Performance Highlights**: 성능이 1.8배 좋아졌습니다.\n")
    report = do_import(store, tmp_path, HEAD + paper(body=body))
    assert sections_of(store, "2312.03001") == [
        (WN, "새로운 방법을 제안합니다. 두 번째 문장입니다."), (TD, "기술적인 내용입니다."), (PH, "성능이 1.8배 좋아졌습니다.")]
    assert bullet_lines(rendered(store)) == [
        "- ***What's New***: 새로운 방법을 제안합니다. 두 번째 문장입니다.",
        "- ***Technical Details***: 기술적인 내용입니다.",
        "- ***Performance Highlights***: 성능이 1.8배 좋아졌습니다."]
    assert any("bold" in n for n in report.notes)


def test_both_label_styles_in_one_file(store: Store, tmp_path: Path) -> None:
    first = ("- ***What's New***: 첫 논문의 새로운 점입니다.\n"
             "- **Technical Details**: 첫 논문의 기술입니다.\n")
    second = ("- **What's New**: 둘째 논문의 새로운 점입니다.\n"
              "- ***Technical Details***: 둘째 논문의 기술입니다.\n"
              "- **Performance Highlights**: 둘째 논문의 성능입니다.\n")
    do_import(store, tmp_path, HEAD + paper("2312.03001", body=first) + paper("2312.03002", body=second))
    assert sections_of(store, "2312.03001") == [(WN, "첫 논문의 새로운 점입니다."), (TD, "첫 논문의 기술입니다.")]
    assert sections_of(store, "2312.03002") == [(WN, "둘째 논문의 새로운 점입니다."), (TD, "둘째 논문의 기술입니다."),
                                                (PH, "둘째 논문의 성능입니다.")]
    lines = bullet_lines(rendered(store))
    assert len(lines) == 5 and all(line.startswith("- ***") for line in lines)
    assert "**What's New**:" not in rendered(store).replace("***What's New***:", "")


def test_other_labels_are_kept_in_order(store: Store, tmp_path: Path) -> None:
    body = ("- ***What's New***: 새로운 점입니다.\n"
            "- **Limitations**: 한계가 있습니다.\n"
            "- ***Technical Details***: 기술입니다.\n"
            "- ***Why It Matters***: 중요합니다.\n"
            "- **Performance Highlights**: 성능입니다.\n")
    do_import(store, tmp_path, HEAD + paper(body=body))
    expected = [(WN, "새로운 점입니다."), ("Limitations", "한계가 있습니다."), (TD, "기술입니다."),
                ("Why It Matters", "중요합니다."), (PH, "성능입니다.")]
    assert sections_of(store, "2312.03001") == expected
    assert bullet_lines(rendered(store)) == [f"- ***{label}***: {text}" for label, text in expected]
    [item] = pipeline.list_json(store, DATE)
    assert list(item["summaries"]["ko"].items()) == expected


@pytest.mark.parametrize("empty", ["- ***Technical Details***: ", "- ***Technical Details***:",
                                   "- **Technical Details**:", "- **Technical Details**: "])
def test_a_section_with_no_text_is_left_out_and_reported(store: Store, tmp_path: Path, empty: str) -> None:
    body = f"- ***What's New***: 내용이 있는 섹션입니다.\n{empty}\n- **Performance Highlights**: 성능입니다.\n"
    report = do_import(store, tmp_path, HEAD + paper(body=body))
    assert sections_of(store, "2312.03001") == [(WN, "내용이 있는 섹션입니다."), (PH, "성능입니다.")]
    assert bullet_lines(rendered(store)) == ["- ***What's New***: 내용이 있는 섹션입니다.",
                                             "- ***Performance Highlights***: 성능입니다."]
    assert any("line 10" in n and "no text" in n for n in report.notes), report.notes


def test_bold_italic_label_with_no_space_after_the_colon(store: Store, tmp_path: Path) -> None:
    do_import(store, tmp_path, HEAD + paper(body="- ***What's New***:붙어 있는 글입니다.\n"))
    assert sections_of(store, "2312.03001") == [(WN, "붙어 있는 글입니다.")]


# -- unlabeled bullets ----------------------------------------------------------------------------

@pytest.mark.parametrize("n", [3, 4, 6])
def test_unlabeled_bullets_are_an_ordered_list_of_points(store: Store, tmp_path: Path, n: int) -> None:
    points = [f"{i}번째 요점입니다. 설명이 이어집니다." for i in range(1, n + 1)]
    report = do_import(store, tmp_path, HEAD + paper(body="".join(f"- {p}\n" for p in points)))
    assert sections_of(store, "2312.03001") == [(None, p) for p in points]
    assert bullet_lines(rendered(store)) == [f"- {p}" for p in points]
    [item] = pipeline.list_json(store, DATE)
    assert item["summaries"]["ko"] == {f"Point {i}": p for i, p in enumerate(points, 1)}
    assert list(item["summaries"]["ko"]) == [f"Point {i}" for i in range(1, n + 1)]
    assert any("bullet" in n_.lower() or "point" in n_.lower() for n_ in report.notes)


# -- the lines around the sections ------------------------------------------------------------------

def test_no_vote_line(store: Store, tmp_path: Path) -> None:
    do_import(store, tmp_path, HEAD + paper(vote="", body="- ***What's New***: 투표 없음입니다.\n"))
    [entry] = store.day(DATE)
    assert entry.upvotes is None
    out = rendered(store)
    assert "Vote" not in out
    assert "(https://arxiv.org/abs/2312.03001)\n\nAuthors: Ada Lovelace\n\n- ***What's New***: 투표 없음입니다.\n\n" in out


def test_no_vote_line_keeps_a_count_read_before(store: Store, tmp_path: Path) -> None:
    body = "- ***What's New***: 같은 논문입니다.\n"
    do_import(store, tmp_path, HEAD + paper(vote="Vote: 7\n\n", body=body), name="a.md")
    do_import(store, tmp_path, HEAD + paper(vote="", body=body), name="b.md")
    assert [e.upvotes for e in store.day(DATE)] == [7]


@pytest.mark.parametrize("line,names", [
    ("Authors: ['Ada Lovelace', 'Alan Turing']", ["Ada Lovelace", "Alan Turing"]),
    ("Authors: [\"Siobhán O'Connell\", 'José Álvarez', '김하나']", ["Siobhán O'Connell", "José Álvarez", "김하나"]),
    ("Authors: ['Grace Hopper']", ["Grace Hopper"]),
    ("Authors: []", []),
    ("Authors: Ada Lovelace, Alan Turing", ["Ada Lovelace", "Alan Turing"]),
])
def test_authors_as_python_list(store: Store, tmp_path: Path, line: str, names: list[str]) -> None:
    report = do_import(store, tmp_path, HEAD + paper(authors=line + "\n\n", body="- ***What's New***: 저자 목록입니다.\n"))
    [entry] = store.day(DATE)
    assert entry.paper.authors == names
    if names:
        assert f"\nAuthors: {', '.join(names)}\n\n" in rendered(store)
    assert any("Python list" in n for n in report.notes) == line.startswith("Authors: [")


def test_a_broken_python_list_of_authors_is_a_warning_with_its_line(store: Store, tmp_path: Path) -> None:
    text = HEAD + paper(authors="Authors: ['Ada Lovelace', 'Alan\n\n", body="- ***What's New***: 깨진 목록.\n") \
        + paper("2312.03002", body="- ***What's New***: 다음 논문.\n")
    report = do_import(store, tmp_path, text)
    assert len(report.warnings) == 1 and "old.md, line 7" in report.warnings[0]
    assert "Authors" in report.warnings[0]
    assert [(e.paper.id, e.paper.authors) for e in store.day(DATE)] == [("2312.03001", []),
                                                                         ("2312.03002", ["Ada Lovelace"])]
    assert sections_of(store, "2312.03001") == [(WN, "깨진 목록.")]


@pytest.mark.parametrize("vote", ["Vote: -\n\n", "Vote:\n\n", "Vote: —\n\n"])
def test_vote_unknown_is_read_as_no_votes(store: Store, tmp_path: Path, vote: str) -> None:
    report = do_import(store, tmp_path, HEAD + paper(vote=vote, body="- ***What's New***: 투표를 모릅니다.\n"))
    assert report.warnings == []
    [entry] = store.day(DATE)
    assert entry.upvotes is None
    assert any("votes unknown" in n for n in report.notes)
    assert "Vote" not in rendered(store)


def test_a_bare_video_tag_is_the_papers_video(store: Store, tmp_path: Path) -> None:
    clip = "https://cdn-uploads.huggingface.co/production/uploads/60f1abe7544c2a/clip.mp4"
    report = do_import(store, tmp_path, HEAD + paper(thumb=f"<video src='{clip}'></video>\n\n",
                                                     body="- ***What's New***: 영상만 있습니다.\n"))
    assert report.warnings == []
    [entry] = store.day(DATE)
    assert entry.paper.thumbnail == clip
    assert f'<div><video controls src="{clip}" muted="false"></video></div>' in rendered(store)


def test_unreadable_lines_are_warnings_and_the_rest_is_imported(store: Store, tmp_path: Path) -> None:
    text = ("Some preamble the generator wrote\n\n" + HEAD + "stray text before any paper\n\n"
            + paper(body="- ***What's New***: 첫 논문입니다.\n")
            + "### [Broken heading](https://example.com/not-arxiv)\n\nVote: 3\n\n- ***What's New***: 사라질 블록.\n\n"
            + paper("2312.03002", thumb="<<not a line anyone knows>>\n\n", body="- ***What's New***: 둘째.\n"))
    report = do_import(store, tmp_path, text)
    lines = [w.split(", line ", 1)[1].split(":", 1)[0] for w in report.warnings]
    assert lines == ["1", "5", "15", "23"], report.warnings
    assert "not an arXiv abstract URL" in report.warnings[2]
    assert [e.paper.id for e in store.day(DATE)] == ["2312.03001", "2312.03002"]
    assert sections_of(store, "2312.03002") == [(WN, "둘째.")]


def test_a_file_with_no_heading_is_still_an_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no '## Daily Papers"):
        do_import(store, tmp_path, "just some notes\n")
    assert store.days() == []


VIDEO = "https://cdn-uploads.huggingface.co/production/uploads/6570a1b2c3d4/clip.mp4"
VIDEO_LINES = (f"[Watch Video]({VIDEO})\n"
               f'<div><video controls src="{VIDEO}" muted="false"></video></div>\n\n')


@pytest.mark.parametrize("thumb", [
    f'[Watch Video]{VIDEO}\n<div><video controls src="{VIDEO}" muted="false"></video></div>\n\n',
    VIDEO_LINES,
    f'<div><video controls src="{VIDEO}" muted="false"></video></div>\n\n',
], ids=["no-parentheses", "canonical", "tag-only"])
def test_video_lines(store: Store, tmp_path: Path, thumb: str) -> None:
    report = do_import(store, tmp_path, HEAD + paper(thumb=thumb, body="- ***What's New***: 영상이 있습니다.\n"))
    [entry] = store.day(DATE)
    assert entry.paper.thumbnail == VIDEO
    assert "(https://arxiv.org/abs/2312.03001)\n\n" + VIDEO_LINES + "Vote: 4\n" in rendered(store)
    assert any("Watch Video" in n for n in report.notes) == thumb.startswith(f"[Watch Video]{VIDEO}")


# -- runs and file ends ---------------------------------------------------------------------------

def test_several_runs_for_one_date_are_one_day(store: Store, tmp_path: Path) -> None:
    def block(pid: str, text: str, vote: int) -> str:
        return paper(pid, title=f"Title {pid} {vote}", vote=f"Vote: {vote}\n\n",
                     body=f"- ***What's New***: {text}\n")

    text = (HEAD + block("2312.03001", "첫 실행 A.", 1) + block("2312.03002", "첫 실행 B.", 2)
            + HEAD + block("2312.03003", "둘째 실행 C.", 3) + block("2312.03001", "둘째 실행 A.", 9)
            + HEAD + block("2312.03004", "셋째 실행 D.", 4))
    report = do_import(store, tmp_path, text)
    assert report.days == [(DATE, 4)]
    assert [d for d, _ in store.days()] == [DATE]
    day = store.day(DATE)
    assert [e.paper.id for e in day] == ["2312.03001", "2312.03002", "2312.03003", "2312.03004"]
    assert [e.upvotes for e in day] == [9, 2, 3, 4]
    assert day[0].paper.title == "Title 2312.03001 9"
    assert sections_of(store, "2312.03001") == [(WN, "둘째 실행 A.")]
    out = rendered(store)
    assert "첫 실행 A." not in out
    assert [line.split(": ", 1)[1] for line in bullet_lines(out)] == ["둘째 실행 A.", "첫 실행 B.", "둘째 실행 C.",
                                                                     "셋째 실행 D."]
    assert any(DATE in n for n in report.notes)


def test_a_later_block_that_says_less_keeps_what_the_earlier_one_said(store: Store, tmp_path: Path) -> None:
    thumb = "![](https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2312.03001.png)\n\n"
    first = paper(thumb=thumb, vote="Vote: 6\n\n", authors="Authors: Ada Lovelace, 김하나\n\n",
                  body="- ***What's New***: 앞선 실행의 문장입니다. 사라지면 안 됩니다.\n")
    later = paper(vote="", authors="", body="")
    do_import(store, tmp_path, HEAD + first + HEAD + later)
    [entry] = store.day(DATE)
    assert entry.upvotes == 6
    assert entry.paper.authors == ["Ada Lovelace", "김하나"]
    assert entry.paper.thumbnail.endswith("/2312.03001.png")
    assert sections_of(store, "2312.03001") == [(WN, "앞선 실행의 문장입니다. 사라지면 안 됩니다.")]
    assert "앞선 실행의 문장입니다. 사라지면 안 됩니다." in rendered(store)


def test_runs_for_different_dates_are_different_days(store: Store, tmp_path: Path) -> None:
    text = (HEAD + paper("2312.03001", body="- ***What's New***: 첫날입니다.\n")
            + "## Daily Papers (2023-12-08)\n\n" + paper("2312.03002", body="- ***What's New***: 둘째 날입니다.\n"))
    report = do_import(store, tmp_path, text)
    assert report.days == [(DATE, 1), ("2023-12-08", 1)]
    assert [e.paper.id for e in store.day("2023-12-08")] == ["2312.03002"]
    assert "둘째 날" not in rendered(store, DATE)


@pytest.mark.parametrize("ending", ["", "\n"], ids=["no-newline", "one-newline"])
def test_no_blank_line_at_the_end(store: Store, tmp_path: Path, ending: str) -> None:
    text = HEAD + paper(body="- ***What's New***: 끝에 빈 줄이 없습니다.\n- ***Technical Details***: 마지막 줄입니다.")
    text = text.rstrip("\n") + ending
    report = do_import(store, tmp_path, text)
    assert sections_of(store, "2312.03001") == [(WN, "끝에 빈 줄이 없습니다."), (TD, "마지막 줄입니다.")]
    out = rendered(store)
    assert out.endswith("- ***Technical Details***: 마지막 줄입니다.\n\n")
    assert report.notes  # the missing blank line is reported


# -- whole archive files through the CLI ----------------------------------------------------------------

def test_legacy_file_through_the_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = (GOLDEN / "legacy_mixed.md").read_text(encoding="utf-8")
    assert not source.endswith("\n")  # the file keeps its missing end of line
    r = ok(home, "import", str(GOLDEN / "legacy_mixed.md"))
    err = r.stderr.decode("utf-8")
    assert err.count("imported ") == 1 and "imported 2023-12-05: 4 papers [ko]" in err
    notes = [line for line in err.split("\n") if "normalized" in line]
    joined = "\n".join(notes).lower()
    for what in ("bold", "bullet", "python list", "watch video", "blank line"):
        assert what in joined, (what, notes)
    assert any("2023-12-05" in n and "run" in n for n in notes), notes

    out = ok(home, "render", "--date", "2023-12-05", "--lang", "ko").stdout
    assert out == (GOLDEN / "legacy_mixed.expected.md").read_bytes()

    text = out.decode("utf-8")
    said = sentences(source)
    assert len(said) == 21
    lost = [s for s in said if s not in text]
    assert lost == []
    for name in ("Ada Lovelace", "Siobhán O'Connell", "김하나", "Tomás Ruiz-Peña", "Ingrid Søndergaard"):
        assert name in text

    items = {it["id"]: it for it in list_json(home, "2023-12-05")}
    assert list(items) == ["2312.01001", "2312.01002", "2312.01003", "2312.01004"]
    assert [it["upvotes"] for it in items.values()] == [None, 12, None, 3]
    assert items["2312.01002"]["thumbnail"].endswith("/tokenizer_demo.mp4")
    assert items["2312.01001"]["authors"] == ["Ada Lovelace", "Siobhán O'Connell", "김하나"]
    assert list(items["2312.01003"]["summaries"]["ko"]) == [WN, "Limitations", TD, "Why It Matters"]
    assert list(items["2312.01004"]["summaries"]["ko"]) == [f"Point {i}" for i in range(1, 7)]


def test_appended_runs_through_the_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    r = ok(home, "import", str(GOLDEN / "legacy_runs.md"))
    err = r.stderr.decode("utf-8")
    assert err.count("imported ") == 1 and "imported 2023-12-06: 4 papers [ko]" in err
    assert "normalized" in err

    text = ok(home, "render", "--date", "2023-12-06", "--lang", "ko").stdout.decode("utf-8")
    assert re.findall(r"^### \[(.*?)\]\(https://arxiv\.org/abs/(.*?)\)$", text, re.M) == [
        ("Sketch-Guided Image Editing", "2312.02001"),
        ("Audio Captioning with Retrieval-Augmented Decoders", "2312.02002"),
        ("Sparse Attention for Speech Recognition", "2312.02003"),
        ("Tabular Foundation Models Revisited", "2312.02004"),
    ]
    assert "초기 버전" not in text and "Early Draft" not in text and "오래된 설명" not in text
    source = (GOLDEN / "legacy_runs.md").read_text(encoding="utf-8")
    superseded = {"초기 버전의 요약입니다.", "이 문장은 나중 실행에서 대체됩니다.", "오래된 설명입니다."}
    said = sentences(source)
    assert superseded <= set(said)
    assert [s for s in said if s not in text and s not in superseded] == []
    assert text.endswith("- ***Technical Details***: 30개의 공개 데이터셋에서 트리 기반 모델과 비교합니다.\n\n")

    [item] = [it for it in list_json(home, "2023-12-06") if it["id"] == "2312.02002"]
    assert item["upvotes"] == 19
    assert item["authors"] == ["Bob Stone", "Dana Whitfield"]
    assert list(item["summaries"]["ko"]) == [WN, TD, PH]


def test_sentence_splitter_sees_labels_and_points() -> None:
    # The no-sentence-lost checks lean on this helper; it must find the sentences, not the labels.
    md = "- **What's New**: 하나입니다. Two here!\n- ***Limitations***: Three?\n- 넷입니다.\n* five.\n"
    assert sentences(md) == ["하나입니다.", "Two here!", "Three?", "넷입니다.", "five."]
    assert Section(None, "x") != Section(WN, "x")


def test_bom_and_crlf_are_read_and_never_written(store: Store, tmp_path: Path) -> None:
    canonical = (GOLDEN / "en_day.md").read_text(encoding="utf-8")
    path = tmp_path / "windows.md"
    path.write_bytes(b"\xef\xbb\xbf" + canonical.replace("\n", "\r\n").encode("utf-8"))
    report = pipeline.import_digest(store, path, None)
    assert report.lang == "en"
    assert rendered(store, "2025-04-09", "en").encode("utf-8") == (GOLDEN / "en_day.md").read_bytes()
