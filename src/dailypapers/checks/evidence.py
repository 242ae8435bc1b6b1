"""Evidence: for every figure, system name and parenthesized term of a summary, the sentence of the
paper it was matched to, so that a reader can see where a claim comes from.

The claims are read from the summary by the same rules the checks use (`numbers`, `names`,
`terms`); each is looked up sentence by sentence in the paper's text, in document order (the title,
then the sections as given), with the same notion of "found" as the rule that reads it. A claim the
whole text backs but no single sentence does (a term whose words are spread over the text) is
found with no sentence; a claim the text does not back is kept as not found.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from dailypapers.checks._text import nfkc, section_name, sentence_spans
from dailypapers.checks.links import SourceNames, name_candidates, name_found, name_in_source
from dailypapers.checks.numbers import _CURRENCIES, Figure, SourceFigures, source_figures, summary_figures, supported
from dailypapers.checks.terms import SourceTerms, source_terms, term_candidates, term_in_source
from dailypapers.models import Evidence, Section, TextSection

MAX_SENTENCE = 600  # characters of a matched sentence kept with the evidence


@dataclass(frozen=True)
class Claim:
    """A checkable piece of a summary section: where it stands (in `nfkc(text)`) and what it is."""

    section: str
    kind: str  # figure, name, term
    text: str
    start: int
    end: int
    figure: Figure | None = None


def claims(sections: list[Section], lang: str) -> list[Claim]:
    """Every figure, name and parenthesized term of the summary, section by section, in text order."""
    out: list[Claim] = []
    for i, s in enumerate(sections):
        name = section_name(s, i)
        found: list[Claim] = []
        for fig in summary_figures(s.text):
            start = fig.start - (1 if fig.text[:1] in _CURRENCIES else 0)
            found.append(Claim(name, "figure", fig.text, start, start + len(fig.text), fig))
        found += [Claim(name, "name", token, a, b) for a, b, token in name_candidates(s.text, lang)]
        found += [Claim(name, "term", term, a, b) for a, b, term in term_candidates(s.text, lang)]
        out += sorted(found, key=lambda c: c.start)
    return out


@dataclass
class _Sentence:
    section: int
    start: int
    end: int
    text: str
    _figures: SourceFigures | None = None
    _terms: SourceTerms | None = None
    _names: SourceNames | None = None

    @property
    def figures(self) -> SourceFigures:
        if self._figures is None:
            self._figures = source_figures.__wrapped__(self.text)
        return self._figures

    @property
    def terms(self) -> SourceTerms:
        if self._terms is None:
            self._terms = SourceTerms(self.text)
        return self._terms

    @property
    def names(self) -> SourceNames:
        if self._names is None:
            self._names = SourceNames(self.text)
        return self._names


@dataclass
class PaperSentences:
    """The paper's text (title first) cut into sentences, read lazily claim by claim."""

    sections: list[TextSection]
    sentences: list[_Sentence] = field(default_factory=list)

    def __post_init__(self) -> None:
        for i, sec in enumerate(self.sections):
            text = nfkc(sec.text)
            self.sentences += [_Sentence(i, a, b, text[a:b]) for a, b in sentence_spans(text)]

    @property
    def whole(self) -> str:
        """The whole text, section after section."""
        return "\n".join(s.text for s in self.sections)

    def first(self, claim: Claim) -> _Sentence | None:
        """The first sentence that backs the claim, or None."""
        for sentence in self.sentences:
            if _backs(claim, sentence):
                return sentence
        return None


def _backs(claim: Claim, sentence: _Sentence) -> bool:
    if claim.kind == "figure":
        assert claim.figure is not None
        return any(ch.isdigit() for ch in sentence.text) and supported(claim.figure, sentence.figures)
    if claim.kind == "name":
        return name_found(claim.text, sentence.names, sentence.terms)
    return term_in_source(claim.text, sentence.terms)


def found_in(claim: Claim, source: str) -> bool:
    """Whether the whole source backs the claim: the rules' own verdict."""
    if claim.kind == "figure":
        assert claim.figure is not None
        return supported(claim.figure, source_figures(source))
    if claim.kind == "name":
        return name_in_source(claim.text, source)
    return term_in_source(claim.text, source_terms(source))


def paper_sections(title: str, sections: list[TextSection]) -> list[TextSection]:
    """What evidence is looked for in: the title, then the text's sections."""
    return [TextSection("Title", title, "title"), *sections] if title else list(sections)


def find_evidence(summary: list[Section], lang: str, title: str, text: list[TextSection]) -> list[Evidence]:
    """The evidence of every claim of `summary` in the paper whose title is `title` and whose text
    (as the summary read it: the abstract, or sections of the full text) is `text`."""
    paper = PaperSentences(paper_sections(title, text))
    whole = paper.whole
    out: list[Evidence] = []
    positions = _Positions(summary)
    for claim in claims(summary, lang):
        found = found_in(claim, whole)
        start, end = positions.original(claim)
        sentence = paper.first(claim) if found else None
        if sentence is None:
            out.append(Evidence(claim.section, claim.kind, claim.text, found, start, end))
            continue
        sec = paper.sections[sentence.section]
        out.append(Evidence(claim.section, claim.kind, claim.text, True, start, end, sec.title, sec.anchor,
                            sentence.start, sentence.end - sentence.start,
                            _clip(sentence.text)))
    return out


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SENTENCE else text[:MAX_SENTENCE - 1] + "…"


class _Positions:
    """Claims are read on NFKC text; this maps their offsets back to the section as written, where
    the normalization kept each character's place (it nearly always does)."""

    def __init__(self, sections: list[Section]) -> None:
        self.maps: dict[str, list[int] | None] = {}
        for i, s in enumerate(sections):
            self.maps[section_name(s, i)] = _offset_map(s.text)

    def original(self, claim: Claim) -> tuple[int | None, int | None]:
        mapping = self.maps.get(claim.section)
        if mapping is None or claim.end > len(mapping) - 1:
            return None, None
        return mapping[claim.start], mapping[claim.end]


def _offset_map(text: str) -> list[int] | None:
    """For each index of `nfkc(text)` (and its end), the index in `text`; None if the normalized
    text is not the concatenation of its characters' normal forms."""
    out: list[int] = []
    for i, ch in enumerate(text):
        out += [i] * len(unicodedata.normalize("NFKC", ch))
    out.append(len(text))
    return out if len(out) == len(nfkc(text)) + 1 else None
