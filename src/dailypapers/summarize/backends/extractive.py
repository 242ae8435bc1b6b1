"""An offline summarizer with no model: it picks sentences of the abstract for each section, by the
role each sentence plays. Deterministic and English only; for the demo, the tests, and people with
no LLM.

Each sentence gets one role from its wording and place: `background` (what the field does, what is
missing: "However, existing methods..."), `idea` (what the paper contributes: "We propose X"),
`method` (how it works: "X first encodes...", "we train on..."), `result` (what was found or
measured: figures, "outperforms", "achieves", "experiments show") or `other` (code availability,
closing remarks). What's New takes the idea (and the problem it answers when it is short of
sentences), Technical Details the method, Performance Highlights the results. A background
sentence never stands under Technical Details, and Performance Highlights is left out when the
abstract reports no result, rather than filled with something else.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dailypapers.errors import LLMOutputError
from dailypapers.models import SECTION_LABELS, Section, Usage
from dailypapers.styles import DEFAULT
from dailypapers.summarize.backends import Backend, Draft, Job

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dailypapers.config import LLMOptions

# A sentence ends at . ! or ? followed by a space and a capital, unless the dot ends a common
# abbreviation ("e.g.", "et al.", "Fig.").
_SPLIT = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bet al)(?<!\bFig)(?<!\bvs)(?<!\bEq)(?<=[.!?])\s+(?=[A-Z0-9\"'(])")

ROLES = ("background", "idea", "method", "result", "other")
_WE = r"(?:we|this (?:paper|work|study|report|survey)|in this (?:paper|work|study),?(?: we)?|here,? we)"
_CUES: dict[str, list[tuple[re.Pattern[str], float]]] = {
    "idea": [
        (re.compile(rf"\b{_WE}\s+(?:\w+ly\s+)?(?:propose|present|introduce|develop|design|build|release|"
                    r"offer|contribute|curate|construct|create|formulate|establish|unveil|describe|"
                    r"provide|pioneer)\w*", re.I), 3.0),
        (re.compile(rf"\b{_WE}\s+(?:\w+ly\s+)?(?:study|investigate|explore|examine|address|tackle|aim|"
                    r"argue|ask|analy[sz]e|revisit|consider|focus)\w*", re.I), 2.0),
        (re.compile(r"\bto (?:address|tackle|bridge|fill|overcome|solve|mitigate|alleviate|remedy) "
                    r"(?:this|these|the|such|both)\b", re.I), 1.5),
        (re.compile(r"\b(?:called|named|dubbed|termed)\b", re.I), 1.0),
        (re.compile(r"\bthis (?:\w+ )?(?:paper|work|study|survey|review|report|tutorial)\b", re.I), 1.5),
    ],
    "method": [
        (re.compile(r"\b(?:we|it|which|that|this|our (?:method|approach|model|framework|system|pipeline))\s+"
                    r"(?:\w+ly\s+)?(?:first\s+)?(?:train|fine-?tune|use|employ|leverage|adopt|apply|combine|"
                    r"integrate|incorporate|encode|decode|extract|generate|compute|learn|optimi[sz]e|"
                    r"represent|map|predict|sample|distill|augment|decompose|align|condition|inject|"
                    r"replace|consist|comprise|operate|divide|organi[sz]e|perform)\w*", re.I), 2.0),
        (re.compile(r"\b(?:consists? of|comprises?|composed of|built (?:on|upon)|module|architecture|"
                    r"encoder|decoder|objective|loss|pipeline|stage|step|mechanism|layer|component)s?\b", re.I), 0.8),
        (re.compile(r"\b(?:specifically|concretely|in particular|to this end|technically|first,|then,?)\b", re.I), 1.0),
    ],
    "result": [
        (re.compile(r"\d(?:\.\d+)?\s?(?:%|×|x\b|-?fold\b|times\b|points?\b|pp\b)", re.I), 2.5),
        (re.compile(r"\b(?:outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?|exceed(?:s|ed|ing)?|beats?|"
                    r"achiev(?:es|ed|ing)|improv(?:es|ed)|boosts?|attain(?:s|ed)|match(?:es|ed)|rivals?|"
                    r"sets? (?:a )?new|state[- ]of[- ]the[- ]art|sota|superior|comparabl[ey]|competitive|"
                    r"significantly|substantially|consistently|remarkabl[ey]|notabl[ey])\b", re.I), 2.0),
        (re.compile(r"\b(?:experiment\w*|results?|evaluations?|analys[ie]s|empirical\w*|benchmarks?|"
                    r"ablations?|tests?|studies)\b[^.]{0,80}\b(?:show|demonstrat|reveal|indicat|confirm|"
                    r"suggest|verif|validat|highlight|find)\w*", re.I), 3.0),
        (re.compile(r"\b(?:we (?:also |further |then )?(?:find|found|show|observe|demonstrate|reveal|identify|"
                    r"discover|confirm)|our (?:findings|results|analysis|experiments)|reveals?|exhibit(?:s|ed)?|"
                    r"demonstrat(?:es|ed|ing) (?:that|the|its|superior|strong|state))\b", re.I), 2.0),
    ],
    "background": [
        (re.compile(r"\b(?:however|despite|although|nevertheless|existing|current(?:ly)?|prior|previous|"
                    r"conventional|traditional(?:ly)?|remains?|challeng\w*|limited|limitations?|suffer\w*|"
                    r"struggle\w*|lack\w*|fail(?:s|ed)?|costly|expensive|difficult|crucial|essential|"
                    r"widely|increasingly|has (?:become|emerged)|have (?:become|emerged))\b", re.I), 1.5),
    ],
    "other": [
        (re.compile(r"\bwe (?:will |also )?(?:release|open-source|make)\b[^.]{0,20}\b(?:code|models?|weights|"
                    r"checkpoints?|data|datasets)\b", re.I), 4.0),
        (re.compile(r"https?://|\bgithub\b|\b(?:code|data|models?|weights|checkpoints?|dataset|benchmark|"
                    r"project page|demo)s?\b[^.]{0,50}\b(?:available|released|release|open-sourced?|"
                    r"publicly|public)\b", re.I), 4.0),
        (re.compile(r"\b(?:future (?:work|research|directions?)|we hope|we believe|pave the way|shed light|"
                    r"open(?:s)? (?:up )?new|underscore|highlights? the (?:need|importance|potential))\b", re.I), 2.0),
    ],
}


def sentences(text: str) -> list[str]:
    """The sentences of a text, in order (not cut after `e.g.`, `et al.`, `Fig.` and the like)."""
    return [s.strip() for s in _SPLIT.split(" ".join(text.split())) if s.strip()]


def _scores(sentence: str) -> dict[str, float]:
    return {role: sum(w for pattern, w in cues if pattern.search(sentence)) for role, cues in _CUES.items()}


def roles(pool: list[str]) -> list[str]:
    """The role each sentence plays in its abstract. Its wording decides first; where it says little,
    its place does: before the paper's idea is stated an abstract gives its context, after it the
    method, and results come last."""
    scores = [_scores(s) for s in pool]
    first_idea = next((i for i, sc in enumerate(scores)
                       if sc["idea"] >= 1.5 and sc["result"] < 3 and sc["other"] < 4), min(1, len(pool) - 1))
    names = set(_NAME.findall(" ".join(pool[first_idea:first_idea + 2]))) if pool else set()
    out: list[str] = []
    for i, sc in enumerate(scores):
        if sc["other"] >= 4:
            out.append("other")
        elif i < first_idea:
            out.append("result" if sc["result"] >= 3 else "background")
        elif i == first_idea:
            out.append("idea")
        elif sc["result"] >= 2 and sc["result"] >= sc["method"]:
            out.append("result")
        elif sc["idea"] >= 3:
            out.append("idea")
        elif sc["other"] >= 2 and i == len(pool) - 1:
            out.append("other")
        elif sc["method"] >= 2 or (_refers_to_the_work(pool[i], names) and sc["background"] < 1.5):
            out.append("method")
        else:
            out.append("background")  # says nothing of the work itself: context
    return out


_SELF = re.compile(r"\b(?:we|our|us|the proposed|this (?:method|approach|model|framework|system|pipeline|"
                   r"design|technique|dataset|benchmark)|it|its|they)\b", re.I)
_NAME = re.compile(r"\b[A-Za-z]*(?:[A-Z][a-z0-9]*[A-Z]|[a-z][A-Z]|[A-Z][A-Za-z]*\d)[A-Za-z0-9\-]*")


def _refers_to_the_work(sentence: str, names: set[str]) -> bool:
    """The sentence speaks of the paper's own work: `we`, `our`, `the proposed`, or the name the
    paper gave it."""
    return bool(_SELF.search(sentence)) or any(n in sentence for n in names)


def pick_sections(abstract: str) -> dict[str, list[str]]:
    """The sentences each section takes, in abstract order: What's New the problem and the idea,
    Technical Details the method (or, when the abstract states none, its further contributions),
    Performance Highlights the results, those with figures first; two at most each."""
    pool = sentences(abstract)
    found = roles(pool)
    by_role = {role: [i for i, r in enumerate(found) if r == role] for role in ROLES}
    ideas = by_role["idea"]
    problem = [i for i in by_role["background"] if not ideas or i < ideas[0]][-1:]
    new = ideas[:1] + (problem or ideas[1:2])
    # No method stated: the further contributions, else what follows the idea without marking it
    # as context; as a last resort the idea itself, and What's New keeps the problem.
    later = [i for i in by_role["background"] if ideas and i > ideas[0] and _scores(pool[i])["background"] < 1.5]
    method = by_role["method"][:2] or [i for i in ideas if i not in new][:2] or later[:1]
    if not method and ideas:
        method, new = ideas[:1], problem or [i for i in range(len(pool)) if i not in ideas[:1]][:1]
    results = sorted(by_role["result"], key=lambda i: (not re.search(r"\d", pool[i]), i))[:2]
    picked = {label: [pool[i] for i in sorted(idx)] for label, idx in zip(SECTION_LABELS, (new, method, results))}
    return {label: sents for label, sents in picked.items() if sents}


class ExtractiveSummarizer:
    """The `extractive` backend: sentences of the abstract, no model, English only."""

    model_id = "extractive"
    prompt_version = "extractive-v2"
    languages: frozenset[str] | None = frozenset({"en"})
    styles = frozenset({DEFAULT})  # the roles it picks sentences by are the default style's sections

    def summarize(self, job: Job) -> Draft:
        """The sections picked from the paper's abstract (else its text); LLMOutputError when it has too few
        sentences, or none for What's New or Technical Details."""
        if job.style.name not in self.styles:
            raise LLMOutputError(f"the extractive summarizer writes only the {DEFAULT} style, not {job.style.name}",
                                 paper_id=job.paper.id)
        abstract = job.paper.abstract or job.text.text
        if len(sentences(abstract)) < 2:
            raise LLMOutputError(f"paper {job.paper.id}: the abstract has fewer than 2 sentences to pick from",
                                 paper_id=job.paper.id)
        picked = pick_sections(abstract)
        missing = [label for label in SECTION_LABELS[:2] if label not in picked]
        if missing:
            raise LLMOutputError(f"paper {job.paper.id}: the abstract has no sentence for "
                                 f"{' or '.join(missing)}", paper_id=job.paper.id)
        return Draft([Section(label, " ".join(sents)) for label, sents in picked.items()], Usage())


def extractive(model: str, options: LLMOptions, env: Mapping[str, str]) -> Backend:
    """`extractive`: offline, English only, no model."""
    return ExtractiveSummarizer()
