"""Settings, from highest precedence to lowest: CLI flag > DAILYPAPERS_* environment > config file > default.

The config file is TOML, at $DAILYPAPERS_CONFIG or $XDG_CONFIG_HOME/dailypapers/config.toml. Secrets
(API keys, tokens) are read from the environment only and never written anywhere.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import stat
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dailypapers.errors import ConfigError
from dailypapers.languages import parse_lang
from dailypapers.text import strip_userinfo

if TYPE_CHECKING:
    from dailypapers.styles import Style

if TYPE_CHECKING:
    from collections.abc import Callable

    from dailypapers.http import Gate, Limiter

_TRUE, _FALSE = ("yes", "true", "1", "on"), ("no", "false", "0", "off")


def setting(default: Any, env: str | None = None, low: float | None = None, high: float | None = None,
            choices: tuple[str, ...] | None = None, doc: str = "") -> Any:
    """One setting, declared once: its default, the environment variable that sets it, the range or
    the choices it must keep to (checked when its dataclass is made), and what it is."""
    return field(default=default, metadata={"env": env, "low": low, "high": high, "choices": choices, "doc": doc})


def _validate(obj: Any, where: str = "setting") -> None:
    """Check every field of a settings dataclass against its declaration: finite, in range, one of
    its choices."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        if value is None:
            continue
        low, high, choices = f.metadata.get("low"), f.metadata.get("high"), f.metadata.get("choices")
        name = f"{where} {f.name!r}"
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number, not {value!r}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if (low is not None and value < low) or (high is not None and value > high):
                lo = "" if low is None else f" from {low:g}"
                hi = "" if high is None else f" to {high:g}"
                raise ConfigError(f"{name} is {value!r}; it must be{lo}{hi}")
        if choices is not None and str(value).lower() not in choices:
            raise ConfigError(f"{name} is {value!r}; use one of: {', '.join(choices)}")


@dataclass
class EmailSettings:
    """The config file's [email] table (secrets stay in the environment: SMTP_USERNAME, SMTP_PASSWORD)."""

    smtp_host: str | None = setting(None, doc="the SMTP server")
    smtp_port: int = setting(0, low=0, high=65535, doc="0: 587 for starttls, 465 for tls, 25 for none")
    security: str = setting("starttls", choices=("starttls", "tls", "none"))
    sender: str | None = setting(None, doc="the From address")
    to: tuple[str, ...] = setting((), doc="the recipients (the envelope's only)")
    list: str = setting("", doc="the list's name in the record of what was sent [default: the addresses]")
    subject: str = setting("Daily Papers", doc='the subject is "SUBJECT (DATE)"')

    def __post_init__(self) -> None:
        _validate(self, "[email]")


@dataclass
class ChatSettings:
    """The config file's [chat] table (webhook URLs and tokens stay in the environment)."""

    services: tuple[str, ...] = setting((), doc="the chat publishers `publish` sends to with no --to")
    delay: float | None = setting(None, low=0, high=3600, doc="seconds between two messages [default: the service's]")
    slack_channel: str | None = setting(None)
    discord_channel: str | None = setting(None)
    telegram_chat_id: str | None = setting(None)

    def __post_init__(self) -> None:
        _validate(self, "[chat]")


# The secrets, each read from the environment only (a config file that holds one is refused), and
# the service each is for. `dailypapers config` says whether each is set, never more.
SECRETS: dict[str, str] = {"OPENAI_API_KEY": "llm", "HF_TOKEN": "hf", "SMTP_USERNAME": "email",
                           "SMTP_PASSWORD": "email", "SLACK_WEBHOOK_URL": "slack", "SLACK_BOT_TOKEN": "slack",
                           "DISCORD_WEBHOOK_URL": "discord", "TELEGRAM_BOT_TOKEN": "telegram"}


def _secrets_of(*parts: str) -> str:
    names = [name for name, part in SECRETS.items() if part in parts]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


_SECRETS_OF = {"email": _secrets_of("email"), "chat": _secrets_of("slack", "discord", "telegram")}
_SECTIONS: dict[str, type] = {"email": EmailSettings, "chat": ChatSettings}


