"""`pipeline.run_days` as a library: the day's workflow with its rules (the lock, the step back to
yesterday, a backfill sends no mail, one target's failure costs that target), reporting through
events. Real store, a fake Hugging Face on 127.0.0.1, the offline extractive summarizer, and
publishers registered the way a plugin would register them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from dailypapers import pipeline
from dailypapers.config import PublishOptions, Settings
from dailypapers.errors import Busy, ConfigError
from dailypapers.lock import RunLock
from dailypapers.models import Digest
from dailypapers.pipeline import Collect, Fetched, Published, SiteBuilt, SteppedBack, Summarized, TargetFailed, Written
from dailypapers.publish import publishers
from tests.fakes import FakeHF


class Memo:
    """A day publisher that keeps what it was sent."""

    target = "memo"
    channel = "memo-channel"
    sent: list[tuple[str, int]] = []

    def publish(self, digest: Digest, journal: Any) -> list[str]:
        Memo.sent.append((digest.date, sum(1 for e in digest.entries if e.summary)))
        journal.record("day", f"m{len(Memo.sent)}")
        return [f"m{len(Memo.sent)}"]


class Shelf:
    """An archive publisher (as the site is) that keeps the days it was given."""

    target = "shelf"
    channel = "shelf"
    builds: list[list[str]] = []

    def publish_archive(self, days: list[Any], progress: Any = None) -> Any:
        Shelf.builds.append([d.date for d in days])
        return _ShelfReport([d.date for d in days])


class _ShelfReport:
    def __init__(self, days: list[str]) -> None:
        self.days = days


class Broken:
    target = "broken"
    channel = "nowhere"

    def publish(self, digest: Digest, journal: Any) -> list[str]:
        raise RuntimeError("a bug in the plugin")


@pytest.fixture(autouse=True)
def plugins() -> Iterator[None]:
    Memo.sent, Shelf.builds = [], []
    factories = {"memo": Memo, "shelf": Shelf, "broken": Broken}
    for name, cls in factories.items():
        publishers.register(name, lambda options, env, cls=cls: cls())  # type: ignore[misc]
    yield
    for name in factories:
        publishers.unregister(name)


def day_before(date: str, n: int = 1) -> str:
    return (dt.date.fromisoformat(date) - dt.timedelta(days=n)).isoformat()


def settings_for(home: Path, hf: FakeHF, publish: str | None = None, **more: Any) -> Settings:
    return Settings(home=home, lang="en", llm="extractive", text_sources="abstract", hf_endpoint=hf.url,
                    publish=publish, retries=0, lock_wait=0, **more)


def test_a_day_is_fetched_summarized_written_and_delivered_once(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        settings = settings_for(tmp_path, hf, "memo,shelf")
        events = Collect()
        report = pipeline.run_days(settings, [date], events)
        again = Collect()
        pipeline.run_days(settings, [date], again)
    assert [type(e) for e in events.events] == [Fetched, Summarized, Written, SiteBuilt, Published]
    [run] = report.days
    assert run.date == date and run.fetched.listed == len(items) and run.summarized.done == len(items)
    assert run.path == tmp_path / "out" / f"{date}.en.md" and run.path.read_text(encoding="utf-8").startswith(
        f"## Daily Papers ({date})")
    assert not report.failed
    assert Memo.sent == [(date, len(items))]  # the second run sent nothing more ...
    assert again.of(Published)[0].report.already  # ... and said why
    assert Shelf.builds == [[date], [date]]  # the archive is rebuilt on every run


def test_a_day_not_listed_yet_steps_back_to_the_day_before(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        events = Collect()
        report = pipeline.run_days(settings_for(tmp_path, hf), [dt.date.fromisoformat(date).replace(day=4).isoformat()],
                                   events, step_back=True)
    assert [(e.day, e.previous) for e in events.of(SteppedBack)] == [("2025-02-04", date)]
    assert report.days[0].date == date and report.days[0].summarized.done == len(items)


def test_without_step_back_an_empty_day_stays_empty(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        events = Collect()
        report = pipeline.run_days(settings_for(tmp_path, hf), ["2025-02-04"], events)
    assert events.of(SteppedBack) == [] and report.days[0].fetched.listed == 0


def test_a_backfill_sends_no_mail_and_builds_the_archive_once(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    days = {day_before(date, 2): items[:2], day_before(date): items[2:5], date: items[5:]}
    with FakeHF(days) as hf:
        events = Collect()
        report = pipeline.run_days(settings_for(tmp_path, hf, "memo,shelf"), sorted(days), events,
                                   output=tmp_path / "digests", ranged=True)
    assert Memo.sent == []
    assert Shelf.builds == [sorted(days)]
    assert [w.path.name for w in events.of(Written)] == [f"{d}.en.md" for d in sorted(days)]
    assert all((tmp_path / "digests" / f"{d}.en.md").is_file() for d in days)
    assert [r.summarized.done for r in report.days] == [2, 3, len(items) - 5]


def test_one_failing_target_costs_that_target_only(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        events = Collect()
        report = pipeline.run_days(settings_for(tmp_path, hf, "broken,memo"), [date], events)
    assert [(e.target, e.reason) for e in events.of(TargetFailed)] == [("broken", "RuntimeError: a bug in the plugin")]
    assert Memo.sent == [(date, len(items))]
    assert report.failed


def test_an_unknown_target_stops_the_run_before_any_work(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        with pytest.raises(ConfigError, match="unknown target.*nosuch"):
            pipeline.run_days(settings_for(tmp_path, hf, "memo,nosuch"), [date])
        assert hf.requests == []


def test_the_run_waits_for_the_lock_and_gives_up_with_a_clear_error(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        settings = settings_for(tmp_path, hf)
        with RunLock(settings.run_lock, 0):
            with pytest.raises(Busy, match="another dailypapers run"):
                pipeline.run_days(settings, [date])
        assert hf.requests == []


def test_a_range_writes_into_a_folder_and_refuses_a_file_name(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        with pytest.raises(ConfigError, match="names a folder"):
            pipeline.run_days(settings_for(tmp_path, hf), [date], output=tmp_path / "day.md", ranged=True)
        report = pipeline.run_days(settings_for(tmp_path, hf), [date], output=tmp_path / "one.md")
    assert report.days[0].path == tmp_path / "one.md" and (tmp_path / "one.md").is_file()


def test_publish_day_delivers_to_the_named_targets(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        settings = settings_for(tmp_path, hf)
        pipeline.run_days(settings, [date])
    events = Collect()
    assert pipeline.publish_day(settings, date, ["memo"], events) is False
    assert pipeline.publish_day(settings, date, ["memo"], events, again=True) is False
    assert Memo.sent == [(date, len(items)), (date, len(items))]
    assert [e.report.already for e in events.of(Published)] == [False, False]


def test_factories_get_their_options_and_environment_not_the_settings(tmp_path: Path, hf_day: Any) -> None:
    seen: list[tuple[Any, Mapping[str, str]]] = []

    def factory(options: PublishOptions, env: Mapping[str, str]) -> Memo:
        seen.append((options, env))
        return Memo()

    publishers.register("memo", factory)
    settings = Settings(home=tmp_path, lang="en", chat={"delay": 2})
    pipeline.publisher(settings, "memo")
    [(options, env)] = seen
    assert isinstance(options, PublishOptions) and options.lang == "en" and options.chat.delay == 2.0
    assert not isinstance(options, Settings) and "PATH" in env
