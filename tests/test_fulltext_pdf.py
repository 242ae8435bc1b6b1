"""A paper's text from its PDF: real arXiv PDFs (skipped when ../shared/data/real is absent) and small
PDFs written by hand (tests/minipdf.py), cleaned by dailypapers.fulltext.pdf.

What the real PDFs are checked against was read off their raw pypdfium2 text by hand: sentences
of the abstract, the introduction and the conclusion; titles of cited works that appear only in
the reference list; words broken across lines (pdfium marks the break with U+FFFE).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dailypapers.config import Settings
from dailypapers.errors import PDFTextError
from dailypapers.fulltext.fetch import FullTextFetcher, read_text
from dailypapers.fulltext.pdf import pdf_pages, pdf_sections, sections_from_pages
from dailypapers.fulltext.sections import render_sections
from dailypapers.http import PoliteGate, RetryPolicy
from dailypapers.models import Paper
from dailypapers.pipeline import TextReader
from dailypapers.store import Store
from tests import minipdf
from tests.fakes import FakeArxiv, atom_entry

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
PDF_DIR = REAL / "arxiv" / "pdf"
LIGATURES = "".join(chr(c) for c in range(0xFB00, 0xFB07))
STAMP = re.compile(r"arXiv:\d{4}\.\d{4,5}v\d+\s*\[[\w.\-]+\]\s*\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}")


def flat(text: str) -> str:
    return " ".join(text.split())


# -- the real PDFs ----------------------------------------------------------------------------------

# Sentences copied from the raw text (whitespace aside) and cited titles found only after "References".
KNOWN: dict[str, dict[str, Any]] = {
    "1706.03762": {
        "version": 5,
        "title": "Attention Is All You Need",
        "abstract": "The dominant sequence transduction models are based on complex recurrent or "
                    "convolutional neural networks that include an encoder and a decoder.",
        "introduction": "Recurrent models typically factor computation along the symbol positions of the "
                        "input and output sequences.",
        "conclusion": "In this work, we presented the Transformer, the first sequence transduction model "
                      "based entirely on attention",
        "cited": ["Massive exploration of neural machine translation architectures",
                  "Xception: Deep learning with depthwise separable convolutions",
                  "Neural machine translation by jointly learning to align and translate"],
        # (as broken in the raw text, as it must read)
        "broken": [("transduc\ufffetion", "transduction"), ("convolu\ufffetional", "convolutional"),
                   ("multi\ufffeplicative", "multiplicative"), ("position\ufffewise", "position-wise")],
        "ligature_words": ["efficient", "significantly", "first", "fixed"],
        "appendix": None,
    },
    "1910.02054": {
        "version": 3,
        "title": "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models",
        "abstract": "Large deep learning models offer significant accuracy gains, but training billions "
                    "to trillions of parameters is challenging.",
        "introduction": "Deep Learning (DL) models are becoming larger, and the increase in model size "
                        "offers significant accuracy gain.",
        "conclusion": "From a HPC and system perspective, we believe that ZeRO represents a revolutionary "
                      "transformation",
        "cited": ["Exploring the limits of transfer learning with a unified text-to-text transformer",
                  "Scaling SGD batch size to 32k for imagenet training",
                  "Reducing BERT pre-training time from 3 days to 76 minutes"],
        "broken": [("com\ufffemunication", "communication"), ("main\ufffetaining", "maintaining"),
                   ("fine\ufffegrained", "fine-grained"), ("all\ufffegather", "all-gather")],
        "ligature_words": ["efficiency", "significant", "first", "fit"],
        "appendix": None,
    },
    "2205.01068": {
        "version": 1,
        "title": "OPT: Open Pre-trained Transformer Language Models",
        "abstract": "Large language models, which are often trained for hundreds of thousands of compute "
                    "days, have shown remarkable capabilities for zero- and few-shot learning.",
        "introduction": "Large language models (LLMs) trained on massive text collections have shown "
                        "surprising emergent capabilities to generate text and perform zero- and few-shot learning",
        "conclusion": "In this technical report, we introduced OPT, a collection of auto-regressive "
                      "language models",
        "cited": ["Towards a human-like open-domain chatbot",
                  "Efficient large scale language modeling with mixtures of experts",
                  "The curious case of neural text degeneration"],
        "broken": [("perfor\ufffemance", "performance"), ("Hack\ufffeerNews", "HackerNews"),
                   ("decoder\ufffeonly", "decoder-only"), ("zero\ufffeshot", "zero-shot"),
                   ("mid\ufffeflight", "mid-flight")],
        "ligature_words": ["efficient", "significant", "first", "find"],
        # An appendix after the reference list stays.
        "appendix": "Following Mitchell et al. (2018), we provide a model card for OPT-175B.",
    },
}


def _real_ids() -> list[str]:
    return sorted(KNOWN)


@pytest.fixture(scope="module")
def real() -> dict[str, dict[str, Any]]:
    """For each real PDF: its bytes, raw page texts, cleaned sections and the cleaned text."""
    if not PDF_DIR.is_dir():
        pytest.skip(f"real data not available at {PDF_DIR}")
    out = {}
    for pid in KNOWN:
        path = PDF_DIR / f"{pid}.pdf"
        if not path.exists():
            continue
        data = path.read_bytes()
        sections = pdf_sections(data, pid)
        out[pid] = {"data": data, "raw": pdf_pages(data, pid), "sections": sections,
                    "text": render_sections(sections)}
    return out


def _one(real: dict[str, dict[str, Any]], pid: str) -> dict[str, Any]:
    if pid not in real:
        pytest.skip(f"{pid}.pdf not in {PDF_DIR}")
    return real[pid]


@pytest.mark.parametrize("pid", _real_ids())
def test_abstract_then_introduction_come_first(real: Any, pid: str) -> None:
    got, known = _one(real, pid), KNOWN[pid]
    body = [s for s in got["sections"] if s.title != "Front matter"]
    assert [s.kind for s in body[:2]] == ["abstract", "introduction"], [s.title for s in body[:3]]
    assert body[0].title == "Abstract"
    assert known["abstract"] in flat(body[0].text)
    assert known["introduction"] in flat(body[1].text)
    # The front matter, when there is one, is the title page: nothing of the paper's body.
    front = [s for s in got["sections"] if s.title == "Front matter"]
    assert all(known["abstract"] not in flat(s.text) for s in front)


@pytest.mark.parametrize("pid", _real_ids())
def test_text_is_in_reading_order(real: Any, pid: str) -> None:
    got, known = _one(real, pid), KNOWN[pid]
    text = flat(got["text"])
    where = [text.find(known[k]) for k in ("abstract", "introduction", "conclusion")]
    assert -1 not in where, where
    assert where == sorted(where)
    conclusion = next(s for s in got["sections"] if known["conclusion"] in flat(s.text))
    assert conclusion.kind == "conclusion"
    # Numbered sections come in their order: the top-level numbers never go down.
    tops = [int(m.group(1)) for s in got["sections"] if (m := re.match(r"(\d+)(?:\.\d+)*\s", s.title))]
    assert len(tops) >= 7 and tops == sorted(tops), tops


def test_a_sentence_that_runs_over_a_page_break_is_whole(real: Any) -> None:
    got = _one(real, "2205.01068")
    # The sentence runs from the end of page 2 to the start of page 3 (with a word broken there too).
    assert got["raw"][1].rstrip().endswith("including: CommonCrawl,")
    assert got["raw"][2].startswith("DM Mathematics, Project Gutenberg, Hack\ufffeerNews")
    assert "including: CommonCrawl, DM Mathematics, Project Gutenberg, HackerNews, OpenSubtitles" in flat(got["text"])


@pytest.mark.xfail(strict=True, reason="footnotes of the first page are read into the middle of the "
                                       "sentence that runs over the page break")
def test_footnotes_do_not_cut_a_sentence(real: Any) -> None:
    got = _one(real, "1706.03762")
    assert ("have been firmly established as state of the art approaches in sequence modeling and "
            "transduction problems such as language modeling and machine translation") in flat(got["text"])


@pytest.mark.parametrize("pid", _real_ids())
def test_no_ligatures_and_the_words_they_form_are_whole(real: Any, pid: str) -> None:
    got, known = _one(real, pid), KNOWN[pid]
    raw = "".join(got["raw"])
    text = got["text"]
    assert not [ch for ch in text if ch in LIGATURES]
    for ch in set(raw) & set(LIGATURES):  # pdfium may hand them over as they are: expanded here
        assert unicodedata.normalize("NFKC", ch) in text
    for word in known["ligature_words"]:
        assert re.search(rf"\b{word}\b", text), word


@pytest.mark.parametrize("pid", _real_ids())
def test_no_break_marks_soft_hyphens_or_control_characters(real: Any, pid: str) -> None:
    got = _one(real, pid)
    raw, text = "".join(got["raw"]), got["text"]
    assert "\ufffe" in raw  # pdfium marks the hyphen of a word broken at the end of a line
    assert "\ufffe" not in text and "\u00ad" not in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


@pytest.mark.parametrize("pid", _real_ids())
def test_words_broken_across_lines_are_joined(real: Any, pid: str) -> None:
    got, known = _one(real, pid), KNOWN[pid]
    raw, text = "".join(got["raw"]), flat(got["text"])
    for broken, whole in known["broken"]:
        assert broken in raw, broken
        assert re.search(rf"(?<![\w-]){re.escape(whole)}(?![\w-])", text), whole
        left, right = broken.split("\ufffe")
        if "-" not in whole:
            assert not re.search(rf"\b{left}[- ]{right}\b", text), broken


@pytest.mark.parametrize("pid", _real_ids())
def test_the_paper_own_spelling_decides_between_word_and_compound(real: Any, pid: str) -> None:
    """Every word broken at a line end that the paper also writes unbroken, and nowhere with a
    hyphen, is joined; every one it writes with a hyphen, and nowhere joined, keeps its hyphen."""
    got = _one(real, pid)
    raw, text = "\n".join(got["raw"]), flat(got["text"])
    spelled = Counter(w.lower() for w in re.findall(r"\w+(?:-\w+)*", raw))
    words = compounds = 0
    for left, right in set(re.findall(r"(\w+)\ufffe(\w+)(?![\w-])", raw)):
        hyphened, joined = spelled[f"{left}-{right}".lower()], spelled[(left + right).lower()]
        if joined and not hyphened:
            words += 1
            assert not re.search(rf"(?<![\w-]){left}[- ]{right}(?![\w-])", text), (left, right)
        elif hyphened and not joined:
            compounds += 1
            assert not re.search(rf"(?<![\w-]){left}{right}(?![\w-])", text, re.IGNORECASE), (left, right)
    assert words >= 3


def test_compounds_broken_at_a_line_end_keep_their_hyphen(real: Any) -> None:
    got = _one(real, "2205.01068")
    text = flat(got["text"])
    for word in ("decoderonly", "zeroshot", "midflight", "incontext"):
        assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), word


@pytest.mark.parametrize("pid", _real_ids())
def test_arxiv_stamp_is_gone(real: Any, pid: str) -> None:
    got = _one(real, pid)
    assert STAMP.search("\n".join(got["raw"]))
    assert not STAMP.search(got["text"])


@pytest.mark.parametrize("pid", ["1706.03762", "1910.02054"])
def test_page_numbers_are_gone(real: Any, pid: str) -> None:
    """Pages that end with their number: the number does not follow the page's last words."""
    got = _one(real, pid)
    text = flat(got["text"])
    checked = 0
    for n, page in enumerate(got["raw"], 1):
        lines = [ln.strip() for ln in page.replace("\r", "").split("\n") if ln.strip()]
        if len(lines) < 2 or lines[-1] != str(n):
            continue
        tail = " ".join(lines[-2].split()[-3:])
        if "\ufffe" in tail or not re.fullmatch(r"[A-Za-z ,.;]+", tail) or tail not in text:
            continue
        checked += 1
        assert f"{tail} {n} " not in text + " ", (n, tail)
    assert checked >= 3


