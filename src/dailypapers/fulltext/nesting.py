"""How deeply an HTML page's elements will nest once parsed, found before parsing it.

An HTML parser's time grows with the square of the nesting depth (100,000 nested `<div>`s take
Lexbor 12 s, 500,000 take minutes), so a page nested past a limit is refused before it is parsed.
Counting opening and closing tags is not enough: an HTML parser ignores an end tag that closes
nothing (`<div></x>` nests as deeply as `<div>`), and one that would cross a "special" element
(`<span><div></span>` leaves both open), and it opens a non-void element written as `<div/>`.
So this scan keeps a stack of element names and applies those rules of the HTML tree builder,
simplified in the safe direction: where it is unsure, it counts an element as still open.
"""

from __future__ import annotations

import re

# An opening or closing tag: its slash, its name and whether it ends with "/>".
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:[^>]*[^/>])?(/?)>")
_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
_FOREIGN = frozenset(("svg", "math"))  # inside these, "/>" closes an element
# HTML elements whose start tag (and the end tags </br> and </p>) ends an open <svg> or <math>.
_BREAKOUT = frozenset("""b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6
    head hr i img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table
    tt u ul var font""".split())
# The tree builder's "special" elements: an end tag of an ordinary element does not close past one.
_SPECIAL = frozenset("""address applet area article aside base basefont bgsound blockquote body br
    button caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure
    footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input
    keygen li link listing main marquee menu meta nav noembed noframes noscript object ol p param
    plaintext pre script search section select source style summary table tbody td template
    textarea tfoot th thead title tr track ul wbr xmp mi mo mn ms mtext annotation-xml
    foreignobject desc""".split())
# Of those, the ones that are special as HTML elements: an end tag of one of these looks past
# ordinary elements (the others, MathML and SVG names, are special only inside <math> or <svg>,
# so their end tags are treated as ordinary ones, which close less).
_SPECIAL_HTML = _SPECIAL - frozenset("mi mo mn ms mtext annotation-xml foreignobject desc".split())
# Elements that end the "scope" an end tag of a special element looks in.
_SCOPE = frozenset("""applet caption html table td th marquee object template mi mo mn ms mtext
    annotation-xml foreignobject desc title""".split())
_WALK = 64  # an end tag that would close more than this many elements at once is taken as closing none


def nesting_depth(html: str, limit: int) -> int:
    """The deepest nesting of the page's elements, or more than `limit` as soon as it is passed."""
    tags = html.count("<")
    return tags if tags <= limit else scan(html, limit)  # fewer tags than the limit cannot nest deeper


def scan(html: str, limit: int) -> int:
    """`nesting_depth` read tag by tag, stopping once past `limit`."""
    stack: list[str] = []
    foreign_at: list[int] = []  # where on the stack each open <svg> or <math> is
    deepest = 0
    for closing, raw, self_closing in _TAG.findall(html):
        name = raw.lower()
        if foreign_at and name in _BREAKOUT and (not closing or name in ("br", "p")):
            del stack[foreign_at[0]:]  # back to HTML: the parser closes the svg or math
            foreign_at.clear()
        if closing:
            if stack and stack[-1] == name:
                stack.pop()
            else:
                _close(stack, name)
            while foreign_at and foreign_at[-1] >= len(stack):
                foreign_at.pop()
        elif name not in _VOID and not (self_closing and foreign_at):
            if name in _FOREIGN:
                foreign_at.append(len(stack))
            stack.append(name)
            if len(stack) > deepest:
                deepest = len(stack)
                if deepest > limit:
                    return deepest
    return deepest


def _close(stack: list[str], name: str) -> None:
    """Pop up to and including the nearest open `name`, as the tree builder would, or nothing
    when the end tag closes nothing (or would close more than _WALK elements)."""
    special = name in _SPECIAL_HTML
    for back in range(1, min(len(stack), _WALK) + 1):
        node = stack[-back]
        if node == name:
            del stack[-back:]
            return
        if (node in _SCOPE) if special else (node in _SPECIAL):
            return
