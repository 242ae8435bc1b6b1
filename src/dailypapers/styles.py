"""Summary styles: which sections a summary has, what each must say, in how many sentences, and
what each is called in each language (docs/styles.md).

A style is configuration. Three are built in: `sections` (the default: What's New, Technical
Details, Performance Highlights, the layout of docs/format.md), `tldr` (one line) and `prior-work`
(the paper against what came before: Prior Work, Contribution, Limits, Impact). A style file
(TOML) defines another. The prompt and the JSON schema sent to the LLM, the shape checks and every
rendering follow the style; the style is part of a summary's key (`key_version`), so a summary in
one style is never served for another, and the default style keeps the keys summaries always had.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dailypapers.errors import ConfigError
from dailypapers.languages import english_name, valid_code

DEFAULT = "sections"
EVERY_LANGUAGE = "*"  # a section name used in every language (the default style's English labels)
YES, NO, RESULTS = "yes", "no", "results"  # required: always; may be left out; may be left out without results
MAX_FILE_BYTES = 64 * 1024
MAX_SECTIONS = 8
MAX_SENTENCES = 10
MAX_SAYS = 400
MAX_NAME = 60
_STYLE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,23}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# A section name stands between `***` in the Markdown and in headings: no markup, no colon (it ends
# the label), nothing invisible.
_NAME_FORBIDDEN = re.compile(r"[*_`\[\]<>\\|#:{}\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_FILE_KEYS = {"name", "sentences", "section"}
_SECTION_KEYS = {"key", "says", "names", "required", "sentences"}


@dataclass(frozen=True)
class StyleSection:
    """One section of a style: the JSON key the LLM answers with, what it must say (English, for the
    prompt), its name per language (`*`: every language), whether it may be left out (YES: never;
    NO: when the paper says nothing of it; RESULTS: when the paper reports no results), and its own
    sentence range (None: the style's)."""

    key: str
    says: str
    names: tuple[tuple[str, str], ...]
    required: str = YES
    sentences: tuple[int, int] | None = None

    def name(self, lang: str) -> str | None:
        """Its name in `lang` (else in its base language, `pt` for `pt-BR`; else its name for every
        language), or None when the style names it in neither."""
        names = dict(self.names)
        return names.get(lang) or names.get(lang.split("-")[0]) or names.get(EVERY_LANGUAGE)


@dataclass(frozen=True)
class Style:
    """A summary style: its name, its sections in order, the sentences each has (min, max), and
    where it was defined ("built-in" or the file)."""

    name: str
    sections: tuple[StyleSection, ...]
    sentences: tuple[int, int] = (2, 4)
    origin: str = "built-in"

    @property
    def is_default(self) -> bool:
        """Whether this is the default style, the layout of docs/format.md."""
        return self.name == DEFAULT

    @property
    def keys(self) -> tuple[str, ...]:
        """The JSON keys of its sections, in order."""
        return tuple(s.key for s in self.sections)

    def sentence_range(self, section: StyleSection) -> tuple[int, int]:
        """The sentences a section has, at least and at most."""
        return section.sentences or self.sentences

    def languages(self) -> list[str]:
        """The languages it names its sections in (`*` for every language)."""
        return sorted({code for s in self.sections for code, _ in s.names})

    def speaks(self, lang: str) -> bool:
        """Whether it names every section in `lang`."""
        return all(s.name(lang) is not None for s in self.sections)

    def labels(self, lang: str) -> tuple[str, ...]:
        """The names of its sections in `lang`, in order; ConfigError when it does not name them
        all in that language (never a silent English heading on a page in another language)."""
        names = [s.name(lang) for s in self.sections]
        if not self.speaks(lang):
            known = ", ".join(self.languages())
            raise ConfigError(
                f"the style {self.name!r} ({self.origin}) names its sections in {known}, not in {lang} "
                f"({english_name(lang)}); write a style file that names them in {lang} (docs/styles.md)",
                hint=f"a style file with section names for {lang}")
        return tuple(n for n in names if n is not None)

    def schema(self) -> dict[str, object]:
        """The JSON schema of an answer: one string per section, every key required (an optional
        section is answered with an empty string)."""
        return {"type": "object", "properties": {key: {"type": "string"} for key in self.keys},
                "required": list(self.keys), "additionalProperties": False}

    def digest(self) -> str:
        """A short hash of everything the style asks for: a changed style makes new summaries."""
        data = {"name": self.name, "sentences": list(self.sentences),
                "sections": [[s.key, s.says, sorted(s.names), s.required, s.sentences] for s in self.sections]}
        return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:8]

    def key_version(self, prompt_version: str) -> str:
        """The prompt version a summary in this style is keyed by: the backend's own for the
        default style (the keys summaries always had), `VERSION+NAME.DIGEST` for any other."""
        return prompt_version if self.is_default else f"{prompt_version}+{self.name}.{self.digest()}"


