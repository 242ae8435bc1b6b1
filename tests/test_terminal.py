"""What a person sees: a backfill under a real pseudo-terminal (the screen as a terminal emulator
draws it, saved to tests/artifacts/), every stderr line as JSON with `--log-format json`, `-q`
quiet but for errors, and `--lang` refused before any work when it is not a language."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pyte
import pytest

from tests.fakes import Answer, FakeHF, FakeLLM, Recorded, json_answer, paper_id_of
from tests.faultkit import Pen, hf_items, paper_ids

ARTIFACTS = Path(__file__).parent / "artifacts"
DAYS = ("2025-03-03", "2025-03-04", "2025-03-05")  # Monday to Wednesday
PER_DAY = 6
COLUMNS, ROWS = 120, 200  # tall enough that nothing scrolls off the emulated screen


class Refusing(FakeLLM):
    """Writes every summary but those of `down` (HTTP 500 each time)."""

    def __init__(self, down: set[str]) -> None:
        super().__init__(Pen())
        self.down = down

    def answer(self, request: Recorded) -> Answer:
        if request not in self.pings and paper_id_of(json.loads(request.body)) in self.down:
            return json_answer({"error": {"message": "the model is overloaded"}}, 500)
        return super().answer(request)


def backfill_env(hf: FakeHF, llm: FakeLLM) -> dict[str, str]:
    return {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_TEXT_SOURCES": "abstract",
            "DAILYPAPERS_CHECKS": "off", "DAILYPAPERS_RETRIES": "0", "DAILYPAPERS_CONCURRENCY": "2"}


def days_and_failures() -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    days = {day: hf_items(PER_DAY, i) for i, day in enumerate(DAYS)}
    down = {paper_ids(PER_DAY, 0)[1], paper_ids(PER_DAY, 2)[0], paper_ids(PER_DAY, 2)[4]}
    return days, down


def run_in_pty(argv: list[str], env: dict[str, str], timeout: float = 120) -> tuple[int, bytes]:
    """Run `argv` with a pseudo-terminal as its stdin, stdout and stderr (COLUMNS x ROWS); returns
    its exit status and every byte it wrote to the terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = bytearray()
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                proc.kill()
                raise AssertionError(f"no output for {timeout} s; so far: {out[-2000:]!r}")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed: the process is gone
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(master)
    return proc.wait(timeout=timeout), bytes(out)


def screen_of(output: bytes) -> list[str]:
    """The lines a terminal shows after `output`, as a VT100 emulator draws them."""
    screen = pyte.Screen(COLUMNS, ROWS)
    stream = pyte.ByteStream(screen)
    stream.feed(output.replace(b"\n", b"\r\n") if b"\r\n" not in output else output)
    return [line.rstrip() for line in screen.display]


def test_a_backfill_on_a_terminal_shows_one_intact_progress_display_and_each_failure_once(
        cli: Any, tmp_path: Path) -> None:
    days, down = days_and_failures()
    with FakeHF(days) as hf, Refusing(down) as llm:
        env = cli.env(backfill_env(hf, llm))
        env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS))
        env.pop("NO_COLOR", None)
        status, output = run_in_pty(cli.argv("run", "--since", DAYS[0], "--until", DAYS[-1], "--lang", "ko",
                                             "--llm", "openai-compatible/t", "-o", str(tmp_path / "out")), env)
    lines = screen_of(output)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "terminal_backfill.txt").write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    text = "\n".join(lines)
    assert status == 1, text  # papers failed

    assert b"\x1b[" in output, "rich drew on a terminal (cursor and colour codes)"
    bars = [line for line in lines if "━" in line]
    # One progress line for the backfill, complete, and no message ever drawn into a bar's line.
    [run_bar] = [line for line in bars if line.startswith(f"run {DAYS[0]}..{DAYS[-1]} [ko]")]
    assert "3/3" in run_bar and f"{3 * PER_DAY - len(down)} papers, {len(down)} failed" in run_bar
    for line in bars:
        assert "WARNING" not in line and "failed 2503" not in line and "wrote" not in line, line

    for pid in down:  # each failure is said once (two with the same reason on one line)
        assert text.count(pid) == 1, pid
    first, *_ = sorted(down)
    assert f"\n  failed {first}: " in text and "\n  2 papers failed: " in text
    for i, day in enumerate(DAYS):
        failed = sum(pid in down for pid in paper_ids(PER_DAY, i))
        assert f"wrote {tmp_path / 'out' / f'{day}.ko.md'}" in text, day
        warned = [line for line in lines if line.startswith(f"WARNING {day} [ko]: ")]
        assert len(warned) == (1 if failed else 0), warned  # more than 5 % failed: one warning


