"""Summarizer backends. A backend is one method, `summarize(job) -> Draft`; an LLM backend is even
smaller, one `chat(messages, schema) -> Reply`, wrapped by `ChatSummarizer` which owns prompts,
parsing and repair. Backends are found by provider name in the `dailypapers.backends` entry-point
group; the built-ins register there exactly as a plugin package would, and tests may `register`
their own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol

from dailypapers.errors import ConfigError
from dailypapers.models import Finding, Paper, PaperText, Section, Usage

if TYPE_CHECKING:
    from dailypapers.config import Settings


Checker = Callable[[list[Section], "Job"], list[Finding]]


@dataclass
class Job:
    paper: Paper
    text: PaperText
    lang: str
    checker: Checker | None = None  # quality checks a backend may use to ask for repairs


@dataclass
class Draft:
    sections: list[Section]
    usage: Usage = field(default_factory=Usage)
    repaired: bool = False
    attempts: int = 1
    findings: list[Finding] | None = None  # None: the backend did not check; the pipeline will


class Backend(Protocol):
    model_id: str        # "openai/gpt-4o-mini": part of every summary's key
    prompt_version: str  # part of the key too
    languages: frozenset[str] | None  # None: any language

    def summarize(self, job: Job) -> Draft: ...


@dataclass
class Reply:
    text: str
    usage: Usage


class ChatModel(Protocol):
    model_id: str

    def chat(self, messages: list[dict[str, str]], schema: dict[str, object]) -> Reply: ...


Factory = Callable[[str, "Settings"], Backend]
_registered: dict[str, Factory] = {}

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
    _registered[provider] = factory


def providers() -> dict[str, Factory | None]:
    found: dict[str, Factory | None] = {ep.name: None for ep in entry_points(group="dailypapers.backends")}
    found.update(_registered)
    return found


def get_backend(spec: str | None, settings: Settings) -> Backend:
    """`spec` is PROVIDER/MODEL, or a provider that needs no model (`extractive`)."""
    if not spec:
        from dailypapers.errors import NoLLMConfigured

        raise NoLLMConfigured(NO_LLM_HELP)
    provider, _, model = spec.partition("/")
    if provider in _registered:
        return _registered[provider](model, settings)
    for ep in entry_points(group="dailypapers.backends"):
        if ep.name == provider:
            return ep.load()(model, settings)
    known = ", ".join(sorted(providers()))
    raise ConfigError(f"unknown LLM provider {provider!r} in --llm {spec!r}; known providers: {known}")
