"""A configured `run` publishes the day: the site every run, chat once per day. A later run that
adds papers updates the site without sending the chat messages again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.fakes import FakeHF, FakeLLM, paper_id_of
from tests.test_publish_chat import SLACK_PATH, FakeSlack

ANSWER = {
    "whats_new": "이 논문은 새로운 방법을 제안합니다. 방법은 단순합니다.",
    "technical_details": "모델은 두 단계로 학습됩니다. 구현은 공개되어 있습니다.",
    "performance_highlights": "",
}


def test_a_configured_run_publishes_each_day_once(cli: Any, hf_day: tuple[str, list[dict[str, Any]]],
                                                  tmp_path: Path) -> None:
    date, items = hf_day
    first, later = items[:3], items[:5]
    site = tmp_path / "site"
    days = {date: first}
    with FakeHF(days) as hf, FakeLLM(lambda body: json.dumps(ANSWER, ensure_ascii=False)) as llm, \
            FakeSlack() as slack:
        env = {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_TEXT_SOURCES": "abstract",
               "DAILYPAPERS_CHECKS": "off", "DAILYPAPERS_PUBLISH": "site,slack", "DAILYPAPERS_SITE_DIR": str(site),
               "SLACK_WEBHOOK_URL": slack.url + SLACK_PATH}
        args = ["--log-format", "json", "run", "--date", date, "--lang", "ko", "--llm", "openai-compatible/t",
                "-o", str(tmp_path / "d.md")]
        r1 = cli(*args, env=env)
        assert r1.returncode == 0, r1.stderr
        sent_first = len(slack.accepted)
        assert sent_first == 1 + len(first)  # the day message and one per paper
        assert (site / "ko" / "days" / f"{date}.html").exists()

        days[date] = later  # Hugging Face listed two more papers since
        r2 = cli(*args, env=env)
        assert r2.returncode == 0, r2.stderr
        assert len(slack.accepted) == sent_first  # chat is sent once per day and channel
        assert "sent before" in r2.stderr
        assert sorted(paper_id_of(json.loads(q.body)) for q in llm.requests) == \
            sorted(i["paper"]["id"] for i in later)  # each paper summarized once over both runs
    day_page = (site / "ko" / "days" / f"{date}.html").read_text(encoding="utf-8")
    for item in later:
        assert item["paper"]["id"] in day_page  # the site shows the papers that came later
    events = [json.loads(line) for line in r2.stderr.splitlines() if line.startswith("{")]
    assert {e["paper"] for e in events if e.get("event") == "summarized"} == \
        {i["paper"]["id"] for i in later[3:]}


def test_a_run_configured_to_send_updates_sends_only_the_new_papers(cli: Any, hf_day: tuple[str, list[dict[str, Any]]],
                                                                    tmp_path: Path) -> None:
    date, items = hf_day
    days = {date: items[:2]}
    with FakeHF(days) as hf, FakeLLM(lambda body: json.dumps(ANSWER, ensure_ascii=False)) as llm, \
            FakeSlack() as slack:
        env = {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1", "DAILYPAPERS_TEXT_SOURCES": "abstract",
               "DAILYPAPERS_CHECKS": "off", "DAILYPAPERS_PUBLISH": "slack", "DAILYPAPERS_PUBLISH_UPDATES": "yes",
               "SLACK_WEBHOOK_URL": slack.url + SLACK_PATH}
        args = ["run", "--date", date, "--lang", "ko", "--llm", "openai-compatible/t", "-o", str(tmp_path / "d.md")]
        assert cli(*args, env=env).returncode == 0
        assert len(slack.accepted) == 3  # the day message and two papers
        days[date] = items[:4]
        r = cli(*args, env=env)
        assert r.returncode == 0, r.stderr
        new_texts = slack.texts[3:]
        assert len(new_texts) == 2  # only the two papers that came since, no second day message
        for item, text in zip(items[2:4], new_texts):
            assert item["paper"]["id"] in text
        assert cli(*args, env=env).returncode == 0
        assert len(slack.accepted) == 5  # nothing new, nothing sent
