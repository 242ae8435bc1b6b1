"""Any server that speaks the OpenAI chat-completions API: OpenAI itself, Ollama, vLLM and the
many compatible gateways. Plain httpx, a strict JSON-schema response format, and the shared
retry loop (429, 5xx and timeouts, honouring Retry-After)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx

from dailypapers.errors import (
    ConfigError,
    GaveUp,
    LimitExceeded,
    LLMAuthError,
    LLMError,
    LLMOutputError,
    LLMUnavailable,
)
from dailypapers.http import LLM_ANSWER, Limiter, Limits, RateLimiter, RetryPolicy, make_client, request
from dailypapers.models import Usage
from dailypapers.summarize.backends import Backend, Reply
from dailypapers.summarize.llm import ChatSummarizer
from dailypapers.text import strip_userinfo

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dailypapers.config import LLMOptions

OPENAI_URL = "https://api.openai.com/v1"
PING = "Reply with the word OK."  # the first request of a run: is the key good, the server there?
# Requests and tokens per minute when the settings give none: OpenAI's lowest paid tier, so a
# new account is not rate-limited into failures; local servers have no such limits.
DEFAULT_LIMITS: dict[str, tuple[int | None, int | None]] = {"openai": (500, 200_000)}


class OpenAICompatModel:
    """A model behind an OpenAI-compatible chat-completions API at `base_url`. `model_id` names it in
    summary keys and messages; `model` is what the API is asked for."""

    def __init__(self, model_id: str, model: str, base_url: str, api_key: str | None = None,
                 timeout: float = 120.0, policy: RetryPolicy | None = None,
                 temperature: float | None = 0.2, client: httpx.Client | None = None,
                 limiter: Limiter | None = None) -> None:
        self.model_id = model_id
        self.model = model
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.shown_url = strip_userinfo(self.url)  # what messages say: never a password in the URL
        self._key = api_key
        self.temperature = temperature
        self.policy = policy or RetryPolicy()
        self.limiter = limiter or RateLimiter()
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = client or make_client(timeout, headers)

    def chat(self, messages: list[dict[str, str]], schema: dict[str, object]) -> Reply:
        """Ask for one answer as JSON of `schema`, within the rate limits; LLMAuthError for rejected
        credentials, LLMOutputError for an answer that is not a usable completion, LLMError otherwise."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_format": {"type": "json_schema",
                                "json_schema": {"name": "paper_summary", "strict": True, "schema": schema}},
        }
        if self.temperature is not None:
            body["temperature"] = self.temperature
        # About four characters a token, plus the answer: enough to keep under a provider's TPM.
        self.limiter.acquire(sum(len(m["content"]) for m in messages) // 4 + 1000)
        try:
            response = request(self.client, "POST", self.url, self.policy, limits=LLM_ANSWER, json=body)
        except LimitExceeded as e:  # a provider that drips or floods: like one that times out
            raise LLMError(strip_userinfo(f"{self.model_id}: {e}"), url=self.shown_url)
        except GaveUp as e:
            raise LLMError(f"{self.model_id} at {self.shown_url}: {e}", url=self.shown_url)
        if response.status_code in (401, 403):
            raise LLMAuthError(f"{self.model_id} at {self.shown_url} rejected the credentials (HTTP "
                               f"{response.status_code}); check OPENAI_API_KEY", url=self.shown_url,
                               hint="check OPENAI_API_KEY")
        if response.status_code != 200:
            raise LLMError(f"{self.model_id} at {self.shown_url}: HTTP {response.status_code}: "
                           f"{self._scrub(response.text)[:300]!r}", url=self.shown_url)
        return self._reply(response)

    def ping(self, deadline: float = 20.0) -> str | None:
        """One tiny request, before any work: LLMUnavailable when the key is rejected, the server
        cannot be reached or has no such model. A slow or busy server (a timeout, 429, 5xx) is left
        to the run's own retries: what it did is returned (None when it answered)."""
        body = {"model": self.model, "messages": [{"role": "user", "content": PING}], "max_tokens": 1}
        where = f"{self.model_id} at {self.shown_url}"
        try:
            response = request(self.client, "POST", self.url, RetryPolicy(retries=0), json=body,
                               limits=Limits(LLM_ANSWER.max_bytes, deadline, "the LLM's first answer"))
        except LimitExceeded as e:
            return f"{where} gave no answer in time: {e}"
        except GaveUp as e:
            raise LLMUnavailable(f"cannot reach {where}: {e}", url=self.shown_url,
                                 hint="check OPENAI_BASE_URL (or OLLAMA_HOST, VLLM_BASE_URL) and that the server runs")
        if response.status_code in (401, 403):
            raise LLMUnavailable(f"{where} rejected the credentials (HTTP {response.status_code}); check "
                                 "OPENAI_API_KEY", url=self.shown_url, hint="check OPENAI_API_KEY")
        if response.status_code == 404:
            raise LLMUnavailable(f"{where} has no such model or endpoint (HTTP 404): "
                                 f"{self._scrub(response.text)[:200]!r}", url=self.shown_url,
                                 hint=f"check the model name ({self.model}) and the base URL")
        if response.status_code != 200:
            return f"{where} answered HTTP {response.status_code}: {self._scrub(response.text)[:200]!r}"
        return None

    def _reply(self, response: httpx.Response) -> Reply:
        try:
            data = response.json()
            choice = data["choices"][0]
            content = choice["message"]["content"]
        except (json.JSONDecodeError, KeyError, IndexError, TypeError) as e:
            raise LLMOutputError(f"{self.model_id}: the response is not a chat completion "
                                 f"({type(e).__name__}: {e})", url=self.shown_url)
        if not isinstance(content, str):
            raise LLMOutputError(f"{self.model_id}: the completion has no text content", url=self.shown_url)
        if choice.get("finish_reason") == "length":
            raise LLMOutputError(f"{self.model_id}: the answer was cut off at the token limit", url=self.shown_url)
        raw_usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        usage = Usage(prompt_tokens=_int(raw_usage.get("prompt_tokens")),
                      completion_tokens=_int(raw_usage.get("completion_tokens")), requests=1)
        return Reply(content, usage)

    def _scrub(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _own_limiter(name: str, rpm: int | None, tpm: int | None) -> Limiter:
    """The limits counted by this process alone."""
    return RateLimiter(rpm, tpm)


def _make(provider: str, model: str, options: LLMOptions, base_url: str, api_key: str | None) -> Backend:
    if not model:
        raise ConfigError(f"--llm {provider}/MODEL needs a model name, for example {provider}/"
                          + {"ollama": "qwen2.5:7b"}.get(provider, "gpt-4o-mini"))
    policy = RetryPolicy(retries=options.retries, max_wait=options.max_retry_wait)
    rpm, tpm = DEFAULT_LIMITS.get(provider, (None, None))
    limiter = (options.limiter or _own_limiter)(f"{provider}/{model}", options.rpm or rpm, options.tpm or tpm)
    chat = OpenAICompatModel(f"{provider}/{model}", model, base_url, api_key, options.timeout, policy,
                             limiter=limiter)
    return ChatSummarizer(chat)


def openai(model: str, options: LLMOptions, env: Mapping[str, str]) -> Backend:
    """`openai/MODEL`: OpenAI's API with OPENAI_API_KEY (OPENAI_BASE_URL may point elsewhere)."""
    key = env.get("OPENAI_API_KEY")
    if not key:
        raise ConfigError("--llm openai/... needs OPENAI_API_KEY in the environment")
    return _make("openai", model, options, options.base_url or OPENAI_URL, key)


def openai_compatible(model: str, options: LLMOptions, env: Mapping[str, str]) -> Backend:
    """`openai-compatible/MODEL`: any server that speaks OpenAI's chat API, at OPENAI_BASE_URL."""
    if not options.base_url:
        raise ConfigError("--llm openai-compatible/... needs OPENAI_BASE_URL "
                          "(for example http://localhost:8080/v1)")
    return _make("openai-compatible", model, options, options.base_url, env.get("OPENAI_API_KEY"))


def ollama(model: str, options: LLMOptions, env: Mapping[str, str]) -> Backend:
    """`ollama/MODEL`: a local Ollama server (OLLAMA_HOST, default localhost:11434)."""
    host = env.get("OLLAMA_HOST", "http://localhost:11434")
    if "://" not in host:
        host = "http://" + host
    return _make("ollama", model, options, host.rstrip("/") + "/v1", None)


def vllm(model: str, options: LLMOptions, env: Mapping[str, str]) -> Backend:
    """`vllm/MODEL`: a vLLM server (VLLM_BASE_URL, default localhost:8000/v1)."""
    base = env.get("VLLM_BASE_URL") or options.base_url or "http://localhost:8000/v1"
    return _make("vllm", model, options, base, env.get("OPENAI_API_KEY"))
