"""What kind of section a heading names, which decides what a token budget keeps first."""

from __future__ import annotations

import re

from dailypapers.models import TextSection

# Lower comes first when the budget is short.
PRIORITY = {"abstract": 0, "introduction": 1, "conclusion": 2, "results": 3, "captions": 3,
            "method": 4, "other": 5, "appendix": 6}

_KINDS = [
    ("abstract", re.compile(r"^abstract\b", re.I)),
    ("introduction", re.compile(r"\b(introduction|motivation|overview)\b", re.I)),
    ("conclusion", re.compile(r"\b(conclusions?|concluding|discussion|summary|limitations|future work)\b", re.I)),
    ("results", re.compile(r"\b(experiments?|experimental|results?|evaluations?|benchmarks?|ablations?|"
                           r"analysis|comparisons?|performance|empirical|findings)\b", re.I)),
    ("method", re.compile(r"\b(methods?|methodology|approach|model|architecture|framework|training|"
                          r"design|algorithm|implementation|setup|proposed|our|preliminar\w*|formulation|"
                          r"data|dataset)\b", re.I)),
]


def kind_of(title: str) -> str:
    """The kind of section a heading names (`3 Experiments` is results), `other` when it names none."""
    bare = re.sub(r"^(?:[A-Z]|\d+)(?:\.\d+)*\.?\s+", "", title.strip())
    for kind, pattern in _KINDS:
        if pattern.search(bare):
            return kind
    return "other"


def render_sections(sections: list[TextSection]) -> str:
    """The sections as one text, each under its title, for the prompt and `dailypapers text`."""
    return "\n\n".join(f"## {s.title}\n{s.text}" if s.title else s.text for s in sections)
