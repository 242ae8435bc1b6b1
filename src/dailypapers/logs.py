"""Logs that say what happened to each paper: plain text, or JSON lines (`--log-format json`) for
machines. Secrets never reach a log: messages carry ids, counts and reasons, never headers."""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

from dailypapers.errors import DailyPapersError
from dailypapers.text import strip_userinfo

if TYPE_CHECKING:
    from dailypapers.console import Console

log = logging.getLogger("dailypapers")
FIELDS = ("paper", "date", "lang", "model", "event", "reason", "tokens", "cost", "attempts", "url", "path", "hint")


class JSONLines(logging.Formatter):
    """One JSON object per line: time, level, message and the known fields, user names and passwords out of URLs."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "message": strip_userinfo(record.getMessage()),
        }
        for name in FIELDS:
            if hasattr(record, name):
                value = getattr(record, name)
                entry[name] = strip_userinfo(value) if isinstance(value, str) else value
        return json.dumps(entry, ensure_ascii=False)


class _Text(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return strip_userinfo(super().format(record))


class _ToConsole(logging.Handler):
    """Hands each formatted record to the command's console, which owns stderr."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        if self.console.quiet and record.levelno < logging.ERROR:
            return
        try:
            self.console.write_line(self.format(record))
        except Exception:
            self.handleError(record)


def configure(fmt: str = "text", level: str | None = None, console: Console | None = None) -> None:
    """Log as `text` or `json` lines through `console` (a new one on stderr if none), at `level`
    (default: error for text, info for json)."""
    from dailypapers.console import Console

    handler = _ToConsole(console or Console(fmt=fmt))
    handler.setFormatter(JSONLines() if fmt == "json" else _Text("%(levelname)s %(message)s"))
    log.handlers[:] = [handler]
    log.propagate = False
    # In text mode the command's own report says what happened to each paper, once; the log adds
    # errors only. In JSON every paper's event is a line.
    log.setLevel((level or ("info" if fmt == "json" else "error")).upper())


def event(level: int, message: str, *, error: BaseException | None = None, **fields: object) -> None:
    """Log one event with its fields (those that are None are left out). An `error` of ours adds
    its context: `url`, `path` and `hint`, and its paper id as `paper` when no paper is given."""
    extra = {k: v for k, v in fields.items() if v is not None}
    if isinstance(error, DailyPapersError):
        for key, value in error.context().items():
            extra.setdefault("paper" if key == "paper_id" else key, value)
    log.log(level, message, extra=extra)
