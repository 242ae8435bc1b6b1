"""One writer at a time per home: `summarize`, `run` and `publish` hold a lock file, so two runs
started together (cron and a person, two CI jobs) cannot step on each other. The second waits
for the first, saying so, or stops with a clear message when it has waited long enough."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from dailypapers.errors import Busy


class RunLock:
    """The run lock of a home, held with `with`: waits up to `wait` seconds for another run to finish
    (telling `on_wait` once), then raises Busy."""

    def __init__(self, path: Path, wait: float = 600.0, on_wait: Callable[[str], None] | None = None,
                 poll: float = 0.2) -> None:
        self.path = path
        self.wait = wait
        self.on_wait = on_wait
        self.poll = poll
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "another process"
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise Busy(f"another dailypapers run ({holder}) is using {self.path.parent.parent}; "
                               f"waited {self.wait:.0f}s. Try again when it is done (lock: {self.path})",
                               path=str(self.path), hint="try again when the other run is done")
                if not told and self.on_wait:
                    self.on_wait(f"waiting for another dailypapers run ({holder}) on this home to finish")
                    told = True
                time.sleep(self.poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the flock
            self._fd = None
