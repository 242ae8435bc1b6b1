"""Prompts are versioned files; the version is part of every summary's key, so a changed prompt
makes new summaries and keeps the old ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dailypapers.languages import english_name, known
from dailypapers.models import Paper, PaperText
from dailypapers.styles import RESULTS, SECTIONS, YES, Style
from dailypapers.text import and_list

PROMPT_VERSION = "v1"
MAX_ID, MAX_TITLE = 40, 1_000  # what of a paper's id and title a prompt holds at most (sources cap them too)
BEGIN, END = "<<<PAPER>>>", "<<<END PAPER>>>"

_LANGUAGE_RULES = {
    "ko": ("- Technical terms may stay in English. When a Korean term may be unfamiliar to readers,\n"
           "  follow it with the English original in parentheses, like 희소 라우터(sparse router).\n"
           "- Write in the polite declarative style of a newsletter (합니다체).\n"),
    "ja": ("- Technical terms may stay in English. When a Japanese term may be unfamiliar to readers,\n"
           "  follow it with the English original in parentheses.\n"),
    "zh": ("- Write in Simplified Chinese. Technical terms may stay in English; when a Chinese term may\n"
           "  be unfamiliar to readers, follow it with the English original in parentheses.\n"),
}
_DEFAULT_RULES = ("- Technical terms may stay in English. When a term may be unfamiliar to readers,\n"
                  "  follow it with the English original in parentheses.\n")

RESPONSE_SCHEMA: dict[str, object] = SECTIONS.schema()  # the default style's: whats_new, technical_details, ...
WIDTH = 100  # the instructions a style fills in are wrapped at this column, as the rest of the prompt is
_COUNTS = ("one", "two", "three", "four", "five", "six", "seven", "eight")
# Where, in the template, the lines a style fills in begin: the keys, and the rule on empty sections.
_KEYS_LEAD = "- Answer with a JSON object only, with exactly "
_FACTS_END = "  benchmark, a URL or a name. "


@dataclass(frozen=True)
class Prompt:
    """The messages for one paper: the system prompt and the user's, and the prompt's version."""

    version: str
    system: str
    user: str


@cache
def _template(version: str) -> str:
    return resources.files("dailypapers.summarize").joinpath("prompts", f"{version}.txt").read_text("utf-8")


def language_name(lang: str) -> str:
    """The English name of a language for the prompt (`Korean`), or a phrase naming its code."""
    return english_name(lang) if known(lang) else f"the language with code '{lang}'"


def build(paper: Paper, text: PaperText, lang: str, version: str = PROMPT_VERSION,
          style: Style = SECTIONS) -> Prompt:
    """The messages for one paper, in `style`. Everything the paper supplies (its id, title and
    text) stands inside the data markers, neutralized so that it cannot close them; outside them is
    only ours."""
    system = system_prompt(lang, version, style)
    user = (f"Here is {describe(text)} of an arXiv paper.\n"
            f"{BEGIN}\narXiv id: {neutralize(paper.id[:MAX_ID])}\nTitle: {neutralize(paper.title[:MAX_TITLE])}\n"
            f"{contents(text)}\n"
            f"{neutralize(text.text)}\n{END}\n"
            f"Write the newsletter entry in {language_name(lang)} as a JSON object.")
    return Prompt(version, system, user)


def system_prompt(lang: str, version: str = PROMPT_VERSION, style: Style = SECTIONS) -> str:
    """The instructions: the newsletter entry in `lang`, with the sections `style` asks for. The
    default style's are word for word the prompt its summaries were always keyed by."""
    shared = all(style.sentence_range(s) == style.sentences for s in style.sections)
    lines = [_fill(f"- {s.key}{'' if shared else _span(style.sentence_range(s))}: {_sentence(s.says)}")
             for s in style.sections]
    n = len(style.sections)
    entry = f"The entry has {_COUNTS[n - 1]} section{'s' if n > 1 else ''}:\n" + "\n".join(lines)
    subject = "The section is" if n == 1 else "Each section is"
    length = f"{subject} {_length(style.sentences)}" if shared else \
        f"{subject} one paragraph, of as many sentences as its line above says"
    return _template(version).format(
        language=language_name(lang), language_rules=_LANGUAGE_RULES.get(lang, _DEFAULT_RULES), entry=entry,
        length=length, optional=_optional(style),
        keys=_fill(_keys(style), len(_KEYS_LEAD)))


