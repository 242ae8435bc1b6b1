"""The digest Markdown is safe in any CommonMark viewer: what papers, APIs and LLMs say is shown as
text, never run. Hostile titles, authors, URLs and summaries are rendered, the Markdown is turned
into HTML by markdown-it's CommonMark mode (which passes raw HTML through, as many viewers do) and
the HTML is inspected; then the Markdown is read back and must give the same digest."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from dailypapers.checks import HARD, check_summary
from dailypapers.checks.injection import check_injection
from dailypapers.models import Digest, DigestEntry, Paper, Section, Summary, SummaryKey, format_order
from dailypapers.render.markdown import (
    digest_url,
    escape_authors,
    escape_label,
    escape_text,
    escape_title,
    parse,
    render,
    unescape_text,
    unescape_title,
)
from dailypapers.summarize.parsing import parse_sections
from dailypapers.text import one_line
from tests.markdown_golden import PH, TD, WN

DATE = "2025-04-08"
SCRIPT = "<script>alert(1)</script>"
SVG = "<svg onload=alert(1)>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "[x](javascript:alert(1))"

HOSTILE_THUMB = ("https://cdn.example.org/t.png\n### [Fake](https://arxiv.org/abs/9999.99999)\n"
                 "<script>alert(1)</script>")
HOSTILE_VIDEO = 'https://cdn.example.org/clip.mp4?t=1" onerror="alert(1)'
HOSTILE_VIDEO_2 = "https://cdn.example.org/a b/clip.webm#\"><script>alert(2)</script>"
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def entry(pid: str, title: str, authors: list[str], sections: list[tuple[str | None, str]],
          thumbnail: str | None = None, upvotes: int | None = 3) -> DigestEntry:
    key = SummaryKey(pid, 1, "abstract", "ko", "m", "v1")
    return DigestEntry(Paper(pid, title, authors, thumbnail=thumbnail), upvotes,
                       Summary(key, [Section(label, text) for label, text in sections]))


def hostile_digest() -> Digest:
    return Digest(DATE, "ko", [
        entry("2504.00001", "Safe </a><script>alert(1)</script> Title",
              ["Ada Lovelace", IMG, "Alan Turing"],
              [(WN, f"{SCRIPT} 새로운 방법을 제안합니다."),
               (TD, f"{SVG} 기술적인 내용은 {JS_LINK}에 있습니다."),
               (PH, f"{IMG} 성능이 좋아졌습니다. <iframe src=\"javascript:alert(3)\"></iframe>")],
              thumbnail=HOSTILE_THUMB),
        entry("2504.00002", "Video [Paper](javascript:alert(1)) and ![i](data:text/html,x)",
              ["[Grace](javascript:alert(1)) Hopper", "Tom & Jerry &lt;3"],
              [(WN, '<a href="javascript:alert(1)">click</a> ![p](data:text/html;base64,PHNjcmlwdD4=)'),
               (TD, "<https://evil.example/> and <x@evil.example> and [y]( vbscript:msgbox(1) )"),
               (PH, "`<b>` in a code span, &lt;b&gt; as entities, a\\<b> with a backslash.")],
              thumbnail=HOSTILE_VIDEO),
        entry("2504.00003", "A ` stray backtick and a trailing backslash \\",
              ["Name With ` Backtick"],
              [(WN, "<img src=x onerror=alert(1)//"), (TD, "`unclosed <script>alert(1)</script>"),
               ("Limitations <b onmouseover=alert(1)>", "An old label carrying markup.")],
              thumbnail="javascript:alert(1)//.png"),
        entry("2504.00004", "Old Points", ["Ada Lovelace"],
              [(None, "### [Fake](https://arxiv.org/abs/9999.99999)"),
               (None, "[foo]: javascript:alert(1)"),
               (None, "[foo] is a reference that must not resolve."),
               (None, "```js"),
               (None, "<script>alert(1)</script>"),
               (None, "---")],
              thumbnail=HOSTILE_VIDEO_2),
    ])


# -- looking at the HTML a CommonMark viewer makes of it ---------------------------------------------

@dataclass
class Page:
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def view(md: str) -> Page:
    """The HTML an ordinary CommonMark viewer makes of `md` (raw HTML passed through)."""
    reader = _Reader()
    reader.feed(MarkdownIt("commonmark").render(md))
    reader.close()
    reader.page.text = "".join(reader._text)
    return reader.page


def assert_safe(page: Page) -> None:
    names = [t for t, _ in page.tags]
    for tag in ("script", "svg", "iframe", "object", "embed", "style", "math", "form", "base", "meta", "link"):
        assert tag not in names, (tag, page.tags)
    for tag, attrs in page.tags:
        handlers = [a for a in attrs if a.lower().startswith("on")]
        assert not handlers, (tag, attrs)
        for a in ("href", "src", "action", "formaction", "poster", "srcdoc"):
            value = (attrs.get(a) or "").strip().lower()
            assert not value.startswith(BAD_SCHEMES), (tag, attrs)


# -- the hostile digest ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile() -> tuple[Digest, str, Page]:
    d = hostile_digest()
    md = render(d)
    return d, md, view(md)


def test_nothing_in_it_runs(hostile: tuple[Digest, str, Page]) -> None:
    _, _, page = hostile
    assert_safe(page)


def test_no_paper_is_injected(hostile: tuple[Digest, str, Page]) -> None:
    d, md, page = hostile
    assert [t for t, _ in page.tags].count("h3") == len(d.entries)
    assert md.count("\n### [") == len(d.entries)
    assert "9999.99999" not in [a.get("href", "")[-10:] for t, a in page.tags if t == "a"]
    assert [t for t, _ in page.tags].count("h2") == 1


def test_links_and_media_are_only_the_digests_own(hostile: tuple[Digest, str, Page]) -> None:
    _, _, page = hostile
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    papers = [h for h in hrefs if h.startswith("https://arxiv.org/abs/")]
    assert papers == [f"https://arxiv.org/abs/2504.0000{i}" for i in range(1, 5)]
    others = [h for h in hrefs if h not in papers]
    assert len(others) == 2 and all(h.startswith("https://cdn.example.org/") for h in others)  # Watch Video
    images = [a for t, a in page.tags if t == "img"]
    assert [a["src"] for a in images] == [
        "https://cdn.example.org/t.png%0A###%20%5BFake%5D%28https://arxiv.org/abs/9999.99999%29%0A"
        "%3Cscript%3Ealert%281%29%3C/script%3E"]
    videos = [a for t, a in page.tags if t == "video"]
    assert [sorted(a) for a in videos] == [["controls", "muted", "src"]] * 2
    assert videos[0]["src"] == "https://cdn.example.org/clip.mp4?t=1%22%20onerror=%22alert%281%29"
    assert videos[1]["src"] == ("https://cdn.example.org/a%20b/clip.webm#%22%3E%3Cscript%3Ealert%282%29"
                                "%3C/script%3E")


def test_a_thumbnail_that_is_not_http_is_left_out(hostile: tuple[Digest, str, Page]) -> None:
    _, md, _ = hostile
    block = md.split("### [")[3]
    assert "2504.00003" in block and "![" not in block and "Watch Video" not in block
    assert block.split("\n")[1:4] == ["", "Vote: 3", ""]


def test_the_reader_sees_the_hostile_text_as_text(hostile: tuple[Digest, str, Page]) -> None:
    d, _, page = hostile
    text = page.text
    for e in d.entries:
        assert one_line(e.paper.title) in text, e.paper.title
        for name in e.paper.authors:
            assert name in text, name
        for s in e.summary.sections:
            if "`" not in s.text:  # a code span shows its content, not its backticks
                assert s.text in text, s.text
            if s.label is not None:
                assert s.label in text, s.label
    for hostile_string in (SCRIPT, SVG, IMG, JS_LINK, "Tom & Jerry &lt;3", "&lt;b&gt; as entities",
                           "a\\<b> with a backslash", "<b>"):
        assert hostile_string in text, hostile_string


def test_the_escaped_markdown_reads_back_as_the_same_digest(hostile: tuple[Digest, str, Page]) -> None:
    d, md, _ = hostile
    [day] = parse(md, "hostile.md").days
    assert [p.id for p in day.papers] == [e.paper.id for e in d.entries]
    for p, e in zip(day.papers, d.entries):
        assert p.title == one_line(e.paper.title)
        assert p.authors == e.paper.authors
        assert p.sections == format_order(e.summary.sections)
        assert p.thumbnail == digest_url(e.paper.thumbnail)
        assert p.upvotes == e.upvotes
    again = Digest(DATE, "ko", [entry(p.id, p.title, p.authors, [(s.label, s.text) for s in p.sections],
                                      thumbnail=p.thumbnail, upvotes=p.upvotes) for p in day.papers])
    assert render(again) == md


def test_an_import_of_the_hostile_digest_renders_the_same_bytes(tmp_path, hostile) -> None:
    from dailypapers import pipeline
    from dailypapers.store import Store

    _, md, _ = hostile
    path = tmp_path / "hostile.md"
    path.write_text(md, encoding="utf-8")
    store = Store.open(tmp_path / "store.db")
    try:
        report = pipeline.import_digest(store, path, "ko")
        assert report.warnings == []
        assert pipeline.render(pipeline.digest(store, DATE, "ko")) == md
    finally:
        store.close()


# -- each piece -----------------------------------------------------------------------------------

ORDINARY = [
    "Teaching Language Models to Say an [IDK] Token",
    "Interval Arithmetic on [0, 1) for Calibrated Confidence Estimation",
    "이 논문은 전용 [IDK] 토큰을 출력하도록 학습시키는 방법을 제안합니다. 기대 보정 오차(ECE)가 38% 감소했습니다.",
    "GPQA: A Graduate-Level Google-Proof Q&A Benchmark",
    "I&S-ViT: An Inclusive & Stable Method, R&D",
    "LiPO-{\\lambda} and \\codestar-15B, $\\sim$20 Seconds, C:\\Users\\x",
    "Siobhán O'Connell, 박지훈, Zoë Ødegård",
    "A `code` span, *emphasis* and **bold**, 2 * 3 = 6, 50% of 1.8x",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_written_as_it_is(text: str) -> None:
    assert escape_text(text) == text
    assert escape_text(text, bullet=True) == text
    assert escape_authors(text.split(", ")) == text
    assert escape_label(text) == text or "`" in text
    if text.count("[") == text.count("]") and text.count("(") == text.count(")"):
        assert escape_title(text) == text


@pytest.mark.parametrize("url", [
    "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2504.05101.png",
    "https://cdn-uploads.huggingface.co/production/uploads/64a1b2c3d4e5f6a7b8c9d0e1/motion_demo.mp4",
    "https://example.org/demo.mp4?download=true&x=1#t=2",
    "HTTP://EXAMPLE.ORG/%20already%20encoded.png",
    "https://example.org/한글/그림.png",
])
def test_ordinary_urls_are_written_as_they_are(url: str) -> None:
    assert digest_url(url) == url


@pytest.mark.parametrize("url,written", [
    ("https://e.org/a b.png", "https://e.org/a%20b.png"),
    ("https://e.org/a\tb\r\n.png", "https://e.org/a%09b%0D%0A.png"),
    ("https://e.org/x.png)<script>", "https://e.org/x.png%29%3Cscript%3E"),
    ("https://e.org/x\".png'", "https://e.org/x%22.png%27"),
    ("https://e.org/x\\y`z[1]", "https://e.org/x%5Cy%60z%5B1%5D"),
    ("https://e.org/\u2028\u00a0\u202e\x00.png", "https://e.org/%E2%80%A8%C2%A0%E2%80%AE%00.png"),
    ("  https://e.org/t.png\n", "https://e.org/t.png"),
    ("javascript:alert(1)", None),
    ("JaVaScRiPt:alert(1)//.png", None),
    ("data:image/png;base64,AAAA", None),
    ("vbscript:msgbox(1)", None),
    ("//e.org/t.png", None),
    ("/relative/t.png", None),
    ("https://", None),
    ("", None),
    (None, None),
])
def test_urls_are_percent_encoded_or_left_out(url: str | None, written: str | None) -> None:
    assert digest_url(url) == written
    if written is not None:
        assert digest_url(written) == written  # encoding twice changes nothing: import → render round-trips


@pytest.mark.parametrize("text,written", [
    ("<script>", "&lt;script&gt;"),
    ("a & b &amp; c &#60; d &lt3", "a & b &amp;amp; c &amp;#60; d &lt3"),
    ("[x](javascript:alert(1))", "[x\\](javascript:alert(1))"),
    ("![i](data:x)", "![i\\](data:x)"),
    ("[a](b)](c)", "[a\\](b)\\](c)"),
    ("a\\[b", "a\\\\[b"),
    ("ends with \\", "ends with \\\\"),
    ("`<b>` stays in its code span", "`<b>` stays in its code span"),
    ("`open <b>", "`open &lt;b&gt;"),
])
def test_section_text_escapes(text: str, written: str) -> None:
    assert escape_text(text) == written
    assert unescape_text(written) == text


@pytest.mark.parametrize("text,written", [
    ("### [Fake](https://arxiv.org/abs/9999.99999)", "\\### [Fake\\](https://arxiv.org/abs/9999.99999)"),
    ("[foo]: javascript:alert(1)", "\\[foo]: javascript:alert(1)"),
    ("- nested", "\\- nested"),
    ("1. ordered", "1\\. ordered"),
    ("---", "\\---"),
    ("--", "\\--"),
    ("~~~py", "\\~~~py"),
    ("```py", "&#96;``py"),
    ("**Label**: text", "\\**Label**: text"),
    ("[IDK] at the start", "[IDK] at the start"),
    ("2024년에 발표된 연구입니다.", "2024년에 발표된 연구입니다."),
])
def test_an_old_point_never_starts_a_block_of_its_own(text: str, written: str) -> None:
    out = escape_text(text, bullet=True)
    assert out == written
    assert unescape_text(out) == text
    page = view(f"- {out}\n")
    assert [t for t, _ in page.tags if t not in ("em", "strong")] == ["ul", "li"]
    if "*" not in text:  # emphasis is formatting, not text
        assert page.text.strip() == text


@pytest.mark.parametrize("title,written", [
    ("</a><script>alert(1)</script>", "&lt;/a&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("[a](b) Looks Like a Link", "\\[a\\](b) Looks Like a Link"),
    ("![i](javascript:alert(1))", "!\\[i\\](javascript:alert(1))"),
    ("Ends With \\", "Ends With \\\\"),
    ("A `]` in code", "A `]` in code"),
])
def test_title_escapes(title: str, written: str) -> None:
    assert escape_title(title) == written
    assert unescape_title(written) == title
    page = view(f"### [{written}](https://arxiv.org/abs/2504.00001)\n")
    assert [t for t, _ in page.tags] == ["h3", "a"] + (["code"] if "`" in title else [])
    if "`" not in title:
        assert page.text.strip() == title


def test_authors_that_start_with_a_bracket_are_not_read_as_a_python_list() -> None:
    d = Digest(DATE, "ko", [entry("2504.00001", "T", ["[Anonymous]", "B"], [(WN, "x.")])])
    md = render(d)
    assert "\nAuthors: \\[Anonymous], B\n" in md
    [day] = parse(md).days
    assert day.papers[0].authors == ["[Anonymous]", "B"]


def test_an_old_label_with_markup_is_read_and_written_as_text(tmp_path) -> None:
    from dailypapers import pipeline
    from dailypapers.store import Store

    old = (f"## Daily Papers ({DATE})\n\n### [A Paper](https://arxiv.org/abs/2504.00009)\n\n"
           "Authors: ['<img src=x onerror=alert(1)>']\n\n"
           "- **<b onmouseover=alert(1)>Limits</b>**: <script>alert(1)</script> 한계입니다.\n"
           "- <svg onload=alert(1)> 요점입니다.\n\n")
    path = tmp_path / "old.md"
    path.write_text(old, encoding="utf-8")
    store = Store.open(tmp_path / "store.db")
    try:
        pipeline.import_digest(store, path, "ko")
        md = pipeline.render(pipeline.digest(store, DATE, "ko"))
    finally:
        store.close()
    page = view(md)
    assert_safe(page)
    assert "<b onmouseover=alert(1)>Limits</b>" in page.text and IMG in page.text and SVG in page.text


def test_many_random_texts_are_shown_as_they_are_and_read_back() -> None:
    """A small fuzz over the characters that mean something in Markdown."""
    pieces = ["a", " ", "\\", "<", ">", "&", "[", "]", "(", ")", "`", "``", "```", "!", "#", ";", ":", "lt",
              "amp;", "#1;", "javascript:", "-", "1.", "~~~", "script", "/", "=", '"', "'", "{", "%", "é"]
    rng = random.Random(20250408)
    for _ in range(1500):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))).strip()
        if not raw:
            continue
        title, text, point = escape_title(raw), escape_text(raw), escape_text(raw, bullet=True)
        assert unescape_title(title) == raw and unescape_text(text) == raw and unescape_text(point) == raw
        heading = view(f"### [{title}](https://arxiv.org/abs/2504.00001)\n")
        assert [t for t, _ in heading.tags if t != "code"] == ["h3", "a"], (raw, title)
        assert_safe(heading)
        for line, shown in ((f"- ***L***: {text}\n", f"L: {raw}"), (f"- {point}\n", raw)):
            page = view(line)
            assert [t for t, _ in page.tags if t not in ("em", "strong", "code")] == ["ul", "li"], (raw, line)
            assert_safe(page)
            if "`" not in raw:
                assert page.text.strip() == shown, (raw, line)


# -- the injection rule -----------------------------------------------------------------------------

SOURCE = ("We propose SpaRouter, a sparse mixture router for long-context retrieval. It improves "
          "exact-match accuracy from 61.4% to 65.6% on LongQA.")


@pytest.mark.parametrize("answer", [
    "SpaRouter는 희소 라우터입니다. <img src=x onerror=alert(1)>",
    "SpaRouter는 희소 라우터입니다. 자세한 내용은 [link](javascript:alert(1))를 보세요.",
    "SpaRouter는 희소 라우터입니다. <script>alert(1)</script>",
    "SpaRouter는 희소 라우터입니다. <svg onload=alert(1)>",
    "SpaRouter는 희소 라우터입니다. <iframe src=https://evil.example></iframe>",
    "SpaRouter는 희소 라우터입니다. <a href=\"https://evil.example\">링크</a>",
    "SpaRouter는 희소 라우터입니다. <details open ontoggle=alert(1)>",
    "SpaRouter는 희소 라우터입니다. ![x](data:text/html;base64,PHNjcmlwdD4=)",
    "SpaRouter는 희소 라우터입니다. [x](vbscript:msgbox(1))",
])
def test_markup_in_an_answer_is_a_hard_injection_finding(answer: str) -> None:
    found = check_injection([Section(WN, answer)], SOURCE, "ko")
    assert [(f.rule, f.severity, f.section) for f in found] == [("injection", HARD, WN)], found
    assert "markup" in found[0].reason


def test_an_llm_answer_with_markup_is_not_publishable() -> None:
    answer = ('{"whats_new": "SpaRouter는 희소 라우터입니다. <img src=x onerror=alert(1)>", '
              '"technical_details": "라우터는 [link](javascript:alert(1))에서 학습됩니다.", '
              '"performance_highlights": "LongQA에서 61.4%에서 65.6%로 향상되었습니다."}')
    sections = parse_sections(answer)
    hard = [f for f in check_summary(sections, SOURCE, "ko", "SpaRouter") if f.severity == HARD]
    assert {(f.rule, f.section) for f in hard} >= {("injection", WN), ("injection", TD)}


@pytest.mark.parametrize("text", [
    "p < 0.05, 0<a<1, x > y, A -> B, <EOS> 토큰과 <think> 태그",
    "Python:40%, JavaScript:30%, training data: 1M examples",
    "online=True, a = b, onset = 5ms",
])
def test_ordinary_comparisons_and_tokens_are_not_markup(text: str) -> None:
    assert check_injection([Section(WN, text)], SOURCE, "en") == []


XSS_ABSTRACT = ("Stored cross-site scripting lets an attacker save a payload such as "
                "<script>alert(1)</script> in a web application so that it runs in every visitor's browser. "
                "We present ScriptSleuth, which finds 287 of 312 known vulnerabilities.")


def test_markup_the_paper_itself_quotes_may_be_quoted_and_is_shown_as_text() -> None:
    sections = [Section(WN, "ScriptSleuth는 <script>alert(1)</script> 같은 저장형 XSS 페이로드를 찾습니다."),
                Section(TD, "공격자는 <script> 태그를 웹 애플리케이션에 저장합니다."),
                Section(PH, "알려진 취약점 312개 중 287개를 찾았습니다.")]
    assert check_injection(sections, XSS_ABSTRACT, "ko") == []
    assert [f for f in check_summary(sections, XSS_ABSTRACT, "ko", "ScriptSleuth") if f.rule == "injection"] == []
    md = render(Digest(DATE, "ko", [entry("2504.00005", "ScriptSleuth", ["A"], [(s.label, s.text) for s in sections])]))
    page = view(md)
    assert_safe(page)
    assert "<script>alert(1)</script> 같은" in page.text
    # Markup the paper does not have is still a finding, though the paper is about XSS.
    other = check_injection([Section(WN, "ScriptSleuth는 <script src=//evil.example></script>를 찾습니다.")],
                            XSS_ABSTRACT, "ko")
    assert [(f.rule, f.severity) for f in other] == [("injection", HARD)]
