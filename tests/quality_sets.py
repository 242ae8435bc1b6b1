"""The labelled quality sets (tests/data/) joined with the real texts they label, read from
../shared/data/real/ (None when that folder is absent), and the measurements made on them. Shared by
the tests and by bench/quality.py, which prints the figures of docs/quality.md."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dailypapers.checks.run import check_summary
from dailypapers.checks.topic import RULE as OFF_TOPIC
from dailypapers.models import HARD, Finding, Section
from dailypapers.render import markdown

DATA = Path(__file__).resolve().parent / "data"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
ARCHIVE = REAL / "archive"


@dataclass(frozen=True)
class Labelled:
    date: str
    id: str
    label: str  # genuine, wrong, unsure
    title: str
    abstract: str
    sections: list[Section]


def archive_set() -> list[Labelled] | None:
    """Every labelled archive summary with its paper's title and abstract, or None without the data."""
    pages, answers = ARCHIVE / "daily_papers_ko", ARCHIVE / "hf_daily_papers"
    if not pages.is_dir() or not answers.is_dir():
        return None
    labels = [json.loads(line) for line in (DATA / "archive_wrong_paper_labels.jsonl").read_text().splitlines()]
    out: list[Labelled] = []
    for date in sorted({r["date"] for r in labels}):
        papers = {it["paper"]["id"]: it["paper"] for it in json.loads((answers / f"{date}.json").read_text("utf-8"))}
        parsed = markdown.parse((pages / f"{date}.md").read_text("utf-8"), f"{date}.md")
        summaries = {p.id: p.sections for d in parsed.days for p in d.papers}
        for r in (r for r in labels if r["date"] == date):
            p = papers[r["id"]]
            out.append(Labelled(date, r["id"], r["label"], " ".join(p["title"].split()), " ".join(p["summary"].split()),
                                summaries[r["id"]]))
    return out


_CHECKED: dict[tuple[str, str, str, str, bool], tuple[Finding, ...]] = {}


def checked(summary: Labelled, paper: Labelled, complete: bool) -> tuple[Finding, ...]:
    """The findings of `summary` checked against the abstract of `paper`. The checks are a pure
    function of the texts, and several measurements check the same pairs, so each pair is checked
    once per process."""
    key = (summary.date, summary.id, paper.date, paper.id, complete)
    if key not in _CHECKED:
        _CHECKED[key] = tuple(check_summary(summary.sections, paper.abstract, "ko", paper.title, complete=complete))
    return _CHECKED[key]


def hard_rules(summary: Labelled, paper: Labelled | None = None, complete: bool = False) -> set[str]:
    """The rules with a hard finding on `summary` checked against the abstract of `paper` (its own by
    default). The archive's summaries were made from the papers' PDFs, so the abstract is only part
    of what they read (`complete=False`, as `dailypapers check` treats an imported summary)."""
    return {f.rule for f in checked(summary, paper or summary, complete) if f.severity == HARD}


def wrong_paper_figures(items: list[Labelled]) -> dict[str, Any]:
    """Of the labelled wrong-paper summaries, the share with a hard finding (and an off-topic one);
    of the genuine ones, the same shares."""
    out: dict[str, Any] = {}
    for label in ("wrong", "genuine"):
        group = [i for i in items if i.label == label]
        rules = [hard_rules(i) for i in group]
        out[label] = {"n": len(group), "hard": sum(bool(r) for r in rules),
                      "off_topic": sum(OFF_TOPIC in r for r in rules),
                      "by_rule": dict(Counter(rule for r in rules for rule in r))}
    return out


def other_paper_pairs(items: list[Labelled], seed: int = 5) -> dict[str, list[tuple[Labelled, Labelled]]]:
    """Genuine summaries put under another paper: the next paper of the same day (often a neighbour
    in topic) and a paper drawn at random from another day."""
    genuine = [i for i in items if i.label == "genuine"]
    by_day: dict[str, list[Labelled]] = defaultdict(list)
    for i in genuine:
        by_day[i.date].append(i)
    same_day = [(i, day[(n + 1) % len(day)]) for day in by_day.values() if len(day) > 1 for n, i in enumerate(day)]
    rng = random.Random(seed)
    other_day = []
    for i in genuine:
        j = rng.choice(genuine)
        while j.date == i.date:
            j = rng.choice(genuine)
        other_day.append((i, j))
    return {"same_day": same_day, "other_day": other_day}


def soft_rates(items: list[Labelled], complete: bool) -> dict[str, float]:
    """Soft findings per genuine summary, by rule, against the abstract."""
    genuine = [i for i in items if i.label == "genuine"]
    counts: Counter[str] = Counter()
    for i in genuine:
        for f in checked(i, i, complete):
            if f.severity != HARD:
                counts[f.rule] += 1
    return {rule: counts[rule] / len(genuine) for rule in sorted(counts)}


# -- sentence roles of abstracts --------------------------------------------------------------------

def sentence_key(sentence: str) -> str:
    return hashlib.sha1(" ".join(sentence.split()).encode("utf-8")).hexdigest()[:10]


def role_set() -> list[tuple[dict[str, Any], dict[str, str]]] | None:
    """(paper as Hugging Face gives it, sentence key -> role) for every labelled abstract."""
    if not REAL.is_dir():
        return None
    out = []
    cache: dict[str, dict[str, Any]] = {}
    for line in (DATA / "abstract_roles.jsonl").read_text().splitlines():
        row = json.loads(line)
        path = REAL / row["file"]
        if not path.is_file():
            return None
        if row["file"] not in cache:
            cache[row["file"]] = {it["paper"]["id"]: it["paper"] for it in json.loads(path.read_text("utf-8"))}
        out.append((cache[row["file"]][row["id"]], dict(row["sentences"])))
    return out


def extractive_figures(rows: list[tuple[dict[str, Any], dict[str, str]]]) -> dict[str, float]:
    """How the extractive summarizer places sentences, judged by the labelled roles."""
    from dailypapers.models import SECTION_LABELS
    from dailypapers.summarize.backends.extractive import pick_sections

    wn, td, ph = SECTION_LABELS
    n = {"papers": 0, "wn": 0, "wn_idea": 0, "td": 0, "td_background": 0, "ph": 0, "ph_result": 0,
         "ph_sentences": 0, "ph_result_sentences": 0, "td_sentences": 0, "td_method_sentences": 0}
    for paper, roles in rows:
        picked = pick_sections(paper["summary"])
        n["papers"] += 1
        role = lambda s, roles=roles: roles.get(sentence_key(s))
        if picked.get(wn):
            n["wn"] += 1
            n["wn_idea"] += any(role(s) == "idea" for s in picked[wn])
        if picked.get(td):
            n["td"] += 1
            n["td_background"] += any(role(s) == "background" for s in picked[td])
            n["td_sentences"] += len(picked[td])
            n["td_method_sentences"] += sum(role(s) == "method" for s in picked[td])
        if picked.get(ph):
            n["ph"] += 1
            n["ph_result"] += any(role(s) == "result" for s in picked[ph])
            n["ph_sentences"] += len(picked[ph])
            n["ph_result_sentences"] += sum(role(s) == "result" for s in picked[ph])
    return {**n,
            "wn_idea_share": n["wn_idea"] / max(n["wn"], 1),
            "td_background_share": n["td_background"] / max(n["td"], 1),
            "td_method_sentence_share": n["td_method_sentences"] / max(n["td_sentences"], 1),
            "ph_result_share": n["ph_result"] / max(n["ph"], 1),
            "ph_result_sentence_share": n["ph_result_sentences"] / max(n["ph_sentences"], 1)}