@dataclass
class Settings:
    """Every setting of a run, from its flag, environment variable, config file or default
    (`load_settings` reads them in that order). What each is: the `doc` of its declaration."""

    home: Path = setting(None, "DAILYPAPERS_HOME", doc="where the database, caches and outputs live")
    lang: str = setting("ko", "DAILYPAPERS_LANG", doc="the language of the summaries")
    style: str = setting("sections", "DAILYPAPERS_STYLE",
                         doc="the summary style: sections, tldr, prior-work, or a style file (docs/styles.md)")
    llm: str | None = setting(None, "DAILYPAPERS_LLM", doc="PROVIDER/MODEL that writes the summaries")
    concurrency: int = setting(8, "DAILYPAPERS_CONCURRENCY", 1, 256, doc="papers summarized at once")
    timeout: float = setting(120.0, "DAILYPAPERS_TIMEOUT", 1, 3600, doc="seconds per HTTP read")
    retries: int = setting(4, "DAILYPAPERS_RETRIES", 0, 20, doc="extra attempts on 429, 5xx and timeouts")
    max_retry_wait: float = setting(120.0, "DAILYPAPERS_MAX_RETRY_WAIT", 0, 86400,
                                    doc="the longest Retry-After honoured, in seconds")
    timezone: str | None = setting(None, "DAILYPAPERS_TIMEZONE", doc="IANA time zone of 'today'")
    hf_endpoint: str = setting("https://huggingface.co", "HF_ENDPOINT", doc="the Hugging Face host")
    hf_page_size: int = setting(100, None, 1, 1000, doc="papers asked for per page")
    max_papers: int = setting(500, "DAILYPAPERS_MAX_PAPERS", 1, 100_000,
                              doc="papers of one day at most; more are left out, with a warning")
    openai_base_url: str | None = setting(None, "OPENAI_BASE_URL", doc="an OpenAI-compatible server")
    arxiv_api_url: str = setting("https://export.arxiv.org/api/query", "DAILYPAPERS_ARXIV_API_URL")
    arxiv_url: str = setting("https://arxiv.org", "DAILYPAPERS_ARXIV_URL")
    arxiv_delay: float = setting(3.0, "DAILYPAPERS_ARXIV_DELAY", 0, 3600,
                                 doc="seconds between arXiv requests, for all processes sharing the home")
    text_sources: str = setting("html,pdf,abstract", "DAILYPAPERS_TEXT_SOURCES",
                                doc="what a summary reads, the first that works")
    max_input_tokens: int = setting(16000, "DAILYPAPERS_MAX_INPUT_TOKENS", 200, 2_000_000,
                                    doc="how much of a paper a prompt may hold, instructions included")
    max_pdf_mb: float = setting(50.0, "DAILYPAPERS_MAX_PDF_MB", 0.1, 1024, doc="the largest PDF downloaded")
    checks: str = setting("standard", "DAILYPAPERS_CHECKS", choices=("strict", "standard", "off"))
    max_consecutive_failures: int = setting(5, "DAILYPAPERS_MAX_CONSECUTIVE_FAILURES", 1, 1_000_000,
                                            doc="then the run stops asking the provider")
    lock_wait: float = setting(600.0, "DAILYPAPERS_LOCK_WAIT", 0, 86400,
                               doc="seconds a run waits for another run on the same home")
    budget: float | None = setting(None, "DAILYPAPERS_BUDGET", 0, 1_000_000, doc="US dollars a run may spend")
    llm_rpm: int | None = setting(None, "DAILYPAPERS_LLM_RPM", 1, 1_000_000, doc="LLM requests per minute")
    llm_tpm: int | None = setting(None, "DAILYPAPERS_LLM_TPM", 1, 10**10, doc="LLM tokens per minute")
    prices: dict[str, object] | None = setting(None, doc="the config file's [prices] table")
    publish: str | None = setting(None, "DAILYPAPERS_PUBLISH",
                                  doc="where `run` publishes each day: site,email,slack,... (comma-separated)")
    site_dir: Path | None = setting(None, "DAILYPAPERS_SITE_DIR", doc="where the site is built")
    publish_updates: bool = setting(False, "DAILYPAPERS_PUBLISH_UPDATES",
                                    doc="a later run sends chat follow-ups for papers that came since")
    alert: tuple[str, ...] = setting((), "DAILYPAPERS_ALERT",
                                     doc="chat targets that get a one-line alert when a day has warnings")
    holidays: tuple[str, ...] = setting((), "DAILYPAPERS_HOLIDAYS",
                                        doc="weekdays (YYYY-MM-DD) with no papers expected: `run` exits 0 on them")
    empty_weekday: str = setting("fail", "DAILYPAPERS_EMPTY_WEEKDAY", choices=("fail", "ok"),
                                 doc="a weekday with no papers listed: `run` exits 1 (fail) or 0 (ok)")
    database_url: str | None = setting(None, "DAILYPAPERS_DATABASE_URL",
                                       doc="a PostgreSQL store (postgresql://USER@HOST/DB) instead of HOME's SQLite")
    worker_lease: float = setting(60.0, "DAILYPAPERS_WORKER_LEASE", 3, 3600,
                                  doc="seconds without a sign of life after which a worker's jobs go to another")
    email: EmailSettings = setting(None, doc="the config file's [email] table")
    chat: ChatSettings = setting(None, doc="the config file's [chat] table")

    def __post_init__(self) -> None:
        self.home = default_home() if self.home is None else Path(self.home)
        for name, cls in _SECTIONS.items():  # a table given as a dict (tests, embedding code) is read as one
            value = getattr(self, name)
            if value is None or isinstance(value, dict):
                setattr(self, name, _section(name, value or {}))
            elif not isinstance(value, cls):
                raise ConfigError(f"setting {name!r} must be a table")
        self.holidays = tuple(parse_date(d, "setting 'holidays'") for d in self.holidays)
        _validate(self)

    def summary_style(self) -> Style:
        """The summary style the `style` setting names; ConfigError for an unknown name or a bad file."""
        from dailypapers.styles import resolve

        return resolve(self.style)

    def run_publishes(self) -> list[str]:
        """The targets `run` publishes each day to, from the `publish` setting (the names are
        checked against the publishers found, by the pipeline)."""
        return list(dict.fromkeys(t.strip() for t in (self.publish or "").split(",") if t.strip()))

    def http_options(self) -> HTTPOptions:
        """What a plugin that talks HTTP is given: its timeout, retries and longest wait."""
        return HTTPOptions(self.timeout, self.retries, self.max_retry_wait)

    def source_options(self, categories: list[str] | tuple[str, ...] = (),
                       ids: list[str] | tuple[str, ...] = ()) -> SourceOptions:
        """What a source is given; `categories` and `ids` are those of `fetch --source arxiv`."""
        return SourceOptions(self.timeout, self.retries, self.max_retry_wait, self.hf_endpoint, self.hf_page_size,
                             self.max_papers, self.arxiv_api_url, self.arxiv_delay, self.arxiv_lock,
                             self.cache_dir, tuple(categories), tuple(ids))

    def llm_options(self) -> LLMOptions:
        """What an LLM backend is given."""
        return LLMOptions(self.timeout, self.retries, self.max_retry_wait, self.openai_base_url,
                          self.llm_rpm, self.llm_tpm)

    def site_options(self, out_dir: Path | None = None, langs: list[str] | None = None,
                     base_url: str | None = None, download_media: bool = True, search: bool = True,
                     media_hosts: tuple[str, ...] = ()) -> SiteOptions:
        """Where and how the site is built: `out_dir` (default: the setting site_dir, else HOME/site), only
        `langs` (None: every language), the site's public `base_url` for its feeds, and whether to
        download media and build the search index."""
        return SiteOptions(Path(out_dir or self.site_dir or self.home / "site"), self.cache_dir / "media",
                           self.lang, self.hf_endpoint, media_hosts, tuple(langs) if langs else None,
                           download_media, search, base_url, min(self.timeout, 30.0),
                           self.arxiv_url, self.arxiv_delay, self.arxiv_lock)

    def publish_options(self, site: SiteOptions | None = None) -> PublishOptions:
        """What a publisher is given; `site` defaults to `site_options()`."""
        return PublishOptions(self.timeout, self.retries, self.max_retry_wait, self.lang, self.email, self.chat,
                              site or self.site_options())

    @property
    def run_lock(self) -> Path:
        """The lock file that lets one run at a time work on this home."""
        return self.home / "locks" / "run.lock"

    def sources_order(self) -> tuple[str, ...]:
        """The text sources a summary tries, in order; ConfigError when the setting names another."""
        order = tuple(x.strip() for x in self.text_sources.split(",") if x.strip())
        bad = [x for x in order if x not in ("html", "pdf", "abstract")]
        if bad or not order:
            raise ConfigError(f"text sources {self.text_sources!r}: use html, pdf and abstract, "
                              "separated by commas, in the order to try them")
        return order

    @property
    def cache_dir(self) -> Path:
        """Where downloads and API answers are cached."""
        return self.home / "cache"

    @property
    def arxiv_lock(self) -> Path:
        """The lock file that paces arXiv requests across every process of this home."""
        return self.home / "locks" / "arxiv.lock"

    @property
    def db_path(self) -> Path:
        """The SQLite database of this home."""
        return self.home / "dailypapers.db"

    def today(self) -> str:
        """Today's date (YYYY-MM-DD) in the setting's time zone, else the machine's."""
        return dt.datetime.now(self.tzinfo()).date().isoformat()

    def tzinfo(self) -> dt.tzinfo | None:
        """The setting's time zone, or None for the machine's; ConfigError for an unknown name."""
        if not self.timezone:
            return None
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"unknown time zone {self.timezone!r} (use an IANA name such as Asia/Seoul)")


