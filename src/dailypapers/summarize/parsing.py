"""Turn an LLM's answer into sections, or say exactly why it cannot be used."""

from __future__ import annotations

import json
import re

from dailypapers.errors import LLMOutputError
from dailypapers.models import Section
from dailypapers.styles import SECTIONS, YES, Style
from dailypapers.text import and_list, one_line

MAX_SECTION_CHARS = 2000
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)
# Answers that fill the shape without saying anything; never published as a summary.
_PLACEHOLDERS = re.compile(r"^(n/?a|none|null|todo|tbd|\.+|-+|…|없음|해당 없음|なし|无)$", re.I)


def parse_sections(answer: str, style: Style = SECTIONS, lang: str = "en") -> list[Section]:
    """The sections of an answer (JSON, in a code fence or not), labelled with the style's names in
    `lang`; LLMOutputError saying why it cannot be used. Empty and placeholder sections are left
    out; the style's required sections must stay (What's New and Technical Details by default)."""
    m = _FENCE.match(answer)
    body = m.group(1) if m else answer.strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as e:
        raise LLMOutputError(f"the answer is not JSON ({e.msg} at character {e.pos})")
    if not isinstance(data, dict):
        raise LLMOutputError(f"the answer is JSON but not an object (got {type(data).__name__})")
    missing = [k for k in style.keys if k not in data]
    if missing:
        raise LLMOutputError(f"the answer lacks the keys {', '.join(missing)}")
    sections = []
    for key, label in zip(style.keys, style.labels(lang)):
        value = data[key]
        if not isinstance(value, str):
            raise LLMOutputError(f"{key} should be a string, got {type(value).__name__}")
        text = one_line(value)
        if len(text) > MAX_SECTION_CHARS:
            raise LLMOutputError(f"{key} is {len(text)} characters long, more than {MAX_SECTION_CHARS}")
        if text and not _PLACEHOLDERS.match(text):
            sections.append(Section(label, text))
    said = {s.label for s in sections}
    required = [(s.key, label) for s, label in zip(style.sections, style.labels(lang)) if s.required == YES]
    if any(label not in said for _, label in required):
        keys = [key for key, _ in required]
        both = {1: "", 2: "both "}.get(len(keys), "all ")
        raise LLMOutputError(f"{and_list(keys)} must {both}say something")
    return sections