@pytest.mark.parametrize("pid", _real_ids())
def test_reference_list_is_cut_off(real: Any, pid: str) -> None:
    got, known = _one(real, pid), KNOWN[pid]
    raw = "\n".join(got["raw"]).replace("\ufffe", "").replace("\r\n", "\n")
    refs = raw.index("\nReferences\n")
    text = flat(got["text"])
    for title in known["cited"]:
        assert title in flat(raw[refs:]) and title not in flat(raw[:refs]), title
        assert title not in text, title
    assert not any(s.title.lower() in ("references", "bibliography") for s in got["sections"])
    if re.search(r"^\[1\] [A-Z][a-z]+ [A-Z]", raw[refs:].split("\n", 1)[1]):  # numbered entries
        assert not re.search(r"\[\d{1,3}\] [A-Z][a-z]+ [A-Z]", text)  # "[12] Name Surname": none left


def test_an_appendix_after_the_references_stays(real: Any) -> None:
    got = _one(real, "2205.01068")
    appendix = [s for s in got["sections"] if s.kind == "appendix"]
    assert appendix and appendix[0].title.startswith("A ")
    assert KNOWN["2205.01068"]["appendix"] in flat(got["text"])
    # The appendix comes after the conclusion, as in the paper.
    text = flat(got["text"])
    assert text.index(KNOWN["2205.01068"]["conclusion"]) < text.index(KNOWN["2205.01068"]["appendix"])


