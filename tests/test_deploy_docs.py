"""The schedules, the compose file and the image in docs/deploy/ and the Dockerfile: each parses, and
every dailypapers command line in them is one the CLI accepts (parsed by the CLI itself, not run)."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import warnings
from pathlib import Path

import click
import pytest
import yaml

from dailypapers.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "docs" / "deploy"
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(,(\d+(-\d+)?))*(/\d+)?$")
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def parse_dailypapers(args: list[str]) -> tuple[str, dict[str, object]]:
    """Parse a dailypapers command line with the real CLI; returns (command, its parameters)."""
    assert args and args[0].endswith("dailypapers"), args
    ctx = cli.make_context("dailypapers", list(args[1:]), resilient_parsing=False)
    with warnings.catch_warnings():  # click 8.2 deprecates protected_args; 8.1 still needs it
        warnings.simplefilter("ignore", DeprecationWarning)
        name, cmd, rest = cli.resolve_command(ctx, [*ctx.protected_args, *ctx.args])
    assert cmd is not None, f"no such command in {args}"
    sub = cmd.make_context(name, rest, parent=ctx)
    return name, sub.params


def check_cron_fields(fields: list[str]) -> None:
    assert len(fields) == 5, fields
    for field, (low, high) in zip(fields, CRON_RANGES):
        assert CRON_FIELD.match(field), field
        for number in re.findall(r"\d+", field.split("/")[0]):
            assert low <= int(number) <= high, f"{field} is outside {low}-{high}"


def command_after(text: str, marker: str = "dailypapers") -> list[str]:
    """The dailypapers invocation inside a shell line (up to a redirection or the end)."""
    words = shlex.split(text, posix=True)
    start = next(i for i, w in enumerate(words) if w.endswith(marker) and not w.startswith("."))
    end = next((i for i, w in enumerate(words[start:], start) if w in (">>", ">", "2>&1", "&&", "|")), len(words))
    return words[start:end]


def test_the_cron_line_is_valid_and_runs_the_day() -> None:
    lines = [ln for ln in (DEPLOY / "dailypapers.cron").read_text().splitlines() if ln and not ln.startswith("#")]
    assert len(lines) == 1
    fields = lines[0].split()[:5]
    check_cron_fields(fields)
    command = lines[0].split(None, 5)[5]
    name, params = parse_dailypapers(command_after(command.split("&&", 1)[1]))
    assert name == "run" and params["lang"] == "ko"


def test_the_systemd_units_parse_and_run_the_day() -> None:
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.optionxform = str  # systemd keys are case-sensitive
    service.read_string((DEPLOY / "dailypapers.service").read_text())
    assert service["Service"]["Type"] == "oneshot"
    exec_start = shlex.split(service["Service"]["ExecStart"])
    name, params = parse_dailypapers(exec_start)
    assert name == "run"
    timer_text = (DEPLOY / "dailypapers.timer").read_text()
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.optionxform = str
    timer.read_string(timer_text)
    assert timer["Install"]["WantedBy"] == "timers.target"
    calendars = re.findall(r"^OnCalendar=(.+)$", timer_text, re.M)
    assert calendars and all(re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d", c) for c in calendars)
    assert timer["Timer"]["Persistent"] == "true"


def test_the_github_workflow_parses_and_runs_the_day() -> None:
    flow = yaml.safe_load((DEPLOY / "github-actions.yml").read_text())
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads the key `on` as true
    check_cron_fields(triggers["schedule"][0]["cron"].split())
    job = flow["jobs"]["digest"]
    assert job["env"]["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}"  # a secret, never a value
    runs = [step["run"] for step in job["steps"] if "run" in step and "dailypapers " in step["run"]
            and "pip install" not in step["run"]]
    assert runs
    name, params = parse_dailypapers(command_after(runs[0]))
    assert name == "run" and params["lang"] == "ko"
    assert flow["concurrency"]["cancel-in-progress"] is False


def test_the_dockerfile_image_runs_dailypapers_run() -> None:
    lines = [ln for ln in (ROOT / "Dockerfile").read_text().splitlines() if ln and not ln.startswith("#")]
    instructions = [ln.split(None, 1)[0] for ln in lines if not ln.startswith(" ")]
    assert instructions[0] == "FROM" and lines[0].split()[1].startswith("python:3.1")
    entry = next(ln for ln in lines if ln.startswith("ENTRYPOINT"))
    args = json.loads(entry.split(None, 1)[1])
    name, _ = parse_dailypapers([*args, "--lang", "ko"])
    assert name == "run"
    for copied in re.findall(r"^COPY (\S+)", "\n".join(lines), re.M):
        assert (ROOT / copied).exists(), f"the Dockerfile copies {copied}, which the project lacks"
    assert any(ln.startswith("USER ") for ln in lines)  # not root


def test_a_wrong_option_in_a_schedule_would_be_caught() -> None:
    with pytest.raises(click.UsageError):
        parse_dailypapers(["dailypapers", "run", "--language", "ko"])


def test_the_compose_file_starts_postgres_two_workers_and_the_scheduler() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "worker", "scheduler"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    worker, scheduler = services["worker"], services["scheduler"]
    assert worker["deploy"]["replicas"] == 2
    name, params = parse_dailypapers([*worker["entrypoint"], *worker["command"]])
    assert name == "worker" and params["concurrency"] == 8
    loop = scheduler["entrypoint"][2].replace("$$", "$")
    name, params = parse_dailypapers(command_after(loop.split("do", 1)[1].split(";")[0]))
    assert name == "run" and params["queued"] is True
    for service in (worker, scheduler):
        env = service["environment"]
        assert env["DAILYPAPERS_DATABASE_URL"].startswith("postgresql://papers@postgres:")  # no password in it
        assert env["PGPASSWORD"].startswith("${POSTGRES_PASSWORD") and env["OPENAI_API_KEY"].startswith("${")
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["build"]["context"] == "../.."
    assert (DEPLOY / service["build"]["context"] / "Dockerfile").exists()


def test_the_image_has_the_postgres_extra() -> None:
    assert "'.[postgres]'" in (ROOT / "Dockerfile").read_text()
