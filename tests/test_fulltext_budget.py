"""The token budget: what of a paper a summary reads (dailypapers.fulltext.budget.select).

Priority: abstract, introduction, conclusion, experiments and results (with the captions), method,
the rest, the appendix; the kept sections come back in document order; a larger budget never keeps
less of any section; the same input gives the same output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dailypapers.fulltext.budget import estimate_tokens, select
from dailypapers.fulltext.sections import kind_of
from dailypapers.models import TextSection

PDF_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real" / "arxiv" / "pdf"


def _text(topic: str, n: int) -> str:
    return " ".join(f"Sentence {i} is about the {topic} of the paper." for i in range(n))


# Document order; the priority they must be taken in is given by `rank`.
PAPER = [
    TextSection("Front matter", "Tidal Adapters. Ines Okafor, Lakeshore Institute.", "other"),
    TextSection("Abstract", _text("abstract", 6), "abstract"),
    TextSection("1 Introduction", _text("introduction", 12), "introduction"),
    TextSection("2 Related Work", _text("related work", 10), "other"),
    TextSection("3 Method", _text("method", 20), "method"),
    TextSection("3.1 Gating", _text("gating", 8), "method"),
    TextSection("4 Experiments", _text("experiments", 15), "results"),
    TextSection("4.1 Ablations", _text("ablations", 6), "results"),
    TextSection("5 Conclusion", _text("conclusion", 12), "conclusion"),
    TextSection("A Hyperparameters", _text("hyperparameters", 9), "appendix"),
    TextSection("Figure and table captions", "Table 1: Lag and BLEU. Figure 1: The adapter.", "captions"),
]
PRIORITY_ORDER = ["Abstract", "1 Introduction", "5 Conclusion", "4 Experiments", "4.1 Ablations",
                  "Figure and table captions", "3 Method", "3.1 Gating", "Front matter", "2 Related Work",
                  "A Hyperparameters"]


def cost(s: TextSection) -> int:
    return estimate_tokens(s.title) + estimate_tokens(s.text)


def _by_title(sections: list[TextSection]) -> dict[str, TextSection]:
    return {s.title: s for s in sections}


def test_sections_are_taken_by_priority() -> None:
    by_title = _by_title(PAPER)
    budget = 0
    for n, title in enumerate(PRIORITY_ORDER, 1):
        budget += cost(by_title[title])
        kept, omitted = select(PAPER, budget)
        assert {s.title for s in kept} == set(PRIORITY_ORDER[:n]), (title, budget)
        assert all(s == by_title[s.title] for s in kept)  # whole, not cut
        assert set(omitted) == set(PRIORITY_ORDER[n:])


def test_kept_sections_come_back_in_document_order() -> None:
    position = {s.title: i for i, s in enumerate(PAPER)}
    for budget in (50, 200, 400, 800, 1200, 100_000):
        kept, omitted = select(PAPER, budget)
        assert [position[s.title] for s in kept] == sorted(position[s.title] for s in kept)
        assert omitted == [s.title for s in PAPER if s.title not in {k.title for k in kept}]
    everything, omitted = select(PAPER, 100_000)
    assert everything == PAPER and omitted == []


def test_the_section_that_does_not_fit_is_cut_at_a_sentence_and_nothing_after_it_is_taken() -> None:
    by_title = _by_title(PAPER)
    budget = cost(by_title["Abstract"]) + cost(by_title["1 Introduction"]) + cost(by_title["5 Conclusion"]) // 2
    kept, omitted = select(PAPER, budget)
    assert [s.title for s in kept] == ["Abstract", "1 Introduction", "5 Conclusion"]
    part = kept[-1].text
    assert part != by_title["5 Conclusion"].text
    assert by_title["5 Conclusion"].text.startswith(part) and part.endswith(".")
    assert "5 Conclusion" not in omitted and "4 Experiments" in omitted
    # A smaller section of lower priority that would fit is not taken instead.
    assert all(s.kind in ("abstract", "introduction", "conclusion") for s in kept)
    assert sum(cost(s) for s in kept) <= budget


def test_a_tiny_budget_keeps_the_start_of_the_abstract_or_nothing() -> None:
    kept, _ = select(PAPER, 10)
    assert kept == []
    kept, _ = select(PAPER, 60)
    assert [s.title for s in kept] == ["Abstract"] and PAPER[1].text.startswith(kept[0].text)


def test_kinds_are_named_by_their_headings() -> None:
    assert [kind_of(t) for t in ("1 Introduction", "2 Background and Motivation", "7 Conclusions",
                                 "6 Discussion and Limitations", "4 Experiments", "5.2 Results on GLUE",
                                 "4.3 Ablation Study", "3 Method", "3.1 Model Architecture",
                                 "2 Related Work", "Acknowledgements")] == [
        "introduction", "introduction", "conclusion", "conclusion", "results", "results", "results",
        "method", "method", "other", "other"]


def _monotone(sections: list[TextSection], budgets: range) -> None:
    before: dict[int, str] | None = None
    for budget in budgets:
        kept, omitted = select(sections, budget)
        assert sum(cost(s) for s in kept) <= budget
        assert len(omitted) == len(sections) - len(kept)
        index = {}
        start = 0
        for s in kept:  # which section each kept one is: kept ones come back in document order
            i = next(j for j in range(start, len(sections)) if sections[j].title == s.title)
            assert sections[i].text.startswith(s.text)
            index[i] = s.text
            start = i + 1
        if before is not None:
            assert set(before) <= set(index), f"budget {budget} dropped {set(before) - set(index)}"
            for i, text in before.items():
                assert len(index[i]) >= len(text) and index[i].startswith(text), (budget, sections[i].title)
        before = index


def test_a_larger_budget_never_keeps_less_synthetic() -> None:
    _monotone(PAPER, range(1, 1800, 3))


@pytest.mark.parametrize("pid", ["1706.03762", "1910.02054", "2205.01068"])
def test_a_larger_budget_never_keeps_less_real(pid: str) -> None:
    path = PDF_DIR / f"{pid}.pdf"
    if not path.exists():
        pytest.skip(f"real data not available at {path}")
    from dailypapers.fulltext.pdf import pdf_sections

    sections = pdf_sections(path.read_bytes(), pid)
    _monotone(sections, range(50, 20001, 50))
    # The abstract comes first whatever the budget, once there is room for a sentence of it.
    for budget in (200, 1000, 4000):
        kept, _ = select(sections, budget)
        assert kept[0].kind == "abstract"


def test_the_same_input_gives_the_same_output() -> None:
    for budget in (75, 333, 1000, 5000):
        first = select(list(PAPER), budget)
        second = select([TextSection(s.title, s.text, s.kind) for s in PAPER], budget)
        assert first == second


def test_sections_with_the_same_title_are_told_apart() -> None:
    twice = [TextSection("Abstract", _text("abstract", 3), "abstract"),
             TextSection("Results", _text("first results", 4), "results"),
             TextSection("Results", _text("second results", 4), "results")]
    kept, _ = select(twice, cost(twice[0]) + cost(twice[1]))
    assert [s.text for s in kept] == [twice[0].text, twice[1].text]


def test_estimate_counts_cjk_as_one_token_a_character() -> None:
    assert estimate_tokens("a" * 400) == 101
    assert estimate_tokens("한국어" * 10) == 31
