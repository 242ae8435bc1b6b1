"""Summaries written by a chat model: the prompt, the answer's parsing, and one repair."""

from __future__ import annotations

import json

from dailypapers.errors import LLMOutputError
from dailypapers.models import Usage
from dailypapers.summarize import prompts
from dailypapers.summarize.backends import ChatModel, Draft, Job
from dailypapers.summarize.parsing import parse_sections


class ChatSummarizer:
    languages = None

    def __init__(self, model: ChatModel, prompt_version: str = prompts.PROMPT_VERSION,
                 repairs: int = 1) -> None:
        self.model = model
        self.model_id = model.model_id
        self.prompt_version = prompt_version
        self.repairs = repairs

    def summarize(self, job: Job) -> Draft:
        prompt = prompts.build(job.paper, job.text, job.lang, self.prompt_version)
        messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
        usage = Usage()
        for attempt in range(self.repairs + 1):
            reply = self.model.chat(messages, prompts.RESPONSE_SCHEMA)
            usage.add(reply.usage)
            try:
                return Draft(parse_sections(reply.text), usage, repaired=attempt > 0)
            except LLMOutputError as e:
                if attempt == self.repairs:
                    raise LLMOutputError(f"{e} (after {attempt + 1} answers)") from None
                messages += [{"role": "assistant", "content": reply.text[:4000]},
                             {"role": "user", "content": _repair_request(str(e))}]
        raise AssertionError("unreachable")


def _repair_request(problem: str) -> str:
    keys = json.dumps(list(prompts.RESPONSE_SCHEMA["properties"]))  # type: ignore[arg-type]
    return (f"That answer cannot be used: {problem}. Answer again with only a JSON object with the "
            f"keys {keys}, each a string, following the rules above.")
