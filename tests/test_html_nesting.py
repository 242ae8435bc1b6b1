"""The nesting scan that refuses a deeply nested HTML page before Lexbor parses it (a parse whose
time grows with the square of the depth): it agrees with the parser on ordinary pages, sees
through the usual tricks (end tags that close nothing, `<div/>`, end tags that cannot cross a
block), and what it cannot see is bounded by the extraction child's CPU limit."""

from __future__ import annotations

import random

import pytest
from selectolax.lexbor import LexborHTMLParser

from dailypapers.errors import ExtractionFailed, HTMLTextError
from dailypapers.fulltext.html import html_sections
from dailypapers.fulltext.nesting import nesting_depth, scan
from dailypapers.fulltext.sandbox import ExtractLimits, extract


def parsed_depth(html: str) -> int:
    """The depth of the deepest element under <body> in Lexbor's tree (body's children are 1)."""
    body = LexborHTMLParser(html).body
    assert body is not None
    deepest, todo = 0, [(body, 0)]
    while todo:
        node, depth = todo.pop()
        if node.tag in ("-text", "_text", "-comment", "_comment"):
            continue
        deepest = max(deepest, depth)
        child = node.child
        while child is not None:
            todo.append((child, depth + 1))
            child = child.next
    return deepest


def random_tree(rng: random.Random, depth: int, stray: bool) -> str:
    """Well-formed nesting of block and inline elements, with end tags that close nothing when
    `stray` (a parser ignores those)."""
    if depth == 0 or rng.random() < 0.25:
        return "text"
    tag = rng.choice(["div", "section", "article", "figure", "span", "x-unit"])
    inner = "".join(random_tree(rng, depth - 1, stray) for _ in range(rng.randint(1, 3)))
    extra = rng.choice(["</q>", "</aside>", "</mark>", ""]) if stray else ""
    return f"<{tag} class='c'>{inner}{extra}</{tag}>"


@pytest.mark.parametrize("seed", range(40))
def test_the_scan_agrees_with_the_parser_on_well_formed_pages(seed: int) -> None:
    rng = random.Random(seed)
    html = "<br><img src=a.png>" + "".join(random_tree(rng, 12, stray=seed % 2 == 1) for _ in range(4))
    assert scan(html, 10**6) == parsed_depth(html)


@pytest.mark.parametrize("page", [
    "<div>" * 3000,
    "<div></x>" * 3000,                # end tags that close nothing
    "<span><div></span>" * 1500,       # an inline end tag cannot close past a <div>
    "<div/>" * 3000,                   # "/>" does not close an HTML element
    "<math>" + "<div/>" * 3000,        # a <div> leaves the <math> it was in, and opens
    "<svg>" + "<g></ul>" * 3000,       # an HTML end tag in <svg> closes nothing
], ids=["plain", "stray-end", "cross-block", "self-closing", "math-breakout", "svg-end"])
def test_deep_pages_are_seen_as_deep_as_the_parser_builds_them(page: str) -> None:
    assert parsed_depth(page) > 1000
    assert nesting_depth(page, 1000) > 1000
    with pytest.raises(HTMLTextError, match="nest more than 1000 levels"):
        html_sections(page, "2501.00001 (html)")


def test_a_flat_page_with_many_tags_is_read() -> None:
    page = "<article class='ltx_document'>" + "<p>one <b>two</b> <img src=x> three</p>" * 5000 + "</article>"
    assert nesting_depth(page, 1000) == 3 == parsed_depth(page)
    assert html_sections(page)


def test_what_the_scan_misses_is_stopped_by_the_childs_cpu_limit() -> None:
    # Formatting elements are re-opened by the parser in ways the scan does not follow; deep
    # pages built on that are stopped by the CPU limit of the child that reads them.
    page = ("<div>" + "<i/></b><b>" * 120_000).encode()
    with pytest.raises(ExtractionFailed, match="more than 1 s|nest more than"):
        extract("html", page, "2501.00002 (html)", ExtractLimits(seconds=5.0, cpu_seconds=1))
