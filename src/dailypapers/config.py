"""Settings, from highest precedence to lowest: CLI flag > DAILYPAPERS_* environment > config file > default.

The config file is TOML, at $DAILYPAPERS_CONFIG or $XDG_CONFIG_HOME/dailypapers/config.toml. Secrets
(API keys, tokens) are read from the environment only and never written anywhere.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dailypapers.errors import ConfigError

LANGUAGES = {"ko": "Korean", "en": "English", "ja": "Japanese", "zh": "Chinese"}


@dataclass
class Settings:
    home: Path
    lang: str = "ko"
    llm: str | None = None
    concurrency: int = 8
    timeout: float = 120.0
    retries: int = 4
    max_retry_wait: float = 120.0  # the longest Retry-After we will honour before giving up
    timezone: str | None = None
    hf_endpoint: str = "https://huggingface.co"
    hf_page_size: int = 100
    openai_base_url: str | None = None
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_url: str = "https://arxiv.org"
    arxiv_delay: float = 3.0  # seconds between arXiv requests, for all processes sharing the home
    text_sources: str = "html,pdf,abstract"  # what a summary reads, first that works
    max_input_tokens: int = 16000  # how much of a paper a summary may read
    max_pdf_mb: float = 50.0
    checks: str = "standard"  # strict | standard | off
    max_consecutive_failures: int = 5  # then the run stops asking the provider
    lock_wait: float = 600.0  # seconds a run waits for another run on the same home
    budget: float | None = None  # US dollars a run may spend at most
    llm_rpm: int | None = None  # requests per minute to the LLM [default: the provider's, or none]
    llm_tpm: int | None = None  # tokens per minute to the LLM
    prices: dict[str, object] | None = None  # the config file's [prices] table
    publish: str | None = None  # where `run` publishes each day: "site,email,slack,..." (comma-separated)
    site_dir: Path | None = None  # where the site is built [default: HOME/site]
    publish_updates: str = "no"  # "yes": a later run sends chat follow-ups for papers that came since
    email: dict[str, object] | None = None  # the config file's [email] table (publish --to email)
    chat: dict[str, object] | None = None  # the config file's [chat] table (publish to chat services)

    @property
    def sends_updates(self) -> bool:
        return str(self.publish_updates).lower() in ("yes", "true", "1", "on")

    def run_publishes(self) -> list[str]:
        """The targets `run` publishes each day to, from the `publish` setting."""
        targets = [t.strip() for t in (self.publish or "").split(",") if t.strip()]
        bad = [t for t in targets if t not in ("site", "email", "slack", "discord", "telegram")]
        if bad:
            raise ConfigError(f"publish {self.publish!r}: unknown target(s) {', '.join(bad)}; "
                              "use site, email, slack, discord, telegram")
        return list(dict.fromkeys(targets))

    @property
    def run_lock(self) -> Path:
        return self.home / "locks" / "run.lock"

    def sources_order(self) -> tuple[str, ...]:
        order = tuple(x.strip() for x in self.text_sources.split(",") if x.strip())
        bad = [x for x in order if x not in ("html", "pdf", "abstract")]
        if bad or not order:
            raise ConfigError(f"text sources {self.text_sources!r}: use html, pdf and abstract, "
                              "separated by commas, in the order to try them")
        return order

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def arxiv_lock(self) -> Path:
        return self.home / "locks" / "arxiv.lock"

    @property
    def db_path(self) -> Path:
        return self.home / "dailypapers.db"

    def today(self) -> str:
        return dt.datetime.now(self.tzinfo()).date().isoformat()

    def tzinfo(self) -> dt.tzinfo | None:
        if not self.timezone:
            return None
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"unknown time zone {self.timezone!r} (use an IANA name such as Asia/Seoul)")


def default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dailypapers"


def config_path() -> Path:
    explicit = os.environ.get("DAILYPAPERS_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dailypapers" / "config.toml"


def _read_file(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}")


_ENV = {
    "home": "DAILYPAPERS_HOME",
    "lang": "DAILYPAPERS_LANG",
    "llm": "DAILYPAPERS_LLM",
    "concurrency": "DAILYPAPERS_CONCURRENCY",
    "timeout": "DAILYPAPERS_TIMEOUT",
    "retries": "DAILYPAPERS_RETRIES",
    "max_retry_wait": "DAILYPAPERS_MAX_RETRY_WAIT",
    "timezone": "DAILYPAPERS_TIMEZONE",
    "hf_endpoint": "HF_ENDPOINT",
    "openai_base_url": "OPENAI_BASE_URL",
    "arxiv_api_url": "DAILYPAPERS_ARXIV_API_URL",
    "arxiv_url": "DAILYPAPERS_ARXIV_URL",
    "arxiv_delay": "DAILYPAPERS_ARXIV_DELAY",
    "text_sources": "DAILYPAPERS_TEXT_SOURCES",
    "max_input_tokens": "DAILYPAPERS_MAX_INPUT_TOKENS",
    "max_pdf_mb": "DAILYPAPERS_MAX_PDF_MB",
    "checks": "DAILYPAPERS_CHECKS",
    "max_consecutive_failures": "DAILYPAPERS_MAX_CONSECUTIVE_FAILURES",
    "lock_wait": "DAILYPAPERS_LOCK_WAIT",
    "budget": "DAILYPAPERS_BUDGET",
    "llm_rpm": "DAILYPAPERS_LLM_RPM",
    "llm_tpm": "DAILYPAPERS_LLM_TPM",
    "publish": "DAILYPAPERS_PUBLISH",
    "site_dir": "DAILYPAPERS_SITE_DIR",
    "publish_updates": "DAILYPAPERS_PUBLISH_UPDATES",
}


def _coerce(name: str, value: object, kind: type) -> object:
    try:
        if kind is Path:
            return Path(str(value)).expanduser()
        if kind is int:
            v = int(value)  # type: ignore[arg-type]
            if v < 1 and name != "retries":
                raise ValueError("must be at least 1")
            return v
        if kind is float:
            return float(value)  # type: ignore[arg-type]
        return str(value)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"setting {name!r} has a bad value {value!r}: {e}")


# The tables `publish` reads; secrets (passwords, tokens, webhook URLs) stay in the environment.
_PUBLISH_TABLES = {
    "email": ({"smtp_host", "smtp_port", "security", "sender", "to", "list", "subject"},
              "SMTP_USERNAME and SMTP_PASSWORD"),
    "chat": ({"services", "delay", "slack_channel", "discord_channel", "telegram_chat_id"},
             "SLACK_WEBHOOK_URL, SLACK_BOT_TOKEN, DISCORD_WEBHOOK_URL and TELEGRAM_BOT_TOKEN"),
}


def _publish_table(name: str, raw: object) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise ConfigError(f"config file {config_path()}: [{name}] must be a table")
    keys, secrets = _PUBLISH_TABLES[name]
    secret = sorted(k for k in raw if any(w in k.lower() for w in ("password", "token", "secret", "webhook",
                                                                   "key", "user")))
    if secret:
        raise ConfigError(f"config file {config_path()}: keep {', '.join(secret)} out of [{name}]; secrets "
                          f"come from the environment only ({secrets})")
    unknown = sorted(set(raw) - keys)
    if unknown:
        raise ConfigError(f"config file {config_path()}: [{name}] has unknown settings: {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(keys))})")
    if name == "email" and raw.get("security", "starttls") not in ("starttls", "tls", "none"):
        raise ConfigError(f"[email] security {raw['security']!r}: use starttls, tls or none")
    if name == "chat":
        services = raw.get("services", [])
        if not isinstance(services, list) or not all(x in ("slack", "discord", "telegram") for x in services):
            raise ConfigError(f"[chat] services {services!r}: a list of slack, discord and telegram")
        delay = raw.get("delay", 0)
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
            raise ConfigError(f"[chat] delay {delay!r}: seconds between two messages, 0 or more")
    return dict(raw)


def load_settings(**flags: object) -> Settings:
    """Build the settings; `flags` are the CLI options, None meaning 'not given'."""
    file_values = _read_file(config_path())
    types = {"home": Path, "concurrency": int, "retries": int, "timeout": float,
             "max_retry_wait": float, "hf_page_size": int, "arxiv_delay": float,
             "max_input_tokens": int, "max_pdf_mb": float, "max_consecutive_failures": int,
             "lock_wait": float, "budget": float, "llm_rpm": int, "llm_tpm": int, "site_dir": Path}
    known = {f.name for f in fields(Settings)}
    unknown = set(file_values) - known - {"api_key", "token"}
    if unknown:
        raise ConfigError(f"config file {config_path()} has unknown settings: {', '.join(sorted(unknown))}")
    if {"api_key", "token"} & set(file_values):
        raise ConfigError(f"config file {config_path()}: keep secrets in the environment "
                          "(OPENAI_API_KEY, HF_TOKEN), not in the config file")
    values: dict[str, object] = {}
    for name in known:
        raw: object = None
        if flags.get(name) is not None:
            raw = flags[name]
        elif name in _ENV and os.environ.get(_ENV[name]):
            raw = os.environ[_ENV[name]]
        elif name in file_values:
            raw = file_values[name]
        if raw is not None:
            if name == "prices":
                if not isinstance(raw, dict):
                    raise ConfigError("config file: [prices] must be a table of models")
                values[name] = raw
                continue
            if name in _PUBLISH_TABLES:
                values[name] = _publish_table(name, raw)
                continue
            if name == "publish" and isinstance(raw, list):
                raw = ",".join(str(x) for x in raw)
            values[name] = _coerce(name, raw, types.get(name, str))
    values.setdefault("home", default_home())
    settings = Settings(**values)  # type: ignore[arg-type]
    if settings.lang not in LANGUAGES and not settings.lang.isalpha():
        raise ConfigError(f"--lang {settings.lang!r} is not a language code (ko, en, ja, zh, ...)")
    settings.hf_endpoint = settings.hf_endpoint.rstrip("/")
    settings.arxiv_url = settings.arxiv_url.rstrip("/")
    if settings.arxiv_delay < 0:
        raise ConfigError("arxiv_delay cannot be negative")
    settings.sources_order()
    settings.run_publishes()
    if settings.checks not in ("strict", "standard", "off"):
        raise ConfigError(f"checks {settings.checks!r}: use strict, standard or off")
    return settings


def parse_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ConfigError(f"--date {value!r} is not a date in the form YYYY-MM-DD")
