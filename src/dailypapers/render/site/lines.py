"""Short lines of a summary for the day overview: a section's Markdown as plain text, and its first
sentence, cut cleanly (at a sentence end, else at a word, with an ellipsis).

Pure. The text stays text: the templates escape it like every other string."""

from __future__ import annotations

import functools
from typing import Any

from dailypapers.models import Summary
from dailypapers.text import clip_words, one_line, sentence_spans

OVERVIEW_CHARS = 180  # at most, of an overview line: a long first sentence is cut at a word
WHATS_NEW = "What's New"


@functools.cache
def markdown_parser() -> Any:
    """The one Markdown parser of the site: CommonMark, raw HTML shown as text, no link guessing."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def plain_text(markdown: str) -> str:
    """What a reader sees of a Markdown text, on one line: emphasis, code marks and link targets
    dropped, the words of links and code kept; text that looks like HTML stays as it is written."""
    words: list[str] = []
    for token in markdown_parser().parse(markdown or ""):
        if token.type != "inline":
            if token.block and token.nesting == 1:
                words.append(" ")  # paragraphs and list items are apart
            continue
        for child in token.children or []:
            if child.type in ("text", "code_inline", "html_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
    return one_line("".join(words))


def first_sentence(text: str, limit: int = OVERVIEW_CHARS) -> str:
    """The first sentence of `text` (by the checks' sentence rule), at most `limit` characters."""
    spans = sentence_spans(text)
    sentence = text[spans[0][0]:spans[0][1]] if spans else text.strip()
    return clip_words(sentence, limit)


def overview_line(summary: Summary) -> str:
    """A summary in one line: the first sentence of its What's New (of its first section when it has
    no such label)."""
    if not summary.sections:
        return ""
    section = next((s for s in summary.sections if s.label == WHATS_NEW), summary.sections[0])
    return first_sentence(plain_text(section.text))
