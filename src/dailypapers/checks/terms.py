"""Terms: the English original given in parentheses after a translated word, as in
`희소 라우터(sparse router)`, is a term the paper itself uses.

A parenthesis is a term when it is written in Latin letters (digits, spaces, hyphens and
slashes allowed) with no Hangul, kana or Han; several terms may share one, separated by `,`
`;` or `/`. Figures (`(92.3%)`), `e.g.`/`예:` asides and references (`(Table 2)`) are not terms.
In English text, where an English term needs no English original, only a parenthesized
abbreviation or identifier (`(RAG)`, `(MoE)`) is checked.

A term is found when, ignoring case, hyphens and plural `s`, its words appear in the source
one after another (or written together: `fine-tuning` / `finetuning`); or when every content
word of it appears somewhere in the source in some form (the model may reorder a noun phrase
and change a word's form: `instruction tuning` for `instruction-tuned`); or, for an
abbreviation, when the source has words whose initials spell it (`CoT` for chain-of-thought).

Not checked: the field's common vocabulary and single ordinary words (`(fine-tuning)`,
`(throughput)`: the English of a common word is a translation aid, not a claim), citations
(`(Chen et al., 2021)`) and list markers (`(ii)`). A long form is found when its initials are an
abbreviation of the source (`Low-Rank Adaptation` for LoRA).

All findings are soft.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from dailypapers.checks import SOFT, Finding
from dailypapers.checks._text import nfkc, section_name
from dailypapers.models import Section

RULE = "terms"
_PAREN = re.compile(r"[(（]([^()（）]{1,80})[)）]")
_NON_LATIN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN_TERM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .,'&+\-/;:]*$")
_ASIDE = re.compile(r"^(?:e\.g\.|i\.e\.|cf\.|see|vs\.?|예:|예를 들어|즉|ex\.)\s*,?\s*", re.I)
_REFERENCE = re.compile(r"^(?:tables?|figs?\.?|figures?|sections?|sec\.|eq\.?|appendix|§)\s*[\dA-Z]", re.I)
_ABBREVIATION = re.compile(r"^[A-Za-z][A-Za-z0-9\-.]{0,14}$")
_WORD = re.compile(r"[a-z0-9]+")
_ACRONYM_TOKEN = re.compile(r"\b[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*\b")
_CITATION = re.compile(r"\bet al\b|^(?:[ivx]+|[a-z])$", re.I)  # `Chen et al`, `(ii)`, `(a)`
STOPWORDS = frozenset("""a an the of and or for to in on with by from via at as into over under
    its their is are be based using""".split())


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_SUFFIXES = ("ing", "ed", "er", "ly", "e")


def key(word: str) -> str:
    """A rough root, for telling whether a word of a term is used in the source in another form:
    `tuning`/`tuned`, `generation`/`generated`, `quantization`/`quantized`."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[:-len(suffix)]
            break
    return word[:6]


def words(text: str) -> list[str]:
    """Lower-case words (letters and digits), plural `s` taken off."""
    tokens = _WORD.findall(nfkc(text).lower().replace("'s", ""))
    stems = {w: _stem(w) for w in set(tokens)}
    return [stems[w] for w in tokens]


class SourceTerms:
    """The source's words, read once; what only some checks need is computed when first asked."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.words = words(source)
        self.text = " " + " ".join(self.words) + " "  # to find a phrase, word by word
        self.compact = "".join(self.words)             # to find `finetuning` in `fine-tune`

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Its words, once each."""
        return frozenset(self.words)

    @cached_property
    def keys(self) -> frozenset[str]:
        """The rough roots of its words."""
        return frozenset(key(w) for w in self.vocabulary)

    @cached_property
    def heads(self) -> tuple[str, str]:
        """The first letters of its words, all of them and without stopwords."""
        ws = self.words
        return "".join(w[0] for w in ws), "".join(w[0] for w in ws if w not in STOPWORDS)

    @cached_property
    def acronyms(self) -> frozenset[str]:
        """The capitals of the source's abbreviations, lower case: `lora` for LoRA, `kv` for KV."""
        return frozenset(c.lower() for c in ("".join(ch for ch in t if ch.isupper())
                                              for t in _ACRONYM_TOKEN.findall(nfkc(self.source))) if len(c) >= 2)

    def spells(self, letters: str) -> bool:
        """Some consecutive words of the source have these initials (`cot`: chain-of-thought)."""
        return len(letters) >= 2 and any(letters in h for h in self.heads)


