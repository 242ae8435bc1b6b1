"""The ledger of a day: what was listed, read, summarized, failed (by reason code), published, and
what befell the day (a step back, arXiv out of reach, a listing that failed); its warnings in the
run's report and, configured, as one chat alert per day; `stats`; the footer of feeds and e-mail;
and an old database migrated. Real store, real local servers (Hugging Face, the LLM, Slack)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dailypapers import pipeline
from dailypapers.config import Settings
from dailypapers.errors import ConfigError, SourceError
from dailypapers.models import REASON_CODES, DayLedger, Failure
from dailypapers.pipeline import Alerted, Collect, Published
from dailypapers.publish import publishers
from dailypapers.render.footer import REASON_PHRASES, footer
from dailypapers.render.site import SitePlan
from dailypapers.store import Store
from dailypapers.store.schema import MIGRATIONS, schema_migrations
from tests.conftest import UNREACHABLE
from tests.fakes import Answer, FakeHF, FakeLLM, Recorded, json_answer, paper_id_of
from tests.publish_day import DATE as PUBLISH_DATE
from tests.publish_day import fill, write_config
from tests.test_publish_chat import SLACK_PATH, FakeSlack
from tests.test_repair import CORRECT, ENGLISH

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_CODE = '<b onmouseover="x()">&'


# -- a day where papers fail for different reasons ------------------------------------------------

OK, REJECTED, GARBLED, NO_TEXT, DOWN = "2502.00101", "2502.00202", "2502.00303", "2502.00404", "2502.00505"
EXPECTED_CODES = {REJECTED: "checks-hard", GARBLED: "llm-output", NO_TEXT: "no-text", DOWN: "llm-error"}


class PickyLLM(FakeLLM):
    """Writes a good Korean summary of 2502.00101 only: an English one (the checks reject it) for
    2502.00202, no JSON for 2502.00303, and a 500 for 2502.00505."""

    def __init__(self) -> None:
        super().__init__(self.write)

    @staticmethod
    def write(body: dict[str, Any]) -> str:
        pid = paper_id_of(body)
        if pid == GARBLED:
            return "this is not json {"
        return json.dumps(CORRECT if pid == OK else ENGLISH, ensure_ascii=False)

    def answer(self, request: Recorded) -> Answer:
        if request not in self.pings and paper_id_of(json.loads(request.body)) == DOWN:
            return json_answer({"error": {"message": "internal error"}}, 500)
        return super().answer(request)


def failing_day(hf_day: tuple[str, list[dict[str, Any]]]) -> tuple[str, list[dict[str, Any]]]:
    date, items = hf_day
    items = [i for i in items if i["paper"]["id"] in (OK, REJECTED, GARBLED, NO_TEXT, DOWN)]
    empty = next(i for i in items if i["paper"]["id"] == NO_TEXT)
    empty["paper"]["summary"] = empty["summary"] = ""
    return date, items


def ledger_of(cli: Any, date: str, lang: str = "ko") -> dict[str, Any]:
    r = cli("stats", "--json")
    assert r.returncode == 0, r.stderr
    [found] = [x for x in json.loads(r.stdout) if (x["date"], x["lang"]) == (date, lang)]
    return found


def test_a_run_where_papers_fail_for_different_reasons_has_their_codes_in_its_ledger(cli: Any, hf_day: Any) -> None:
    date, items = failing_day(hf_day)
    with FakeHF({date: items}) as hf, PickyLLM() as llm, FakeSlack() as slack:
        env = {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_TEXT_SOURCES": "abstract",
               "DAILYPAPERS_RETRIES": "0", "DAILYPAPERS_ALERT": "slack", "SLACK_WEBHOOK_URL": slack.url + SLACK_PATH}
        r = cli("run", "--date", date, "--lang", "ko", "--llm", "openai-compatible/t", env=env)
        again = cli("run", "--date", date, "--lang", "ko", "--llm", "openai-compatible/t", env=env)
    assert r.returncode == again.returncode == 1, r.stderr
    assert f"WARNING {date} [ko]: 4 of 5 papers failed (80%, more than 5%)" in r.stderr
    assert f"WARNING {date} [ko]: 4 of 5 papers failed" in again.stderr  # the papers failed again ...
    [alert] = slack.texts  # ... and the alert went once
    assert alert.startswith(f"dailypapers {date} [ko]: 5 listed, 1 summarized, 4 failed; 4 of 5 papers failed")

    ledger = ledger_of(cli, date)
    assert (ledger["listed"], ledger["summarized"], len(ledger["failed"]), ledger["missing"]) == (5, 1, 4, 0)
    assert ledger["read"] == {"abstract": 1}
    assert {f["paper_id"]: f["code"] for f in ledger["failed"]} == EXPECTED_CODES
    assert ledger["failed_by_code"] == {code: 1 for code in EXPECTED_CODES.values()}
    assert ledger["runs"] == 2 and ledger["published"] == [] and ledger["events"] == []
    assert [w for w in ledger["warnings"] if "4 of 5 papers failed" in w] == ledger["warnings"]

    text = cli("stats")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert f"{date} [ko]: 5 listed, 1 summarized, 4 failed, 0 not tried; 2 runs" in lines
    assert "  read: abstract 1" in lines
    for code in EXPECTED_CODES.values():
        assert f"  failed: {code} 1 ({REASON_CODES[code]})" in lines
    assert any(line.startswith("  warning: 4 of 5 papers failed") for line in lines)

    runs = cli("stats", "--runs", "--json")  # the per-model view is still there
    [row] = json.loads(runs.stdout)
    assert (row["date"], row["model"], row["runs"], row["papers"], row["failures"]) == \
        (date, "openai-compatible/t", 2, 1, 8)


def test_a_summary_made_later_takes_the_paper_out_of_the_failures(cli: Any, hf_day: Any) -> None:
    date, items = failing_day(hf_day)
    items = [i for i in items if i["paper"]["id"] in (OK, DOWN)]
    with FakeHF({date: items}) as hf, PickyLLM() as llm:
        env = {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_TEXT_SOURCES": "abstract",
               "DAILYPAPERS_RETRIES": "0"}
        assert cli("run", "--date", date, "--lang", "ko", "--llm", "openai-compatible/t", env=env).returncode == 1
        assert ledger_of(cli, date)["failed_by_code"] == {"llm-error": 1}
    with FakeHF({date: items}) as hf, FakeLLM(lambda body: json.dumps(CORRECT, ensure_ascii=False)) as llm:
        env.update(HF_ENDPOINT=hf.url, OPENAI_BASE_URL=llm.url + "/v1", DAILYPAPERS_CHECKS="off")
        assert cli("run", "--date", date, "--lang", "ko", "--llm", "openai-compatible/t", env=env).returncode == 0
    ledger = ledger_of(cli, date)
    assert (ledger["summarized"], ledger["failed"], ledger["runs"], ledger["warnings"]) == (2, [], 2, [])


# -- the workflow: step back, warnings, alerts ----------------------------------------------------

def settings_for(home: Path, hf: FakeHF, **more: Any) -> Settings:
    more.setdefault("text_sources", "abstract")
    more.setdefault("lang", "en")
    return Settings(home=home, llm="extractive", hf_endpoint=hf.url, retries=0, lock_wait=0, arxiv_delay=0, **more)


def test_a_day_with_nothing_listed_records_the_step_back(cli: Any, hf_day: Any) -> None:
    date, items = hf_day  # a Monday
    today = (dt.date.fromisoformat(date) + dt.timedelta(days=1)).isoformat()
    with FakeHF({date: items}) as hf:
        report = pipeline.run_days(settings_for(cli.home, hf), [today], step_back=True)
    assert report.days[0].date == date and report.warnings == []  # the day run is fine
    store = Store.open(cli.home / "dailypapers.db")
    [ledger] = store.ledgers(today, today, ["en"])
    [(code, detail, _)] = ledger.events
    assert (code, detail) == ("not-listed-yet", f"nothing listed yet; the run went on with {date}")

    r = cli("stats", "--json")
    assert r.returncode == 0, r.stderr
    days = {x["date"]: x for x in json.loads(r.stdout)}
    assert days[date]["summarized"] == len(items) and days[date]["warnings"] == []
    stepped = days[today]
    assert (stepped["lang"], stepped["listed"], stepped["summarized"], stepped["runs"]) == ("en", 0, 0, 0)
    assert [e["code"] for e in stepped["events"]] == ["not-listed-yet"]
    assert stepped["warnings"][0] == "no papers listed on a weekday (Tuesday)"
    assert stepped["warnings"][1].startswith(f"not-listed-yet: nothing listed yet; the run went on with {date} (at ")
    text = cli("stats", "--since", today).stdout
    assert text.startswith(f"{today} [en]: 0 listed, 0 summarized, 0 failed, 0 not tried; 0 runs\n")
    assert "  not-listed-yet at " in text and "  warning: no papers listed on a weekday (Tuesday)" in text
    assert f"{date} [en]" not in text  # --since


def test_a_weekday_with_no_papers_is_a_warning_of_the_run_and_a_weekend_is_not(tmp_path: Path) -> None:
    with FakeHF({}) as hf:
        monday = pipeline.run_days(settings_for(tmp_path, hf), ["2025-02-03"])
        sunday = pipeline.run_days(settings_for(tmp_path, hf), ["2025-02-02"])
    assert monday.warnings == ["2025-02-03 [en]: no papers listed on a weekday (Monday)"]
    assert sunday.warnings == []


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Any:
    with FakeSlack() as fake:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", fake.url + SLACK_PATH)
        yield fake


def slack_channel(settings: Settings) -> str:
    return str(pipeline.publisher(settings, "slack").channel)


def test_too_many_failures_warn_and_alert_once_per_day(tmp_path: Path, hf_day: Any, slack: FakeSlack) -> None:
    date, items = hf_day
    items[2]["paper"]["summary"] = items[2]["summary"] = ""  # 1 of 8 fails: more than 5 %
    empty = items[2]["paper"]["id"]
    with FakeHF({date: items}) as hf:
        settings = settings_for(tmp_path, hf, alert=("slack",), publish="slack", chat={"delay": 0})
        events = Collect()
        first = pipeline.run_days(settings, [date], events)
        second = pipeline.run_days(settings, [date], Collect())
        pipeline.publish_day(settings, date, ["slack"], again=True)  # sends the day again, not the alert
        third = pipeline.run_days(settings, [date], Collect())
    warning = f"{date} [en]: 1 of 8 papers failed (12%, more than 5%): no-text 1"
    assert first.warnings == second.warnings == third.warnings == [warning]
    assert first.failed  # the paper failed

    alerts = [t for t in slack.texts if t.startswith("dailypapers ")]
    assert alerts == [f"dailypapers {date} [en]: 8 listed, 7 summarized, 1 failed; 1 of 8 papers failed "
                      "(12%, more than 5%): no-text 1"]
    [alerted] = events.of(Alerted)
    assert (alerted.target, alerted.date, alerted.lang, alerted.text) == ("slack", date, "en", alerts[0])
    assert events.of(Published)[0].report.resumed == 0  # the alert is no part of the day's messages
    assert len(slack.texts) == 1 + 2 * (1 + 7)  # the alert, and the day twice (head and 7 papers)
    rows = sqlite3.connect(tmp_path / "dailypapers.db").execute(
        "SELECT target, date, lang FROM publications WHERE part = 'alert'").fetchall()
    assert rows == [("slack", date, "en")]
    ledger = pipeline.day_ledger(Store.open(tmp_path / "dailypapers.db"), date, "en")
    assert [f.paper_id for f in ledger.failed] == [empty] and ledger.failed[0].code == "no-text"
    assert [(target, channel) for target, channel, _ in ledger.published] == [("slack", slack_channel(settings))]


def test_a_day_without_warnings_sends_no_alert(tmp_path: Path, hf_day: Any, slack: FakeSlack) -> None:
    date, items = hf_day
    with FakeHF({date: items}) as hf:
        report = pipeline.run_days(settings_for(tmp_path, hf, alert=("slack",)), [date])
    assert report.warnings == [] and slack.accepted == []


class Quiet:
    target, channel = "quiet", "nowhere"

    def publish(self, digest: Any, journal: Any) -> list[str]:
        return []


def test_an_alert_target_must_be_a_chat_service(tmp_path: Path, hf_day: Any) -> None:
    publishers.register("quiet", lambda options, env: Quiet())  # type: ignore[arg-type, return-value]
    try:
        with FakeHF({}) as hf:
            for alert, message in [(("quiet",), "quiet cannot post an alert"),
                                   (("slack,nowhere",), "unknown target(s) nowhere")]:
                with pytest.raises(ConfigError, match=re.escape(message)):
                    pipeline.run_days(settings_for(tmp_path, hf, alert=alert), ["2025-02-03"])
            assert hf.requests == []  # stopped before any work
    finally:
        publishers.unregister("quiet")


def test_arxiv_out_of_reach_is_an_event_and_a_failure_code(tmp_path: Path, hf_day: Any) -> None:
    date, items = hf_day
    with FakeHF({date: items[:2]}) as hf:
        settings = settings_for(tmp_path, hf, text_sources="html,abstract", arxiv_api_url=UNREACHABLE,
                                arxiv_url=UNREACHABLE)
        read_abstract = pipeline.run_days(settings, [date])
        only_html = pipeline.run_days(settings_for(tmp_path / "html-only", hf, text_sources="html",
                                                   arxiv_api_url=UNREACHABLE, arxiv_url=UNREACHABLE), [date])
    assert read_abstract.days[0].summarized.done == 2
    store = Store.open(tmp_path / "dailypapers.db")
    en = pipeline.day_ledger(store, date, "en")
    assert en.read == {"abstract": 2} and en.failed == []
    assert [code for code, _, _ in en.events] == ["arxiv-unreachable"]
    [warning] = en.warnings
    assert warning.startswith("arxiv-unreachable: ") and "127.0.0.1:9" in warning
    assert read_abstract.warnings == [f"{date} [en]: {warning}"]
    html_only = pipeline.day_ledger(Store.open(tmp_path / "html-only" / "dailypapers.db"), date, "en")
    assert [f.code for f in html_only.failed] == ["arxiv-unreachable"] * 2
    assert [w.split(":")[0] for w in html_only.warnings] == ["2 of 2 papers failed (100%, more than 5%)",
                                                              "arxiv-unreachable"]
    assert only_html.failed and len(only_html.warnings) == 2


def test_a_listing_that_cannot_be_read_is_recorded(tmp_path: Path) -> None:
    with FakeHF({}) as hf:
        hf.faults = [json_answer({"error": "down"}, 503)]
        with pytest.raises(SourceError):
            pipeline.run_days(settings_for(tmp_path, hf), ["2025-02-03"])
    ledger = pipeline.day_ledger(Store.open(tmp_path / "dailypapers.db"), "2025-02-03", "en")
    [(code, detail, _)] = ledger.events
    assert code == "listing-failed" and detail.startswith("hf: Hugging Face Daily Papers for 2025-02-03")
    assert any(w.startswith("listing-failed: hf: ") for w in ledger.warnings)


# -- an old database ------------------------------------------------------------------------------

def test_a_database_of_the_previous_schema_is_migrated_and_its_failures_read_as_error(cli: Any) -> None:
    db = cli.home / "dailypapers.db"
    db.parent.mkdir(parents=True)
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # the store as the previous version left it
        schema_migrations.create(conn)
        for version, name, apply in MIGRATIONS:
            if version < 8:
                apply(conn)
                conn.execute(schema_migrations.insert().values(version=version, name=name, applied_at="then"))
        conn.execute(sa.text("INSERT INTO papers (id, title, authors, abstract, media_urls, meta, updated_at) "
                             "VALUES ('2501.00001', 'T', '[]', 'A.', '[]', '{}', 'then')"))
        conn.execute(sa.text("INSERT INTO listings (date, paper_id, source, position) "
                             "VALUES ('2025-01-22', '2501.00001', 'hf', 0)"))
        conn.execute(sa.text("INSERT INTO runs (command, args, started_at, outcome, papers_done, prompt_tokens, "
                             "completion_tokens, requests) VALUES (:command, :args, 'then', 'failed', 0, 0, 0, 0)"),
                     [{"command": "summarize", "args": json.dumps({"date": "2025-01-22", "lang": "ko", "model": "m"})},
                      {"command": "summarize", "args": "not json"}])
        conn.execute(sa.text("INSERT INTO failures (run_id, paper_id, stage, reason, at) "
                             "VALUES (1, '2501.00001', 'summarize', 'it broke', 'then')"))
    engine.dispose()

    r = cli("stats", "--json")
    assert r.returncode == 0, r.stderr
    [ledger] = json.loads(r.stdout)
    assert (ledger["date"], ledger["lang"], ledger["listed"], ledger["runs"]) == ("2025-01-22", "ko", 1, 1)
    assert ledger["failed"] == [{"paper_id": "2501.00001", "code": "error", "reason": "it broke"}]
    with sqlite3.connect(db) as conn:
        assert [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY version")] == \
            [v for v, _, _ in MIGRATIONS]
        assert conn.execute("SELECT id, date, lang FROM runs ORDER BY id").fetchall() == \
            [(1, "2025-01-22", "ko"), (2, None, None)]


# -- footers ------------------------------------------------------------------------------------------

def test_the_footer_in_each_language() -> None:
    ledger = DayLedger("2025-02-03", "ko", listed=13, summarized=10, read={"html": 10},
                       failed=[Failure("a", "x", "checks-hard"), Failure("b", "y", "checks-hard"),
                               Failure("c", "z", "no-text")])
    assert footer(ledger, "en") == "13 listed, 10 published, 3 failed (checks: hard problem ×2, no text)"
    assert footer(ledger, "ko") == "13편 등록, 10편 게재, 3편 실패 (검사: 심각한 문제 ×2, 본문 없음)"
    assert footer(ledger, "ja") == "掲載 13本、公開 10本、失敗 3本（チェック: 重大な問題 ×2、本文なし）"
    assert footer(ledger, "zh") == "列出 13 篇，发布 10 篇，失败 3 篇（检查: 严重问题 ×2，无正文）"
    assert footer(ledger, "fr") == footer(ledger, "en")  # no words of its own: English
    assert footer(DayLedger("2025-02-03", "en", listed=5, summarized=4), "en") == "5 listed, 4 published, 1 pending"
    assert footer(None, "en") is None
    assert set(REASON_PHRASES["en"]) == set(REASON_CODES)  # every code has words
    assert all(set(words) == set(REASON_CODES) for words in REASON_PHRASES.values())


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_of(fragment: str) -> _Tags:
    tags = _Tags()
    tags.feed(fragment)
    return tags


def day_with_a_hostile_failure(db: Path) -> None:
    """The publish tests' day (5 papers, 4 summarized), the fifth failed with a code no one knows."""
    fill(db)
    store = Store.open(db)
    run = store.start_run("summarize", {"date": PUBLISH_DATE, "lang": "ko", "model": "fake/model"})
    store.record_failure(run, Failure("2502.00404", "it broke", HOSTILE_CODE), "summarize")
    store.close()