def style_of(prompt_version: str) -> str:
    """The name of the style a summary was written in, from the prompt version of its key
    (`v1+tldr.1a2b3c4d` is tldr; `v1`, `import`, `extractive-v2` are the default)."""
    _, plus, rest = prompt_version.partition("+")
    return rest.split(".", 1)[0] if plus else DEFAULT


def _section(key: str, says: str, names: dict[str, str], required: str = YES) -> StyleSection:
    return StyleSection(key, says, tuple(sorted(names.items())), required)


# The default style's JSON keys and labels are those of docs/format.md: English whatever the language.
SECTIONS = Style(DEFAULT, (
    _section("whats_new", "what the paper contributes that is new, and why it matters",
             {EVERY_LANGUAGE: "What's New"}),
    _section("technical_details", "how it works: the method, the model, the data, the training",
             {EVERY_LANGUAGE: "Technical Details"}),
    _section("performance_highlights", "what the experiments show, with the figures the paper reports",
             {EVERY_LANGUAGE: "Performance Highlights"}, RESULTS),
))

TLDR = Style("tldr", (
    _section("tldr", "the paper in one line: what it does and its main result, with a figure the paper "
                     "reports when it has one",
             {"en": "TL;DR", "ko": "한 줄 요약", "ja": "ひとことで", "zh": "一句话总结"}),
), sentences=(1, 1))

PRIOR_WORK = Style("prior-work", (
    _section("prior_work", "the earlier work the paper builds on or departs from, as the paper itself "
                           "describes it, naming the methods it compares with",
             {"en": "Prior Work", "ko": "선행 연구", "ja": "先行研究", "zh": "已有工作"}),
    _section("contribution", "what the paper adds to that work: the new method, data or finding, and how it "
                             "differs from what came before",
             {"en": "Contribution", "ko": "기여", "ja": "貢献", "zh": "贡献"}),
    _section("limits", "the limits of the work as the paper states them: what it does not do, what it "
                       "assumes, where its results fall short",
             {"en": "Limits", "ko": "한계", "ja": "限界", "zh": "局限"}, NO),
    _section("impact", "what the work may change for researchers and engineers, as far as the paper's own "
                       "results support it",
             {"en": "Impact", "ko": "영향", "ja": "影響", "zh": "影响"}),
), sentences=(1, 3))

BUILT_IN = {s.name: s for s in (SECTIONS, TLDR, PRIOR_WORK)}


def resolve(value: str | None, base: Path | None = None) -> Style:
    """The style a setting names: a built-in name (`sections`, `tldr`, `prior-work`), or the path of
    a style file (relative to `base` when given); ConfigError for anything else."""
    value = (value or DEFAULT).strip()
    if value in BUILT_IN:
        return BUILT_IN[value]
    if names_a_file(value):
        path = Path(value).expanduser()
        return load(path if path.is_absolute() or base is None else base / path)
    raise ConfigError(f"unknown style {value[:60]!r}: use {', '.join(BUILT_IN)}, or the path of a style file "
                      "(a .toml file, docs/styles.md)", hint="a built-in style name, or a path to a style file")


def names_a_file(value: str) -> bool:
    """Whether a `style` value names a style file (a path, or a .toml file) rather than a built-in."""
    return "/" in value or value.endswith(".toml")


def load(path: Path) -> Style:
    """A style file (docs/styles.md), every value checked; ConfigError naming the file and what is
    wrong."""
    where = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"style file {where} is not a regular file", path=where)
        if info.st_size > MAX_FILE_BYTES:
            raise ConfigError(f"style file {where} is {info.st_size:,} bytes; a style file is at most "
                              f"{MAX_FILE_BYTES:,}", path=where)
        with open(path, "rb") as f:  # opened once known to be a regular file: no FIFO can hang us
            data = tomllib.loads(f.read(MAX_FILE_BYTES + 1).decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"style file {where}: no such file", path=where)
    except OSError as e:
        raise ConfigError(f"style file {where} cannot be read: {e.strerror}", path=where)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"style file {where} is not valid TOML: {e}", path=where)
    return parse(data, where)


