"""Links and names: the summary brings in no URL, e-mail address or system name that the source
does not contain.

URLs (`https://…`, `www.…`, and bare domains such as `github.com/org/repo`) and e-mail
addresses are looked up in the source without scheme, `www.` and trailing punctuation; one
that is not there is a hard finding (rule `links`): a made-up link sends readers somewhere.

A system name is a Latin token that is not an ordinary word: it has a digit and a letter
(`GPT-4o`, `T5`, `H100`), two capitals (`BERT`, `LLaMA`, `DeepSeek`), or a capital after a
lower-case letter (`ConvLLaVA`, `ResNet`). A capitalized word (`Claude`, `Whisper`) is one too
in Korean, Japanese or Chinese text (Latin there is always a name or a term) and, in English,
in the middle of a sentence; names written next to each other are reported as one (`Gemini
Ultra`, `Claude 3 Opus`). It is found when the source has it ignoring case and
separators (`LLaMA-3` = `Llama 3`), as a whole token, a run of hyphen parts of one (`Qwen2.5`
in `Qwen2.5-7B-Instruct`) or two to three tokens written together; an abbreviation is also
found when source words spell it (`RAG`: retrieval-augmented generation). A short list of
generic abbreviations (AI, LLM, NLP, GPU, SOTA, RL, QA...) and units (GB, FLOPs) is always
allowed, and the field's common words (`Transformer`, `LLMs`) and ordinary English words written
with a capital (`Retrieval`, `Encoder`: see `vocabulary`) are not names. A name that is not found
is a soft finding (rule `names`). In languages other than English, tokens inside parentheses are
left to the `terms` rule.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache

from dailypapers.checks import HARD, SOFT, Finding
from dailypapers.checks._text import nfkc, section_name
from dailypapers.checks.terms import SourceTerms, source_terms
from dailypapers.checks.vocabulary import compact, is_context_name, is_field_phrase, is_ordinary_word, known_names
from dailypapers.models import Section

GENERIC = frozenset("""AI AGI ML DL LLM LM VLM MLLM LMM NLP NLU NLG CV ASR TTS OCR QA VQA RL SOTA
    GPU TPU CPU NPU API APIs UI UX URL HTML PDF JSON SQL ID IDs OK FAQ GB MB TB KB GiB MiB TiB
    FLOP FLOPs TFLOPs PFLOPs FPS Hz kHz MHz GHz dB RAM VRAM IoU KV MLP CNN RNN LSTM GAN VAE
    NN DNN AR SFT PhD USA US UK EU TL DR TL;DR AUC F1 R&D IT Q&A RGB RGBD 2D 3D 4D""".split())
_GENERIC_LOWER = frozenset(g.lower() for g in GENERIC)
_LATIN_LANGS = frozenset("en de fr es it pt nl sv da no fi pl cs tr id vi".split())
# Capitalized words that are not names, in English text.
_ORDINARY = frozenset("""I We Our The This These English Korean Japanese Chinese French German
    Spanish Internet Table Tables Figure Figures Fig Section Sections Appendix Equation Eq Step
    Stage Algorithm Theorem Lemma January February March April May June July August September
    October November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split())
_CAMEL = re.compile(r"[a-z][A-Z]")
_ROMAN = re.compile(r"^[IVXLC]+$")

_WWW = re.compile(r"www\.")
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]"
_TLDS = "com|org|net|io|ai|co|dev|edu|gov|app|xyz|info|me|kr|jp|cn|uk|de|fr|tech|site|page"
_URL = re.compile(r"(?:https?://|www\.)" + _URL_CHARS + "+"
                  r"|(?<![A-Za-z0-9.@-])(?:[a-z0-9-]+\.)+(?:" + _TLDS + r")(?![A-Za-z0-9])"
                  r"(?:/" + _URL_CHARS + "*)?", re.I)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                    r"\.[A-Za-z]{2,}(?![A-Za-z0-9])")
