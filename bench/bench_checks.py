"""Cost of the quality checks per summary, against rendering the same summary to Markdown.

For every summary of the test corpus (tests/check_corpus.py: good and bad, Korean, Japanese,
Chinese and English, abstract-sized sources), the script times `check_summary` and
`render.markdown.render` of a Digest holding that one entry, and prints the medians and their
ratio. Checks are timed cold (the per-source caches cleared before each call, so the source is
read every time: the cost of a paper's first check) and warm (the same source checked again, as
in a repair loop). A second run does the same against a full-text-sized source (the abstract
followed by filler paper text up to `--fulltext-chars`, 64,000 by default: about the 16,000
tokens a summary may read).

    .venv/bin/python bench/bench_checks.py [--repeat 5] [--fulltext-chars 64000] [--profile]

Baseline in the same command: rendering. The checks must not be the slow part of a run: the
numbers to compare them with are also the LLM's seconds per summary (printed for scale).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.check_corpus
sys.path.insert(1, str(ROOT / "src"))

from dailypapers.checks import _text, check_summary, injection, links, numbers, terms  # noqa: E402
from dailypapers.models import Digest, DigestEntry, Paper, Summary, SummaryKey  # noqa: E402
from dailypapers.render.markdown import render  # noqa: E402
from tests.check_corpus import BAD, GOOD, PAPERS, Case  # noqa: E402

_CACHES = (numbers.source_figures, terms.source_terms, links.source_names, links._bare_source,
           injection.analyze_source, _text.nfkc)


def clear_caches() -> None:
    for cached in _CACHES:
        cached.cache_clear()


def digest_of(case: Case) -> Digest:
    paper = Paper("2503.01234", case.paper.title, ["Mina Park", "Jonas Weber", "Li Wei"],
                  abstract=case.paper.abstract, version=1,
                  thumbnail="https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2503.01234.png")
    key = SummaryKey(paper.id, 1, "abstract", case.lang, "bench", "v1")
    return Digest("2025-03-14", case.lang, [DigestEntry(paper, 27, Summary(key, case.sections))])


def median_ns(fn: Callable[[], object], repeat: int, before: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        t0 = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t0)
    return statistics.median(times)


def filler(chars: int) -> str:
    """Paper-like text (the corpus abstracts, numbered like sections) up to `chars` characters."""
    parts, n, i = [], 0, 0
    while n < chars:
        p = PAPERS[i % len(PAPERS)]
        part = f"Section {i + 1}. {p.abstract} "
        parts.append(part)
        n += len(part)
        i += 1
    return "".join(parts)[:chars]


def run(cases: list[Case], repeat: int, extra_source: str = "") -> dict[str, float]:
    cold, warm, rend = [], [], []
    for case in cases:
        source = case.paper.abstract + (" " + extra_source if extra_source else "")

        def check(case: Case = case, source: str = source) -> object:
            return check_summary(case.sections, source, case.lang, case.paper.title)

        digest = digest_of(case)
        cold.append(median_ns(check, repeat, before=clear_caches))
        check()
        warm.append(median_ns(check, repeat))
        rend.append(median_ns(lambda digest=digest: render(digest), repeat))
    return {"cold": statistics.median(cold), "warm": statistics.median(warm),
            "render": statistics.median(rend), "cold_mean": statistics.fmean(cold),
            "cold_max": max(cold), "render_mean": statistics.fmean(rend)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="timings per summary; the median is kept")
    ap.add_argument("--fulltext-chars", type=int, default=64000)
    ap.add_argument("--profile", action="store_true", help="cProfile the cold checks of the corpus")
    args = ap.parse_args()
    cases = GOOD + BAD
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for case in cases:
            clear_caches()
            check_summary(case.sections, case.paper.abstract, case.lang, case.paper.title)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(20)
    print(f"summaries={len(cases)} ({len(GOOD)} good, {len(BAD)} bad) repeat={args.repeat} "
          f"python={sys.version.split()[0]}")
    for label, extra in (("abstract", ""), (f"full text ({args.fulltext_chars:,} chars)",
                                            filler(args.fulltext_chars))):
        r = run(cases, args.repeat, extra)
        print(f"\nsource: {label}")
        print(f"  render (baseline)  median {r['render'] / 1e3:8.1f} µs  (mean {r['render_mean'] / 1e3:.1f})")
        print(f"  checks, cold       median {r['cold'] / 1e3:8.1f} µs  (mean {r['cold_mean'] / 1e3:.1f}, "
              f"max {r['cold_max'] / 1e3:.1f})  ratio to render {r['cold'] / r['render']:.1f}")
        print(f"  checks, warm       median {r['warm'] / 1e3:8.1f} µs  ratio to render {r['warm'] / r['render']:.1f}")
        print(f"  checks per second  {1e9 / r['cold']:,.0f} cold; an LLM answer takes 2-30 s, so checks are "
              f"{r['cold'] / 2e9:.1e} of the fastest")


if __name__ == "__main__":
    main()
