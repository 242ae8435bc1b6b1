"""The offline demo: bundled sample papers (written by this project, invented), the extractive
summarizer, SQLite in a home of its own. No network, no key."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from dailypapers import pipeline
from dailypapers.config import Settings
from dailypapers.models import Listing
from dailypapers.progress import Progress
from dailypapers.sources.hf_daily import parse_items

SAMPLE_DATE = "2025-03-14"


def sample_items() -> list[dict[str, object]]:
    raw = resources.files("dailypapers").joinpath("data", "sample_day.json").read_text("utf-8")
    return json.loads(raw)


def run_demo(settings: Settings, out_dir: Path, progress: Progress) -> Path:
    store = pipeline.open_store(settings)
    items = sample_items()
    entries = parse_items(items, SAMPLE_DATE, "bundled sample_day.json")
    store.save_listing(Listing(SAMPLE_DATE, "hf", entries, [json.dumps(items)], "bundled:sample_day.json"))
    backend = pipeline.get_backend("extractive", settings)
    # The demo is offline: the bundled abstracts are all it reads (no arXiv HTML or PDF).
    reader = pipeline.TextReader(store, settings, ("abstract",))
    pipeline.summarize(store, settings, SAMPLE_DATE, "en", backend, progress=progress, reader=reader)
    text = pipeline.render(pipeline.digest(store, SAMPLE_DATE, "en", backend.model_id))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{SAMPLE_DATE}.en.md"
    path.write_text(text, encoding="utf-8", newline="\n")
    return path