def _keys(style: Style) -> str:
    if len(style.keys) == 1:
        return f"the key {style.keys[0]} (in English), a string."
    return f"the keys {and_list(list(style.keys))} (keys in English), each a string."


def _length(span: tuple[int, int]) -> str:
    low, high = span
    if high == 1:
        return "a single sentence"
    return f"one paragraph of {low} sentences" if low == high else f"one paragraph of {low} to {high} sentences"


def _span(span: tuple[int, int]) -> str:
    low, high = span
    if low == high:
        return f" ({low} sentence{'s' if low > 1 else ''})"
    return f" ({low} to {high} sentences)"


def _optional(style: Style) -> str:
    """What to answer for a section the paper gives nothing for: an empty string, never a guess."""
    results = [s.key for s in style.sections if s.required == RESULTS]
    silent = [s.key for s in style.sections if s.required not in (YES, RESULTS)]
    rules = []
    if results:
        rules.append(f"If the text gives no results, answer {and_list(results)} with an empty string rather than "
                     "guessing.")
    if silent:
        it = "it" if len(silent) == 1 else "each"
        rules.append(f"If the text gives nothing for {and_list(silent)}, answer {it} with an empty string rather "
                     "than guessing.")
    return " " + _fill(" ".join(rules), len(_FACTS_END)) if rules else ""


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _fill(text: str, column: int = 0, indent: str = "  ") -> str:
    """`text` wrapped at WIDTH, its first line starting at `column`, the next ones indented."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        room = WIDTH - (len(indent) if lines else column)
        if line and len(line) + 1 + len(word) > room:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return ("\n" + indent).join(lines)


def overhead_tokens(paper: Paper, version: str = PROMPT_VERSION, style: Style = SECTIONS) -> int:
    """What a prompt costs besides the paper's text: the instructions, the framing and the title."""
    from dailypapers.text import estimate_tokens

    return estimate_tokens(system_prompt("en", version, style)) + estimate_tokens(paper.title[:MAX_TITLE]) + 150


def describe(text: PaperText) -> str:
    """What the model is given, in our words only: nothing from the paper stands outside the
    data markers, where it could pass for an instruction."""
    if text.source == "abstract" or not text.sections:
        return "the title and abstract"
    origin = {"html": "its arXiv HTML page", "pdf": "its PDF"}.get(text.source, text.source)
    out = f"the title and the text of the paper, taken from {origin}"
    if text.omitted:
        out += " (the sections listed as left out were not included, to keep within the length limit)"
    return out


def contents(text: PaperText) -> str:
    """The list of sections given and left out; paper text, so it goes inside the markers."""
    if text.source == "abstract" or not text.sections:
        return ""
    out = "Sections given: " + "; ".join(neutralize(s.title) for s in text.sections if s.title) + "\n"
    if text.omitted:
        out += "Sections left out: " + "; ".join(neutralize(t) for t in text.omitted) + "\n"
    return out


def neutralize(text: str) -> str:
    """Keep paper text from closing or faking our data markers (in any width or spacing)."""
    if "＜" in text or "＞" in text:  # full-width brackets a model may read as ours
        text = text.replace("＜", "<").replace("＞", ">")
    if "<" not in text and ">" not in text:
        return text
    text = re.sub(r"<\s*<\s*<", "‹‹‹", text)
    return re.sub(r">\s*>\s*>", "›››", text)
