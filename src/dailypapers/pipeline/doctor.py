"""`dailypapers doctor`: does each service the settings name answer, and what to change when one
does not. Each is asked one small thing that changes nothing, through the same code a run uses:
the LLM its first request (`preflight`), Hugging Face one paper of today, the arXiv API one paper
through the home's politeness gate, the SMTP server a login without a mail, a chat service whether
it knows the token (a webhook is not posted to: only its URL's form is checked). A service the
settings do not name is not asked; each check has at most DEADLINE seconds an exchange, no retries.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from dailypapers.config import SECRETS, Settings, secret_values, secrets_set
from dailypapers.errors import ConfigError, DailyPapersError
from dailypapers.pipeline.deliver import is_archive
from dailypapers.pipeline.ledger import alert_targets
from dailypapers.pipeline.wiring import (
    arxiv_client,
    get_backend,
    make_source,
    preflight,
    publish_targets,
    publisher,
    run_targets,
)
from dailypapers.publish import publishers
from dailypapers.publish.chat import redact
from dailypapers.text import one_line, strip_userinfo

DEADLINE = 20.0  # seconds an exchange of a check may take, and a read of one
# What to change when a check fails and its error does not say.
FIX = {
    "llm": "check --llm (or DAILYPAPERS_LLM), the server's address (OPENAI_BASE_URL, OLLAMA_HOST, VLLM_BASE_URL) "
           "and that it runs",
    "hf": "check the network and HF_ENDPOINT (and HF_TOKEN, when set)",
    "arxiv": "check the network and DAILYPAPERS_ARXIV_API_URL",
    "email": "check smtp_host, smtp_port and security in [email], and SMTP_USERNAME and SMTP_PASSWORD",
}
NO_LLM = "not configured: summarize and run need --llm PROVIDER/MODEL (or DAILYPAPERS_LLM, or llm in the config file)"


@dataclass(frozen=True)
class ServiceCheck:
    """One service's check: `status` is ok, failed or skipped (not configured, or nothing to ask);
    `detail` what was asked and answered, or why it failed; `fix` what to change (failed only)."""

    service: str
    status: str
    detail: str
    fix: str | None = None
    seconds: float = 0.0


class _Failed(DailyPapersError):
    """A check whose service answered, but not as it should (a busy LLM)."""


def doctor(settings: Settings) -> Iterator[ServiceCheck]:
    """Check each service the settings name, one after the other, each as soon as it is done."""
    quick = replace(settings, timeout=min(settings.timeout, DEADLINE), retries=0)
    named = set(run_targets(settings)) | set(publish_targets(settings)) | set(alert_targets(settings)) | \
        {SECRETS[name] for name, is_set in secrets_set().items() if is_set}  # a secret set names its service
    if settings.llm:
        yield _run("llm", lambda: _llm(quick))
    else:
        yield ServiceCheck("llm", "skipped", NO_LLM)
    yield _run("hf", lambda: _checked(make_source("hf", quick), quick.today(), DEADLINE))
    yield _run("arxiv", lambda: arxiv_client(quick).check(DEADLINE))
    for target in publishers.names():
        yield _publisher(quick, target, target in named)


def _llm(settings: Settings) -> str:
    backend = get_backend(settings.llm, settings)
    if not callable(getattr(backend, "check", None)):
        return f"{backend.model_id} needs no server: nothing to ask"
    note = preflight(backend)
    if note is not None:
        raise _Failed(note, hint="the server is there but did not answer as it should: try again later, "
                                 "or check its logs")
    return f"{backend.model_id} answered a one-token request"


def _publisher(settings: Settings, target: str, named: bool) -> ServiceCheck:
    """A publish target's check; one the settings do not name and that cannot be made is skipped,
    with what would configure it."""
    try:
        pub = publisher(settings, target)
    except ConfigError as e:
        if named:
            return _failed(target, e, 0.0)
        return ServiceCheck(target, "skipped", f"not configured: {_clean(str(e))}")
    try:
        if is_archive(pub):
            return ServiceCheck(target, "skipped", "the site is files written here: no service to ask")
        return _run(target, lambda: _checked(pub))
    finally:
        close = getattr(pub, "close", None)
        if callable(close):
            close()


def _checked(obj: Any, *args: Any) -> str:
    check = getattr(obj, "check", None)
    if not callable(check):
        raise _NoCheck(f"{type(obj).__name__} has no check: nothing was asked")
    return str(check(*args))


class _NoCheck(Exception):
    """A plugin that offers no check."""


def _run(service: str, check: Callable[[], str]) -> ServiceCheck:
    started = time.monotonic()
    try:
        detail = check()
    except _NoCheck as e:
        return ServiceCheck(service, "skipped", str(e))
    except DailyPapersError as e:
        return _failed(service, e, time.monotonic() - started)
    return ServiceCheck(service, "ok", _clean(detail), seconds=round(time.monotonic() - started, 3))


def _failed(service: str, e: DailyPapersError, seconds: float) -> ServiceCheck:
    fix = e.hint or FIX.get(service) or f"check what {service} needs in the README's table of chat services"
    return ServiceCheck(service, "failed", _clean(str(e)), _clean(fix), round(seconds, 3))


def _clean(text: str) -> str:
    """One line, with no credentials of a URL and no secret of the environment in it."""
    return redact(strip_userinfo(one_line(text)), secret_values())
