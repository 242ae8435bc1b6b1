"""Summarizer backends. A backend is one method, `summarize(job) -> Draft`; an LLM backend is even
smaller, one `chat(messages, schema) -> Reply`, wrapped by `ChatSummarizer` which owns prompts,
parsing and repair. Backends are found by provider name in the `dailypapers.backends` entry-point
group (`plugins.Registry`); a factory is `make(model, options: LLMOptions, env) -> Backend`."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from dailypapers.config import LLMOptions
from dailypapers.errors import NoLLMConfigured
from dailypapers.models import Finding, Paper, PaperText, Section, Usage
from dailypapers.plugins import Registry
from dailypapers.styles import SECTIONS, Style

Checker = Callable[[list[Section], "Job"], list[Finding]]


@dataclass
class Job:
    """One paper to summarize: the paper, the text to read, the language, the checks, and the
    summary style (its sections, their names in the language, their length)."""

    paper: Paper
    text: PaperText
    lang: str
    checker: Checker | None = None  # quality checks a backend may use to ask for repairs
    style: Style = SECTIONS


@dataclass
class Draft:
    """A backend's summary before it is stored: its sections, what it cost and how many answers it took."""

    sections: list[Section]
    usage: Usage = field(default_factory=Usage)
    repaired: bool = False  # answered more than once, for whatever reason
    attempts: int = 1
    json_retries: int = 0  # answers sent back because they were not the JSON asked for
    check_repairs: int = 0  # answers sent back because the checks found problems
    findings: list[Finding] | None = None  # None: the backend did not check; the pipeline will


class Backend(Protocol):
    """Writes summaries: `summarize(job)` gives a Draft in the job's style, or raises LLMError.
    `model_id` and `prompt_version` are part of every summary's key (with the style's digest, for a
    style other than the default). A backend that writes only some styles names them in an
    attribute `styles` (a set of style names); without it, it writes any."""

    model_id: str        # "openai/gpt-4o-mini": part of every summary's key
    prompt_version: str  # part of the key too
    languages: frozenset[str] | None  # None: any language

    def summarize(self, job: Job) -> Draft: ...


@dataclass
class Reply:
    """A chat model's answer: its text, and the tokens it cost."""

    text: str
    usage: Usage


class ChatModel(Protocol):
    """An LLM behind a chat API: `chat(messages, schema)` gives the answer to the conversation, asked for
    as JSON of `schema`, or raises LLMError."""

    model_id: str

    def chat(self, messages: list[dict[str, str]], schema: dict[str, object]) -> Reply: ...


Factory = Callable[[str, LLMOptions, Mapping[str, str]], Backend]
backends: Registry[Factory] = Registry("dailypapers.backends", "LLM provider", {
    "openai": "dailypapers.summarize.backends.openai_compat:openai",
    "openai-compatible": "dailypapers.summarize.backends.openai_compat:openai_compatible",
    "ollama": "dailypapers.summarize.backends.openai_compat:ollama",
    "vllm": "dailypapers.summarize.backends.openai_compat:vllm",
    "extractive": "dailypapers.summarize.backends.extractive:extractive",
})

NO_LLM_HELP = """no LLM is configured, so there is nothing to write the summaries.
Choose one of:
  --llm openai/gpt-4o-mini           with OPENAI_API_KEY set in the environment
  --llm ollama/qwen2.5:7b            with a local Ollama server (OLLAMA_HOST, default localhost:11434)
  --llm openai-compatible/MODEL      with OPENAI_BASE_URL (and OPENAI_API_KEY if it needs one)
  --llm vllm/MODEL                   with a vLLM server (VLLM_BASE_URL, default localhost:8000/v1)
  --llm extractive                   offline, English only: sentences picked from the abstract
or set DAILYPAPERS_LLM to one of these, or `llm = "..."` in the config file."""


def register(provider: str, factory: Factory) -> None:
    """Add a backend by hand (tests, or code that embeds dailypapers)."""
    backends.register(provider, factory)


def get_backend(spec: str | None, options: LLMOptions | None = None,
                env: Mapping[str, str] | None = None) -> Backend:
    """The backend for `spec`, PROVIDER/MODEL or a provider that needs no model (`extractive`)."""
    if not spec:
        raise NoLLMConfigured(NO_LLM_HELP)
    provider, _, model = spec.partition("/")
    factory = backends.factory(provider)
    return factory(model, options or LLMOptions(), os.environ if env is None else env)