@pytest.mark.parametrize("pid", _real_ids())
def test_dailypapers_text_reads_the_pdf(real: Any, pid: str, cli: Any) -> None:
    got, known = _one(real, pid), KNOWN[pid]
    version = known["version"]
    entry = atom_entry(pid, version, known["title"], ["A. Author"], known["abstract"])
    with FakeArxiv({pid: entry}, pdfs={f"{pid}v{version}": got["data"]}) as arxiv:
        r = cli("text", pid, env={"DAILYPAPERS_ARXIV_URL": arxiv.url,
                                  "DAILYPAPERS_ARXIV_API_URL": arxiv.url + "/api/query",
                                  "DAILYPAPERS_ARXIV_DELAY": "0"}, timeout=120)
        paths = [q.path for q in arxiv.requests]
    assert r.returncode == 0, r.stderr
    assert "read from pdf" in r.stderr
    assert re.search(r"read their PDF: arXiv has no HTML .*404", r.stderr), r.stderr  # why not the HTML
    assert f"/html/{pid}v{version}" in paths and f"/pdf/{pid}v{version}" in paths
    out = r.stdout
    # Section by section, under their titles, in order.
    titles = re.findall(r"^## (.+)$", out, re.MULTILINE)
    assert titles[titles.index("Abstract") + 1].endswith("Introduction")
    assert out.index("## Abstract\n") < out.index(known["introduction"][:40])
    text = flat(out)
    assert text.index(known["abstract"]) < text.index(known["introduction"])
    assert not STAMP.search(out) and "\ufffe" not in out
    for title in known["cited"]:
        assert title not in text


