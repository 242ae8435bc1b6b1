"""The offline demo: the bundled sample day (invented papers, written by this project), in
Korean and English, as digests and as the site. No network, no key, no LLM. A plain caller of
the pipeline.

Everything goes into one folder of its own (default `./dailypapers-demo/`):

    .dailypapers-demo          the mark of a demo folder: a later demo may replace it whole
    home/                      the data home: the database, caches
    2025-03-14.ko.md           the Korean digest: the summaries shipped with the package, imported
    2025-03-14.en.md           the English digest: the extractive summarizer on the abstracts
    site/                      the static site of both languages, with its search index

A folder that is not empty and carries no mark is refused, so the demo never deletes what it did
not make; nothing is left in temporary folders.
"""

from __future__ import annotations

import shlex
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dailypapers import pipeline
from dailypapers.config import Settings
from dailypapers.errors import ConfigError, FormatError
from dailypapers.progress import Progress
from dailypapers.sources.sample import SAMPLE_DATE, SAMPLE_DIGEST_LANGS, sample_digest
from dailypapers.store import Store

DEFAULT_DIR = "dailypapers-demo"  # in the current directory, unless -o names another folder
MARK = ".dailypapers-demo"
SAMPLE_MODEL = "sample"  # the model name the shipped summaries are stored under
EXTRACTIVE_LANG = "en"  # the extractive summarizer writes English only
PORT = 8000  # the port of the printed serve command


@dataclass
class DemoReport:
    """What the demo wrote."""

    out_dir: Path
    date: str = SAMPLE_DATE
    digests: dict[str, Path] = field(default_factory=dict)  # language -> digest file
    site: Path | None = None
    search: bool = False  # the site has its search index

    def serve_command(self) -> str:
        """The one command that serves the site (Python's own web server)."""
        return f"python3 -m http.server -d {shlex.quote(str(self.site))} {PORT}"


def prepare(out_dir: Path) -> None:
    """Make `out_dir` an empty demo folder: a new or empty folder gets the mark; one a demo made
    before (it has the mark) is emptied; any other folder with something in it is refused."""
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not (out_dir / MARK).is_file():
            raise ConfigError(f"{out_dir} is not empty and was not made by the demo, which writes only into a "
                              "new or empty folder, or one it made before: choose another folder with -o",
                              path=str(out_dir), hint="choose another folder with -o")
        for child in out_dir.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARK).write_text("made by `dailypapers demo`; the next demo replaces this folder whole\n",
                                encoding="utf-8")


def run_demo(settings: Settings, out_dir: Path, progress: Progress) -> DemoReport:
    """Store the bundled sample day with its shipped summaries, summarize it in English offline,
    and write both digests and the site into `out_dir` (prepared by `prepare`)."""
    store = pipeline.open_store(settings)
    pipeline.fetch(store, settings, SAMPLE_DATE, "sample")
    report = DemoReport(out_dir)
    for lang in SAMPLE_DIGEST_LANGS:
        _import_shipped(store, lang)
        report.digests[lang] = _write_digest(store, out_dir, lang, SAMPLE_MODEL)
    backend = pipeline.get_backend("extractive", settings)
    # The demo is offline: the bundled abstracts are all it reads (no arXiv HTML or PDF).
    reader = pipeline.TextReader(store, settings, ("abstract",))
    pipeline.summarize(store, settings, SAMPLE_DATE, EXTRACTIVE_LANG, backend, progress=progress, reader=reader)
    report.digests[EXTRACTIVE_LANG] = _write_digest(store, out_dir, EXTRACTIVE_LANG, backend.model_id)
    # No media downloads: every thumbnail is the site's own placeholder, and no host is asked.
    site = pipeline.build_site(store, settings, out_dir / "site", download_media=False, progress=progress)
    report.site, report.search = site.out_dir, site.search
    return report


def _import_shipped(store: Store, lang: str) -> None:
    """Import the package's digest of the sample day in `lang`, as `import` would, under SAMPLE_MODEL."""
    with resources.as_file(sample_digest(lang)) as path:
        imported = pipeline.import_digest(store, path, lang, model=SAMPLE_MODEL)
    if imported.warnings:  # the shipped file is ours: a line it cannot read is a bug, not a warning
        raise FormatError(f"the shipped sample digest ({lang}) did not import cleanly: {imported.warnings[0]}")


def _write_digest(store: Store, out_dir: Path, lang: str, model: str) -> Path:
    path = out_dir / f"{SAMPLE_DATE}.{lang}.md"
    pipeline.write_atomic(pipeline.render(pipeline.digest(store, SAMPLE_DATE, lang, model)), path)
    return path