def test_the_feeds_carry_the_footer_escaped(cli: Any, tmp_path: Path) -> None:
    day_with_a_hostile_failure(cli.home / "dailypapers.db")
    line = f"5편 등록, 4편 게재, 1편 실패 ({HOSTILE_CODE})"
    rss = cli("render", "--format", "rss", "--lang", "ko", "--date", PUBLISH_DATE)
    assert rss.returncode == 0, rss.stderr
    descriptions = [i.findtext("description") or "" for i in ET.fromstring(rss.stdout).iter("item")]
    atom = cli("render", "--format", "atom", "--per", "day", "--lang", "ko", "--date", PUBLISH_DATE)
    contents = [e.findtext(f"{ATOM}content") or "" for e in ET.fromstring(atom.stdout).iter(f"{ATOM}entry")]
    feed = json.loads(cli("render", "--format", "jsonfeed", "--lang", "ko", "--date", PUBLISH_DATE).stdout)
    assert len(descriptions) == 4 and len(contents) == 1 and len(feed["items"]) == 4
    for fragment in descriptions + contents + [i["content_html"] for i in feed["items"]]:
        parsed = html_of(fragment)
        assert "b" not in parsed.tags  # the code is text, not markup
        assert parsed.text[-1] == line  # the last paragraph
    assert all(i["content_text"].endswith("\n\n" + line) for i in feed["items"])

    markdown = cli("render", "--lang", "ko", "--date", PUBLISH_DATE)
    fill(tmp_path / "plain.db")  # the same day, with no ledger to speak of
    plain = pipeline.render(pipeline.digest(Store.open(tmp_path / "plain.db"), PUBLISH_DATE, "ko"))
    assert markdown.returncode == 0 and markdown.stdout == plain  # the Markdown has no footer