# -- what each kind of plugin is given ---------------------------------------------------------------
# A plugin's factory gets one of these and its environment, never the whole Settings: a source, a
# backend or a publisher sees only what it needs, and a plugin package can be written against them.

@dataclass(frozen=True)
class HTTPOptions:
    """How a plugin talks HTTP: seconds per read, extra attempts, the longest wait honoured."""

    timeout: float = 120.0
    retries: int = 4
    max_retry_wait: float = 120.0


@dataclass(frozen=True)
class SourceOptions(HTTPOptions):
    """What a source of the day's papers is given (`dailypapers.sources` entry points)."""

    hf_endpoint: str = "https://huggingface.co"
    hf_page_size: int = 100
    max_papers: int = 500
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_delay: float = 3.0
    arxiv_lock: Path | None = None  # shared by every process of a home, for the delay
    cache_dir: Path | None = None
    categories: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    # arXiv's pace for every process and machine of a PostgreSQL store (None: arxiv_delay, held by arxiv_lock)
    arxiv_gate: Gate | None = None


@dataclass(frozen=True)
class LLMOptions(HTTPOptions):
    """What an LLM backend is given (`dailypapers.backends` entry points)."""

    base_url: str | None = None  # OPENAI_BASE_URL
    rpm: int | None = None
    tpm: int | None = None
    # Makes the limiter of a model (its name, rpm, tpm) when the limits must hold for every process of
    # a PostgreSQL store; None: each process counts alone (`http.RateLimiter`).
    limiter: Callable[[str, int | None, int | None], Limiter] | None = None


