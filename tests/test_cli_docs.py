"""The README documents the command line that exists: every command, and every option."""

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


def _readme_line(name: str) -> str:
    """The README's table row or code line for `dailypapers NAME`, or '' when there is none."""
    lines = [ln for ln in README.splitlines() if re.search(rf"`dailypapers {re.escape(name)}\b", ln)]
    return "\n".join(lines)


def _mentioned(opts: list[str], text: str) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text) for o in opts)


def test_the_cli_has_the_commands_the_readme_teaches() -> None:
    assert {"fetch", "summarize", "render", "run", "import", "list", "demo"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"dailypapers {name}" in README, f"README.md does not show `dailypapers {name}`"
    assert _readme_line(name), f"README.md has no line for `dailypapers {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_in_the_readme(name: str) -> None:
    line = _readme_line(name)
    missing = [o.opts for o in _options(cli.commands[name])
               if not _mentioned(o.opts, line) and not _mentioned(o.opts, README)]
    assert not missing, f"`dailypapers {name}` options not in README.md: {missing}"


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
