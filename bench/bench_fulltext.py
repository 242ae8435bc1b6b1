"""Full-text extraction speed: PDF pages per second against raw pypdfium2, and HTML section
extraction against a raw selectolax parse of the same page.

PDF: for each real arXiv PDF (../shared/data/real/arxiv/pdf/*.pdf from the project root, plus any
`--pdf` files), the same bytes go through, interleaved and in alternating order, `--repeat` times:

- raw: `pypdfium2.PdfDocument(data)`, then `get_textpage().get_text_range()` for every page;
- ours: `dailypapers.fulltext.pdf.pdf_sections(data)` (the same extraction, then the cleaning:
  NFKC, running headers and footers, the arXiv stamp, hyphenation, references, sections).

It prints pages/second for each (median run) and the ratio ours / raw in time. Aim: <= 1.3.
`cleaning` is `sections_from_pages` alone on pages extracted beforehand, for where the time goes,
and `sha256` is the start of the hash of `render_sections(pdf_sections(data))`, so that a change
to the cleaning can be checked to leave its output as it was.

HTML: an invented arXiv-style LaTeXML page (40 sections with subsections, inline and display
math with `alttext`, figures and tables with captions, two appendices, a bibliography of 100
entries) goes through `html_sections`, against `LexborHTMLParser(html).body.text()` on the same
string as the baseline. It prints pages/second, MB/second and the ratio ours / raw in time.

    .venv/bin/python bench/bench_fulltext.py [--repeat 9] [--pdf PATH ...] [--sections 40]
                                             [--bib 100] [--profile] [--no-html] [--no-pdf]
                                             [--malloc-trim] [--no-sandbox]

On glibc the script first raises malloc's trim threshold (`mallopt(M_TRIM_THRESHOLD, 1 GiB)`):
with the default, a process whose heap is not yet fragmented gives the top of its heap back to
the system after each HTML parse and page-faults it in again on the next, about 5 ms a parse
here for the baseline and for ours alike, and whether that happens depended on whether the PDF
part had run first. `--malloc-trim` leaves glibc's default, to show it.

Sandbox: the same PDFs and HTML page through `fulltext.sandbox.extract` (a child process with
memory, CPU and time limits, what a run uses) against the same extraction in this process; the
ratio is what the child costs on top (start-up from the fork server, sending the bytes and the
sections back). `--no-sandbox` skips it.

Nothing is written anywhere and nothing reaches the network.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # harmless when the package is installed in the venv

import pypdfium2 as pdfium  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from dailypapers.errors import PDFTextError  # noqa: E402
from dailypapers.fulltext.html import MAX_DEPTH, html_sections  # noqa: E402
from dailypapers.fulltext.nesting import nesting_depth  # noqa: E402
from dailypapers.fulltext.pdf import pdf_pages, pdf_sections, sections_from_pages  # noqa: E402
from dailypapers.fulltext.sandbox import extract  # noqa: E402
from dailypapers.fulltext.sections import render_sections  # noqa: E402

REAL_PDFS = ROOT.parent / "shared" / "data" / "real" / "arxiv" / "pdf"
AIM = 1.3


def keep_heap() -> str:
    """Stop glibc from trimming the heap after every large free (see the module's docstring), so
    that both parts are measured in the same steady state whatever ran before. Says what it did."""
    import ctypes
    import platform

    if platform.libc_ver()[0] != "glibc":
        return "malloc as it comes (not glibc)"
    m_trim_threshold = -1
    if not ctypes.CDLL(None).mallopt(m_trim_threshold, 1 << 30):
        return "malloc as it comes (mallopt refused)"
    return "glibc M_TRIM_THRESHOLD = 1 GiB (no heap trimming between runs; --malloc-trim for the default)"


# -- PDF ------------------------------------------------------------------------------------------

def raw_pdfium(data: bytes) -> int:
    """The baseline: every page's text with pypdfium2 and nothing else. Returns the page count."""
    pdf = pdfium.PdfDocument(data)
    try:
        n = len(pdf)
        for i in range(n):
            page = pdf[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return n
    finally:
        pdf.close()


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_pdf(files: list[Path], repeat: int, profile: bool) -> None:
    docs = [(f, f.read_bytes()) for f in files]
    rows = []
    for f, data in docs:
        try:  # warm-up of both, and the facts about the file
            sections = pdf_sections(data, str(f))
            pages = raw_pdfium(data)
        except (PDFTextError, pdfium.PdfiumError) as e:
            raise SystemExit(f"cannot measure: {e}")
        text = render_sections(sections)
        rows.append({"file": f.name, "data": data, "pages": pages, "chars": len(text), "sections": len(sections),
                     "sha": hashlib.sha256(text.encode()).hexdigest()[:12],
                     "extracted": pdf_pages(data, f.name), "raw": [], "ours": [], "clean": []})
    totals: dict[str, list[float]] = {"raw": [], "ours": [], "clean": []}
    for rep in range(repeat):
        spent = {"raw": 0.0, "ours": 0.0, "clean": 0.0}
        for row in rows:
            data, extracted = row["data"], row["extracted"]
            runs = {"raw": lambda d=data: raw_pdfium(d), "ours": lambda d=data: pdf_sections(d),
                    "clean": lambda e=extracted: sections_from_pages(e)}
            order = ["raw", "ours", "clean"] if rep % 2 == 0 else ["ours", "raw", "clean"]
            for kind in order:
                gc.collect()
                t = timed(runs[kind])
                row[kind].append(t)
                spent[kind] += t
        for kind, t in spent.items():
            totals[kind].append(t)

    print(f"PDF: {len(rows)} files, {repeat} interleaved runs each, medians; ratio = ours time / raw time "
          f"(aim <= {AIM})")
    head = f"{'file':<20} {'pages':>5} {'raw pages/s':>11} {'ours pages/s':>12} {'ratio':>6} " \
           f"{'cleaning':>9} {'sections':>8} {'chars':>7}  sha256"
    print(head)
    print("-" * len(head))
    for row in rows:
        raw, ours, clean = (statistics.median(row[k]) for k in ("raw", "ours", "clean"))
        print(f"{row['file']:<20} {row['pages']:>5} {row['pages'] / raw:>11.0f} {row['pages'] / ours:>12.0f} "
              f"{ours / raw:>6.3f} {clean * 1000:>6.1f} ms {row['sections']:>8} {row['chars']:>7}  {row['sha']}")
    pages = sum(row["pages"] for row in rows)
    raw, ours, clean = (statistics.median(totals[k]) for k in ("raw", "ours", "clean"))
    verdict = "met" if ours / raw <= AIM else "NOT met"
    print(f"{'all (sum per run)':<20} {pages:>5} {pages / raw:>11.0f} {pages / ours:>12.0f} {ours / raw:>6.3f} "
          f"{clean * 1000:>6.1f} ms  (aim <= {AIM}: {verdict}; cleaning = {clean / raw:.0%} of raw time)")
    if repeat > 1:
        print("ratios per run: " + ", ".join(f"{o / r:.3f}" for o, r in zip(totals["ours"], totals["raw"])))
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            for row in rows:
                sections_from_pages(row["extracted"])
        profiler.disable()
        print("\ncProfile of sections_from_pages (10 runs over every file), by own time:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


# -- HTML -----------------------------------------------------------------------------------------

_WORDS = ("model attention layer token sparse expert router training loss gradient batch sequence "
          "encoder decoder benchmark baseline accuracy latency memory throughput dataset corpus "
          "parameter optimizer schedule warmup scaling inference evaluation ablation variance "
          "embedding projection residual normalization dropout convergence objective").split()
_MATH = [("x^{2}", "<msup><mi>x</mi><mn>2</mn></msup>"),
         (r"\alpha", "<mi>α</mi>"),
         (r"\mathcal{O}(n\log n)", ("<mrow><mi class=\"ltx_font_mathcaligraphic\">𝒪</mi><mo stretchy=\"false\">"
          "(</mo><mrow><mi>n</mi><mo lspace=\"0.167em\">⁢</mo><mrow><mi>log</mi><mo lspace=\"0.167em\">⁡</mo>"
          "<mi>n</mi></mrow></mrow><mo stretchy=\"false\">)</mo></mrow>")),
         (r"d_{\text{model}}=512", ("<mrow><msub><mi>d</mi><mtext>model</mtext></msub><mo>=</mo><mn>512</mn>"
          "</mrow>")),
         (r"\frac{QK^{\top}}{\sqrt{d_{k}}}", ("<mfrac><mrow><mi>Q</mi><mo>⁢</mo><msup><mi>K</mi><mo>⊤</mo>"
          "</msup></mrow><msqrt><msub><mi>d</mi><mi>k</mi></msub></msqrt></mfrac>"))]
_SECTION_TITLES = ["Introduction", "Related Work", "Background", "Method", "Model Architecture", "Training",
                   "Experimental Setup", "Results", "Ablations", "Analysis", "Discussion", "Limitations",
                   "Conclusion", "Scaling Behaviour", "Efficiency", "Data"]


class _Page:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.n_math = 0

    def sentence(self) -> str:
        words = [self.rng.choice(_WORDS) for _ in range(self.rng.randint(8, 18))]
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def math(self, where: str, display: bool = False) -> str:
        tex, mathml = self.rng.choice(_MATH)
        self.n_math += 1
        tex_attr = tex.replace("&", "&amp;").replace('"', "&quot;")
        return (f'<math id="{where}.m{self.n_math}" class="ltx_Math" alttext="{tex_attr}" '
                f'display="{"block" if display else "inline"}"><semantics>{mathml}'
                f'<annotation encoding="application/x-tex">{tex}</annotation></semantics></math>')

    def para(self, where: str) -> str:
        parts = []
        for _ in range(self.rng.randint(4, 7)):
            s = self.sentence()
            if self.rng.random() < 0.5:
                s = s[:-1] + " with " + self.math(where) + "."
            if self.rng.random() < 0.3:
                s += f' See <a href="#bib.bib{self.rng.randint(1, 100)}" class="ltx_ref">' \
                     f'[{self.rng.randint(1, 100)}]</a>.'
            parts.append(s)
        body = " ".join(parts)
        if self.rng.random() < 0.25:  # a display equation, as LaTeXML writes it, inside the paragraph
            body += (f'<table id="{where}.E1" class="ltx_equation ltx_eqn_table"><tbody><tr class="ltx_equation '
                     f'ltx_eqn_row ltx_align_baseline"><td class="ltx_eqn_cell ltx_align_center">'
                     f'{self.math(where, display=True)}</td><td class="ltx_eqn_cell ltx_eqn_eqno '
                     f'ltx_align_middle ltx_align_right" rowspan="1"><span class="ltx_tag ltx_tag_equation '
                     f'ltx_align_right">(1)</span></td></tr></tbody></table>')
        return f'<div id="{where}" class="ltx_para"><p class="ltx_p">{body}</p></div>\n'

    def figure(self, where: str, n: int) -> str:
        return (f'<figure id="{where}.F{n}" class="ltx_figure"><img src="x{n}.png" id="{where}.F{n}.g1" '
                f'class="ltx_graphics ltx_centering ltx_img_landscape" width="598" height="300" alt="">'
                f'<figcaption class="ltx_caption ltx_centering"><span class="ltx_tag ltx_tag_figure">'
                f'Figure {n}: </span>{self.sentence()} {self.sentence()}</figcaption></figure>\n')

    def table(self, where: str, n: int) -> str:
        rows = "".join(
            "<tr class=\"ltx_tr\">" + "".join(
                f'<td class="ltx_td ltx_align_center ltx_border_r">{self.rng.uniform(0, 100):.1f}</td>'
                for _ in range(5)) + "</tr>"
            for _ in range(6))
        return (f'<figure id="{where}.T{n}" class="ltx_table"><figcaption class="ltx_caption ltx_centering">'
                f'<span class="ltx_tag ltx_tag_table">Table {n}: </span>{self.sentence()}</figcaption>'
                f'<table id="{where}.T{n}.1" class="ltx_tabular ltx_centering ltx_align_middle"><tbody '
                f'class="ltx_tbody">{rows}</tbody></table></figure>\n')


def arxiv_html(sections: int = 40, bib: int = 100, seed: int = 1) -> str:
    """An invented page shaped like arXiv's LaTeXML rendering (ar5iv / arxiv.org/html)."""
    p = _Page(random.Random(seed))
    out = [('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
           '<title>Invented Paper: Sparse Routers at Scale</title>\n'
           '<link rel="stylesheet" href="https://arxiv.org/static/browse/0.3.4/css/ar5iv.0.7.9.min.css">\n'
           '<script>window.MathJax = {tex: {inlineMath: [["$", "$"]]}};</script>\n'
           '<style>.ltx_page_main { margin: 0 auto; }</style>\n</head>\n<body>\n'
           '<nav class="ltx_page_navbar"><a href="#S1">1 Introduction</a></nav>\n'
           '<div class="ltx_page_main">\n<div class="ltx_page_content">\n'
           '<div class="package-alerts ltx_document" role="status">Conversion report</div>\n'
           '<article class="ltx_document ltx_authors_1line">\n'
           '<h1 class="ltx_title ltx_title_document">Invented Paper: Sparse Routers at Scale</h1>\n'
           '<div class="ltx_authors"><span class="ltx_creator ltx_role_author"><span class="ltx_personname">'
           'Ada Example, Bo Sample</span><span class="ltx_author_notes">Example University</span></span></div>\n'
           '<div class="ltx_dates">(Dated: 15 January 2025)</div>\n'
           '<div class="ltx_abstract"><h6 class="ltx_title ltx_title_abstract">Abstract</h6>'
           f'<p class="ltx_p">{" ".join(p.sentence() for _ in range(8))}</p></div>\n')]
    fig = tab = 0
    for s in range(1, sections + 1):
        title = _SECTION_TITLES[(s - 1) % len(_SECTION_TITLES)]
        out.append(f'<section id="S{s}" class="ltx_section">\n<h2 class="ltx_title ltx_title_section">'
                   f'<span class="ltx_tag ltx_tag_section">{s} </span>{title}</h2>\n')
        out.extend(p.para(f"S{s}.p{i}") for i in range(1, 3))
        for ss in range(1, 3):
            out.append(f'<section id="S{s}.SS{ss}" class="ltx_subsection">\n<h3 class="ltx_title '
                       f'ltx_title_subsection"><span class="ltx_tag ltx_tag_subsection">{s}.{ss} </span>'
                       f'{p.sentence()[:-1]}</h3>\n')
            out.extend(p.para(f"S{s}.SS{ss}.p{i}") for i in range(1, 4))
            if ss == 1:
                fig += 1
                out.append(p.figure(f"S{s}", fig))
            else:
                tab += 1
                out.append(p.table(f"S{s}", tab))
            out.append("</section>\n")
        out.append("</section>\n")
    for a in "AB":
        out.append(f'<section id="A{a}" class="ltx_appendix">\n<h2 class="ltx_title ltx_title_appendix">'
                   f'<span class="ltx_tag ltx_tag_appendix">Appendix {a} </span>Additional results</h2>\n')
        out.extend(p.para(f"A{a}.p{i}") for i in range(1, 4))
        out.append("</section>\n")
    out.append('<section id="bib" class="ltx_bibliography">\n<h2 class="ltx_title ltx_title_bibliography">'
               'References</h2>\n<ul class="ltx_biblist">\n')
    for b in range(1, bib + 1):
        out.append(f'<li id="bib.bib{b}" class="ltx_bibitem"><span class="ltx_tag ltx_role_refnum '
                   f'ltx_tag_bibitem">[{b}]</span><span class="ltx_bibblock">A. Author{b}, B. Writer. </span>'
                   f'<span class="ltx_bibblock">BIBENTRY {p.sentence()[:-1]}. </span><span class="ltx_bibblock">'
                   f'<em class="ltx_emph ltx_font_italic">Proceedings of the Invented Conference</em>, '
                   f'{2000 + b % 25}.</span></li>\n')
    out.append('</ul>\n</section>\n</article>\n</div>\n<footer class="ltx_page_footer"><div class="ltx_page_logo">'
               'Generated by LaTeXML</div></footer>\n</div>\n</body>\n</html>\n')
    return "".join(out)


def raw_selectolax(html: str) -> str:
    """The baseline: parse the page and take the body's text, nothing else."""
    return LexborHTMLParser(html).body.text()


def bench_html(n_sections: int, bib: int, repeat: int, profile: bool) -> None:
    html = arxiv_html(n_sections, bib)
    mb = len(html.encode()) / 1e6
    sections = html_sections(html)  # warm-up, and a check that the page is read as arXiv's would be
    text = render_sections(sections)
    expected = 1 + n_sections + 2 + 1  # abstract, sections, appendices, captions
    if len(sections) != expected or "BIBENTRY" in text or r"\frac{QK^{\top}}{\sqrt{d_{k}}}" not in text:
        raise SystemExit(f"the invented page was not read as expected: {len(sections)} sections "
                         f"(expected {expected}), bibliography left out: {'BIBENTRY' not in text}")
    raw_selectolax(html)
    times: dict[str, list[float]] = {"raw": [], "ours": [], "scan": []}
    runs = {"raw": lambda: raw_selectolax(html), "ours": lambda: html_sections(html),
            "scan": lambda: nesting_depth(html, MAX_DEPTH)}
    for rep in range(repeat):
        for kind in (["raw", "ours", "scan"] if rep % 2 == 0 else ["ours", "raw", "scan"]):
            gc.collect()
            times[kind].append(timed(runs[kind]))
    raw, ours, scan = (statistics.median(times[k]) for k in ("raw", "ours", "scan"))
    print(f"\nHTML: invented LaTeXML page, {mb:.2f} MB, {n_sections} sections, {bib} references, "
          f"{html.count('<math ')} math elements; {repeat} interleaved runs, medians")
    print(f"  -> {len(sections)} sections out, {len(text)} characters, "
          f"sha256 {hashlib.sha256(text.encode()).hexdigest()[:12]}")
    print(f"{'':<26} {'time':>9} {'pages/s':>8} {'MB/s':>7}")
    print(f"{'raw selectolax body.text':<26} {raw * 1000:>6.1f} ms {1 / raw:>8.1f} {mb / raw:>7.1f}")
    print(f"{'html_sections':<26} {ours * 1000:>6.1f} ms {1 / ours:>8.1f} {mb / ours:>7.1f}")
    print(f"{'  of which the nesting scan':<26} {scan * 1000:>6.1f} ms")
    print(f"ratio (html_sections time / raw time): {ours / raw:.2f}")
    if repeat > 1:
        print("ratios per run: " + ", ".join(f"{o / r:.2f}" for o, r in zip(times["ours"], times["raw"])))
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            html_sections(html)
        profiler.disable()
        print("\ncProfile of html_sections (10 runs), by own time:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


# -- the limited child ------------------------------------------------------------------------------

def bench_sandbox(files: list[Path], html: str, repeat: int) -> None:
    jobs = [(f.name, "pdf", f.read_bytes()) for f in files] + [("invented arXiv HTML", "html", html.encode())]
    inline = {"pdf": lambda d: pdf_sections(d), "html": lambda d: html_sections(d.decode())}
    print(f"\nSandbox: {repeat} interleaved runs each, medians; ratio = child time / in-process time")
    head = f"{'input':<22} {'in process':>10} {'in the child':>12} {'ratio':>6} {'added':>8}"
    print(head)
    print("-" * len(head))
    for name, kind, data in jobs:
        extract(kind, data, name)  # warm-up: starts the fork server
        times: dict[str, list[float]] = {"inline": [], "child": []}
        for rep in range(repeat):
            runs = {"inline": lambda k=kind, d=data: inline[k](d),
                    "child": lambda k=kind, d=data, n=name: extract(k, d, n)}
            for which in (["inline", "child"] if rep % 2 == 0 else ["child", "inline"]):
                gc.collect()
                times[which].append(timed(runs[which]))
        a, b = statistics.median(times["inline"]), statistics.median(times["child"])
        print(f"{name:<22} {a * 1000:>7.1f} ms {b * 1000:>9.1f} ms {b / a:>6.2f} {(b - a) * 1000:>5.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=9, help="interleaved runs of each; the median is reported")
    ap.add_argument("--pdf", type=Path, nargs="+", action="extend", default=[], metavar="PATH",
                    help=f"more PDFs to measure, besides {REAL_PDFS}")
    ap.add_argument("--sections", type=int, default=40, help="sections in the invented HTML page")
    ap.add_argument("--bib", type=int, default=100, help="bibliography entries in the invented HTML page")
    ap.add_argument("--profile", action="store_true", help="cProfile the cleaning and html_sections afterwards")
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("--no-html", action="store_true")
    ap.add_argument("--no-sandbox", action="store_true", help="skip the limited-child measurement")
    ap.add_argument("--malloc-trim", action="store_true",
                    help="leave glibc's heap trimming as it is (shows its page faults in the HTML part)")
    args = ap.parse_args()

    heap = "malloc defaults (--malloc-trim)" if args.malloc_trim else keep_heap()
    print(f"Python {sys.version.split()[0]}, pypdfium2 {pdfium.PYPDFIUM_INFO} (PDFium {pdfium.PDFIUM_INFO}), "
          f"selectolax {__import__('selectolax').__version__}; {heap}")
    if not args.no_pdf:
        files = sorted(REAL_PDFS.glob("*.pdf")) if REAL_PDFS.is_dir() else []
        if not files:
            msg = f"no real PDFs at {REAL_PDFS} (the shared data folder next to the project)"
            if not args.pdf:
                raise SystemExit(f"{msg}; give some with --pdf PATH ..., or skip this part with --no-pdf")
            print(f"note: {msg}; measuring only the --pdf files")
        missing = [str(p) for p in args.pdf if not p.is_file()]
        if missing:
            raise SystemExit(f"--pdf: no such file: {', '.join(missing)}")
        bench_pdf(files + args.pdf, args.repeat, args.profile)
    if not args.no_html:
        bench_html(args.sections, args.bib, args.repeat, args.profile)
    if not args.no_sandbox:
        files = sorted(REAL_PDFS.glob("*.pdf")) if REAL_PDFS.is_dir() and not args.no_pdf else []
        bench_sandbox(files + args.pdf, arxiv_html(args.sections, args.bib), args.repeat)


if __name__ == "__main__":
    main()
