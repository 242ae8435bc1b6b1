"""A day with no papers, through `run`: no digest file, one line that says why, and an exit status
that tells cron whether to worry (0 for a weekend, a holiday or the future; 1 for a weekday that
should have had papers, unless `empty_weekday` is "ok")."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from tests.fakes import FakeHF, FakeLLM, paper_id_of
from tests.test_cli_run import answer_for, env_for

SATURDAY, SUNDAY, TUESDAY = "2025-02-08", "2025-02-09", "2025-02-04"


def llm() -> FakeLLM:
    return FakeLLM(lambda body: json.dumps(answer_for(paper_id_of(body)), ensure_ascii=False))


def run(cli: Any, hf: FakeHF, fake_llm: FakeLLM, out: Path, *args: str, **env: str) -> Any:
    return cli("run", *args, "--lang", "ko", "--llm", "openai-compatible/t", "-o", str(out),
               env=env_for(hf, fake_llm, **env))


def test_a_weekend_writes_no_digest_says_why_and_exits_0(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "d.md"
    with FakeHF({}) as hf, llm() as fake:
        r = run(cli, hf, fake, out, "--date", SATURDAY)
    assert r.returncode == 0, r.stderr
    assert not out.exists()
    assert f"no digest for {SATURDAY}: {SATURDAY} is a Saturday; no papers are listed on weekends" in r.stderr
    assert "WARNING" not in r.stderr and fake.requests == []


def test_a_weekday_with_no_papers_is_a_warning_and_exits_1(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "d.md"
    with FakeHF({}) as hf, llm() as fake:
        r = run(cli, hf, fake, out, "--date", TUESDAY)
        ok = run(cli, hf, fake, out, "--date", TUESDAY, DAILYPAPERS_EMPTY_WEEKDAY="ok")
    assert r.returncode == 1 and ok.returncode == 0, (r.stderr, ok.stderr)
    assert not out.exists()
    assert f"no digest for {TUESDAY}: no papers listed on {TUESDAY}, a Tuesday" in r.stderr
    assert f"WARNING {TUESDAY} [ko]: no papers listed on a weekday (Tuesday)" in r.stderr


def test_a_holiday_the_settings_name_exits_0_with_no_warning(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "d.md"
    with FakeHF({}) as hf, llm() as fake:
        r = run(cli, hf, fake, out, "--date", TUESDAY, DAILYPAPERS_HOLIDAYS=f"2024-12-25,{TUESDAY}")
    assert r.returncode == 0, r.stderr
    assert f"no digest for {TUESDAY}: {TUESDAY} is a holiday (the holidays setting)" in r.stderr
    assert "WARNING" not in r.stderr
    stats = json.loads(cli("stats", "--json").stdout)
    [day] = [d for d in stats if d["date"] == TUESDAY]
    assert day["warnings"] == [] and [e["code"] for e in day["events"]] == ["holiday"]


def test_a_day_in_the_future_asks_nobody_and_exits_0(cli: Any, tmp_path: Path) -> None:
    future = (dt.date.today() + dt.timedelta(days=9)).isoformat()
    out = tmp_path / "d.md"
    with FakeHF({}) as hf, llm() as fake:
        r = run(cli, hf, fake, out, "--date", future)
    assert r.returncode == 0, r.stderr
    assert f"no digest for {future}: {future} is in the future; nothing is listed before the day" in r.stderr
    assert hf.requests == [] and not out.exists()


def test_a_backfill_writes_the_days_with_papers_only(cli: Any, hf_day: Any, tmp_path: Path) -> None:
    date, items = hf_day  # a Monday
    friday = (dt.date.fromisoformat(date) - dt.timedelta(days=3)).isoformat()
    with FakeHF({friday: items[:1], date: items[:2]}) as hf, llm() as fake:
        r = run(cli, hf, fake, tmp_path / "out", "--since", friday, "--until", date, "--json")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{friday}.ko.md", f"{date}.ko.md"]
    days = {d["date"]: d["digest"] for d in json.loads(r.stdout)["days"]}
    assert days[friday] and days[date]
    weekend = [d for d in days if d not in (friday, date)]
    assert len(weekend) == 2 and all(days[d] is None for d in weekend)
    assert r.stderr.count("no papers are listed on weekends") == 2
