"""Use cases that look back: the checks run again on stored summaries (`check`), a comparison
with a reference digest (`eval`), and the run ledger's sums (`stats`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dailypapers import langdetect
from dailypapers.checks.compare import evaluate_paper, overall
from dailypapers.checks.evidence import find_evidence
from dailypapers.checks.run import check_summary
from dailypapers.config import Settings
from dailypapers.errors import ConfigError, FullTextError, SourceError
from dailypapers.fulltext.sections import render_sections
from dailypapers.models import Evidence, Finding, Paper, Summary, TextSection
from dailypapers.pipeline.output import newest_summary
from dailypapers.pipeline.texts import TextReader
from dailypapers.render import markdown
from dailypapers.store import Store
from dailypapers.styles import DEFAULT, SECTIONS, Style, style_of


def stats(store: Store, since: str | None = None) -> list[dict[str, Any]]:
    """Per day and model: runs, papers summarized, tokens, cost and failures (from the runs log)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for run in store.runs():
        args = json.loads(run["args"] or "{}")
        day, model = args.get("date", "?"), args.get("model", "-")
        if since and day < since:
            continue
        row = rows.setdefault((day, model), {"date": day, "model": model, "runs": 0, "papers": 0,
                                             "tokens": 0, "requests": 0, "cost": None, "failures": 0})
        row["runs"] += 1
        row["papers"] += run["papers_done"]
        row["tokens"] += run["prompt_tokens"] + run["completion_tokens"]
        row["requests"] += run["requests"]
        if run.get("cost") is not None:
            row["cost"] = (row["cost"] or 0.0) + run["cost"]
        row["failures"] += len(run["failures"])
    return [rows[k] for k in sorted(rows)]


# -- check ----------------------------------------------------------------------------------------

@dataclass
class CheckRow:
    """One paper of `check`: its newest summary, the findings and evidence against its text."""

    paper: Paper
    summary: Summary | None
    findings: list[Finding]
    source: str  # which text the findings were checked against
    evidence: list[Evidence] = field(default_factory=list)  # where its claims stand in that text
    complete: bool = True  # that text is the one the summary read (not only part of it)


def source_text(store: Store, paper: Paper, text_source: str) -> tuple[str, str]:
    """The text a stored summary was made from, as far as the store still has it, and its name."""
    sections, name = source_sections(store, paper, text_source)
    return _as_text(paper, sections, name), name


def _as_text(paper: Paper, sections: list[TextSection], name: str) -> str:
    """The text the checks read: the title, then the abstract or the sections under their titles."""
    return f"{paper.title}\n{paper.abstract if name == 'abstract' else render_sections(sections)}"


def source_sections(store: Store, paper: Paper, text_source: str) -> tuple[list[TextSection], str]:
    """The sections of the text a stored summary was made from, as far as the store still has them."""
    if paper.version and text_source in ("html", "pdf"):
        sections = store.text(paper.id, paper.version, text_source)
        if sections:
            return sections, text_source
    return [TextSection("Abstract", paper.abstract, "abstract")], "abstract"


def check_day(store: Store, date: str, lang: str, style: Style = SECTIONS) -> list[CheckRow]:
    """Run the checks again on the day's newest summaries in `lang` and `style`, against their source text."""
    rows = []
    for e in store.day(date):
        summary = newest_summary(store, e.paper.id, lang, style)
        if summary is None:
            rows.append(CheckRow(e.paper, None, [], ""))
            continue
        sections, name = source_sections(store, e.paper, summary.key.text_source)
        text = _as_text(e.paper, sections, name)
        # Checked against the very text the summary read, or against less (an imported summary).
        complete = name == summary.key.text_source
        found = check_summary(summary.sections, text, lang, e.paper.title, complete=complete, style=style)
        rows.append(CheckRow(e.paper, summary, found, name,
                             find_evidence(summary.sections, lang, e.paper.title, sections), complete))
    return rows


# -- eval -----------------------------------------------------------------------------------------

@dataclass
class EvalReport:
    """`eval`: per paper, ours against the reference; and the sums."""

    lang: str
    rows: list[Any]
    overall: dict[str, Any]
    notes: list[str]


def evaluate_digest(store: Store, settings: Settings, path: Path, lang: str | None = None,
                    model: str | None = None) -> EvalReport:
    """Compare the store's summaries with a reference digest, both against the papers' text.
    A paper the store does not hold is looked up on arXiv, and its text read as `summarize` would."""
    try:
        parsed = markdown.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the reference digest ({e})", path=str(path))
    papers = [p for day in parsed.days for p in day.papers if p.sections]
    lang = lang or langdetect.detect(" ".join(s.text for p in papers for s in p.sections))
    reader = TextReader(store, settings)
    unknown = [p.id for p in papers if store.paper(p.id) is None]
    if unknown and reader.needs_arxiv:
        try:
            found, _ = reader.arxiv.by_ids(unknown)
            for paper in found:
                store.save_arxiv_metadata(paper)
        except (SourceError, ConfigError) as e:
            reader.notes.append(f"arXiv metadata not available: {e}")
    rows = []
    for ref in papers:
        paper = store.paper(ref.id) or Paper(ref.id, ref.title, ref.authors)
        ours = _our_summary(store, ref.id, lang, model)
        if ours is not None and ours.key.text_source in ("html", "pdf"):
            text, name = source_text(store, paper, ours.key.text_source)
        else:
            try:
                got = reader.read(paper)
                text, name = f"{paper.title}\n{got.text}", got.source
            except FullTextError as e:
                reader.notes.append(f"{ref.id}: no text to check against ({e})")
                text, name = "", "none"
        rows.append(evaluate_paper(ref.id, paper.title or ref.title, ref.sections,
                                   ours.sections if ours else None, text, name, lang))
    return EvalReport(lang, rows, overall(rows), reader.summary_notes())


def _our_summary(store: Store, paper_id: str, lang: str, model: str | None) -> Summary | None:
    """The newest summary the store made (not one imported), or the named model's, in the default
    style (the reference digest's layout)."""
    for s in store.summaries_for(paper_id, lang):
        if style_of(s.key.prompt_version) != DEFAULT:
            continue
        if (model is None and s.key.model != "import") or s.key.model == model:
            return s
    return None
