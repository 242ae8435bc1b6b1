"""Prompts are versioned files; the version is part of every summary's key, so a changed prompt
makes new summaries and keeps the old ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dailypapers.languages import english_name, known
from dailypapers.models import SECTION_KEYS, Paper, PaperText

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

RESPONSE_SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {key: {"type": "string"} for key in SECTION_KEYS},
    "required": list(SECTION_KEYS),
    "additionalProperties": False,
}


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


def build(paper: Paper, text: PaperText, lang: str, version: str = PROMPT_VERSION) -> Prompt:
    """The messages for one paper. Everything the paper supplies (its id, title and text) stands
    inside the data markers, neutralized so that it cannot close them; outside them is only ours."""
    system = _template(version).format(language=language_name(lang),
                                       language_rules=_LANGUAGE_RULES.get(lang, _DEFAULT_RULES))
    user = (f"Here is {describe(text)} of an arXiv paper.\n"
            f"{BEGIN}\narXiv id: {neutralize(paper.id[:MAX_ID])}\nTitle: {neutralize(paper.title[:MAX_TITLE])}\n"
            f"{contents(text)}\n"
            f"{neutralize(text.text)}\n{END}\n"
            f"Write the newsletter entry in {language_name(lang)} as a JSON object.")
    return Prompt(version, system, user)


def overhead_tokens(paper: Paper, version: str = PROMPT_VERSION) -> int:
    """What a prompt costs besides the paper's text: the instructions, the framing and the title."""
    from dailypapers.text import estimate_tokens

    return estimate_tokens(_template(version)) + estimate_tokens(paper.title[:MAX_TITLE]) + 150


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