_L = "A-Za-z\u00c0-\u024f"
_TOKEN = re.compile(rf"(?<![{_L}0-9_.@/+-])[{_L}](?:[{_L}0-9_.+'’-]*[{_L}0-9+])?")
_SOURCE_TOKEN = re.compile(rf"[{_L}0-9](?:[{_L}0-9_.+'’@^$/:-]*[{_L}0-9+])?")
_JOINER = re.compile(r"\s|\s\d+(?:\.\d+)?\s")
_SENTENCE_START = re.compile(r"(?:[.!?:;]\s+|[\"“‘(]\s*)$")
_PARENS = re.compile(r"[(（][^()（）]*[)）]")
_SEPARATORS = re.compile(r"[^a-z0-9\u00e0-\u024f]+")
_PARTS = re.compile(r"[-_/:.@^$+=,;]")
_POSSESSIVE = re.compile(r"['’]s?$")
_POSSESSIVE_IN = re.compile(r"['’]s?(?=\x00|$)")
_SEPARATORS_IN = re.compile(r"[^a-z0-9\u00e0-\u024f\x00]+")


def _bare(url: str) -> str:
    url = url.lower().rstrip(".,;:!?")
    url = re.sub(r"^https?://", "", url)
    url = re.sub(r"^www\.", "", url)
    return url.rstrip("/")


def check_links(sections: list[Section], source: str) -> list[Finding]:
    """URLs and e-mail addresses not in the source: hard."""
    src = _bare_source(source)
    findings: list[Finding] = []
    for i, s in enumerate(sections):
        name = section_name(s, i)
        text = nfkc(s.text)
        emails = _EMAIL.findall(text)
        for email in emails:
            if email.lower() not in src:
                findings.append(Finding("links", HARD, f"{name}: the e-mail address {email} is not in the paper", name))
        without = _EMAIL.sub(" ", text)
        for m in _URL.finditer(without):
            url = m.group(0).rstrip(".,;:!?")
            if _bare(url) not in src:
                findings.append(Finding("links", HARD, f"{name}: the link {url} is not in the paper", name))
    return findings


@lru_cache(maxsize=32)
def _bare_source(source: str) -> str:
    text = nfkc(source).lower()
    for prefix in ("https://www.", "http://www.", "https://", "http://"):
        text = text.replace(prefix, "")
    if "www." in text:
        text = _WWW.sub(lambda m: "" if m.start() == 0 or not (text[m.start() - 1].isalnum()
                                                                or text[m.start() - 1] == ".") else m.group(0), text)
    return text


# -- names ---------------------------------------------------------------------------------------

def is_name(token: str) -> bool:
    """A token that names a system rather than being an ordinary word."""
    core = _POSSESSIVE.sub("", token.rstrip("."))
    letters = [c for c in core if c.isalpha()]
    if len(letters) < 1 or core in GENERIC or _ROMAN.match(core):
        return False
    if core.endswith("s") and core[:-1] in GENERIC:
        return False
    has_digit = any(c.isdigit() for c in core)
    capitals = sum(c.isupper() for c in core)
    camel = _CAMEL.search(core) is not None
    return (has_digit and len(letters) >= 1) or capitals >= 2 or camel


class SourceNames:
    """Compact forms (lower case, letters and digits only) of the source's tokens; the runs of two
    and three tokens, and the runs of hyphen parts of a token, are made only when first needed."""

    def __init__(self, source: str) -> None:
        self.tokens = _SOURCE_TOKEN.findall(nfkc(source).lower())
        joined = _POSSESSIVE_IN.sub("", "\x00".join(self.tokens))
        self.compact = _SEPARATORS_IN.sub("", joined).split("\x00")
        self.forms = frozenset(self.compact)

    @cached_property
    def windows(self) -> frozenset[str]:
        """Two and three tokens written together (`qwen25` from `Qwen 2.5`)."""
        c = self.compact
        return frozenset([a + b for a, b in zip(c, c[1:])] + [a + b + d for a, b, d in zip(c, c[1:], c[2:])])

    @cached_property
    def parts(self) -> frozenset[str]:
        """`qwen25` from `qwen2.5-7b-instruct`: every run of a token's parts."""
        forms: set[str] = set()
        for t in self.tokens:
            if t.isalnum() or not t[0].isalpha():
                continue
            parts = [p for p in _PARTS.split(_POSSESSIVE.sub("", t)) if p]
            if 1 < len(parts) <= 8:
                for a in range(len(parts)):
                    for b in range(a + 1, len(parts) + 1):
                        forms.add(_SEPARATORS.sub("", "".join(parts[a:b])))
        return frozenset(forms)

    def __contains__(self, form: str) -> bool:
        return form in self.forms or form in self.windows or form in self.parts


@lru_cache(maxsize=32)
def source_names(source: str) -> SourceNames:
    """The names of a source, read once and cached for the checks of its summaries."""
    return SourceNames(source)


