"""The offline demo: bundled sample papers (written by this project, invented), the extractive
summarizer, SQLite in a home of its own. No network, no key. A plain caller of the pipeline."""

from __future__ import annotations

from pathlib import Path

from dailypapers import pipeline
from dailypapers.config import Settings
from dailypapers.progress import Progress

SAMPLE_DATE = "2025-03-14"  # the day of the bundled sample (sources/sample.py)


def run_demo(settings: Settings, out_dir: Path, progress: Progress) -> Path:
    """Store the bundled sample day, summarize it offline, and write its digest into `out_dir`."""
    store = pipeline.open_store(settings)
    pipeline.fetch(store, settings, SAMPLE_DATE, "sample")
    backend = pipeline.get_backend("extractive", settings)
    # The demo is offline: the bundled abstracts are all it reads (no arXiv HTML or PDF).
    reader = pipeline.TextReader(store, settings, ("abstract",))
    pipeline.summarize(store, settings, SAMPLE_DATE, "en", backend, progress=progress, reader=reader)
    path = out_dir / f"{SAMPLE_DATE}.en.md"
    pipeline.write_atomic(pipeline.render(pipeline.digest(store, SAMPLE_DATE, "en", backend.model_id)), path)
    return path