# -- small PDFs made by hand --------------------------------------------------------------------------

def test_a_made_paper_loses_its_running_header_footer_page_numbers_and_stamp() -> None:
    raw = pdf_pages(minipdf.paper_pdf())
    assert all(minipdf.RUNNING_HEADER in p and minipdf.RUNNING_FOOTER in p for p in raw)
    sections = sections_from_pages(raw)
    text = render_sections(sections)
    assert minipdf.RUNNING_HEADER not in text and "preprint" not in text
    assert minipdf.RUNNING_FOOTER not in text and "Invented Results" not in text
    assert minipdf.STAMP not in text and "arXiv:" not in text
    # The page ends and the next page begins, with nothing between them.
    body = flat(text)
    assert "heard the whole sentence. Earlier systems fix the wait policy" in body
    assert "to read or to write. ## 3 Experiments We evaluate" in body
    assert not re.search(r"\b[1-5] (Earlier|## )", body)


def test_a_made_paper_is_cut_into_its_sections() -> None:
    sections = pdf_sections(minipdf.paper_pdf())
    assert [(s.title, s.kind) for s in sections] == [
        ("Front matter", "other"), ("Abstract", "abstract"), ("1 Introduction", "introduction"),
        ("2 Method", "method"), ("3 Experiments", "results"), ("4 Conclusion", "conclusion"),
        ("A Hyperparameters", "appendix")]
    text = render_sections(sections)
    assert "Waiting policies" not in text and "Streaming all the things" not in text
    assert "hidden size of sixty-four" in text


