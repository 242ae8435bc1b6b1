"""The house plan (docs/architecture.md), enforced: every `dailypapers` import in the source, at
the top of a module or inside a function, goes down the layers and never sideways between stages.

    callers   cli, demo, __main__        may import anything; only they (and __main__) import cli
    pipeline  the use cases              base and stages; never a caller
    stages    sources fulltext summarize checks render publish store
                                         base only (publish may use render's pure renderers);
                                         render never http
    base      errors models text config http logs progress console lock langdetect languages cost plugins styles
                                         base only
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "dailypapers"

BASE = {"__init__", "__version__", "errors", "models", "text", "config", "http", "logs", "progress", "lock",
        "langdetect", "languages", "cost", "plugins", "console", "styles"}
STAGES = {"sources", "fulltext", "summarize", "checks", "render", "publish", "store"}
CALLERS = {"cli", "demo", "__main__"}
ALLOWED_BETWEEN_STAGES = {("publish", "render")}  # a publisher renders what it sends; render is pure
FORBIDDEN = {("render", "http")}  # the renderers do no I/O


def unit_of(path: Path) -> str:
    """The top-level unit of a module file: its package under dailypapers/, or its module name."""
    rel = path.relative_to(SRC).with_suffix("")
    return rel.parts[0]


def imported_units(source: str) -> set[str]:
    """The dailypapers units a module's source imports, wherever the import statement is."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "dailypapers":
                names = [f"dailypapers.{a.name}" for a in node.names]
            elif node.module.startswith("dailypapers."):
                names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("dailypapers.")]
        found.update(name.split(".")[1] for name in names)
    return found


def layer(unit: str) -> str:
    if unit in BASE:
        return "base"
    if unit in STAGES:
        return "stage"
    if unit == "pipeline":
        return "pipeline"
    if unit in CALLERS:
        return "caller"
    return "unknown"


def violation(importer: str, imported: str) -> str | None:
    """Why `importer` may not import `imported`, or None when it may."""
    if importer == imported:
        return None
    if layer(importer) == "unknown" or layer(imported) == "unknown":
        return f"{importer} or {imported} is in no layer: add it to docs/architecture.md and this test"
    if (importer, imported) in FORBIDDEN:
        return f"{importer} must not import {imported}"
    if imported == "cli" and importer != "__main__":
        return "only the command line's entry point imports cli"
    rank = {"base": 0, "stage": 1, "pipeline": 2, "caller": 3}
    if rank[layer(imported)] > rank[layer(importer)]:
        return f"{layer(importer)} {importer} imports {imported}, a layer above it"
    if layer(importer) == layer(imported) == "stage" and (importer, imported) not in ALLOWED_BETWEEN_STAGES:
        return f"stage {importer} imports stage {imported}: the pipeline wires stages together"
    return None


def all_violations() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        importer = unit_of(path)
        for imported in sorted(imported_units(path.read_text(encoding="utf-8"))):
            why = violation(importer, imported)
            if why:
                found.append(f"{path.relative_to(SRC)}: {why}")
    return found


def test_no_import_crosses_a_forbidden_line() -> None:
    assert all_violations() == []


def test_every_package_says_what_it_owns_and_must_not_import() -> None:
    for init in sorted(SRC.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "Owns:" in doc and "Must not import:" in doc, f"{init.relative_to(SRC)} lacks its house rules"


@pytest.mark.parametrize("importer,source,expected", [
    ("render", "from dailypapers.http import request", "render must not import http"),
    ("render", "def f():\n    from dailypapers.store import Store", "stage render imports stage store"),
    ("sources", "import dailypapers.fulltext.pdf", "stage sources imports stage fulltext"),
    ("checks", "from dailypapers import pipeline", "imports pipeline, a layer above it"),
    ("pipeline", "from dailypapers import cli", "only the command line's entry point imports cli"),
    ("models", "from dailypapers.sources import validate", "base models imports sources, a layer above it"),
    ("publish", "from dailypapers.render.site import SitePlan", None),
    ("pipeline", "from dailypapers.summarize.backends import Backend", None),
])
def test_the_checker_sees_each_kind_of_crossing(importer: str, source: str, expected: str | None) -> None:
    found = [violation(importer, unit) for unit in imported_units(source)]
    if expected is None:
        assert found == [None]
    else:
        assert any(why and expected in why for why in found), found