def name_in_source(token: str, source: str) -> bool:
    """Whether the source has the name `token` (see `name_found`)."""
    return name_found(token, source_names(source), source_terms(source))


def name_found(token: str, names: SourceNames, terms: SourceTerms) -> bool:
    """Whether the source whose names and terms these are has the name `token`."""
    core = _POSSESSIVE.sub("", token.rstrip("."))
    c = _SEPARATORS.sub("", core.lower())
    if c in _GENERIC_LOWER or (c.endswith("s") and c[:-1] in _GENERIC_LOWER):
        return True
    # LLMs / LLM, Transformer / Transformers
    if any(form in names for form in (c, c[:-1] if c.endswith("s") else "", c + "s", c + "es") if form):
        return True
    if c.isalpha() and core.isalpha():
        letters = c[:-1] if core.endswith("s") and core[:-1].isupper() else c
        return terms.spells(letters)
    if _DIGIT_WORDS.fullmatch(c):  # T2V: text-to-video, B2B: business-to-business
        return terms.spells(c.replace("2", "t").replace("4", "f"))
    return False


_DIGIT_WORDS = re.compile(r"[a-z]+[24][a-z]+")


def _sentence_start(text: str, i: int) -> bool:
    before = text[max(0, i - 4):i]
    return (not before.strip() and i <= 4) or _SENTENCE_START.search(before) is not None


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


@lru_cache(maxsize=256)
def name_candidates(text: str, lang: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of each system-name candidate in a summary text (NFKC-normalized, so
    offsets are those of `nfkc(text)`). In English, a capitalized word in the middle of a sentence is
    a candidate too; in other languages every capitalized Latin word is (Latin there is always a name
    or a term), except inside parentheses, which the terms rule reads."""
    latin_text = lang in _LATIN_LANGS
    text = nfkc(text)
    text = _EMAIL.sub(_blank, _URL.sub(_blank, text))
    if not latin_text:
        text = _PARENS.sub(_blank, text)
    out: list[tuple[int, int, str]] = []
    taken = 0
    for m in _TOKEN.finditer(text):
        if m.start() < taken:
            continue  # part of a name of several words, given already
        token = m.group(0).rstrip(".-'")
        known = _known_phrase(text, m) if token[0].isupper() or token[0].isdigit() else None
        if known is not None:
            taken = m.start() + len(known)
            if not is_context_name(known):
                out.append((m.start(), taken, known))
            continue
        if len(token) < 2 or token in GENERIC or token in _ORDINARY or is_field_phrase(token) \
                or is_context_name(token):
            continue
        if is_name(token) or (token[0].isupper() and token[1:].islower() and not is_ordinary_word(token) and (
                not latin_text or not _sentence_start(text, m.start()))):
            out.append((m.start(), m.start() + len(token), token))
    return out


_NEXT_WORDS = re.compile(rf"(?:[ -][{_L}0-9](?:[{_L}0-9.+-]*[{_L}0-9+])?){{1,2}}")


def _known_phrase(text: str, m: re.Match[str]) -> str | None:
    """A well-known name of two or three words starting at `m` (`Stable Diffusion`, `Hugging Face`)."""
    more = _NEXT_WORDS.match(text, m.end())
    if more is None:
        return None
    parts = re.split(r"(?=[ -])", more.group(0))
    for n in range(len(parts), 0, -1):
        phrase = (m.group(0) + "".join(parts[:n])).rstrip(".-'")
        if " " in phrase and compact(phrase) in known_names():
            return phrase
    return None


def check_names(sections: list[Section], source: str, lang: str) -> list[Finding]:
    """System and model names not in the source: soft. Names written next to each other are
    reported as one (`Gemini Ultra`, `Claude 3 Opus`)."""
    findings: list[Finding] = []
    for i, s in enumerate(sections):
        name = section_name(s, i)
        text = nfkc(s.text)
        missing: list[tuple[int, int]] = []  # spans of candidates not found, merged when adjacent
        checked: dict[str, bool] = {}
        for start, end, token in name_candidates(s.text, lang):
            if token not in checked:
                checked[token] = name_in_source(token, source)
            if checked[token]:
                continue
            if missing and _JOINER.fullmatch(text[missing[-1][1]:start]):
                missing[-1] = (missing[-1][0], end)
            else:
                missing.append((start, end))
        for shown in dict.fromkeys(text[a:b] for a, b in missing):
            findings.append(Finding("names", SOFT, f"{name}: {shown} is not named in the paper", name))
    return findings