def test_with_log_format_json_every_stderr_line_is_a_json_object(cli: Any, tmp_path: Path) -> None:
    days, down = days_and_failures()
    with FakeHF(days) as hf, Refusing(down) as llm:
        r = cli.subprocess("--log-format", "json", "run", "--since", DAYS[0], "--until", DAYS[-1], "--lang", "ko",
                           "--llm", "openai-compatible/t", "-o", str(tmp_path / "out"), "--json",
                           env=backfill_env(hf, llm))
    assert r.returncode == 1, r.stderr
    entries = [json.loads(line) for line in r.stderr.splitlines()]  # each line parses, or this fails
    assert entries and all(isinstance(e, dict) and {"level", "event", "message"} <= e.keys() for e in entries)
    events = {e["event"] for e in entries}
    assert {"progress", "day-summarized", "failed", "warning"} <= events, events
    failed = [e for e in entries if e["event"] == "failed" and "papers" in e]
    assert sorted(pid for e in failed for pid in e["papers"]) == sorted(down)
    result = json.loads(r.stdout)  # the result on stdout, apart
    assert [d["date"] for d in result["days"]] == list(DAYS) and result["failed"] is True
    assert len(result["warnings"]) == 2


def test_quiet_prints_errors_only(cli: Any, tmp_path: Path) -> None:
    days, down = days_and_failures()
    with FakeHF(days) as hf, Refusing(down) as llm:
        r = cli.subprocess("-q", "run", "--date", DAYS[0], "--lang", "ko", "--llm", "openai-compatible/t",
                           "-o", str(tmp_path / "d.md"), env=backfill_env(hf, llm))
        bad = cli.subprocess("-q", "run", "--date", "2025-13-01", env=backfill_env(hf, llm))
    assert r.returncode == 1 and r.stderr == "", r.stderr  # a failed paper is in the exit status
    assert (tmp_path / "d.md").exists()
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1


@pytest.mark.parametrize("given, code", [("korean", "ko"), ("한국어", "ko"), ("English", "en"), ("ja", "ja"),
                                         ("zh-Hant", "zh-Hant"), ("pt-BR", "pt-BR")])
def test_lang_takes_a_code_or_a_language_name(cli: Any, hf_day: Any, given: str, code: str) -> None:
    date, items = hf_day
    with FakeHF({date: items[:1]}) as hf, FakeLLM(Pen()) as llm:
        env = backfill_env(hf, llm)
        r = cli("run", "--date", date, "--lang", given, "--llm", "openai-compatible/t", "--json", env=env)
        body = json.loads(llm.requests[0].body) if llm.requests else {}
    assert r.returncode == 0, r.stderr
    assert Path(json.loads(r.stdout)["days"][0]["digest"]).name == f"{date}.{code}.md"
    assert body, "the paper was summarized"


@pytest.mark.parametrize("given", ["klingon-ish", "k", "xx-YY-ZZ-1", "ko;rm -rf"])
def test_lang_refuses_what_is_not_a_language_before_any_request(cli: Any, hf_day: Any, given: str) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf, FakeLLM(Pen()) as llm:
        r = cli("run", "--date", date, "--lang", given, "--llm", "openai-compatible/t", env=backfill_env(hf, llm))
        asked = len(hf.requests) + len(llm.requests) + len(llm.pings)
    assert r.returncode == 2 and asked == 0, r.stderr
    assert "--lang" in r.stderr


def test_an_unreachable_llm_stops_run_and_summarize_before_any_other_request(cli: Any, hf_day: Any,
                                                                            tmp_path: Path) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        env = {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}  # nothing listens
        started = dt.datetime.now()
        r = cli.subprocess("run", "--date", date, "--llm", "openai-compatible/t", env=env, timeout=30)
        s = cli.subprocess("summarize", "--date", date, "--llm", "openai-compatible/t", env=env, timeout=30)
        took = (dt.datetime.now() - started).total_seconds()
        assert hf.requests == []
    for result in (r, s):
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "cannot reach openai-compatible/t" in result.stderr
    print(f"both stopped in {took:.2f} s", file=sys.stderr)


def test_list_json_without_a_date_lists_the_days(cli: Any, hf_day: Any) -> None:
    date, items = hf_day
    assert json.loads(cli("list", "--json").stdout) == []
    with FakeHF({date: items}) as hf:
        assert cli("fetch", "--date", date, env={"HF_ENDPOINT": hf.url}).returncode == 0
    r = cli("list", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"date": date, "papers": len(items)}]
    assert cli("list").stdout == f"{date}  {len(items)} papers\n"


def test_text_of_a_stored_paper_reads_its_abstract_offline(cli: Any, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        assert cli("fetch", "--date", date, env={"HF_ENDPOINT": hf.url}).returncode == 0
    pid, abstract = items[0]["paper"]["id"], items[0]["paper"]["summary"]
    r = cli.subprocess("text", pid, "--source", "abstract")  # arXiv and HF point nowhere (conftest)
    assert r.returncode == 0, r.stderr
    assert abstract.split(".")[0] in r.stdout and f"# {pid}: read from abstract" in r.stderr
