"""The round trip through the real CLI (in-process, bytes as written): import a golden digest, render
the same day, same bytes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from dailypapers.store import Store
from tests.conftest import run_in_process
from tests.markdown_golden import DAYS, EN_DATE, GOLDEN, KO_DATE


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DAILYPAPERS_") and k not in ("XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    env["XDG_CONFIG_HOME"] = str(tmp / "xdg-config")  # never read the developer's config
    env["XDG_DATA_HOME"] = str(tmp / "xdg-data")
    return env


def run(home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return run_in_process(["--home", str(home), *args], _env(home.parent), text=False)


def ok(home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    r = run(home, *args)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    return r


def list_json(home: Path, date: str) -> list[dict]:
    return json.loads(ok(home, "list", "--date", date, "--json").stdout.decode("utf-8"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One home with every golden file imported, with no --lang (the language is detected)."""
    home = tmp_path_factory.mktemp("roundtrip") / "home"
    stderr = {name: ok(home, "import", str(GOLDEN / name)).stderr.decode("utf-8") for name in sorted(DAYS)}
    return {"home": home, "stderr": stderr}


@pytest.mark.parametrize("name", sorted(DAYS))
def test_import_then_render_gives_back_the_same_bytes(imported: dict, name: str) -> None:
    date, lang, _ = DAYS[name]
    r = ok(imported["home"], "render", "--date", date, "--lang", lang)
    assert r.stdout == (GOLDEN / name).read_bytes()
    assert b"left out" not in r.stderr


def test_render_to_a_file_gives_the_same_bytes(imported: dict, tmp_path: Path) -> None:
    out = tmp_path / "out" / "day.md"
    ok(imported["home"], "render", "--date", KO_DATE, "--lang", "ko", "-o", str(out))
    assert out.read_bytes() == (GOLDEN / "ko_day.md").read_bytes()


def test_language_is_detected_on_import(imported: dict) -> None:
    assert f"imported {KO_DATE}: 13 papers [ko]" in imported["stderr"]["ko_day.md"]
    assert f"imported {EN_DATE}: 4 papers [en]" in imported["stderr"]["en_day.md"]
    assert "normalized" not in imported["stderr"]["ko_day.md"]  # the canonical layout needs no fixing
    assert "normalized" not in imported["stderr"]["en_day.md"]


def test_english_day_has_no_korean_summaries(imported: dict) -> None:
    r = ok(imported["home"], "render", "--date", EN_DATE, "--lang", "ko")
    assert r.stdout == f"## Daily Papers ({EN_DATE})\n\n".encode()
    assert "left out 4 of 4 papers" in r.stderr.decode("utf-8")
    assert all(set(item["summaries"]) == {"en"} for item in list_json(imported["home"], EN_DATE))


@pytest.mark.parametrize("name", sorted(DAYS))
def test_list_json_after_import_shows_what_the_file_says(imported: dict, name: str) -> None:
    date, lang, papers = DAYS[name]
    items = list_json(imported["home"], date)
    assert [it["id"] for it in items] == [p["id"] for p in papers]
    for it, p in zip(items, papers):
        assert it["title"] == p["title"]  # unescaped: `Interval Arithmetic on [0, 1) …`
        assert it["url"] == f"https://arxiv.org/abs/{p['id']}"
        assert it["upvotes"] == p["upvotes"]
        assert it["thumbnail"] == p["thumbnail"]
        assert it["authors"] == p["authors"]
        assert it["date"] == date
        assert list(it["summaries"]) == [lang]
        assert list(it["summaries"][lang].items()) == [tuple(s) for s in p["sections"]]


def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dailypapers.store

    home = tmp_path / "home"
    golden = str(GOLDEN / "ko_day.md")
    ok(home, "import", golden)
    listed = list_json(home, KO_DATE)
    days = ok(home, "list").stdout
    rendered = ok(home, "render", "--date", KO_DATE, "--lang", "ko").stdout
    # Summaries carry a time stamp in seconds; a rewrite would show. The store's clock moves on
    # an hour instead of the test sleeping past the next second.
    monkeypatch.setattr(dailypapers.store, "utc_now", lambda: "2099-01-01T01:00:00Z")
    second = ok(home, "import", golden)
    assert f"imported {KO_DATE}: 13 papers [ko]" in second.stderr.decode("utf-8")
    assert list_json(home, KO_DATE) == listed
    assert ok(home, "list").stdout == days == f"{KO_DATE}  13 papers\n".encode()
    assert ok(home, "render", "--date", KO_DATE, "--lang", "ko").stdout == rendered


PAPER = ("### [A Fine Paper](https://arxiv.org/abs/2504.07001)\n"
         "\n"
         "Vote: 3\n"
         "\n"
         "Authors: Ada Lovelace\n"
         "\n"
         "- ***What's New***: 새로운 방법을 제안합니다.\n"
         "\n")

MALFORMED = {
    # text before any heading
    "text-first": ("Welcome to today's papers!\n\n## Daily Papers (2025-04-10)\n\n" + PAPER, 1),
    # a second paper whose heading links somewhere else than arXiv, on line 11
    "non-arxiv-link": ("## Daily Papers (2025-04-10)\n\n" + PAPER
                       + "### [Another Paper](https://example.com/papers/42)\n\nAuthors: B\n\n"
                         "- ***What's New***: 또 다른 방법입니다.\n\n", 11),
    # a Hugging Face link with something that is not an arXiv id
    "bad-hf-id": ("## Daily Papers (2025-04-10)\n\n"
                  "### [Odd](https://huggingface.co/papers/not-an-id)\n\nAuthors: C\n\n"
                  "- ***What's New***: 이상합니다.\n\n", 3),
    # a paper heading with no link
    "no-link": ("## Daily Papers (2025-04-10)\n\n" + PAPER + "### Just a Title\n\nAuthors: D\n\n", 11),
    # text between the day heading and the first paper
    "text-outside-paper": ("## Daily Papers (2025-04-10)\n\nA short intro.\n\n" + PAPER, 3),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_line_that_cannot_be_read_is_a_warning_naming_file_and_line_and_the_rest_is_imported(
        tmp_path: Path, case: str) -> None:
    text, line = MALFORMED[case]
    path = tmp_path / f"{case}.md"
    path.write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    r = run(home, "import", str(path))
    err = r.stderr.decode("utf-8")
    assert r.returncode == 1, err
    assert f"warning: {path}, line {line}:" in err
    assert "Traceback" not in err
    assert r.stdout == b""
    assert stored_days(home) == ["2025-04-10"] or case == "bad-hf-id"


def test_a_file_with_no_day_heading_exits_2_naming_file_and_line_and_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "no-heading.md"
    path.write_text("\n" + PAPER, encoding="utf-8")
    home = tmp_path / "home"
    r = run(home, "import", str(path))
    err = r.stderr.decode("utf-8")
    assert r.returncode == 2, err
    assert str(path) in err and "line 2" in err and "Daily Papers" in err
    assert "Traceback" not in err
    assert stored_days(home) == []


def stored_days(home: Path) -> list:
    db = home / "dailypapers.db"
    if not db.exists():
        return []
    store = Store.open(db)
    try:
        return [d for d, _ in store.days()]
    finally:
        store.close()


def test_empty_file_exits_2_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("\n\n", encoding="utf-8")
    r = run(tmp_path / "home", "import", str(path))
    err = r.stderr.decode("utf-8")
    assert r.returncode == 2, err
    assert str(path) in err and "Daily Papers" in err
    assert "Traceback" not in err