@dataclass(frozen=True)
class SiteOptions:
    """Where and how the site publisher builds the site."""

    out_dir: Path
    media_dir: Path
    default_lang: str = "ko"
    hf_endpoint: str = "https://huggingface.co"
    media_hosts: tuple[str, ...] = ()
    langs: tuple[str, ...] | None = None
    download_media: bool = True
    search: bool = True
    base_url: str | None = None
    timeout: float = 30.0  # per read of a media download
    arxiv_url: str = "https://arxiv.org"  # papers' figures are downloaded from its host, paced as arXiv asks:
    arxiv_delay: float = 3.0  # one request every arxiv_delay seconds,
    arxiv_lock: Path | None = None  # across the processes of a home


@dataclass(frozen=True)
class PublishOptions(HTTPOptions):
    """What a publisher is given (`dailypapers.publishers` entry points)."""

    lang: str = "ko"
    email: EmailSettings = field(default_factory=EmailSettings)
    chat: ChatSettings = field(default_factory=ChatSettings)
    site: SiteOptions | None = None


def default_home() -> Path:
    """Where a home lives when none is given: $XDG_DATA_HOME/dailypapers (~/.local/share/dailypapers)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dailypapers"


def config_path() -> Path:
    """The config file: $DAILYPAPERS_CONFIG, else $XDG_CONFIG_HOME/dailypapers/config.toml."""
    explicit = os.environ.get("DAILYPAPERS_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dailypapers" / "config.toml"


MAX_CONFIG_BYTES = 1024 * 1024


def _read_file(path: Path) -> dict[str, object] | None:
    """The config file's settings, or None when there is none. It must be a regular file (a folder
    or a FIFO is an error, not a hang), small, and writable by its owner only: a file others can
    write could point the LLM or the e-mail at their own server, so it is refused (ssh refuses such
    a key for the same reason). The default file may be absent; one DAILYPAPERS_CONFIG names may
    not (a typo there would otherwise run with every setting at its default, unnoticed)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if os.environ.get("DAILYPAPERS_CONFIG"):
            raise ConfigError(f"DAILYPAPERS_CONFIG names the config file {path}, which does not exist; create "
                              "it, or unset DAILYPAPERS_CONFIG to use the default one", path=str(path),
                              hint="create the file, or unset DAILYPAPERS_CONFIG")
        return None
    except OSError as e:
        raise ConfigError(f"config file {path} cannot be read: {e.strerror}", path=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"config file {path} is not a regular file", path=str(path))
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise ConfigError(f"config file {path} can be changed by other users (mode {stat.S_IMODE(info.st_mode):o}); "
                          f"make it yours alone: chmod go-w {path}", path=str(path), hint=f"chmod go-w {path}")
    if info.st_size > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file {path} is {info.st_size:,} bytes; a config file is far smaller", path=str(path))
    try:
        with open(path, "rb") as f:  # opened once it is known to be a regular file: no FIFO can hang us
            data = f.read(MAX_CONFIG_BYTES + 1)
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}", path=str(path))
    except OSError as e:
        raise ConfigError(f"config file {path} cannot be read: {e.strerror}", path=str(path))


