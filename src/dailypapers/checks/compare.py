"""Compare two summaries of the same paper — ours and a reference — against the paper's text.

Pure functions: the pipeline finds the summaries and the text. Per side: sections present (of the
three), figures and how many of them the paper supports, language purity, length and findings of
the checks; between the sides: the overlap (Jaccard) of their figures and of their terms.

Language purity is the share of letters in the target language's script among the letters that
are either in it or in another non-Latin script (Latin is left out: English terms are allowed in
any language); for English, the share of Latin letters among all letters.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import asdict, dataclass
from typing import TypeVar

from dailypapers.checks._text import count_scripts
from dailypapers.checks.language import TARGET_SCRIPTS
from dailypapers.checks.links import is_name
from dailypapers.checks.numbers import parse_figures, source_figures, supported
from dailypapers.checks.run import check_summary
from dailypapers.checks.terms import parenthesized_terms
from dailypapers.models import HARD, SECTION_LABELS, Section

H = TypeVar("H", bound=Hashable)


@dataclass
class Side:
    """One side of a comparison (ours or the reference): what its summary of a paper holds, measured
    against the paper's text."""

    sections: int       # of the three canonical sections, how many are present
    figures: int        # figures in the text (names, references, years and small counts aside)
    supported: int      # of those, found in the paper's text
    purity: float       # see the module docstring
    length: int         # characters of all sections
    hard: int           # hard findings of the checks
    soft: int           # soft findings of the checks

    @property
    def support_rate(self) -> float | None:
        """The share of its figures the paper supports; None when it has no figure."""
        return self.supported / self.figures if self.figures else None


@dataclass
class PaperEval:
    """One paper compared: the reference's side, ours (None when the store has no summary of it), and
    how much their figures and terms overlap (None when there is nothing to compare)."""

    id: str
    title: str
    checked_against: str  # which text: html, pdf, abstract, or none
    reference: Side
    ours: Side | None
    figure_overlap: float | None
    term_overlap: float | None

    def as_dict(self) -> dict[str, object]:
        """As plain data for JSON, each side with its support rate."""
        out = asdict(self)
        for side in ("reference", "ours"):
            obj = getattr(self, side)
            if obj is not None:
                out[side]["support_rate"] = obj.support_rate
        return out


def measure(sections: list[Section], source: str, lang: str, title: str) -> Side:
    """One side's measures: its sections, figures and how many `source` supports, language purity,
    length, and the findings of the checks (none when there is no source to check against)."""
    text = " ".join(s.text for s in sections)
    figures = [f for f in parse_figures(text) if f.skip is None]
    src = source_figures(f"{title}\n{source}") if source else None
    found = sum(1 for f in figures if src is not None and supported(f, src))
    findings = check_summary(sections, source, lang, title) if source else []
    labels = {s.label for s in sections}
    return Side(sections=sum(1 for label in SECTION_LABELS if label in labels), figures=len(figures),
                supported=found, purity=purity(text, lang), length=len(text),
                hard=sum(f.severity == HARD for f in findings),
                soft=sum(f.severity != HARD for f in findings))


def purity(text: str, lang: str) -> float:
    """The share of the text's letters in the script of `lang`, from 0 to 1 (see the module docstring)."""
    counts = count_scripts(text)
    targets = TARGET_SCRIPTS.get(lang, ("latin",))
    if targets == ("latin",):
        total = sum(counts.values())
        return counts.get("latin", 0) / total if total else 0.0
    mine = sum(counts.get(t, 0) for t in targets)
    foreign = sum(n for script, n in counts.items() if script not in targets and script != "latin")
    return mine / (mine + foreign) if mine + foreign else 0.0


def figure_values(sections: list[Section]) -> set[float]:
    """The values of the figures in the sections, rounded to three decimals."""
    text = " ".join(s.text for s in sections)
    return {round(f.value, 3) for f in parse_figures(text) if f.skip is None}


def terms(sections: list[Section], lang: str) -> set[str]:
    """The parenthesized terms and the system names of the sections, in lower case."""
    text = " ".join(s.text for s in sections)
    found = {t.lower() for t in parenthesized_terms(text, lang)}
    words = (w.strip(".,;:()[]\"'") for w in text.split())
    found |= {w.lower() for w in words if w[:1].isalpha() and is_name(w)}  # 128K is a figure, not a name
    return found


def jaccard(a: set[H], b: set[H]) -> float | None:
    """The overlap of two sets (shared over all), or None when both are empty."""
    return len(a & b) / len(a | b) if a | b else None


def evaluate_paper(paper_id: str, title: str, reference: list[Section], ours: list[Section] | None,
                   source: str, source_name: str, lang: str) -> PaperEval:
    """Compare our summary of a paper (None: we have none) with the reference's, both against `source`,
    the paper's text (`source_name` says which: html, pdf or abstract; "" when there is none)."""
    ref_side = measure(reference, source, lang, title)
    our_side = measure(ours, source, lang, title) if ours is not None else None
    return PaperEval(
        id=paper_id, title=title, checked_against=source_name if source else "none",
        reference=ref_side, ours=our_side,
        figure_overlap=jaccard(figure_values(reference), figure_values(ours)) if ours is not None else None,
        term_overlap=jaccard(terms(reference, lang), terms(ours, lang)) if ours is not None else None,
    )


def overall(rows: list[PaperEval]) -> dict[str, object]:
    """Totals and means over the papers (a side's means over the papers it has)."""
    def side_totals(sides: list[Side]) -> dict[str, object]:
        if not sides:
            return {"papers": 0}
        figures = sum(s.figures for s in sides)
        return {"papers": len(sides),
                "sections": sum(s.sections for s in sides) / len(sides),
                "figures": figures, "supported": sum(s.supported for s in sides),
                "support_rate": sum(s.supported for s in sides) / figures if figures else None,
                "purity": sum(s.purity for s in sides) / len(sides),
                "length": sum(s.length for s in sides) / len(sides),
                "hard": sum(s.hard for s in sides), "soft": sum(s.soft for s in sides)}

    def mean(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return sum(present) / len(present) if present else None

    return {"papers": len(rows),
            "reference": side_totals([r.reference for r in rows]),
            "ours": side_totals([r.ours for r in rows if r.ours is not None]),
            "figure_overlap": mean([r.figure_overlap for r in rows]),
            "term_overlap": mean([r.term_overlap for r in rows])}