def parse(data: dict[str, Any], where: str = "style") -> Style:
    """A style from the tables of a style file; ConfigError naming `where` and what is wrong."""
    def bad(message: str) -> ConfigError:
        return ConfigError(f"style file {where}: {message}", path=where if where != "style" else None)

    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise bad(f"unknown keys {', '.join(unknown)} (known: {', '.join(sorted(_FILE_KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not _STYLE_NAME.match(name):
        raise bad("`name` must be lowercase letters, digits and hyphens, starting with a letter, 24 at most")
    if name in BUILT_IN:
        raise bad(f"the name {name!r} is a built-in style's; choose another")
    sentences = _range(data.get("sentences", [2, 4]), "sentences", bad)
    raw = data.get("section")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_SECTIONS:
        raise bad(f"give 1 to {MAX_SECTIONS} sections, each a [[section]] table")
    sections = tuple(_parse_section(item, i, bad) for i, item in enumerate(raw, 1))
    keys = [s.key for s in sections]
    if len(set(keys)) != len(keys):
        raise bad("two sections have the same key")
    if all(s.required != YES for s in sections):
        raise bad("at least one section must be required (required = true)")
    style = Style(name, sections, sentences, where)
    for lang in style.languages():
        if lang == EVERY_LANGUAGE:
            continue
        unnamed = [s.key for s in sections if s.name(lang) is None]
        if unnamed:
            raise bad(f"section {unnamed[0]} has no name in {lang}, which other sections are named in "
                      "(name every section in the same languages, or give it a name for every language, \"*\")")
        if len(set(style.labels(lang))) != len(sections):
            raise bad(f"two sections have the same name in {lang}")
    return style


def _parse_section(item: object, n: int, bad: Any) -> StyleSection:
    if not isinstance(item, dict):
        raise bad(f"section {n} is not a table")
    unknown = sorted(set(item) - _SECTION_KEYS)
    if unknown:
        raise bad(f"section {n} has unknown keys {', '.join(unknown)} (known: {', '.join(sorted(_SECTION_KEYS))})")
    key = item.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise bad(f"section {n}: `key` must be lowercase letters, digits and underscores, starting with a "
                  "letter, 32 at most (it is the JSON key the model answers with)")
    says = item.get("says")
    if not isinstance(says, str) or not says.strip() or len(says) > MAX_SAYS:
        raise bad(f"section {key}: `says` must say what the section holds, in {MAX_SAYS} characters at most")
    names = item.get("names")
    if not isinstance(names, dict) or not names:
        raise bad(f"section {key}: `names` must be a table of its name per language (en = \"...\", ko = \"...\")")
    checked = {}
    for code, shown in names.items():
        if code != EVERY_LANGUAGE and not valid_code(code):
            raise bad(f"section {key}: {code[:20]!r} is not a language code (ko, en, ja, zh, pt-BR, ...) or \"*\"")
        if not isinstance(shown, str) or not shown.strip() or len(shown) > MAX_NAME or _NAME_FORBIDDEN.search(shown):
            raise bad(f"section {key}: its name in {code} must be 1 to {MAX_NAME} characters on one line, "
                      "without * _ ` [ ] < > \\ | # : { }")
        checked[code] = " ".join(shown.split())
    required = item.get("required", True)
    if required is True or required is False:
        need = YES if required else NO
    elif required == RESULTS:
        need = RESULTS
    else:
        raise bad(f"section {key}: `required` is true, false or \"results\"")
    own = _range(item["sentences"], f"section {key}: sentences", bad) if "sentences" in item else None
    return StyleSection(key, " ".join(says.split()), tuple(sorted(checked.items())), need, own)


def _range(value: object, what: str, bad: Any) -> tuple[int, int]:
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)
            and 1 <= value[0] <= value[1] <= MAX_SENTENCES):
        raise bad(f"{what} must be [least, most], whole numbers from 1 to {MAX_SENTENCES}")
    return value[0], value[1]