def _env_names() -> dict[str, str]:
    return {f.name: f.metadata["env"] for f in fields(Settings) if f.metadata.get("env")}


def _kind(cls: type, name: str) -> type:
    """The type a field's value is read as, from its annotation (`int | None` is int)."""
    hint = str(get_type_hints(cls)[name])
    if hint.startswith("tuple"):
        return tuple
    for kind in (Path, bool, int, float, dict):
        if kind.__name__ in hint:
            return kind
    return str


def _coerce(cls: type, name: str, value: object, where: str = "setting") -> object:
    kind = _kind(cls, name)
    try:
        if isinstance(value, bool) and kind in (int, float):
            raise ValueError("a number, not true or false")
        if kind is bool:
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ValueError(f"use one of: {', '.join(_TRUE + _FALSE)}")
        if kind is tuple:
            # A string (the environment) is a list separated by commas; TOML dates are read as text.
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, (list, tuple)) or not all(isinstance(x, (str, dt.date)) for x in items):
                raise ValueError("a list of strings")
            return tuple(s for s in (str(x).strip() for x in items) if s)
        if kind is Path:
            return Path(str(value)).expanduser()
        if kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError("a whole number")
            return int(value)  # type: ignore[call-overload]  # any value of the file or the environment: int() says what is wrong
        if kind is float:
            return float(value)  # type: ignore[arg-type]  # as for int() above
        if isinstance(value, (dict, list)):
            raise ValueError("a single value")
        return str(value)
    except (TypeError, ValueError, OverflowError) as e:
        raise ConfigError(f"{where} {name!r} has a bad value {str(value)[:80]!r}: {e}")


