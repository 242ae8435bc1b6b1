"""The one place a command writes to stderr: its messages, the log records and the progress
display all go through one `Console`, so a message never breaks a progress bar on a terminal
(rich prints it above the bar), and with `--log-format json` every line is one JSON object.

Results (a digest, JSON output) go to stdout and never through here.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any, TextIO

from dailypapers.progress import NoProgress, PlainProgress, Progress, RichProgress
from dailypapers.text import strip_userinfo

LEVELS = ("debug", "info", "warning", "error")


class Console:
    """stream: where everything goes (stderr); fmt: "text" or "json"; quiet: only errors;
    tty: whether `stream` is a terminal (None: ask it)."""

    def __init__(self, stream: TextIO | None = None, fmt: str = "text", quiet: bool = False,
                 tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.fmt = fmt
        self.quiet = quiet
        self.tty = self.stream.isatty() if tty is None else tty
        self._lock = threading.Lock()
        self._rich: Any = None
        if self.tty and fmt == "text":
            from rich.console import Console as RichConsole

            self._rich = RichConsole(file=self.stream, highlight=False, markup=False, emoji=False,
                                     soft_wrap=True)

    def say(self, message: str, level: str = "info", event: str = "message", **fields: Any) -> None:
        """Write one message (user names and passwords removed from URLs in it). With `quiet`,
        only errors are written."""
        if self.quiet and level != "error":
            return
        message = strip_userinfo(message)
        with self._lock:
            if self.fmt == "json":
                entry: dict[str, Any] = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                         "level": level, "event": event, "message": message}
                entry.update({k: v for k, v in fields.items() if v is not None})
                self.stream.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
                self.stream.flush()
            elif self._rich is not None:
                self._rich.print(message)  # above a live progress bar, if one is shown
            else:
                self.stream.write(message + "\n")
                self.stream.flush()

    def write_line(self, line: str) -> None:
        """A line already formatted (a log record), written as it is."""
        with self._lock:
            if self._rich is not None and self.fmt == "text":
                self._rich.print(line)
            else:
                self.stream.write(line + "\n")
                self.stream.flush()

    def progress(self) -> Progress:
        """A progress display on this console: a bar on a terminal, plain lines in a pipe or
        file, phases as JSON objects with `--log-format json`, nothing when quiet."""
        if self.quiet:
            return NoProgress()
        if self.fmt == "json":
            return JSONProgress(self)
        if self._rich is not None:
            return RichProgress(self.stream, self._rich)
        return PlainProgress(self.stream)


class JSONProgress:
    """A progress display as JSON: one object when a step starts and one when it ends."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.label, self.total, self.done = "", 0, 0

    def start(self, label: str, total: int) -> None:
        """A step of `total` items begins."""
        self.label, self.total, self.done = label, total, 0
        self.console.say(label, event="progress", phase="start", total=total)

    def advance(self, note: str = "") -> None:
        """One item done (counted; reported when the step ends)."""
        self.done += 1

    def stop(self) -> None:
        """The step ends: how many of its items were done."""
        if self.label:
            self.console.say(self.label, event="progress", phase="end", done=self.done, total=self.total)
            self.label = ""
