"""The quality checks against a corpus of invented papers and summaries (tests/check_corpus.py):
every bad summary is caught by the rule it breaks, with the expected severity, and by no rule
it does not break; the good summaries raise at most one finding in all (aim: none)."""

from __future__ import annotations

import pytest

from dailypapers.checks import Finding, check_summary
from tests.check_corpus import BAD, GOOD, Case

LANGS = {"ko", "ja", "en"}


def findings(case: Case) -> list[Finding]:
    return check_summary(case.sections, case.paper.abstract, case.lang, case.paper.title)


def test_corpus_sizes() -> None:
    assert len(BAD) >= 60
    assert len(GOOD) >= 30
    assert {c.lang for c in BAD} >= LANGS and {c.lang for c in GOOD} >= LANGS
    assert len({c.name for c in BAD + GOOD}) == len(BAD) + len(GOOD)
    rules = {c.rule for c in BAD}
    assert rules == {"shape", "language", "numbers", "terms", "links", "names", "injection", "off-topic"}


@pytest.mark.parametrize("case", BAD, ids=lambda c: c.name)
def test_bad_summary_is_caught_by_its_rule(case: Case) -> None:
    found = findings(case)
    hits = [f for f in found if f.rule == case.rule]
    assert hits, f"{case.name}: no {case.rule} finding; got {[f.reason for f in found]}"
    assert any(f.severity == case.severity for f in hits), [f.as_dict() for f in hits]
    others = [f for f in found if f.rule != case.rule and f.rule not in case.also]
    assert not others, f"{case.name}: unexpected findings {[f.reason for f in others]}"
    for f in hits:
        assert f.reason and (f.section is None or f.reason.startswith(f.section))


def test_good_summaries_have_at_most_one_finding_in_all() -> None:
    found = [(case.name, f.reason) for case in GOOD for f in findings(case)]
    assert len(found) <= 1, found


@pytest.mark.parametrize("case", GOOD, ids=lambda c: c.name)
def test_good_summary_has_no_hard_finding(case: Case) -> None:
    assert [f.reason for f in findings(case) if f.severity == "hard"] == []