def test_a_made_paper_joins_broken_words_and_keeps_compounds() -> None:
    raw = "".join(pdf_pages(minipdf.paper_pdf()))
    assert "transduc\ufffetion" in raw and "decoder\ufffeonly" in raw  # how pdfium hands them over
    text = flat(render_sections(pdf_sections(minipdf.paper_pdf())))
    assert "sequence transduction system" in text
    assert "a small decoder-only gate" in text  # the abstract spells it with a hyphen


def test_a_made_paper_set_with_ligature_glyphs_reads_plain_letters() -> None:
    data = minipdf.paper_pdf()
    assert b"/fi" in data and b"/ffi" in data and b"<FB01>" in data  # the glyphs and their map
    text = render_sections(pdf_sections(data))
    assert not [ch for ch in text if ch in LIGATURES]
    for word in ("fix the wait policy", "decides efficiently", "to the flow"):
        assert word in flat(text)


def _pages_with(header: str, bodies: list[list[str]], footer: str = "") -> list[str]:
    return ["\r\n".join([header.format(n=n), *lines, footer.format(n=n), str(n)])
            for n, lines in enumerate(bodies, 1)]


def test_cleaning_page_texts_directly() -> None:
    """The cleaning on page texts as other extractors give them: ligature characters, U+FFFE,
    soft hyphens, ASCII hyphens at line ends, a running header with the page number in it."""
    bodies = [
        ["Abstract", "We present a ﬁrst, eﬃcient and ﬂexible method for oﬄine ﬀt reading.",
         "1 Introduction", "Sequence transduc\ufffetion is hard. Data trans\u00ad", "formation helps.",
         "The encoder-decoder model is a known design, and the encoder-", "decoder model stays."],
        ["Con-", "volutional layers are fast. A self-", "attention layer is slow, and self-attention is common."],
        ["2 Conclusion", "It works in every case we tried so far.", "References",
         "[1] A. Writer. A cited title that must not survive. 2020.",
         "[2] B. Writer. Another cited work. 2021."],
        ["A Appendix", "The appendix text stays, as the paper's own words."],
        ["B More Details", "More appendix text, also kept."],
    ]
    pages = _pages_with("Tidal Adapters — page {n}", bodies, footer="Under review")
    sections = sections_from_pages(pages)
    text = render_sections(sections)
    body = flat(text)
    assert not [ch for ch in text if ch in LIGATURES]
    assert "a first, efficient and flexible method for offline fft reading" in body
    assert "\ufffe" not in text and "\u00ad" not in text
    assert "Sequence transduction is hard. Data transformation helps." in body
    assert "the encoder-decoder model stays" in body  # spelled with a hyphen elsewhere in the paper
    assert "Convolutional layers are fast. A self-attention layer is slow" in body
    assert "Tidal Adapters" not in text and "Under review" not in text
    assert "cited title" not in text and "Another cited work" not in text
    assert [(s.title, s.kind) for s in sections] == [
        ("Abstract", "abstract"), ("1 Introduction", "introduction"), ("2 Conclusion", "conclusion"),
        ("A Appendix", "appendix"), ("B More Details", "appendix")]
    assert "The appendix text stays" in body and "More appendix text, also kept." in body


