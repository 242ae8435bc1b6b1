"""Wrong-paper detection on real data: the labelled summaries of a Korean newsletter archive
(tests/data/archive_wrong_paper_labels.jsonl, read with the texts of ../shared/data/real/archive/;
skipped when absent), checked against their papers' abstracts, and genuine summaries put under
another paper. Figures and their meaning are in docs/quality.md."""

from __future__ import annotations

import pytest

from dailypapers.checks.topic import RULE as OFF_TOPIC
from tests.quality_sets import Labelled, archive_set, hard_rules, other_paper_pairs, soft_rates, wrong_paper_figures

ITEMS = archive_set()
if ITEMS is None:
    pytest.skip("the real newsletter archive is not present (../shared/data/real/archive/)", allow_module_level=True)


@pytest.fixture(scope="module")
def items() -> list[Labelled]:
    assert ITEMS is not None
    return ITEMS


def test_the_labelled_set(items: list[Labelled]) -> None:
    labels = [i.label for i in items]
    assert (len(items), labels.count("genuine"), labels.count("wrong"), labels.count("unsure")) == (884, 783, 100, 1)
    assert all(i.sections and i.abstract for i in items)


def test_wrong_paper_summaries_get_a_hard_finding_and_genuine_ones_do_not(items: list[Labelled]) -> None:
    figures = wrong_paper_figures(items)
    wrong, genuine = figures["wrong"], figures["genuine"]
    assert wrong["off_topic"] >= 0.95 * wrong["n"], figures
    assert genuine["off_topic"] <= 0.01 * genuine["n"], figures


def test_a_genuine_summary_under_another_paper_is_off_topic(items: list[Labelled]) -> None:
    """What a pipeline that read the wrong PDF publishes: a faithful summary, of another paper. Checked
    as the pipeline checks (against the text the summary was made from), most are caught, also when
    the other paper is a neighbour of the same day, often on the same topic."""
    pairs = other_paper_pairs(items)
    for kind, wanted in (("other_day", 0.93), ("same_day", 0.93)):
        caught = sum(OFF_TOPIC in hard_rules(summary, paper, complete=True) for summary, paper in pairs[kind])
        assert caught >= wanted * len(pairs[kind]), (kind, caught, len(pairs[kind]))


def test_soft_findings_of_names_and_terms_are_cut(items: list[Labelled]) -> None:
    """Against the abstract alone, genuine summaries of the full text name many things the abstract
    does not; before this work the names and terms rules flagged 3.34 of them per summary."""
    as_read = soft_rates(items, complete=True)
    assert as_read.get("names", 0) + as_read.get("terms", 0) < 3.0, as_read
    imported = soft_rates(items, complete=False)  # how `dailypapers check` reads an imported digest
    assert imported.get("names", 0) + imported.get("terms", 0) <= 1.0, imported
    assert imported.get("numbers", 0) == as_read.get("numbers", 0)  # a figure not in the text stays a finding


# -- the pipeline itself, against a fake LLM that answers with another paper's summary ---------------

def _as_answer(sections: list) -> str:  # type: ignore[type-arg]
    import json

    from dailypapers.models import SECTION_KEYS, SECTION_LABELS

    by_label = {s.label: s.text for s in sections if s.label}
    if not all(label in by_label for label in SECTION_LABELS[:2]):  # an old unlabeled summary
        points = [s.text for s in sections]
        by_label = {SECTION_LABELS[0]: " ".join(points[:2]), SECTION_LABELS[1]: " ".join(points[2:4]),
                    SECTION_LABELS[2]: " ".join(points[4:])}
    return json.dumps({key: by_label.get(label, "") for key, label in zip(SECTION_KEYS, SECTION_LABELS)},
                      ensure_ascii=False)


def test_the_pipeline_fails_every_summary_of_a_wrong_paper(items: list[Labelled], tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Real days (the real Hugging Face answers, on a fake Hugging Face), a fake LLM that answers each
    paper with a wrong paper's summary: the archive's own wrong-paper summary where the paper has one,
    else the genuine summary of the next paper of the day. The pipeline repairs once, then fails the
    paper with the off-topic finding; nothing of it is published."""
    import json

    from dailypapers import pipeline
    from dailypapers.config import Settings
    from dailypapers.http import RetryPolicy
    from dailypapers.store import Store
    from dailypapers.summarize.backends.openai_compat import OpenAICompatModel
    from dailypapers.summarize.llm import ChatSummarizer
    from tests.fakes import FakeHF, FakeLLM, paper_id_of
    from tests.quality_sets import ARCHIVE

    days = ["2024-07-24", "2024-07-29", "2024-07-30", "2024-08-21"]
    answers: dict[str, str] = {}
    for date in days:
        day = [i for i in items if i.date == date and i.label != "unsure"]
        genuine = [i for i in day if i.label == "genuine"]
        for i in day:
            other = genuine[(genuine.index(i) + 1) % len(genuine)] if i.label == "genuine" else i
            answers[i.id] = _as_answer(other.sections)
    raw = {d: json.loads((ARCHIVE / "hf_daily_papers" / f"{d}.json").read_text("utf-8")) for d in days}
    with FakeHF(raw) as hf, FakeLLM(lambda body: answers[paper_id_of(body)]) as llm:
        settings = Settings(home=tmp_path, hf_endpoint=hf.url, text_sources="abstract", concurrency=8,
                            max_consecutive_failures=10_000)
        store = Store.open(settings.db_path)
        backend = ChatSummarizer(OpenAICompatModel("fake/wrong", "wrong", llm.url + "/v1",
                                                   policy=RetryPolicy(retries=0)))
        failed: dict[str, str] = {}
        for date in days:
            pipeline.fetch(store, settings, date)
            report = pipeline.summarize(store, settings, date, "ko", backend)
            failed.update({f.paper_id: f.reason for f in report.failures})
            published = pipeline.render(pipeline.digest(store, date, "ko", "fake/wrong"))
            for pid in failed:
                assert pid not in published
    asked = [i for i in answers if i in failed or store.latest_summary(i, "ko")]
    off_topic = [pid for pid, reason in failed.items() if "off-topic" in reason]
    assert len(asked) == len(answers)
    assert len(off_topic) >= 0.95 * len(answers), (len(off_topic), len(answers))
    requests_per_paper = len(llm.requests) / len(answers)
    assert requests_per_paper <= 2.0  # the answer and one repair, never more for an off-topic one
