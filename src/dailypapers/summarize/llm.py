"""Summaries written by a chat model: the prompt, the answer's parsing, and repairs.

An answer that is not valid JSON for the schema is sent back once; an answer that the quality
checks find fault with is sent back with the specific findings, up to `repairs` times, as long as a
new answer can still fix something: an answer judged off-topic (a summary of another paper) is
sent back once, and a repair that leaves the same soft findings is not asked for again (they are
published with the summary). The best answer is kept (fewest hard findings, then fewest soft ones,
then the earliest). A best answer that still has a hard finding fails the paper with its reasons.
A repair request that fails (after its retries) keeps the best publishable answer in hand; a
failure with none carries the usage of the answers paid for. A clean answer costs one request."""

from __future__ import annotations

import json

from dailypapers.errors import LLMError, LLMOutputError, SummaryRejected
from dailypapers.models import HARD, Finding, Section, Usage
from dailypapers.styles import Style
from dailypapers.summarize import prompts
from dailypapers.summarize.backends import ChatModel, Draft, Job
from dailypapers.summarize.parsing import parse_sections

OFF_TOPIC = "off-topic"  # the checks' rule for a summary of another paper: worth one repair, no more


class ChatSummarizer:
    """A backend made of a chat model: it owns the prompt, the parsing of answers, and their repair
    (`repairs`: answers sent back at most, after the first)."""

    languages: frozenset[str] | None = None

    def __init__(self, model: ChatModel, prompt_version: str = prompts.PROMPT_VERSION,
                 repairs: int = 2) -> None:
        self.model = model
        self.model_id = model.model_id
        self.prompt_version = prompt_version
        self.repairs = repairs

    def check(self) -> str | None:
        """Whether the model can be used at all, by one tiny request (when the model can ping):
        LLMUnavailable when it cannot; what a slow or busy server did, else None."""
        ping = getattr(self.model, "ping", None)
        if callable(ping):
            note = ping()
            return None if note is None else str(note)
        return None

    def summarize(self, job: Job) -> Draft:
        """The best answer for the job, repaired as the module docstring says; LLMOutputError when no answer
        could be read, SummaryRejected when the best has a hard finding, LLMError when a request failed."""
        prompt = prompts.build(job.paper, job.text, job.lang, self.prompt_version, job.style)
        schema = job.style.schema()
        messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
        usage = Usage()
        attempts: list[tuple[list[Section], list[Finding]]] = []
        problems: list[Finding] = []
        answers = invalid = reasks_json = reasks_checks = 0
        while True:
            try:
                reply = self.model.chat(messages, schema)
            except LLMError as e:
                if any(not _hard(found) for _, found in attempts):
                    break  # a repair request failed: the publishable answer in hand is kept
                if answers:
                    e.usage = usage  # the answers before it were paid for: the accounts must show them
                e.paper_id = e.paper_id or job.paper.id
                raise
            usage.add(reply.usage)
            answers += 1
            try:
                sections = parse_sections(reply.text, job.style, job.lang)
            except LLMOutputError as e:
                invalid += 1
                problems = [Finding("output", HARD, str(e))]
            else:
                problems = job.checker(sections, job) if job.checker else []
                attempts.append((sections, problems))
            if not problems or invalid > 1 or answers > self.repairs or not _worth_repairing(attempts):
                break
            if problems[0].rule == "output":
                reasks_json += 1
            else:
                reasks_checks += 1
            messages += [{"role": "assistant", "content": reply.text[:4000]},
                         {"role": "user", "content": _repair_request(problems, job.style)}]
        draft = _best(attempts, problems, usage, answers, job.paper.id)
        draft.json_retries, draft.check_repairs = reasks_json, reasks_checks
        return draft


def _best(attempts: list[tuple[list[Section], list[Finding]]], last_problems: list[Finding],
          usage: Usage, answers: int, paper_id: str) -> Draft:
    if not attempts:
        reason = last_problems[0].reason if last_problems else "no answer"
        error = LLMOutputError(f"{reason} (after {answers} answers)", paper_id=paper_id)
        error.usage = usage  # spent all the same: the run's accounts must show it
        raise error
    order = sorted(range(len(attempts)), key=lambda i: (_hard(attempts[i][1]), len(attempts[i][1]), i))
    chosen = order[0]
    sections, findings = attempts[chosen]
    if _hard(findings):
        reasons = "; ".join(f"{f.rule}: {f.reason}" for f in findings if f.severity == HARD)
        rejected = SummaryRejected(f"rejected by the checks after {answers} answers: {reasons}", findings,
                                   paper_id=paper_id)
        rejected.usage = usage
        raise rejected
    return Draft(sections, usage, repaired=answers > 1, attempts=answers, findings=findings)


def _worth_repairing(attempts: list[tuple[list[Section], list[Finding]]]) -> bool:
    """Whether another answer may fix what the last one got wrong: not after a second off-topic
    answer, nor after a repair that left the same soft findings."""
    if len(attempts) < 2:
        return True
    last, before = attempts[-1][1], attempts[-2][1]
    if any(f.rule == OFF_TOPIC for f in last) and any(f.rule == OFF_TOPIC for f in before):
        return False
    if _hard(last):
        return True
    return {f.reason for f in last} != {f.reason for f in before}


def _hard(findings: list[Finding]) -> int:
    return sum(f.severity == HARD for f in findings)


def _repair_request(problems: list[Finding], style: Style) -> str:
    keys = json.dumps(list(style.keys))  # the properties of the style's schema, in its order
    listed = "\n".join(f"- {f.reason}" for f in problems)
    return (f"That answer cannot be published as it is:\n{listed}\n"
            f"Write the entry again, fixing these problems and keeping to the rules above: use only "
            f"figures, names and links that appear in the paper text. Answer with only a JSON object "
            f"with the keys {keys}, each a string.")