def test_the_site_days_carry_ledgers_and_the_site_feeds_the_footer(tmp_path: Path) -> None:
    db = tmp_path / "dailypapers.db"
    day_with_a_hostile_failure(db)
    store = Store.open(db)
    store.record_day_event("2025-02-04", "not-listed-yet", "nothing listed yet; the run went on with 2025-02-03")
    days = pipeline.site_days(store)
    assert [(d.date, len(d.entries), sorted(d.ledgers)) for d in days] == \
        [(PUBLISH_DATE, 5, ["ko"]), ("2025-02-04", 0, ["ko"])]
    first = days[0].ledgers["ko"]
    assert (first.listed, first.summarized, [f.code for f in first.failed]) == (5, 4, [HOSTILE_CODE])
    assert days[1].ledgers["ko"].warnings[0] == "no papers listed on a weekday (Tuesday)"
    files = {f.rel: f for f in SitePlan(days, default_lang="ko").files({}, base_url=None)}
    rss = files["feeds/ko/papers.rss.xml"].produce().decode("utf-8")
    for item in ET.fromstring(rss).iter("item"):
        assert html_of(item.findtext("description") or "").text[-1] == f"5편 등록, 4편 게재, 1편 실패 ({HOSTILE_CODE})"


def test_the_e_mail_carries_the_footer_escaped(cli: Any) -> None:
    from tests.test_publish_email import email_toml, parts, smtp_server

    day_with_a_hostile_failure(cli.home / "dailypapers.db")
    with smtp_server() as (inbox, port):
        write_config(cli.config_home, email_toml(port))
        r = cli("publish", "--date", PUBLISH_DATE, "--to", "email")
        assert r.returncode == 0, r.stderr
        body = parts(inbox.messages()[0])
    line = f"5편 등록, 4편 게재, 1편 실패 ({HOSTILE_CODE})"
    assert f"\n-- \n{line}\nSent by dailypapers" in body["text/plain"]
    page = html_of(body["text/html"])
    assert line in page.text and "b" not in page.tags
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;&amp;" in body["text/html"]
