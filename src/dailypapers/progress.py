"""Progress for long work: a bar on a terminal, plain lines when output is a pipe or a file."""

from __future__ import annotations

import sys
from typing import Protocol, TextIO


class Progress(Protocol):
    def start(self, label: str, total: int) -> None: ...
    def advance(self, note: str = "") -> None: ...
    def stop(self) -> None: ...


class PlainProgress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.label, self.total, self.done = "", 0, 0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0

    def advance(self, note: str = "") -> None:
        self.done += 1
        print(f"{self.label} {self.done}/{self.total} {note}".rstrip(), file=self.stream, flush=True)

    def stop(self) -> None:
        pass


class RichProgress:
    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeRemainingColumn(), TextColumn("{task.fields[note]}"),
                             console=Console(file=stream), transient=False)
        self._task: object = None

    def start(self, label: str, total: int) -> None:
        self._bar.start()
        self._task = self._bar.add_task(label, total=total, note="")

    def advance(self, note: str = "") -> None:
        self._bar.update(self._task, advance=1, note=note)  # type: ignore[arg-type]

    def stop(self) -> None:
        self._bar.stop()


class NoProgress:
    def start(self, label: str, total: int) -> None: ...
    def advance(self, note: str = "") -> None: ...
    def stop(self) -> None: ...


def for_stream(stream: TextIO = sys.stderr, quiet: bool = False) -> Progress:
    if quiet:
        return NoProgress()
    return RichProgress(stream) if stream.isatty() else PlainProgress(stream)
