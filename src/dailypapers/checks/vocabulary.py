"""What the checks know of the field's language, from three data files shipped with the package:

- `data/field_words.txt`: the common vocabulary of AI papers (model, transformer, dataset, ...);
  such words say nothing of which paper a summary is about, and given in parentheses they are a
  translation, not a claim.
- `data/known_names.txt`: well-known models, datasets, organizations and tools (GPT-4, ImageNet,
  Hugging Face, ...), which any summary may mention as context.
- `data/lexicon.tsv`: technical concepts in English with their Korean, Japanese and Chinese forms,
  so that a summary in those languages can be compared with an English paper; and
  `data/general_lexicon.tsv`, the general words of paper titles and abstracts (human, protocol,
  dashboard, step by step) in the same columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from dailypapers.checks._text import nfkc

_LANG_COLUMNS = {"ko": 1, "ja": 2, "zh": 3}
_COMPACT = re.compile(r"[^a-z0-9\u00e0-\u024f]+")
# What may follow a known family name in a version of it: sizes, versions, variants.
_VARIANT = re.compile(r"(?:v?\d+(?:p\d+)?[bmkt]?|x\d+b|a\d+b|instruct|chat|base|mini|turbo|pro|ultra|flash|"
                      r"large|small|medium|tiny|nano|xl|xxl|lite|plus|max|hf|it|sft|dpo|rlhf|code|coder|"
                      r"math|vision|preview|opus|sonnet|haiku|omni|distill)+")


@lru_cache(maxsize=4096)
def compact(text: str) -> str:
    """Lower case, letters and digits only: how names are compared (`LLaMA-3` = `llama3`)."""
    return _COMPACT.sub("", nfkc(text).lower())


def _lines(name: str) -> list[str]:
    text = resources.files("dailypapers.checks").joinpath("data", name).read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def field_words() -> frozenset[str]:
    """The common vocabulary of AI papers (`data/field_words.txt`), in lower case."""
    return frozenset(w for line in _lines("field_words.txt") for w in line.split())


@cache
def known_names() -> frozenset[str]:
    """The well-known names of `data/known_names.txt`, compacted."""
    return frozenset(compact(line) for line in _lines("known_names.txt")) - {""}


# The groups of known_names.txt whose names are context (who made or hosts a thing, what it is
# written in), never a system a summary could misattribute: organizations, platforms, languages.
_CONTEXT_GROUPS = ("# Organizations", "# Software, libraries and platforms", "# Programming languages",
                   "# Human languages")


@cache
def context_names() -> frozenset[str]:
    """The known names that are only context: organizations, platforms and languages, compacted."""
    text = resources.files("dailypapers.checks").joinpath("data", "known_names.txt").read_text("utf-8")
    out: set[str] = set()
    keep = False
    for line in text.splitlines():
        if line.startswith("#"):
            keep = line.startswith(_CONTEXT_GROUPS)
        elif keep and line.strip():
            out.add(compact(line))
    return frozenset(out - {""})


def is_context_name(name: str) -> bool:
    """An organization, platform or language (`OpenAI`, `Hugging Face`, `Python`)."""
    return compact(name) in context_names()


def is_known_name(name: str) -> bool:
    """A well-known name, or a version of one (`Llama-3-8B-Instruct`, `GPT-4o-mini`)."""
    c = compact(name)
    names = known_names()
    if c in names:
        return True
    return any(c[:n] in names and _VARIANT.fullmatch(c[n:]) for n in range(len(c) - 1, 2, -1))


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_GLUE = frozenset("a an the of and or for to in on with by from via based using".split())


@lru_cache(maxsize=4096)
def is_field_phrase(phrase: str) -> bool:
    """Every word of the phrase is common vocabulary of the field (`Large Language Models`,
    `fine-tuning`, `self-attention`)."""
    words = _WORD.findall(nfkc(phrase).lower())
    vocab = field_words()
    return bool(words) and all(w in vocab or _singular(w) in vocab or w in _GLUE
                               or (w.endswith("s") and w[:-1] in vocab) for w in words)


@dataclass(frozen=True)
class Concept:
    """A technical concept of the lexicon: its English terms and how one language writes it."""

    english: tuple[str, ...]  # the English terms, the most common first
    forms: tuple[str, ...]    # how one language writes it, spaces removed


@cache
def lexicon(lang: str, general: bool = False) -> tuple[Concept, ...]:
    """The technical concepts (with `general`: the general words of titles) that have a form in
    `lang` (ko, ja, zh); empty for other languages."""
    column = _LANG_COLUMNS.get(lang)
    if column is None:
        return ()
    out = []
    for line in _lines("general_lexicon.tsv" if general else "lexicon.tsv"):
        cells = line.split("\t")
        if len(cells) <= column or not cells[column].strip():
            continue
        forms = tuple(f.replace(" ", "") for f in cells[column].split("|") if len(f.replace(" ", "")) >= 2)
        english = tuple(e.strip() for e in cells[0].split("|") if e.strip())
        if forms and english:
            out.append(Concept(english, forms))
    return tuple(out)


@cache
def _index(lang: str, general: bool) -> dict[str, list[tuple[str, int]]]:
    """First character -> (form, concept number), longest forms first."""
    index: dict[str, list[tuple[str, int]]] = {}
    for n, concept in enumerate(lexicon(lang, general)):
        for form in concept.forms:
            index.setdefault(form[0], []).append((form, n))
    for forms in index.values():
        forms.sort(key=lambda f: -len(f[0]))
    return index


def concepts_in(text: str, lang: str, general: bool = False) -> list[Concept]:
    """The concepts of the lexicon that `text` writes (in `lang`, spaces ignored), in lexicon order."""
    bare = nfkc(text).replace(" ", "")
    index = _index(lang, general)
    if not index:
        return []
    found: set[int] = set()
    for i, ch in enumerate(bare):
        for form, n in index.get(ch, ()):
            if n not in found and bare.startswith(form, i):
                found.add(n)
    concepts = lexicon(lang, general)
    return [concepts[n] for n in sorted(found)]


@cache
def english_words() -> frozenset[str]:
    """Ordinary English words of the field: the common vocabulary and the lexicon's English terms."""
    words = set(field_words())
    for line in _lines("lexicon.tsv"):
        words.update(_singular(w) for w in _WORD.findall(line.split("\t", 1)[0].lower()))
    return frozenset(words)


def is_ordinary_word(token: str) -> bool:
    """`Retrieval`, `Encoder`, `Distillation`: an English word of the field written with a capital,
    not a name."""
    low = nfkc(token).lower()
    return low.isalpha() and (low in english_words() or _singular(low) in english_words())
