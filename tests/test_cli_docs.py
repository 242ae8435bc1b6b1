"""The README documents the command line that exists: every command has a row in its command table,
and every option of a command is in that command's row."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dailypapers.cli import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def _options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and p.name != "help"]


def _readme_row(name: str) -> str:
    """The row of the README's command table for `dailypapers NAME`, or '' when there is none."""
    rows = [ln for ln in README.splitlines() if re.match(rf"\| `dailypapers {re.escape(name)}(?![\w-])", ln)]
    assert len(rows) <= 1, f"README.md has {len(rows)} rows for `dailypapers {name}`"
    return rows[0] if rows else ""


def _mentioned(opts: list[str], text: str) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text) for o in opts)


def test_the_cli_has_the_commands_the_readme_teaches() -> None:
    assert {"fetch", "summarize", "render", "run", "import", "list", "demo"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_its_row_in_the_readme(name: str) -> None:
    assert _readme_row(name), f"README.md's command table has no row for `dailypapers {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_in_its_own_commands_row(name: str) -> None:
    """Not anywhere in the README: in the row of the command that takes it (an option of the same
    name elsewhere, or a setting, does not document this command's)."""
    row = _readme_row(name)
    missing = [o.opts for o in _options(cli.commands[name]) if not _mentioned(o.opts, row)]
    assert not missing, f"`dailypapers {name}` options not in its row of README.md's command table: {missing}"


def test_the_row_finder_tells_commands_apart() -> None:
    """`dailypapers run`'s row is not `dailypapers runner`'s, and an option is a whole word."""
    assert _readme_row("run").startswith("| `dailypapers run [")
    assert _readme_row("list") != _readme_row("stats")
    assert _mentioned(["--date"], "[--date D]") and not _mentioned(["--date"], "[--dates D]")
    assert not _mentioned(["-o"], "[--output]") and _mentioned(["-o"], "[-o FILE]")


def test_global_options_are_in_the_readme() -> None:
    missing = [o.opts for o in _options(cli) if o.name != "version" and not _mentioned(o.opts, README)]
    assert not missing, f"global options not in README.md: {missing}"


@pytest.mark.parametrize("name", COMMANDS)
def test_help_shows_every_option(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"], prog_name="dailypapers")
    assert result.exit_code == 0, result.output
    assert f"Usage: dailypapers {name}" in result.output
    for option in _options(cli.commands[name]):
        for opt in option.opts:
            assert opt in result.output, f"{opt} missing from `dailypapers {name} --help`"
        assert option.help, f"{option.opts} of `dailypapers {name}` has no help text"


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"], prog_name="dailypapers")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\s", result.output, re.M), name


# -- what the README points to ------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
_REPO_PATH = re.compile(r"`((?:\.ci|bench|docs|src|tests)/[\w./-]*)`")
_MADE_BY_THE_TESTS = {"tests/artifacts/"}  # the browser tests' screenshots (gitignored)


def test_the_readme_links_nothing_outside_the_repository() -> None:
    """No Markdown link at all (a reader of a copy has nothing to follow), no path that leaves
    the repository."""
    assert not re.search(r"\]\([^)]*\)", README), re.search(r"\[[^\]]*\]\([^)]*\)", README)
    assert "../" not in README


def test_every_file_of_the_repository_the_readme_names_exists() -> None:
    named = set(_REPO_PATH.findall(README)) - _MADE_BY_THE_TESTS
    assert {"docs/format.md", "tests/test_readme_env.py", "tests/test_site_browser.py"} <= named
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"README.md names files that are not in the repository: {missing}"
