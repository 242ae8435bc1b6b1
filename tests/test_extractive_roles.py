"""The offline summarizer puts each abstract sentence where its role belongs: the idea under What's
New, the method under Technical Details, results under Performance Highlights. Measured on 160 real
abstracts whose sentences were labelled by role by hand (tests/data/abstract_roles.jsonl, texts read
from ../shared/data/real/; skipped when absent), and shown on invented abstracts."""

from __future__ import annotations

import pytest

from dailypapers.models import Paper, PaperText
from dailypapers.summarize.backends import Job
from dailypapers.summarize.backends.extractive import ExtractiveSummarizer, pick_sections, roles, sentences
from tests.quality_sets import extractive_figures, role_set

WN, TD, PH = "What's New", "Technical Details", "Performance Highlights"

ABSTRACT = ("Large language models are increasingly used to grade student essays. However, existing graders "
            "ignore the rubric and drift across prompts. We propose RubricLM, a grader that reads the rubric "
            "before every essay. RubricLM first extracts the criteria of the rubric and then scores each "
            "criterion with a separate head. On the ASAP benchmark, RubricLM reaches a quadratic weighted "
            "kappa of 0.81, outperforming GPT-4 by 6 points. Code is available at https://example.org/rubric.")


def test_each_sentence_goes_where_its_role_belongs() -> None:
    pool = sentences(ABSTRACT)
    assert roles(pool) == ["background", "background", "idea", "method", "result", "other"]
    picked = pick_sections(ABSTRACT)
    assert picked[WN] == [pool[1], pool[2]]  # the problem, then the idea
    assert picked[TD] == [pool[3]]
    assert picked[PH] == [pool[4]]


def test_no_result_no_performance_highlights_and_no_motivation_as_method() -> None:
    abstract = ("Evaluation of code agents is costly. Existing benchmarks are small and leak into training data. "
                "This position paper argues that agent benchmarks should be regenerated every month. We describe "
                "a process that draws new tasks from recent repositories and checks them by hand.")
    picked = pick_sections(abstract)
    assert PH not in picked
    assert all("costly" not in s and "Existing" not in s for s in picked[TD])


def test_the_backend_writes_the_sections_it_picked() -> None:
    paper = Paper("2501.00001", "RubricLM", abstract=ABSTRACT)
    draft = ExtractiveSummarizer().summarize(Job(paper, PaperText(paper.id, "abstract", ABSTRACT), "en"))
    assert [s.label for s in draft.sections] == [WN, TD, PH]
    assert "0.81" in draft.sections[2].text and "RubricLM first extracts" in draft.sections[1].text


ROWS = role_set()


@pytest.mark.skipif(ROWS is None, reason="the real abstracts are not present (../shared/data/real/)")
def test_on_real_abstracts_labelled_by_role() -> None:
    assert ROWS is not None and len(ROWS) == 160
    f = extractive_figures(ROWS)
    assert f["wn"] == f["td"] == 160  # every abstract gets What's New and Technical Details
    assert f["ph_result_share"] >= 0.9, f  # before: 0.70 (0.54 of the sentences)
    assert f["td_background_share"] <= 0.03, f  # before: 0.47
    assert f["wn_idea_share"] >= 0.9, f