def _unknown(keys: dict[str, object], known: set[str], path: Path, table: str | None = None) -> None:
    """ConfigError for the keys of the file (or of its `table`) that are no setting, each with the
    setting it most looks like: a misspelled key is never silently ignored."""
    unknown = sorted(k for k in keys if k not in known)
    if not unknown:
        return
    where = f"[{table}] of {path}" if table else str(path)
    parts = [f"unknown setting {k[:80]!r} in {where}{_suggestion(k, known, table)}" for k in unknown]
    raise ConfigError("; ".join(parts), path=str(path), hint=parts[0].partition("; ")[2] or None)


def _suggestion(key: str, known: set[str], table: str | None) -> str:
    close = difflib.get_close_matches(key.lower(), sorted(known), n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    if table is None:
        for name, cls in _SECTIONS.items():
            if key in {f.name for f in fields(cls)}:
                return f"; did you mean to put it in the [{name}] table?"
        return "; `dailypapers config` lists every setting"
    return f"; [{table}] has {', '.join(sorted(known))}"


def _section(name: str, raw: object) -> Any:
    """A table of the config file ([email], [chat]) as its typed settings: unknown keys and
    secrets are refused, each value read as its field's type, then checked."""
    cls = _SECTIONS[name]
    path = config_path()
    if not isinstance(raw, dict):
        raise ConfigError(f"config file {path}: [{name}] must be a table", path=str(path))
    secret = sorted(k for k in raw if any(w in k.lower() for w in ("password", "token", "secret", "webhook",
                                                                   "key", "user")))
    if secret:
        raise ConfigError(f"config file {path}: keep {', '.join(secret)} out of [{name}]; secrets "
                          f"come from the environment only ({_SECRETS_OF[name]})", path=str(path),
                          hint=f"keep {', '.join(secret)} out of the config file; secrets come from the environment")
    _unknown(raw, {f.name for f in fields(cls)}, path, name)
    return cls(**{k: _coerce(cls, k, v, f"[{name}]") for k, v in raw.items() if v is not None})


def _no_password_in(url: object) -> None:
    """A database URL in the config file names no password: that is a secret (PGPASSWORD, or a
    ~/.pgpass file, or the URL in DAILYPAPERS_DATABASE_URL)."""
    if not isinstance(url, str):
        return
    from urllib.parse import parse_qs, urlsplit

    try:
        parts = urlsplit(url)
        secret = bool(parts.password) or "password" in parse_qs(parts.query)
    except ValueError:
        secret = False  # not a URL at all: the store says so when it opens it
    if secret:
        raise ConfigError(f"config file {config_path()}: database_url names a password; keep it out of the config "
                          "file (use PGPASSWORD or a ~/.pgpass file, or DAILYPAPERS_DATABASE_URL)",
                          path=str(config_path()), hint="use PGPASSWORD or a ~/.pgpass file for the password")


# -- where each setting came from -------------------------------------------------------------------

ORIGINS = ("default", "file", "environment", "option")


@dataclass(frozen=True)
class Origin:
    """Where a setting's value came from: `kind` is one of ORIGINS; `where` is the environment
    variable or the config file ('' for a default or an option)."""

    kind: str
    where: str = ""


@dataclass
class Explained:
    """The settings, the config file they were read with (and whether it exists), and where each
    setting came from: `origins` by name, a table's settings as `email.smtp_host`."""

    settings: Settings
    path: Path
    found: bool
    origins: dict[str, Origin]

    def rows(self) -> list[tuple[str, object, Origin]]:
        """(name, value as plain JSON, origin) of every setting, in the order they are declared,
        each table's after the others. A URL is shown without its credentials."""
        out: list[tuple[str, object, Origin]] = []
        for f in fields(Settings):
            if f.name in _SECTIONS:
                continue
            out.append((f.name, _shown(getattr(self.settings, f.name)), self.origins[f.name]))
        for name in _SECTIONS:
            table = getattr(self.settings, name)
            for f in fields(table):
                out.append((f"{name}.{f.name}", _shown(getattr(table, f.name)), self.origins[f"{name}.{f.name}"]))
        return out


def _shown(value: object) -> object:
    if isinstance(value, (tuple, list)):
        return [_shown(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _shown(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    return strip_userinfo(value) if isinstance(value, str) else value


def secrets_set() -> dict[str, bool]:
    """Whether each secret is set in the environment (their values are never shown)."""
    return {name: bool((os.environ.get(name) or "").strip()) for name in SECRETS}


def secret_values() -> list[str]:
    """The values of the secrets set in the environment: what a message must never hold (the caller
    writes each as `***`)."""
    return [value for name in SECRETS if (value := (os.environ.get(name) or "").strip())]


def _pick(name: str, flags: dict[str, object], env: dict[str, str], file_values: dict[str, object],
          path: Path) -> tuple[object, Origin]:
    """The raw value of one setting by the precedence of this module's docstring, and where it came from."""
    if flags.get(name) is not None:
        return flags[name], Origin("option")
    if name in env and os.environ.get(env[name]):
        return os.environ[env[name]], Origin("environment", env[name])
    if name in file_values:
        return file_values[name], Origin("file", str(path))
    return None, Origin("default")


def _load(flags: dict[str, object]) -> Explained:
    path = config_path()
    read = _read_file(path)
    file_values = read or {}
    secret = sorted(k for k in file_values if k in ("api_key", "token") or k.upper() in SECRETS)
    if secret:
        named = sorted({k.upper() for k in secret if k.upper() in SECRETS}) or [_secrets_of("llm", "hf")]
        raise ConfigError(f"config file {path}: keep {', '.join(secret)} out of it; secrets come from the "
                          f"environment only ({', '.join(named)})", path=str(path),
                          hint=f"keep secrets in the environment ({', '.join(named)})")
    _unknown(file_values, {f.name for f in fields(Settings)}, path)
    _no_password_in(file_values.get("database_url"))
    env = _env_names()
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    tables: dict[str, dict[str, object]] = {}
    for f in fields(Settings):
        name = f.name
        raw, origins[name] = _pick(name, flags, env, file_values, path)
        if raw is None:
            continue
        if name == "prices":
            if not isinstance(raw, dict):
                raise ConfigError("config file: [prices] must be a table of models")
            values[name] = raw
        elif name in _SECTIONS:
            values[name] = _section(name, raw)
            tables[name] = raw if isinstance(raw, dict) else {}
        else:
            if name == "publish" and isinstance(raw, list):
                raw = ",".join(str(x) for x in raw)
            values[name] = _coerce(Settings, name, raw)
            if name == "style" and origins[name].kind == "file":
                values[name] = _beside_config(values[name])
    for name, cls in _SECTIONS.items():  # a table's setting comes from where the table came from, or its default
        given = tables.get(name, {})
        origins.update({f"{name}.{k.name}": origins[name] if given.get(k.name) is not None else Origin("default")
                        for k in fields(cls)})
    settings = Settings(**values)
    settings.lang = parse_lang(settings.lang)
    settings.hf_endpoint = settings.hf_endpoint.rstrip("/")
    settings.arxiv_url = settings.arxiv_url.rstrip("/")
    settings.sources_order()
    return Explained(settings, path, read is not None, origins)


def _beside_config(style: str) -> str:
    """A style file named by a relative path in the config file is found beside the config file."""
    from dailypapers.styles import names_a_file

    path = Path(style).expanduser()
    return str(config_path().parent / path) if names_a_file(style) and not path.is_absolute() else style


def load_settings(**flags: object) -> Settings:
    """Build the settings; `flags` are the CLI options, None meaning 'not given'."""
    return _load(flags).settings


def explain_settings(**flags: object) -> Explained:
    """The settings as `load_settings` builds them, with where each came from (`dailypapers config`)."""
    return _load(flags)


def parse_date(value: str, where: str = "--date") -> str:
    """A date given by `where` as YYYY-MM-DD; ConfigError for anything that is not a date."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ConfigError(f"{where} {value!r} is not a date in the form YYYY-MM-DD")
