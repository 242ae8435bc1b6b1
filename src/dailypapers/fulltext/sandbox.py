"""Text extraction in a child process with limits on memory, CPU time and wall time.

A PDF or an HTML page is the most hostile input a run reads: a page stream that inflates to a
gigabyte makes pdfium abort the whole process, a million page references or half a million nested
elements hold it for minutes. So `extract` parses in a child (forked from a clean server process,
never from the run's own threads) whose address space and CPU time are capped with setrlimit, and
kills it when its wall time runs out. Whatever happens to the child, the parent gets text or an
`ExtractionFailed` saying why, and goes on with the next paper. An HTML page's first figure comes
back with its text (`Extracted.figure`): a URL and a caption, both capped.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from dailypapers.errors import DailyPapersError, ExtractionFailed
from dailypapers.models import Figure, TextSection
from dailypapers.text import clean_figure

MB = 1024 * 1024


@dataclass(frozen=True)
class ExtractLimits:
    """memory_mb: the child's address space; cpu_seconds: its CPU time; seconds: its wall time;
    max_pages: PDF pages read (the rest are left out, and said so); max_depth: how deeply HTML
    elements may nest."""

    memory_mb: int = 1536
    cpu_seconds: int = 60
    seconds: float = 90.0
    max_pages: int = 300
    max_depth: int = 1000


@dataclass(frozen=True)
class Extracted:
    """What the child read: the sections, and an HTML page's first figure (None for a PDF)."""

    sections: list[TextSection]
    figure: Figure | None = None


_CONTEXT: Any = None
_CONTEXT_LOCK = threading.Lock()


def _context() -> Any:
    """A forkserver context: children are forked from a server process that never ran our threads,
    with the parsers already imported."""
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["dailypapers.fulltext.sandbox", "dailypapers.fulltext.pdf",
                                        "dailypapers.fulltext.html"])
            _CONTEXT = ctx
        return _CONTEXT


def extract(kind: str, data: bytes, where: str, limits: ExtractLimits = ExtractLimits()) -> list[TextSection]:
    """The sections of an HTML page (`kind` html) or a PDF (pdf), parsed in a limited child."""
    return extract_page(kind, data, where, limits).sections


def extract_page(kind: str, data: bytes, where: str, limits: ExtractLimits = ExtractLimits(),
                 page_url: str | None = None) -> Extracted:
    """As `extract`, and for an HTML page whose URL is given, its first figure too."""
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, kind, data, where, limits, page_url), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limits.seconds):
            raise ExtractionFailed(f"{where}: reading the {kind.upper()} took more than {limits.seconds:.0f} s; "
                                   "it was stopped")
        try:
            outcome, payload = receive.recv()
        except (EOFError, OSError):
            child.join(5)
            raise ExtractionFailed(f"{where}: reading the {kind.upper()} {_death(child.exitcode, limits)}")
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome == "ok":
        rows, figure = payload
        return Extracted([TextSection(*row) for row in rows], clean_figure(*figure) if figure else None)
    raise ExtractionFailed(payload)


def _death(code: int | None, limits: ExtractLimits) -> str:
    import signal

    if code is None:
        return "did not finish"
    if code == -signal.SIGXCPU or code == -signal.SIGKILL:
        return f"used more than {limits.cpu_seconds} s of CPU time; it was stopped"
    if code < 0:
        return (f"crashed ({signal.Signals(-code).name}), most likely out of its {limits.memory_mb} MB of "
                "memory")
    return f"ended without an answer (exit status {code})"


def _child(send: Connection, kind: str, data: bytes, where: str, limits: ExtractLimits,
           page_url: str | None = None) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * MB, limits.memory_mb * MB))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        got = _parse(kind, data, where, limits, page_url)
        figure = (got.figure.url, got.figure.caption) if got.figure else None
        send.send(("ok", ([(s.title, s.text, s.kind, s.anchor) for s in got.sections], figure)))
    except MemoryError:
        send.send(("error", f"{where}: reading the {kind.upper()} needed more than {limits.memory_mb} MB of memory"))
    except DailyPapersError as e:
        send.send(("error", str(e)))
    except Exception as e:  # a parser's own bug: this paper's text, not the run
        send.send(("error", f"{where}: the {kind.upper()} could not be read ({type(e).__name__}: {e})"))
    finally:
        send.close()


def _parse(kind: str, data: bytes, where: str, limits: ExtractLimits, page_url: str | None) -> Extracted:
    if kind == "html":
        from dailypapers.fulltext.html import html_page

        page = html_page(data.decode("utf-8", "replace"), where, max_depth=limits.max_depth, page_url=page_url)
        return Extracted(page.sections, page.figure)
    from dailypapers.fulltext.pdf import pdf_sections

    return Extracted(pdf_sections(data, where, max_pages=limits.max_pages))
