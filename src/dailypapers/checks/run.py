"""All the rules on one summary: `check_summary(sections, source, lang, title)`.

| rule        | hard (not published)                                   | soft (published, finding kept)            |
|-------------|--------------------------------------------------------|-------------------------------------------|
| shape       | a required section of the style missing (What's New,   | Performance Highlights missing though the |
|             | Technical Details); a section empty or a placeholder;  | paper reports results; sentences out of   |
|             | over 2000 characters; JSON or code fences in the text; | the style's range (2..4); shorter or      |
|             | a label twice                                          | longer than usual                         |
| language    | wrong language; a sentence in English; leaked script   |                                           |
| numbers     |                                                        | a figure not in the paper                 |
| terms       |                                                        | a term in parentheses not in the paper    |
| links       | a URL or e-mail address not in the paper               |                                           |
| names       |                                                        | a system or model name not in the paper   |
| injection   | an instruction from the paper text obeyed; assistant   |                                           |
|             | talk; canary words; off-topic payload topics; HTML or  |                                           |
|             | a script link in the answer                            |                                           |
| off-topic   | the summary is not about this paper (names none of its |                                           |
|             | own names, and too little of what it says is in it)    |                                           |
"""

from __future__ import annotations

from dailypapers.checks import HARD, Finding
from dailypapers.checks.injection import check_injection
from dailypapers.checks.language import check_language
from dailypapers.checks.links import check_links, check_names
from dailypapers.checks.numbers import check_numbers
from dailypapers.checks.shape import check_shape
from dailypapers.checks.terms import check_terms
from dailypapers.checks.topic import check_topic
from dailypapers.models import Section
from dailypapers.styles import SECTIONS, Style

RULES = ("shape", "language", "numbers", "terms", "links", "names", "injection", "off-topic")


def check_summary(sections: list[Section], source: str, lang: str, title: str = "",
                  complete: bool = True, style: Style = SECTIONS) -> list[Finding]:
    """Every rule, in the order of RULES. `source` is the text the summary was made from (abstract
    or full text); the title counts as part of it; `style` is the summary style it was asked for.

    `complete=False` says that `source` is only part of what the summary may have read (an imported
    digest, or a summary of the full text checked against the abstract because the full text is no
    longer stored): a name, term or link it does not contain is then unverified rather than
    invented, and is not a finding (the evidence still marks it as not found). A figure it does not
    contain stays a finding, and so do the other rules."""
    text = f"{title}\n\n{source}" if title else source
    return [
        *check_shape(sections, lang, text, style),
        *check_language(sections, lang, text),
        *check_numbers(sections, text),
        *(check_terms(sections, text, lang) if complete else []),
        *(check_links(sections, text) if complete else []),
        *(check_names(sections, text, lang) if complete else []),
        *check_injection(sections, text, lang),
        *check_topic(sections, text, lang, title, complete),
    ]


def has_hard(findings: list[Finding]) -> bool:
    """The summary must not be published."""
    return any(f.severity == HARD for f in findings)


def hard_reasons(findings: list[Finding]) -> list[str]:
    """The reasons of the hard findings, in order."""
    return [f.reason for f in findings if f.severity == HARD]