@lru_cache(maxsize=32)
def source_terms(source: str) -> SourceTerms:
    """The terms of a source, read once and cached for the checks of its summaries."""
    return SourceTerms(source)


def term_in_source(term: str, src: SourceTerms) -> bool:
    """Whether the source uses the term, in one of the ways the module docstring lists."""
    ws = words(term)
    if not ws:
        return True
    if " " + " ".join(ws) + " " in src.text:
        return True
    joined = "".join(ws)
    if len(joined) >= 6 and joined in src.compact:
        return True  # fine-tuning / finetuning / fine tuning
    content = [w for w in ws if w not in STOPWORDS]
    if len(content) == 1 and len(content[0]) >= 6:
        root = key(content[0])
        if root in src.keys or (len(root) >= 6 and root in src.compact):
            return True  # finetuning / fine-tuned
    if len(content) >= 2 and all(key(w) in src.keys for w in content):
        return True
    if len(content) >= 2 and "".join(w[0] for w in content) in src.acronyms:
        return True  # Low-Rank Adaptation for the paper's LoRA
    if len(ws) == 1 and _ABBREVIATION.match(term.strip()):
        letters = re.sub(r"[^a-z]", "", term.lower())
        letters = letters[:-1] if term.strip().endswith("s") and len(letters) > 2 else letters
        return src.spells(letters) or key(ws[0]) in src.keys
    return False


def parenthesized_terms(text: str, lang: str) -> list[str]:
    """The English terms a text gives in parentheses."""
    return [term for _, _, term in term_candidates(text, lang)]


def term_candidates(text: str, lang: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of each English term given in parentheses, offsets in `nfkc(text)`."""
    out: list[tuple[int, int, str]] = []
    norm = nfkc(text)
    for m in _PAREN.finditer(norm):
        inner = m.group(1).strip()
        if _NON_LATIN.search(inner) or not re.search(r"[A-Za-z]{2}", inner):
            continue
        inner = _ASIDE.sub("", inner)
        if not inner or _REFERENCE.match(inner) or not _LATIN_TERM.match(inner):
            continue
        for part in _PART_SPLIT.finditer(m.group(1)):
            raw = part.group(0)
            term = raw.strip(" .:-")
            term = _ASIDE.sub("", term)
            if not re.search(r"[A-Za-z]{2}", term) or len(term.split()) > 6:
                continue
            if lang == "en" and not (_ABBREVIATION.match(term) and any(c.isupper() for c in term[1:])):
                continue
            if _CITATION.search(term) or _common(term):
                continue
            start = m.start(1) + part.start() + raw.index(term)
            out.append((start, start + len(term), term))
    return out


_PART_SPLIT = re.compile(r"[^,;/]+")


def _common(term: str) -> bool:
    """The English original of a common word: the field's vocabulary (`fine-tuning`, `LLMs`) or
    one ordinary word (`throughput`): a translation aid, not a claim to check."""
    from dailypapers.checks.vocabulary import is_field_phrase, is_ordinary_word

    return is_field_phrase(term) or (" " not in term and term.islower() and is_ordinary_word(term))


def check_terms(sections: list[Section], source: str, lang: str) -> list[Finding]:
    """The rule: a soft finding for each term in parentheses that the source does not use."""
    src = source_terms(source)
    findings: list[Finding] = []
    for i, s in enumerate(sections):
        name = section_name(s, i)
        for _, _, term in term_candidates(s.text, lang):
            if not term_in_source(term, src):
                findings.append(Finding(RULE, SOFT, f"{name}: the term ({term}) is not in the paper", name))
    return findings
