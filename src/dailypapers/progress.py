"""Progress for long work: a bar on a terminal, plain lines when output is a pipe or a file."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from rich.progress import TaskID


class Progress(Protocol):
    """Shows how far long work has come: `start` a step of `total` items, `advance` one, `stop`."""

    def start(self, label: str, total: int) -> None: ...
    def advance(self, note: str = "") -> None: ...
    def note(self, text: str) -> None: ...
    def stop(self) -> None: ...


class PlainProgress:
    """Progress for a pipe, a file or a CI log: a line when a step of many items ends, and one
    every `every` seconds while it runs (a log is read later; a line per item would bury the
    messages that matter, and each paper's outcome is said once, elsewhere)."""

    def __init__(self, stream: TextIO, every: float = 30.0) -> None:
        self.stream = stream
        self.every = every
        self.label, self.total, self.done, self.last = "", 0, 0, 0.0
        self.note_text = ""

    def start(self, label: str, total: int) -> None:
        """Begin a step of `total` items, named `label`."""
        self.label, self.total, self.done, self.last = label, total, 0, time.monotonic()
        self.note_text = ""

    def advance(self, note: str = "") -> None:
        """One item done; a line when `every` seconds have passed since the last."""
        self.done += 1
        self.note_text = note
        if time.monotonic() - self.last >= self.every:
            self._line()

    def note(self, text: str) -> None:
        """Nothing: a log keeps the lines of items done only."""

    def stop(self) -> None:
        """The step ends: its count and last note, for a step of more than one item."""
        if self.label and self.total > 1:
            self._line()
        self.label = ""

    def _line(self) -> None:
        self.last = time.monotonic()
        total = f"/{self.total}" if self.total else ""
        print(f"{self.label} {self.done}{total} {self.note_text}".rstrip(), file=self.stream, flush=True)


class LiveBars:
    """The one live display of a terminal (rich allows one at a time): every step shown at once is
    a line of it, with a bar; when the last step ends the display stops and stays on the screen."""

    def __init__(self, stream: TextIO, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        # markup=False: "[ko]" in a label is text, not a style
        self.bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("{task.fields[note]}", markup=False),
                            console=console or Console(file=stream), transient=False)
        self.open = 0
        self.lock = threading.Lock()

    def add(self, label: str, total: int) -> TaskID:
        """A line for a new step (the display starts with the first)."""
        with self.lock:
            if self.open == 0:
                self.bar.start()
            self.open += 1
            return self.bar.add_task(label, total=total or None, note="")

    def done(self, task: TaskID) -> None:
        """A step ended; after the last, the display stops, and the next step starts a new one."""
        with self.lock:
            self.bar.update(task, total=self.bar.tasks[self._index(task)].completed)
            self.open -= 1
            if self.open == 0:
                self.bar.stop()
                for t in list(self.bar.task_ids):
                    self.bar.remove_task(t)

    def _index(self, task: TaskID) -> int:
        return self.bar.task_ids.index(task)


class RichProgress:
    """A step shown as a line with a bar on a terminal (rich), in the console's one live display;
    every other message prints above it."""

    def __init__(self, stream: TextIO, console: Any = None, bars: LiveBars | None = None) -> None:
        self._bars = bars or LiveBars(stream, console)
        self._task: TaskID | None = None

    def start(self, label: str, total: int) -> None:
        """Show a bar for a step of `total` items (0: not known yet), named `label`."""
        if self._task is not None:
            self.stop()
        self._task = self._bars.add(label, total)

    def advance(self, note: str = "") -> None:
        """One item done; `note` is shown next to the bar."""
        assert self._task is not None, "start() comes first"
        self._bars.bar.update(self._task, advance=1, note=note)

    def note(self, text: str) -> None:
        """What the step is doing now, next to its bar."""
        if self._task is not None:
            self._bars.bar.update(self._task, note=text)

    def stop(self) -> None:
        """The step is complete (its line stays)."""
        if self._task is not None:
            self._bars.done(self._task)
            self._task = None


class NoProgress:
    """Shows nothing (--quiet, JSON logs, library use)."""

    def start(self, label: str, total: int) -> None:
        """Show nothing."""

    def advance(self, note: str = "") -> None:
        """Show nothing."""

    def note(self, text: str) -> None:
        """Show nothing."""

    def stop(self) -> None:
        """Show nothing."""
