"""Numbers: every figure in the summary is found in the text it was made from.

Both sides are read into values, so one figure written in different styles is one value:
`7.7x`, `7.7×`, `7.7배`, `7.7倍`, `7.7 times`, `7.7-fold` (and `7.7분의 1`, `7.7分の1`);
`10,000`, `10000`, `10K`, `1만`; `780만`, `7.8 million`, `7.8M`, `780万`; `1억 2천만`; `4.2%`,
`4.2%p`, `4.2 points`, `4.2 퍼센트포인트`, `4.2个百分点`. Full-width forms (`９２．３％`) are read
after NFKC. Percentages (`%`, `percent`, `퍼센트`) and percentage points (`%p`, `pp`, `points`,
`포인트`, `百分点`) are told apart only where it matters (a relative change is never points).

A summary figure is supported when the source has a value it rounds from: the summary's figure
gives its own precision (`71%` stands for 70.5..71.5, `1.8배` for 1.75..1.85, `780만` and
`10,000` keep two significant digits: 7.75M..7.85M, 9,500..10,500). A percentage also matches a
fraction in the source (`92.3%` for `0.923`). Cheap derivations within one source sentence are
accepted as well: a difference of two figures (`from 65.2% to 71.4%` supports `6.2%p`), a ratio
(`from 300 ms to 100 ms` supports `3배`) and a relative change (`from 10 s to 6 s` supports
`40%`, not `40%p`). Figures written as English words in the source (`twelve`, `seven million`,
`twice`, `half`, `an order of magnitude`) count as values too. Derivations only look within
one sentence of the source (at most 12 figures of it), so they stay cheap and rarely excuse an
invented figure by chance.

Not figures, in the summary (the source is read without these exclusions, so it only helps):
- numbers inside names: a number glued to Latin letters (`GPT-4`, `Qwen2.5-7B`, `H100`, `T5`,
  `Top-1`, `pass@1`, `3D`) or dotted versions (`1.2.3`);
- references and ordinals: `Section 3`, `Table 2`, `Fig. 4`, `Eq. (1)`, `Step 2`, `표 2`,
  `그림 3`, `3절`, `1단계`, `2번째`, `第3章`, `2nd`;
- dates and times: `2025-03-14`, `3월`, `14일`, `March 14`, `12:30`, arXiv ids, and anything
  inside a URL or an e-mail address;
- years: a four-digit integer from 1950 to 2039 with no separator, decimal or unit (so `2048
  tokens` is checked, `2000 samples` is not: written `2,000` it is);
- small counts: a bare integer up to 10 with no unit, scale or decimal (`3개의 벤치마크`, `two
  stages`): they are written as words as often as digits, and checking them finds mostly noise.

All findings are soft: the summary is published and the finding kept.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from dailypapers.checks import SOFT, Finding
from dailypapers.checks._text import nfkc, section_name
from dailypapers.models import Section

RULE = "numbers"
SMALL_COUNT = 10
YEARS = (1950, 2039)
MAX_GROUP = 12  # source figures per sentence considered for derivations

_NUMBER = re.compile(r"(?=\d)(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_SCALE = re.compile(
    r"[\s-]?(?P<word>(?i:thousand|million|billion|trillion|bn))s?\b"
    r"|(?P<letter>[KkMBbT])(?![A-Za-z])"
    r"|(?P<cjk>천억|천만|백만|십만|만(?!큼|들)|억|조|천|백(?!분)|千万|百万|万|億|亿|兆|千|百(?!分))")
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9,
           "k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12,
           "천억": 1e11, "천만": 1e7, "백만": 1e6, "십만": 1e5, "만": 1e4, "억": 1e8, "조": 1e12,
           "천": 1e3, "백": 1e2, "千万": 1e7, "百万": 1e6, "万": 1e4, "億": 1e8, "亿": 1e8,
           "兆": 1e12, "千": 1e3, "百": 1e2}
_UNIT = re.compile(
    r"(?P<pts>\s?%\s?p\b|\s?%p|\s?%\s?포인트|\s?pp\b|\s?p\.p\.|\s?percentage\s+points?|\s?points?\b"
    r"|\s?퍼센트\s?포인트|\s?포인트|\s?個?百分點|\s?个?百分点|\s?ポイント)"
    r"|(?P<pct>\s?%|\s?percent(?:age)?|\s?per\s?cent|\s?퍼센트|\s?パーセント)"
    r"|(?P<times>\s?분의\s?1(?!\d)|分の1(?!\d)|\s?[x×X](?![A-Za-z0-9])|\s?times\b|\s?-?fold\b|\s?배(?!치|열|포|경|제|정|터|점|우|송|율)|\s?倍)"
    r"|(?P<ordinal>st\b|nd\b|rd\b|th\b|단계|번째|번 째|째|절|위|세대|차(?!이)|番目|段階|章|節|位|步|节)"
    r"|(?P<date>년|월|일|年|月|日|시(?!간)|時(?!間))"
    r"|(?P<measure>(?:ms|s|sec|h|hr|hrs|min|mins|GB|MB|TB|KB|GiB|MiB|TiB|Hz|kHz|MHz|GHz|fps|FPS|px|"
    r"dB|bits?|nm|mm|cm|km|kg|W|kW|FLOPs?|TFLOPs?|TFLOPS|PFLOPs?|tokens?)\b)")
# Words (and signs) right before a number that make it a reference, not a figure. Latin words
# are compared whole (lower case, without a final period); a Hangul word must be one of these
# whole; Han and kana only need to end with one (`第`, `表`: no spaces in those languages).
_REFERENCE_WORDS = frozenset("""section sections sec secs table tables tab tabs figure figures fig figs
    eq eqs eqn eqns equation equations appendix app chapter chapters ch algorithm algorithms alg
    theorem theorems thm lemma lemmas corollary proposition propositions prop definition definitions
    def step steps stage stages phase phases line lines listing listings example examples case cases
    level levels round rounds part parts task tasks experiment experiments exp version versions ver
    question questions rq no nos setting settings variant variants option options § jan january feb
    february mar march apr april may jun june jul july aug august sep sept september oct october nov
    november dec december 표 그림 식 수식 섹션 부록 알고리즘 정리 단계 스텝 예시 질문 과제 실험 제""".split())
_REFERENCE_ENDS = ("第", "表", "図", "式", "付録", "ステップ", "アルゴリズム", "定理", "例",
                   "图", "附录", "步骤", "算法")
_LAST_WORD = re.compile(r"([A-Za-z]+\.?|§|[가-힣]+|[\u3040-\u30ff\u4e00-\u9fff]+)$")


def _is_reference(before: str) -> bool:
    m = _LAST_WORD.search(before.rstrip(" (\u00a0"))
    if m is None:
        return False
    word = m.group(1)
    if word[0] > "\u3000" and not ("\uac00" <= word[0] <= "\ud7a3"):
        return word.endswith(_REFERENCE_ENDS)
    return word.lower().rstrip(".") in _REFERENCE_WORDS


_NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/@+"
_LATIN = re.compile(r"[A-Za-z]")
_NOT_FIGURES = re.compile(  # dates, times, arXiv ids
    r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b|\b\d{4}\.\d{4,5}(?:v\d+)?\b")
_ADDRESSES = re.compile(r"https?://[!-~]+|www\.[!-~]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_CURRENCIES = "$€£¥₩"
_RANGE = re.compile(r"\s?(?:-|–|—|~|〜|∼|to)\s?$")

_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_WORD_NUMBERS.update({w: 10 * i for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)})
_WORD_MULTIPLES = {"twice": 2.0, "double": 2.0, "doubles": 2.0, "doubled": 2.0, "doubling": 2.0,
                   "thrice": 3.0, "triple": 3.0, "triples": 3.0, "tripled": 3.0, "quadruple": 4.0,
                   "half": 0.5, "halves": 0.5, "halved": 0.5, "halving": 0.5, "dozen": 12.0,
                   "quarter": 0.25}
_WORDS = re.compile(r"(?<![a-z])(?:" + "|".join(sorted([*_WORD_NUMBERS, *_WORD_MULTIPLES], key=len, reverse=True))
                    + r"|an? order of magnitude)(?![a-z])")  # on lower case
_WORD_TAIL = re.compile(r"(?:[- ](one|two|three|four|five|six|seven|eight|nine)(?![a-z]))?"
                        r"(?: (hundred|thousand|million|billion)(?![a-z]))?")
# Where a sentence of the source ends, roughly (figures of one sentence may be combined).
_SENTENCE_BREAK = re.compile(r"[.!?](?=\s+[A-Z\d(\"“])|[。！？]|\n\s*\n")


class Figure(NamedTuple):
    """A number as written, and what it stands for. `precision` is the step of its last digit
    (half of it is how far a source value may be and still round to it). `skip` says why a
    summary should not be held to it (a name, a reference, a year...), or is None."""

    text: str
    value: float
    raw: float
    kind: str  # pct (a percentage), pts (percentage points), times, plain
    precision: float
    start: int
    skip: str | None = None


def parse_figures(text: str) -> list[Figure]:
    """Every number in `text` with its scale, kind and (in `skip`) why it is not a figure to check,
    in order; NFKC-normalized first. This is the summary side; `source_figures` reads a source."""
    text = nfkc(text)
    blanked = _NOT_FIGURES.sub(_blank, text)
    if "@" in blanked or "://" in blanked or "www." in blanked:
        blanked = _ADDRESSES.sub(_blank, blanked)
    figures: list[Figure] = []
    prev_end, prev_cjk = -1, False
    for m in _NUMBER.finditer(blanked):
        digits, decimals = m.group(1), m.group(2) or ""
        raw = float(digits.replace(",", "") + decimals)
        end = m.end()
        scale, kind, skip = 1.0, "plain", None
        sm = _SCALE.match(blanked, end)
        if sm:
            key = (sm.group("word") or sm.group("letter") or sm.group("cjk")).lower()
            scale = _SCALES[key]
            end = sm.end()
        um = _UNIT.match(blanked, end)
        if um:
            if um.group("pct"):
                kind = "pct"
            elif um.group("pts"):
                kind = "pts"
            elif um.group("times"):
                kind = "times"
            elif um.group("measure"):
                pass
            else:
                skip = "ordinal" if um.group("ordinal") else "date"
            end = um.end()
        before = blanked[max(0, m.start() - 24):m.start()]
        glued = before[len(before.rstrip(_NAME_CHARS)):]
        if kind == "plain" and (before.endswith("×") or glued in ("x", "X")):
            kind, glued = "times", ""
        if skip is None:
            skip = _why_not(blanked, m, end, glued, before, raw, decimals, scale, kind)
        value = raw * scale
        # `1억 2천만`, `3万5千`: one figure in two parts.
        cjk = bool(sm and sm.group("cjk"))
        if cjk and prev_cjk and figures and m.start() - prev_end <= 1 \
                and figures[-1].precision > value and not blanked[prev_end:m.start()].strip():
            first = figures[-1]
            figures[-1] = Figure(text[first.start:end].strip(), first.value + value, first.raw, first.kind,
                                 _precision(digits, decimals, scale, kind), first.start, first.skip)
            prev_end = end
            continue
        prev_cjk = cjk
        # A range takes the unit of its second end: `10-20%`, `1.5~3배`, `7-13B`.
        if figures and prev_end >= 0 and _RANGE.search(blanked[prev_end:m.start()]) \
                and m.start() - prev_end <= 4:
            first = figures[-1]
            if first.kind == "plain" and first.value == first.raw and first.skip in (None, "small") \
                    and (kind != "plain" or scale != 1):
                figures[-1] = Figure(first.text, first.raw * scale, first.raw, kind,
                                     first.precision * scale, first.start,
                                     first.skip if first.skip != "small" else None)
        precision = _precision(digits, decimals, scale, kind)
        shown = text[m.start():end].strip()
        if before and before[-1] in _CURRENCIES:
            shown = before[-1] + shown
        figures.append(Figure(shown, value, raw, kind, precision, m.start(), skip))
        prev_end = end
    return figures


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def _why_not(text: str, m: re.Match[str], end: int, glued: str, before: str, raw: float,
             decimals: str, scale: float, kind: str) -> str | None:
    if _LATIN.search(glued):
        return "name"
    nxt = text[end:end + 1]
    if nxt and (nxt.isascii() and nxt.isalpha()):
        return "name"  # 3D, 4o, 7Bx...
    if text[end:end + 2][:1] == "." and text[end + 1:end + 2].isdigit():
        return "version"  # 1.2.3
    if kind == "plain" and "," not in m.group(1) and _is_reference(before):
        return "reference"  # "표 2" is Table 2, but "표 12,000개" is twelve thousand tables
    if kind == "plain" and scale == 1 and not decimals:
        digits = m.group(1)
        if "," not in digits and len(digits) == 4 and YEARS[0] <= raw <= YEARS[1]:
            return "year"
        if raw <= SMALL_COUNT:
            return "small"
    return None


def _precision(digits: str, decimals: str, scale: float, kind: str) -> float:
    if decimals:
        return 10.0 ** -(len(decimals) - 1) * scale
    whole = digits.replace(",", "")
    if kind == "plain" and (scale > 1 or int(whole) >= 1000):
        zeros = len(whole) - len(whole.rstrip("0"))
        return 10.0 ** min(zeros, max(len(whole) - 2, 0)) * scale
    return scale


@dataclass(frozen=True)
class SourceFigures:
    """The values a source gives: every reading of each, and its figures sentence by sentence."""

    values: list[float]           # sorted, with every reading of every number
    groups: list[list[float]]     # per sentence, for derivations


# The source side in one pattern: a number, its scale, and whether it is a percentage.
_SOURCE_NUMBER = re.compile(
    r"(?=\d)(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
    r"(?:[\s-]?((?i:thousand|million|billion|trillion|bn))s?\b|([KkMBbT])(?![A-Za-z])"
    r"|(천억|천만|백만|십만|만(?!큼|들)|억|조|천|백(?!분)|千万|百万|万|億|亿|兆|千|百(?!分)))?"
    r"(\s?(?:%|(?i:percent|per cent|points?\b|pp\b)|퍼센트|포인트|个?百分点|ポイント|パーセント))?")


@lru_cache(maxsize=32)
def source_figures(source: str) -> SourceFigures:
    """Every value the source gives, and its figures grouped by sentence for derivations. Read
    in one pass with no exclusions: a number inside a name is a value too (`Qwen2.5-7B` gives
    7B), it is only kept out of the groups."""
    text = nfkc(source)
    starts = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(text)]
    values: set[float] = set()
    groups: list[list[float]] = [[] for _ in starts]
    add = values.add
    prev_end, prev_raw, prev_bare = -9, 0.0, False
    for m in _SOURCE_NUMBER.finditer(text):
        digits, decimals, word, letter, cjk, percent = m.groups()
        raw = float(digits.replace(",", "") + (decimals or ""))
        key = word or letter or cjk
        scale = _SCALES[key.lower()] if key else 1.0
        value = raw * scale
        add(raw)
        add(value)
        if raw <= 1:
            add(raw * 100)
        if percent:
            add(raw / 100)
        if prev_bare and (key or percent) and m.start() - prev_end <= 4 \
                and _RANGE.search(text, prev_end, m.start()):
            add(prev_raw * scale)  # 7-13B: 7B as well
            if percent:
                add(prev_raw / 100)
        prev_end, prev_raw, prev_bare = m.end(), raw, not (key or percent)
        i = m.start()
        if i and text[i - 1].isascii() and (text[i - 1].isalpha() or text[i - 1] in "-./"
                                             and i > 1 and text[i - 2].isalpha()):
            continue  # a name, not a figure to combine with others
        group = groups[bisect.bisect_right(starts, i) - 1]
        if value not in group and len(group) < MAX_GROUP:
            group.append(value)
    for v in _word_values(text):
        add(v)
        if v < 1:
            add(v * 100)
    return SourceFigures(sorted(values), [g for g in groups if len(g) >= 2])


def _word_values(text: str) -> list[float]:
    """Figures written as English words: `twelve`, `twenty-five`, `seven million`, `twice`, `half`,
    `an order of magnitude`."""
    out: list[float] = []
    low = text.lower()
    for m in _WORDS.finditer(low):
        word = m.group(0)
        if word in _WORD_MULTIPLES:
            out.append(_WORD_MULTIPLES[word])
        elif word in _WORD_NUMBERS:
            v = float(_WORD_NUMBERS[word])
            tail = _WORD_TAIL.match(low, m.end())
            assert tail is not None  # every part of the pattern is optional: it always matches
            if tail.group(1) and v >= 20:
                v += _WORD_NUMBERS[tail.group(1)]
            if tail.group(2):
                v *= 100.0 if tail.group(2) == "hundred" else _SCALES[tail.group(2)]
            out.append(v)
        else:
            out.append(10.0)  # an order of magnitude
    return out


def _near(values: list[float], target: float, tol: float) -> bool:
    i = bisect.bisect_left(values, target - tol)
    return i < len(values) and values[i] <= target + tol


def supported(fig: Figure, src: SourceFigures) -> bool:
    """Whether the source backs the figure: it gives the value (to the figure's precision), or the
    value follows from figures of one of its sentences."""
    s, tol = abs(fig.value), fig.precision / 2 + 1e-9 * max(1.0, abs(fig.value))
    if _near(src.values, s, tol):
        return True
    return derived(fig, src.groups, s, tol)


def derived(fig: Figure, groups: list[list[float]], s: float, tol: float) -> bool:
    """A difference, ratio or relative change of two figures of one source sentence."""
    for group in groups:
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if fig.kind in ("pct", "pts", "plain") and abs(abs(a - b) - s) <= tol:
                    return True
                if fig.kind == "times" and a > 0 and b > 0 and abs(max(a, b) / min(a, b) - s) <= tol:
                    return True
                if fig.kind == "pct" and a > 0 and b > 0 and (
                        abs(abs(a - b) / a * 100 - s) <= tol or abs(abs(a - b) / b * 100 - s) <= tol):
                    return True
    return False


def summary_figures(text: str) -> list[Figure]:
    """The figures of a summary text that it must be able to back with the source."""
    return [f for f in parse_figures(text) if f.skip is None]


def check_numbers(sections: list[Section], source: str) -> list[Finding]:
    """The rule: a soft finding for each figure of a section that the source does not back."""
    src = source_figures(source)
    findings: list[Finding] = []
    for i, s in enumerate(sections):
        name = section_name(s, i)
        seen: set[str] = set()
        for fig in summary_figures(s.text):
            if fig.text in seen or supported(fig, src):
                continue
            seen.add(fig.text)
            findings.append(Finding(RULE, SOFT, f"{name}: {fig.text} is not in the paper", name))
    return findings