def test_cleaning_removes_control_characters() -> None:
    pages = ["Abstract\r\nWe use \x0f = 10\u22129 and a \x02 small step.\r\n1 Introduction\r\nText here."]
    text = render_sections(sections_from_pages(pages))
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", text)
    assert "We use = 10\u22129 and a small step." in flat(text)


def test_a_numbered_line_in_a_table_is_not_a_heading() -> None:
    pages = [("1 Introduction\r\nWe start here.\r\n2 Method\r\nThe method.\r\n"
              "7 BLEU points better than the baseline\r\nstill the method.\r\n3 Results\r\nGood results.")]
    titles = [s.title for s in sections_from_pages(pages)]
    assert titles == ["1 Introduction", "2 Method", "3 Results"]


# -- PDFs that cannot be read -------------------------------------------------------------------------

def test_an_encrypted_pdf_is_refused_as_encrypted() -> None:
    import pypdfium2 as pdfium

    data = minipdf.text_pdf(minipdf.paper_pages(), encrypt_with="s3cret")
    assert b"/Encrypt" in data
    # A real encrypted file: pdfium reads it with the password.
    pdf = pdfium.PdfDocument(data, password="s3cret")
    assert "Streaming speech translation" in pdf[0].get_textpage().get_text_range()
    pdf.close()
    with pytest.raises(PDFTextError, match=r"2501\.01234.*encrypted"):
        pdf_sections(data, "2501.01234 (pdf)")


@pytest.mark.parametrize("data, message", [
    (b"%PDF-1.7\n" + b"\x00garbage that is no PDF at all\n" * 20, r"cannot be read"),
    (minipdf.paper_pdf()[:600], r"cannot be read"),  # cut off in the middle
    (b"<!DOCTYPE html><html><body>Rate exceeded.</body></html>", r"not a PDF"),
    (b"", r"not a PDF"),
])
def test_a_corrupt_pdf_is_refused_clearly(data: bytes, message: str) -> None:
    with pytest.raises(PDFTextError, match=message):
        pdf_sections(data, "2501.01234 (pdf)")


def test_a_pdf_with_no_pages_is_refused_and_not_called_encrypted() -> None:
    with pytest.raises(PDFTextError, match="no pages") as first:
        pdf_sections(minipdf.no_pages_pdf())
    assert "encrypted" not in str(first.value) and "Success" not in str(first.value)
    # pdfium's last error is global: right after an encrypted file it still says "password".
    with pytest.raises(PDFTextError, match="encrypted"):
        pdf_sections(minipdf.text_pdf([["x"]], encrypt_with="pw"))
    with pytest.raises(PDFTextError) as second:
        pdf_sections(minipdf.no_pages_pdf())
    assert "encrypted" not in str(second.value) and "no pages" in str(second.value)


def test_a_broken_page_tree_is_a_pdf_error() -> None:
    data = minipdf.build([])
    data = data.replace(b"/Kids [] /Count 0", b"/Kids [] /Count 3")  # same length: offsets hold
    with pytest.raises(PDFTextError, match="cannot be read"):
        pdf_sections(data)


def test_an_image_only_pdf_says_it_has_no_text() -> None:
    data = minipdf.image_only_pdf(3)
    assert len(pdf_pages(data)) == 3
    with pytest.raises(PDFTextError, match=r"no text layer"):
        pdf_sections(data, "2501.01234 (pdf)")


BAD_PDFS = {
    "encrypted": (lambda: minipdf.text_pdf(minipdf.paper_pages(), encrypt_with="pw"), "encrypted"),
    "corrupt": (lambda: b"%PDF-1.5\n" + b"not really\n" * 50, "cannot be read"),
    "empty": (minipdf.no_pages_pdf, "no pages"),
    "image-only": (minipdf.image_only_pdf, "no text layer"),
}
ABSTRACT = "Streaming speech translation must emit words early. Tidal adapters cut lag by a third."


