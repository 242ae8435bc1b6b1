"""Progress for long work: a bar on a terminal, plain lines when output is a pipe or a file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from rich.progress import TaskID


class Progress(Protocol):
    """Shows how far long work has come: `start` a step of `total` items, `advance` one, `stop`."""

    def start(self, label: str, total: int) -> None: ...
    def advance(self, note: str = "") -> None: ...
    def stop(self) -> None: ...


class PlainProgress:
    """One line per item on `stream`: for a pipe, a file or a CI log."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.label, self.total, self.done = "", 0, 0

    def start(self, label: str, total: int) -> None:
        """Begin a step of `total` items, named `label`."""
        self.label, self.total, self.done = label, total, 0

    def advance(self, note: str = "") -> None:
        """One item done: a line with the count and `note`."""
        self.done += 1
        print(f"{self.label} {self.done}/{self.total} {note}".rstrip(), file=self.stream, flush=True)

    def stop(self) -> None:
        """Nothing to finish: every line is already written."""


class RichProgress:
    """A progress bar on a terminal (rich). Each step is a line of its own; `console` is the rich
    console every other message goes through too, so they print above the bar."""

    def __init__(self, stream: TextIO, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), TextColumn("{task.fields[note]}"),
                             console=console or Console(file=stream), transient=False)
        self._task: TaskID | None = None

    def start(self, label: str, total: int) -> None:
        """Show a bar for a step of `total` items (0: not known yet), named `label`."""
        self._bar.start()
        self._task = self._bar.add_task(label, total=total or None, note="")

    def advance(self, note: str = "") -> None:
        """One item done; `note` is shown next to the bar."""
        assert self._task is not None, "start() comes first"
        self._bar.update(self._task, advance=1, note=note)

    def stop(self) -> None:
        """Stop drawing the bar (it stays on the screen, complete)."""
        if self._task is not None:
            task = self._bar.tasks[-1]
            if task.total is None:
                self._bar.update(self._task, total=task.completed)
        self._bar.stop()


class NoProgress:
    """Shows nothing (--quiet, JSON logs, library use)."""

    def start(self, label: str, total: int) -> None:
        """Show nothing."""

    def advance(self, note: str = "") -> None:
        """Show nothing."""

    def stop(self) -> None:
        """Show nothing."""
