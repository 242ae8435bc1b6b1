"""Off-topic: the summary is about its paper, not a fluent summary of another (or of none).

A faithful summary shares with its paper what no other paper's summary would. Three things are
measured, across languages (a Korean or Japanese summary of an English paper is read through the
lexicon of `vocabulary` and the loanwords of `translit`):

- the paper's own names: the method or dataset named in its title, the names it introduces ("we
  propose X") and the abbreviations it defines. A summary that uses one is about the paper.
- the title's coverage: the share of the title's words (the field's common words weigh a quarter)
  that the summary speaks of, in English, through a lexicon concept or a loanword. The title says
  what the paper is about; another paper's summary rarely covers it.
- what can be looked up: each name, term and figure of the summary is found in the paper or not.
  `specific` is the support only this paper gives (its names and terms, its figures, the words of
  its title); the field's common words in passing ("model", "dataset") weigh next to nothing, and
  missing, they count against: imaginary summaries are made of them.

The summary is off-topic (a hard finding) when it uses none of the paper's own names and
`coverage + 0.5 × specific / 5 + 0.2 × share` (each part from 0 to 1) is below `THRESHOLD`. A
generic summary that names nothing of the paper scores near zero and is off-topic too, as long as
it says enough to be judged (a sentence or two is left to the other rules). With the full text in
place of the abstract the rule gets sharper: what a faithful summary says is found, and a summary
that keeps naming a system the whole paper never mentions (its own paper's, not this one's) is
off-topic below the higher `THRESHOLD_LEADS`. The same holds whenever the source is the very text
the summary was made from (`complete`, as in the pipeline): a name it keeps using was not read
there. Against less (an imported summary checked against the abstract), such a name may come from
the part not at hand, and the lower threshold applies.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from dailypapers.checks import HARD, Finding
from dailypapers.checks._text import nfkc
from dailypapers.checks.links import _EMAIL, _LATIN_LANGS, _URL, GENERIC, is_name, name_candidates, name_in_source
from dailypapers.checks.numbers import source_figures, summary_figures, supported
from dailypapers.checks.terms import STOPWORDS, key, source_terms, term_in_source, words
from dailypapers.checks.translit import loanword_matches
from dailypapers.checks.vocabulary import compact, concepts_in, is_field_phrase, is_known_name
from dailypapers.models import Section

RULE = "off-topic"
THRESHOLD = 0.45            # of the combined score, below which a summary is off-topic
THRESHOLD_LEADS = 0.9       # ...and when it keeps naming a system its source never mentions
FULL_TEXT_CHARS = 5000      # a source this long is more than an abstract
MIN_CHECKABLE = 3.0   # support + against below which a summary says too little to be judged,
MIN_LETTERS = 120     # unless it is long enough to have named something of its paper
COMMON_WEIGHT, COMMON_CAP = 0.05, 0.5
TITLE_COMMON_WEIGHT = 0.25  # a common word of the title counts a quarter in its coverage

_LATIN_WORD = r"[A-Za-z][A-Za-z0-9]*(?:[-'’.][A-Za-z0-9]+)*"
_LATIN_PHRASE = re.compile(rf"{_LATIN_WORD}(?:\s+{_LATIN_WORD})*")
_TITLE_HEAD = re.compile(r"^\s*([^:]{2,40}):")
_INTRODUCED = re.compile(
    r"\b(?:we (?:\w+ly )?(?:propose|present|introduce|develop|release|build|design|call|name|term|dub)\w*|"
    r"(?:called|named|dubbed|termed|coined))\s+(?:a |an |the )?(?:\w+ ){0,2}?"
    r"([A-Z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*)")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9-]*)\)")


@dataclass
class TopicScore:
    """What speaks for and against a summary being about its paper, item by item. `specific` is the
    part of the support that only this paper gives: its names and terms, its figures, and the
    common words that are its topic (in its title); the field's common words in passing add a little
    to `support` only."""

    own_names: list[str] = field(default_factory=list)  # names of the paper's own the summary uses
    coverage: float = 0.0  # share of the title the summary speaks of
    foreign_leads: list[str] = field(default_factory=list)  # names it repeats that the paper lacks
    full_text: bool = False  # checked against more than an abstract
    support: float = 0.0
    specific: float = 0.0
    against: float = 0.0
    common: float = 0.0  # support from the field's common words in passing, which is capped
    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        """The share of what was looked up that the paper backs, from 0 to 1 (0 when nothing was)."""
        total = self.support + self.against
        return self.support / total if total else 0.0

    @property
    def value(self) -> float:
        """The combined score: the title's coverage, the specific support (up to 5) and the share."""
        return self.coverage + 0.5 * min(self.specific, 5.0) / 5.0 + 0.2 * self.share

    def add(self, item: str, weight: float, found: bool, specific: bool = True) -> None:
        """Count one item of the summary (a name, a term, a figure) looked up in the paper: for it when
        found (and `specific` when only this paper would give it), against it when not."""
        if found:
            self.support += weight
            self.specific += weight if specific else 0.0
            self.found.append(item)
        else:
            self.against += weight
            self.missing.append(item)

    def add_common(self, item: str, found: bool, against: float, prominence: str = "") -> None:
        """A word any paper of the field may use. Found, it weighs little (all of them together at
        most COMMON_CAP), unless it is the paper's topic: in its title. Missing, it counts against
        (imaginary summaries are made of them)."""
        if not found:
            self.add(item, against, False)
        elif prominence == "title":
            self.add(item, 0.5, True)
        else:
            weight = min(0.15 if prominence == "frequent" else COMMON_WEIGHT, COMMON_CAP - self.common)
            self.common += weight
            self.add(item, weight, True, specific=False)