@pytest.mark.parametrize("kind", sorted(BAD_PDFS))
def test_read_text_falls_back_to_the_abstract_and_says_why(kind: str, tmp_path: Path) -> None:
    make, reason = BAD_PDFS[kind]
    paper = Paper("2501.01234", "Tidal Adapters", abstract=ABSTRACT, version=2)
    with FakeArxiv(pdfs={"2501.01234v2": make()}) as arxiv:
        fetcher = FullTextFetcher(arxiv.url, tmp_path / "cache", PoliteGate(0),
                                  policy=RetryPolicy(retries=0, sleep=lambda s: None))
        text, problems = read_text(fetcher, paper)
    assert text.source == "abstract"
    assert text.text.endswith(ABSTRACT)
    assert problems[0].startswith("html:") and "404" in problems[0]
    assert problems[1].startswith("pdf:") and reason in problems[1] and "2501.01234" in problems[1]


@pytest.mark.parametrize("kind", sorted(BAD_PDFS))
def test_text_reader_falls_back_to_the_abstract_and_notes_why(kind: str, tmp_path: Path) -> None:
    make, reason = BAD_PDFS[kind]
    with FakeArxiv(pdfs={"2501.01234v2": make()}) as arxiv:
        settings = Settings(home=tmp_path / "home", arxiv_url=arxiv.url, arxiv_api_url=arxiv.url + "/api/query",
                            arxiv_delay=0, retries=0)
        store = Store.open(settings.db_path)
        paper = Paper("2501.01234", "Tidal Adapters", abstract=ABSTRACT, version=2)
        store.save_arxiv_metadata(paper)
        reader = TextReader(store, settings)
        text = reader.read(paper)
    assert text.source == "abstract"
    [note] = reader.summary_notes()
    assert note.startswith("1 paper (2501.01234) read only their abstract: ")
    assert "their PDF could not be read" in note and reason in note
    assert store.text("2501.01234", 2, "pdf") is None  # nothing stored for a PDF that gave no text


def test_dailypapers_text_with_a_made_pdf_and_source_pdf(cli: Any) -> None:
    entry = atom_entry("2501.01234", 2, "Tidal Adapters for Streaming Speech Translation", ["Ines Okafor"],
                       ABSTRACT)
    with FakeArxiv({"2501.01234": entry}, pdfs={"2501.01234v2": minipdf.paper_pdf()}) as arxiv:
        r = cli("text", "2501.01234", "--source", "pdf",
                env={"DAILYPAPERS_ARXIV_URL": arxiv.url, "DAILYPAPERS_ARXIV_API_URL": arxiv.url + "/api/query",
                     "DAILYPAPERS_ARXIV_DELAY": "0"})
        paths = [q.path for q in arxiv.requests]
    assert r.returncode == 0, r.stderr
    assert "/html/2501.01234v2" not in paths  # only the source asked for
    assert "read from pdf" in r.stderr
    assert re.findall(r"^## (.+)$", r.stdout, re.MULTILINE) == [
        "Front matter", "Abstract", "1 Introduction", "2 Method", "3 Experiments", "4 Conclusion",
        "A Hyperparameters"]


def test_dailypapers_text_with_an_encrypted_pdf_says_so(cli: Any) -> None:
    entry = atom_entry("2501.01234", 2, "Tidal Adapters", ["Ines Okafor"], ABSTRACT)
    data = minipdf.text_pdf(minipdf.paper_pages(), encrypt_with="pw")
    env_of = lambda a: {"DAILYPAPERS_ARXIV_URL": a.url, "DAILYPAPERS_ARXIV_API_URL": a.url + "/api/query",
                        "DAILYPAPERS_ARXIV_DELAY": "0"}
    with FakeArxiv({"2501.01234": entry}, pdfs={"2501.01234v2": data}) as arxiv:
        only_pdf = cli("text", "2501.01234", "--source", "pdf", env=env_of(arxiv))
        any_source = cli("text", "2501.01234", env=env_of(arxiv))
    assert only_pdf.returncode != 0
    assert "encrypted" in only_pdf.stderr and "Traceback" not in only_pdf.stderr
    assert any_source.returncode == 0, any_source.stderr
    assert "read from abstract" in any_source.stderr and "encrypted" in any_source.stderr
    assert ABSTRACT in any_source.stdout
