"""Turn an LLM's answer into sections, or say exactly why it cannot be used."""

from __future__ import annotations

import json
import re

from dailypapers.errors import LLMOutputError
from dailypapers.models import SECTION_KEYS, SECTION_LABELS, Section
from dailypapers.text import one_line

MAX_SECTION_CHARS = 2000
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)
# Answers that fill the shape without saying anything; never published as a summary.
_PLACEHOLDERS = re.compile(r"^(n/?a|none|null|todo|tbd|\.+|-+|…|없음|해당 없음|なし|无)$", re.I)


def parse_sections(answer: str) -> list[Section]:
    """The sections of an answer (JSON, in a code fence or not); LLMOutputError saying why it cannot be
    used. Empty and placeholder sections are left out; What's New and Technical Details must stay."""
    m = _FENCE.match(answer)
    body = m.group(1) if m else answer.strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as e:
        raise LLMOutputError(f"the answer is not JSON ({e.msg} at character {e.pos})")
    if not isinstance(data, dict):
        raise LLMOutputError(f"the answer is JSON but not an object (got {type(data).__name__})")
    missing = [k for k in SECTION_KEYS if k not in data]
    if missing:
        raise LLMOutputError(f"the answer lacks the keys {', '.join(missing)}")
    sections = []
    for key, label in zip(SECTION_KEYS, SECTION_LABELS):
        value = data[key]
        if not isinstance(value, str):
            raise LLMOutputError(f"{key} should be a string, got {type(value).__name__}")
        text = one_line(value)
        if len(text) > MAX_SECTION_CHARS:
            raise LLMOutputError(f"{key} is {len(text)} characters long, more than {MAX_SECTION_CHARS}")
        if text and not _PLACEHOLDERS.match(text):
            sections.append(Section(label, text))
    labels = {s.label for s in sections}
    if SECTION_LABELS[0] not in labels or SECTION_LABELS[1] not in labels:
        raise LLMOutputError("whats_new and technical_details must both say something")
    return sections