@lru_cache(maxsize=32)
def paper_names(title: str, source: str) -> tuple[str, ...]:
    """The paper's own names: the system-like words of its title (and the short name before its
    colon), the names it introduces ("we propose X", "called X") and the abbreviations it defines,
    leaving out the field's common words and well-known names of other work."""
    found: list[str] = []
    m = _TITLE_HEAD.match(title)
    if m and len(m.group(1).split()) <= 3:
        found.append(m.group(1).strip())
    head = nfkc(source)[:6000]  # names are introduced early: title, abstract, introduction
    tokens = re.findall(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*", title)
    found += [t for t in tokens + _INTRODUCED.findall(head) + _ACRONYM.findall(head) if _own_name_like(t)]
    out = []
    for name in found:
        c = compact(name)
        if len(c) >= 3 and not is_field_phrase(name) and not is_known_name(name) and c not in out:
            out.append(c)
    return tuple(out)


_TITLE_CASE_COMPOUND = re.compile(r"[A-Z][a-z]+(?:-[A-Z]?[a-z]+)+")


def _own_name_like(token: str) -> bool:
    """A word that names a system (`SpreadsheetLLM`, `H2O-Danube3`), not an ordinary compound written
    in title case (`Audio-Visual`, `Multi-Resolution`)."""
    return is_name(token) and not _TITLE_CASE_COMPOUND.fullmatch(token)


def latin_phrases(text: str) -> list[str]:
    """Runs of Latin words in a summary, as written (URLs and e-mail addresses left out)."""
    text = _EMAIL.sub(" ", _URL.sub(" ", nfkc(text)))
    out = []
    for m in _LATIN_PHRASE.finditer(text):
        phrase = m.group(0).strip(" -.'’")
        if len(re.sub(r"[^A-Za-z]", "", phrase)) >= 2:
            out.append(phrase)
    return list(dict.fromkeys(out))


_CONTENT_WORD = re.compile(r"[A-Za-z][a-z]{3,}(?:-[a-z]+)*")
_STOP = frozenset("""this that these those with from into over under than then their there which while
    also such both each other more most many much very been being have having does were what when where
    they them paper work study propose proposes proposed present presents introduce introduces new novel
    show shows shown using used uses based well able about after before across between within without""".split())


def _latin_items(text: str, lang: str) -> list[str]:
    """What a summary says in Latin letters that can be looked up: in a language of another script,
    every run of Latin words (names and terms); in English and other Latin-script languages, the
    names and the content words."""
    if lang not in _LATIN_LANGS:
        return latin_phrases(text)
    names = [token for _, _, token in name_candidates(text, lang)]
    words = [w for w in _CONTENT_WORD.findall(text) if w.lower() not in _STOP]
    return list(dict.fromkeys(names + [w for w in words if w not in names]))


def _latin_found(phrase: str, source: str, common: bool) -> bool:
    if common:  # the field's words are found only if the paper writes them (no allowance)
        return compact(phrase) in compact(source) or term_in_source(phrase, source_terms(source))
    if " " not in phrase:
        return name_in_source(phrase, source) or term_in_source(phrase, source_terms(source))
    return term_in_source(phrase, source_terms(source))


class _Prominence:
    """How much of the paper a word is: in its title, used again and again, or in passing."""

    def __init__(self, title: str, source: str) -> None:
        self.title = set(words(title))
        self.counts = Counter(words(source))

    def __call__(self, phrase: str) -> str:
        content = [w for w in words(phrase) if w not in STOPWORDS]
        if content and all(w in self.title for w in content):
            return "title"
        if content and min(self.counts[w] for w in content) >= 3:
            return "frequent"
        return ""


def _figure_weight(text: str) -> float:
    """A figure with three significant digits (61.5%, 2.04, 125M) is the paper's own; a round
    one (10%, 2x) could be anyone's."""
    digits = re.sub(r"\D", "", text).strip("0")
    return 1.0 if len(digits) >= 3 or (len(digits) == 2 and "." in text) else 0.3


def score(sections: list[Section], source: str, lang: str, title: str = "") -> TopicScore:
    """Weigh what the summary says against the paper (`source` includes the title)."""
    text = nfkc(" ".join(s.text for s in sections))
    result = TopicScore(full_text=len(source) >= FULL_TEXT_CHARS)
    joined = compact(text)
    result.own_names = [n for n in paper_names(title, source) if n in joined]
    result.foreign_leads = _foreign_leads(text, lang, source)
    said = set(words(text))  # what the summary speaks of, in English words
    prominence = _Prominence(title, source)
    for phrase in _latin_items(text, lang):
        common = phrase in GENERIC or is_field_phrase(phrase)
        found = _latin_found(phrase, source, common)
        if common:
            result.add_common(phrase, found, 0.25, prominence(phrase) if found else "")
        elif not found:
            result.add(phrase, 1.0, False)
        elif (" " in phrase or is_name(phrase)) and len(re.sub(r"[^A-Za-z]", "", phrase)) >= 3:
            result.add(phrase, 1.0, True)  # a name or a term of several words
        else:  # a single word: an ordinary one is shared by chance, unless it is the paper's topic
            result.add(phrase, 0.5 if prominence(phrase) else 0.25, True)
    figures = source_figures(source)
    for fig in summary_figures(text):
        found = supported(fig, figures)
        result.add(fig.text, _figure_weight(fig.text) if found else 1.0, found)
    src_terms = source_terms(source)
    for concept in concepts_in(text, lang):
        english = concept.english[0]
        said.update(w for e in concept.english for w in words(e))
        found = any(term_in_source(e, src_terms) for e in concept.english)
        if any(e in GENERIC or is_field_phrase(e) for e in concept.english):
            result.add_common(english, found, 0.1, prominence(english) if found else "")
        else:
            result.add(english, 0.5 if found else 0.25, found)
    matched = loanword_matches(text, source, lang)
    loans = [w for w in matched if not is_field_phrase(w)]
    for word in loans:  # chance agreement is rare, not impossible: together they weigh at most 1
        result.add(word, min(0.5, 1.0 / len(loans)), True)
    said.update(w for loan in matched for w in words(loan))
    for concept in concepts_in(text, lang, general=True):  # general words of titles: for the coverage only
        said.update(w for e in concept.english for w in words(e))
    result.coverage = title_coverage(title, said)
    return result


def title_coverage(title: str, said: set[str]) -> float:
    """The share of the title's words (common ones weigh a quarter) among the words the summary
    speaks of, a word matching in any of its forms (`tuning`/`tuned`); 0.5 for a title with none."""
    wanted = [w for w in dict.fromkeys(words(title)) if w not in STOPWORDS and len(w) > 2]
    if not wanted:
        return 0.5
    roots = {key(w) for w in said}
    total = hit = 0.0
    for w in wanted:
        weight = TITLE_COMMON_WEIGHT if is_field_phrase(w) else 1.0
        total += weight
        hit += weight if w in said or key(w) in roots else 0.0
    return hit / total


def _foreign_leads(text: str, lang: str, source: str) -> list[str]:
    """Names the summary uses twice or more that the source lacks (and that are neither well known
    nor common words): the subject of another paper's summary."""
    candidates = name_candidates(text, lang)
    counts = Counter(compact(t) for _, _, t in candidates)
    out: list[str] = []
    for _, _, token in candidates:
        c = compact(token)
        if counts[c] >= 2 and len(c) >= 3 and c not in out and not is_known_name(token) \
                and not is_field_phrase(token) and not name_in_source(token, source):
            out.append(c)
    return out


def is_off_topic(s: TopicScore, letters: int, complete: bool = True) -> bool:
    """`complete`: the source is the text the summary was made from, so a name the summary keeps
    using that the source lacks was not read there (with less, it may have been)."""
    if s.own_names:
        return False
    if s.support + s.against < MIN_CHECKABLE and letters < MIN_LETTERS:
        return False  # too little said to judge
    if s.foreign_leads and (complete or s.full_text):
        return s.value < THRESHOLD_LEADS
    return s.value < THRESHOLD


def check_topic(sections: list[Section], source: str, lang: str, title: str = "",
                complete: bool = True) -> list[Finding]:
    """The rule: a hard finding when the summary does not seem to be about this paper (see the module
    docstring); nothing for a summary with no section. `complete`: `source` is all the summary read."""
    if not sections:
        return []
    s = score(sections, source, lang, title)
    letters = sum(ch.isalpha() for sec in sections for ch in sec.text)
    if not is_off_topic(s, letters, complete):
        return []
    said = ", ".join(s.missing[:4]) if s.missing else "nothing the paper names"
    return [Finding(RULE, HARD, f"the summary does not seem to be about this paper: it names none of the "
                                f"paper's own names, and what it says is not in the paper ({said})")]
