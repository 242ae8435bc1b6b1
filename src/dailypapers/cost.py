"""What LLM calls cost: a price table per model (bundled, extended by the config file's
[prices] table), and a budget that stops a run before it would spend more than allowed."""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from dailypapers.errors import ConfigError
from dailypapers.models import Usage

EXPECTED_OUTPUT_TOKENS = 900  # what one answer costs at most, roughly, for the budget's estimate
REPAIR_TOKENS = 1200  # what each repair adds to the conversation: the answer sent back, the request


@dataclass(frozen=True)
class Price:
    """What a model costs, in US dollars per million tokens."""

    input: float   # USD per million prompt tokens
    output: float  # USD per million completion tokens

    def of(self, usage: Usage) -> float:
        """What this usage costs, in US dollars."""
        return (usage.prompt_tokens * self.input + usage.completion_tokens * self.output) / 1e6


class PriceTable:
    """The price of every model: the bundled table (data/prices.toml), with `extra` (the config file's
    [prices] table) added over it. A name may be a pattern with `*`; ConfigError for a price that is
    not two numbers."""

    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        raw = tomllib.loads(resources.files("dailypapers").joinpath("data", "prices.toml").read_text("utf-8"))
        raw.update(extra or {})
        self.prices: dict[str, Price] = {}
        for model, entry in raw.items():
            try:
                self.prices[model] = Price(float(entry["input"]), float(entry["output"]))
            except (TypeError, KeyError, ValueError):
                raise ConfigError(f"prices for {model!r} need numbers `input` and `output` "
                                  "(US dollars per million tokens)")

    def price(self, model: str) -> Price | None:
        """The price of `model`: its own entry, else the longest pattern that matches it, else None."""
        if model in self.prices:
            return self.prices[model]
        for pattern in sorted(self.prices, key=len, reverse=True):
            if "*" in pattern and fnmatch.fnmatchcase(model, pattern):
                return self.prices[pattern]
        return None

    def cost(self, model: str, usage: Usage) -> float | None:
        """What this usage of `model` costs in US dollars, or None when its price is not known."""
        price = self.price(model)
        return price.of(usage) if price else None


class Budget:
    """Tracks spending; `allows(estimate)` says whether one more call fits under the limit,
    counting what calls in flight may still spend."""

    def __init__(self, limit: float | None, price: Price | None) -> None:
        self.limit = limit
        self.price = price
        self.spent = 0.0
        self.reserved = 0.0

    def estimate(self, prompt_tokens: int, answers: int = 1) -> float:
        """What one paper may cost at most, roughly: `answers` calls, the first and its repairs,
        each carrying the conversation so far."""
        if self.price is None:
            return 0.0
        return sum(self.price.of(Usage(prompt_tokens + k * REPAIR_TOKENS, EXPECTED_OUTPUT_TOKENS))
                   for k in range(max(1, answers)))

    def allows(self, estimate: float) -> bool:
        """Whether a call estimated at this much fits under the limit, with what is reserved."""
        return self.limit is None or self.spent + self.reserved + estimate <= self.limit

    def reserve(self, estimate: float) -> None:
        """Hold back the estimate of a call that is starting."""
        self.reserved += estimate

    def settle(self, estimate: float, actual: float | None) -> None:
        """A call finished: release its estimate and count what it spent (None: not known)."""
        self.reserved = max(0.0, self.reserved - estimate)
        self.spent += actual or 0.0
