"""The README's Python example runs as written (offline: the bundled sample day)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [code] = [block for block in re.findall(r"```python\n(.*?)```", README, re.S) if "run_days" in block]
    for name in ("DAILYPAPERS_LLM", "DAILYPAPERS_LANG", "DAILYPAPERS_PUBLISH", "DAILYPAPERS_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DAILYPAPERS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})  # the README's own example
    digest = tmp_path / "home" / "out" / "2025-03-14.en.md"
    assert out.getvalue() == f"2025-03-14 5 summarized -> {digest}\n"
    assert digest.read_text(encoding="utf-8").startswith("## Daily Papers (2025-03-14)")
