"""Publishing to Slack, Discord and Telegram, against real HTTP servers on 127.0.0.1 that keep each
service's rules: message size limits, 429 with the service's way of saying how long to wait,
threads by message id. Sent once per day and channel; a failure midway is finished by a retry."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from dailypapers import pipeline
from dailypapers.config import Settings, load_settings
from dailypapers.errors import ConfigError, PublishError
from dailypapers.models import Digest, DigestEntry, Paper, Section, Summary, SummaryKey
from dailypapers.publish import MemoryJournal, get_publisher
from dailypapers.publish.chat import Pacer, plan, split_text, utf16_len
from dailypapers.publish.discord import DiscordFormat, DiscordPublisher
from dailypapers.publish.slack import SlackFormat, SlackPublisher
from dailypapers.publish.telegram import TelegramFormat, TelegramPublisher
from tests.fakes import Answer, FakeServer, Recorded, json_answer
from tests.publish_day import (
    DATE,
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    SUMMARIZED,
    UNSUMMARIZED,
    fill,
    sections_of,
    write_config,
)

TOKEN = "123456:SECRET-telegram-token"
CHAT_ID = "-1001234567890"
SLACK_PATH = "/services/T000/B000/slacksecretpath"
DISCORD_PATH = "/api/webhooks/111/discordsecrettoken"


# -- fakes ------------------------------------------------------------------------------------------

class FakeChat(FakeServer):
    """What every fake service shares: faults answered first, and a point after which every
    message is refused (a service that broke midway)."""

    limit = 0

    def __init__(self) -> None:
        super().__init__()
        self.faults: list[Answer] = []
        self.accept_only: int | None = None  # refuse every message after this many were taken
        self.accepted: list[dict[str, Any]] = []  # JSON bodies of the messages taken, in order

    def answer(self, request: Recorded) -> Answer:
        with self.lock:
            if self.faults:
                return self.faults.pop(0)
            if self.accept_only is not None and len(self.accepted) >= self.accept_only:
                return self.broken()
        return self.take(request)

    def broken(self) -> Answer:
        return Answer(500, b"internal error")

    def take(self, request: Recorded) -> Answer:
        raise NotImplementedError

    @property
    def texts(self) -> list[str]:
        return [b["text"] if "text" in b else b["content"] for b in self.accepted]


class FakeSlack(FakeChat):
    """An incoming webhook (plain "ok"), and chat.postMessage for a bot token (threads by ts)."""

    limit = 40_000

    def take(self, request: Recorded) -> Answer:
        body = json.loads(request.body)
        if request.path == SLACK_PATH:
            if not body.get("text"):
                return Answer(400, b"no_text", {"Content-Type": "text/plain"})
            if len(body["text"]) > self.limit:
                return Answer(400, b"msg_too_long", {"Content-Type": "text/plain"})
            self.accepted.append(body)
            return Answer(200, b"ok", {"Content-Type": "text/plain"})
        if request.path == "/api/chat.postMessage":
            if request.headers.get("authorization") != "Bearer xoxb-test-token":
                return json_answer({"ok": False, "error": "invalid_auth"})
            if body.get("thread_ts") and body["thread_ts"] not in {b["ts"] for b in self.accepted}:
                return json_answer({"ok": False, "error": "thread_not_found"})
            body["ts"] = f"1738540800.{len(self.accepted):06d}"
            self.accepted.append(body)
            return json_answer({"ok": True, "channel": "C0123", "ts": body["ts"]})
        return Answer(404, b"no_service", {"Content-Type": "text/plain"})


class FakeDiscord(FakeChat):
    limit = 2000

    def take(self, request: Recorded) -> Answer:
        if request.path != DISCORD_PATH:
            return json_answer({"message": "Unknown Webhook", "code": 10015}, 404)
        body = json.loads(request.body)
        if len(body.get("content", "")) > self.limit:  # Discord counts characters
            return json_answer({"message": "Invalid Form Body", "code": 50035}, 400)
        message_id = str(1_300_000_000_000_000_000 + len(self.accepted))
        self.accepted.append({**body, "id": message_id, "query": request.query})
        return json_answer({"id": message_id, "content": body["content"]}, 200,
                           **{"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4",
                              "X-RateLimit-Reset-After": "1.0"})

    def broken(self) -> Answer:
        return json_answer({"message": "Missing Access", "code": 50001}, 403)


class _TelegramHTML(HTMLParser):
    """Telegram's parse_mode HTML: only known tags, properly nested, or the message is refused."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("b", "a") or (tag == "a" and [k for k, _ in attrs] != ["href"]):
            self.error = f"Unsupported start tag {tag!r}"
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.error = f"Can't find end tag corresponding to {tag!r}"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def telegram_text(message: str) -> tuple[str, str | None]:
    parser = _TelegramHTML()
    parser.feed(message)
    parser.close()
    if parser.stack and not parser.error:
        parser.error = "unclosed tags"
    return "".join(parser.text), parser.error


class FakeTelegram(FakeChat):
    limit = 4096

    def take(self, request: Recorded) -> Answer:
        if request.path != f"/bot{TOKEN}/sendMessage":
            return json_answer({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        body = json.loads(request.body)
        if str(body.get("chat_id")) != CHAT_ID:
            return json_answer({"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, 400)
        visible, error = telegram_text(body["text"])
        if error:
            return json_answer({"ok": False, "error_code": 400,
                                "description": f"Bad Request: can't parse entities: {error}"}, 400)
        if utf16_len(visible) > self.limit:
            return json_answer({"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}, 400)
        reply = body.get("reply_to_message_id")
        if reply is not None and reply not in {b["message_id"] for b in self.accepted}:
            return json_answer({"ok": False, "error_code": 400,
                                "description": "Bad Request: message to be replied not found"}, 400)
        body["message_id"] = 500 + len(self.accepted)
        self.accepted.append(body)
        return json_answer({"ok": True, "result": {"message_id": body["message_id"], "chat": {"id": int(CHAT_ID)},
                                                   "date": 1738540800, "text": visible}})

    @property
    def texts(self) -> list[str]:
        return [telegram_text(b["text"])[0] for b in self.accepted]

    def broken(self) -> Answer:
        return json_answer({"ok": False, "error_code": 403, "description": "Forbidden: bot was kicked"}, 403)


FAKES = {"slack": FakeSlack, "discord": FakeDiscord, "telegram": FakeTelegram}


def service_env(service: str, fake: FakeServer) -> dict[str, str]:
    if service == "slack":
        return {"SLACK_WEBHOOK_URL": fake.url + SLACK_PATH}
    if service == "discord":
        return {"DISCORD_WEBHOOK_URL": fake.url + DISCORD_PATH}
    return {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_CHAT_ID": CHAT_ID, "TELEGRAM_API_URL": fake.url}


def visible(service: str, text: str) -> str:
    """What a reader sees of a message: formatting and escapes taken away."""
    if service == "slack":
        text = re.sub(r"<[^|>]+\|([^>]*)>", r"\1", text)
        return text.replace("*", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    if service == "discord":
        text = re.sub(r"(?<!\\)\[(.*?)(?<!\\)\]\([^)]*\)", r"\1", text)
        return re.sub(r"\\(.)", r"\1", text.replace("**", ""))
    return text  # FakeTelegram.texts are already what a reader sees


@pytest.fixture
def day(cli: Any) -> Any:
    fill(cli.home / "dailypapers.db")
    write_config(cli.config_home, "[chat]\ndelay = 0\n")
    return cli


def words(text: str) -> list[str]:
    return text.split()


# -- splitting ----------------------------------------------------------------------------------------

SENTENCES = ("The router sends each token to two experts. It is trained with a contrastive loss, e.g. on "
             "pairs. Accuracy rises by 4.2 points on 128K-token inputs! Does it scale? Yes: 7.7x faster. "
             "희소 라우터를 제안합니다. 정확도가 4.2 포인트 올랐습니다. 日本語の文です。次の文です。 ") * 12


@pytest.mark.parametrize("limit", [60, 100, 257, 1000, 4096])
def test_split_keeps_every_word_and_stays_within_the_limit(limit: int) -> None:
    chunks = split_text(SENTENCES, limit)
    assert all(utf16_len(c) <= limit for c in chunks)
    assert words(" ".join(chunks)) == words(SENTENCES)  # nothing lost, nothing cut inside a word
    assert all(c == c.strip() and c for c in chunks)


def test_split_cuts_chinese_and_japanese_after_a_full_stop_with_no_space() -> None:
    text = "我们提出稀疏路由器。每个词元被发送给两个专家。准确率提高了4.2个百分点！" * 10
    chunks = split_text(text, 50)
    assert "".join(chunks) == text and all(len(c) <= 50 for c in chunks)
    assert all(c.endswith(("。", "！")) for c in chunks)


def test_split_cuts_at_sentence_ends_when_sentences_fit() -> None:
    for chunk in split_text(SENTENCES, 300)[:-1]:
        assert re.search(r"[.!?。]$", chunk), chunk
        assert not chunk.endswith("e.g."), "an abbreviation is not the end of a sentence"


def test_split_prefers_lines_then_sentences_then_words() -> None:
    text = "line one is here.\nline two is here.\nline three. It has two sentences."
    assert split_text(text, 40) == ["line one is here.\nline two is here.", "line three. It has two sentences."]
    assert split_text("word " * 30, 23) == ["word word word word", *["word word word word"] * 6, "word word"]
    assert split_text("short", 10) == ["short"]
    assert split_text("   ", 10) == []


def test_a_word_longer_than_the_limit_is_the_only_thing_cut() -> None:
    url = "https://example.org/" + "x" * 250
    chunks = split_text(f"See {url} now.", 100)
    assert all(len(c) <= 100 for c in chunks)
    assert "".join(chunks[1:-1]) in url and "".join(chunks).replace(" ", "") == f"See{url}now."


def test_emoji_count_twice_where_the_service_counts_utf16() -> None:
    chunks = split_text("🚀 " * 100, 50)
    assert all(utf16_len(c) <= 50 for c in chunks) and len(chunks) == 7


# -- the messages each service gets ------------------------------------------------------------------

@pytest.mark.parametrize("service", ["slack", "discord", "telegram"])
def test_the_day_arrives_within_the_limits_with_a_message_per_paper(day: Any, service: str) -> None:
    with FAKES[service]() as fake:
        result = day("publish", "--date", DATE, "--to", service, env=service_env(service, fake))
        assert result.returncode == 0, result.stderr
        texts = fake.texts
    limit = {"slack": 4000, "discord": 2000, "telegram": 4096}[service]
    assert all(utf16_len(t) <= limit for t in texts), [utf16_len(t) for t in texts]
    assert "Daily Papers (2025-02-03)" in visible(service, texts[0])
    seen = [visible(service, t) for t in texts]
    # The head lists the papers with a summary; then each paper follows, in digest order.
    for pid in SUMMARIZED:
        assert any(pid in t for t in seen[1:]), pid
    order = [next(i for i, t in enumerate(seen) if i > 0 and pid in t) for pid in SUMMARIZED]
    assert order == sorted(order)
    for pid in UNSUMMARIZED:
        assert not any(pid in t for t in seen)
    assert "left out 1 papers with no summary: 2502.00404" in result.stderr
    # The long paper needed several messages, and every sentence of it arrived once, whole.
    long_messages = [t for t in seen if "새로움 문장" in t or "기술 문장" in t or "성능 문장" in t]
    assert len(long_messages) >= 3
    got = " ".join(long_messages)
    for section in sections_of("2502.00303"):
        for sentence in section.removesuffix("입니다.").split("입니다. "):
            assert got.count(sentence + "입니다.") == 1, sentence
    assert f"{len(texts)} message(s) for 4 papers" in result.stderr


@pytest.mark.parametrize("service", ["slack", "discord", "telegram"])
def test_hostile_paper_text_is_shown_as_text(day: Any, service: str) -> None:
    with FAKES[service]() as fake:
        assert day("publish", "--date", DATE, "--to", service, env=service_env(service, fake)).returncode == 0
        raw = "\n".join(fake.texts if service == "telegram" else
                        [b.get("text") or b.get("content") for b in fake.accepted])
        bodies = fake.accepted
    shown = "\n".join(visible(service, t) for t in (fake.texts if service == "telegram" else raw.split("\n")))
    # A reader sees the title and the text exactly as the paper has them (Slack has no escape
    # for * and _: a title's *bold* shows bold there, which harms no one)...
    assert (HOSTILE_TITLE.replace("*", "") if service == "slack" else HOSTILE_TITLE) in shown
    assert HOSTILE_TEXT in shown
    # ...and nothing of them turned into markup, a mention or a link.
    if service == "slack":
        assert "<script" not in raw and "<!channel>" not in raw and "&lt;!channel&gt;" in raw
        links = re.findall(r"<([^|>]+)\|", raw)
        assert links and all(u.startswith("https://") for u in links)
    if service == "discord":
        assert all(b["allowed_mentions"] == {"parse": []} for b in bodies)
        assert "\\@everyone" in raw and "\\<\\@123\\>" in raw
        assert re.search(r"(?<!\\)\]\(javascript", raw) is None  # an escaped ] makes no link
    if service == "telegram":
        assert all(b["parse_mode"] == "HTML" for b in bodies)
        assert "&lt;script&gt;" in "".join(b["text"] for b in bodies)
        assert '<a href="javascript' not in "".join(b["text"] for b in bodies)


def test_telegram_follow_ups_reply_to_the_day_message(day: Any) -> None:
    with FakeTelegram() as fake:
        assert day("publish", "--date", DATE, "--to", "telegram", env=service_env("telegram", fake)).returncode == 0
        bodies = fake.accepted
    head = bodies[0]
    assert "reply_to_message_id" not in head
    assert all(b["reply_to_message_id"] == head["message_id"] for b in bodies[1:])
    assert all(b["link_preview_options"] == {"is_disabled": True} for b in bodies)


def test_slack_with_a_bot_token_threads_the_papers_under_the_day(day: Any) -> None:
    with FakeSlack() as fake:
        env = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_CHANNEL": "#papers", "SLACK_API_URL": fake.url + "/api"}
        result = day("publish", "--date", DATE, "--to", "slack", env=env)
        assert result.returncode == 0, result.stderr
        bodies = fake.accepted
    assert all(b["channel"] == "#papers" for b in bodies)
    assert "thread_ts" not in bodies[0] and "in the thread" in bodies[0]["text"]
    assert all(b["thread_ts"] == bodies[0]["ts"] for b in bodies[1:])
    assert "slack (#papers)" in result.stderr


def test_discord_asks_for_message_ids_and_suppresses_embeds(day: Any) -> None:
    with FakeDiscord() as fake:
        assert day("publish", "--date", DATE, "--to", "discord", env=service_env("discord", fake)).returncode == 0
        bodies = fake.accepted
    assert all(b["query"] == {"wait": ["true"]} and b["flags"] == 4 for b in bodies)
    db = sqlite3.connect(day.home / "dailypapers.db")
    ids = {r[0] for r in db.execute("SELECT message_id FROM publications WHERE target = 'discord' AND part != '*'")}
    assert ids == {b["id"] for b in bodies}


# -- 429 ----------------------------------------------------------------------------------------------

RATE_LIMITED = {
    "slack": Answer(429, b"rate_limited", {"Retry-After": "0", "Content-Type": "text/plain"}),
    "discord": json_answer({"message": "You are being rate limited.", "retry_after": 0.0, "global": False}, 429,
                           **{"Retry-After": "0"}),
    "telegram": json_answer({"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 0",
                             "parameters": {"retry_after": 0}}, 429),
}


@pytest.mark.parametrize("service", ["slack", "discord", "telegram"])
def test_429_is_waited_out_and_nothing_is_sent_twice(day: Any, service: str) -> None:
    with FAKES[service]() as fake:
        fake.faults = [RATE_LIMITED[service], RATE_LIMITED[service]]
        result = day("publish", "--date", DATE, "--to", service, env=service_env(service, fake))
        assert result.returncode == 0, result.stderr
        assert len(fake.requests) == len(fake.accepted) + 2
        texts = fake.texts
    assert len(texts) == len(set(texts))


def _settings(tmp_path: Path, **chat: object) -> Settings:
    return Settings(home=tmp_path, retries=3, max_retry_wait=60, chat={"delay": 0, **chat})


def _digest() -> Digest:
    key = SummaryKey("2502.00101", 1, "abstract", "en", "m", "v1")
    entries = [DigestEntry(Paper(f"2502.0010{i}", f"Paper {i}", ["A"]), 1,
                           Summary(key, [Section("What's New", "New. Good.")])) for i in range(3)]
    return Digest(DATE, "en", entries)


def test_telegram_waits_as_long_as_retry_after_in_the_body_says(tmp_path: Path) -> None:
    slept: list[float] = []
    with FakeTelegram() as fake:
        fake.faults = [json_answer({"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                                    "parameters": {"retry_after": 7}}, 429)]
        pub = TelegramPublisher(_settings(tmp_path), TOKEN, CHAT_ID, fake.url, sleep=slept.append)
        ids = pub.publish(_digest(), MemoryJournal())
    assert slept == [7.0] and len(ids) == 4


def test_discord_prefers_the_precise_retry_after_and_holds_off_when_the_bucket_is_empty(tmp_path: Path) -> None:
    slept: list[float] = []
    with FakeDiscord() as fake:
        fake.faults = [json_answer({"message": "rate limited", "retry_after": 1.25, "global": False}, 429,
                                   **{"Retry-After": "2"}),
                       json_answer({"id": "1", "content": "x"}, 200,
                                   **{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "5"})]
        pub = DiscordPublisher(_settings(tmp_path), fake.url + DISCORD_PATH, sleep=slept.append)
        pub.publish(_digest(), MemoryJournal())
    assert slept[0] == 1.25
    assert len(slept) == 2 and 4.0 < slept[1] <= 5.0  # the bucket's reset, counted from the last send


def test_slack_gives_up_when_asked_to_wait_longer_than_allowed(tmp_path: Path) -> None:
    with FakeSlack() as fake:
        fake.faults = [Answer(429, b"rate_limited", {"Retry-After": "3600"})]
        pub = SlackPublisher(_settings(tmp_path), webhook_url=fake.url + SLACK_PATH, sleep=lambda s: None)
        journal = MemoryJournal()
        with pytest.raises(PublishError, match="asked to wait 3600s") as e:
            pub.publish(_digest(), journal)
    assert "slacksecretpath" not in str(e.value) and journal.parts == {}


def test_pacing_keeps_the_delay_between_messages() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    pacer = Pacer(1.0, sleep, lambda: now[0])
    pacer.wait()  # the first message goes at once
    pacer.sent()
    now[0] += 0.25
    pacer.wait()
    pacer.sent(hold=3.0)
    pacer.wait()
    assert slept == [0.75, 3.0]


def test_default_pacing_per_service(tmp_path: Path) -> None:
    s = Settings(home=tmp_path)
    assert SlackPublisher(s, webhook_url="http://x/y").pacer.delay == 1.0
    assert DiscordPublisher(s, "http://x/y").pacer.delay == 2.0
    assert TelegramPublisher(s, TOKEN, CHAT_ID).pacer.delay == 3.0


# -- exactly once -------------------------------------------------------------------------------------

@pytest.mark.parametrize("service", ["slack", "discord", "telegram"])
def test_sent_once_per_day_and_channel_unless_asked_again(day: Any, service: str) -> None:
    with FAKES[service]() as fake:
        env = service_env(service, fake)
        first = day("publish", "--date", DATE, "--to", service, env=env)
        assert first.returncode == 0, first.stderr
        count = len(fake.accepted)
        second = day("publish", "--date", DATE, "--to", service, env=env)
        assert second.returncode == 0 and len(fake.accepted) == count
        assert "sent before; nothing sent" in second.stderr
        again = day("publish", "--date", DATE, "--to", service, "--again", env=env)
        assert again.returncode == 0, again.stderr
        assert len(fake.accepted) == 2 * count
        assert fake.texts[count:] == fake.texts[:count]


def test_another_channel_is_another_send(day: Any) -> None:
    with FakeTelegram() as fake:
        env = service_env("telegram", fake)
        assert day("publish", "--date", DATE, "--to", "telegram", env=env).returncode == 0
        count = len(fake.accepted)
        other = day("publish", "--date", DATE, "--to", "telegram", env={**env, "TELEGRAM_CHAT_ID": "-42"})
        assert other.returncode == 1 and "chat not found" in other.stderr  # it did try: a new channel
        assert day("publish", "--date", DATE, "--lang", "en", "--to", "telegram", env=env).returncode == 1
        assert len(fake.accepted) == count  # no en summaries: nothing to send, and said so


@pytest.mark.parametrize("service", ["slack", "discord", "telegram"])
def test_a_failure_midway_is_finished_by_a_retry_that_sends_only_the_rest(day: Any, service: str) -> None:
    with FAKES[service]() as fake:
        env = {**service_env(service, fake), "DAILYPAPERS_RETRIES": "0"}
        fake.accept_only = 3
        broken = day("publish", "--date", DATE, "--to", service, env=env)
        assert broken.returncode == 1
        assert "3 of" in broken.stderr and "run again to send the rest" in broken.stderr
        assert TOKEN not in broken.stderr + broken.stdout and "secret" not in broken.stderr
        first_part = list(fake.texts)
        assert len(first_part) == 3
        fake.accept_only = None
        retry = day("publish", "--date", DATE, "--to", service, env=env)
        assert retry.returncode == 0, retry.stderr
        assert "after 3 sent by an earlier run" in retry.stderr
        texts = fake.texts
        assert texts[:3] == first_part and len(texts) == len(set(texts))
        # A run that knew nothing would have sent exactly these.
        fresh = FAKES[service]()
    with fresh:
        day("publish", "--date", DATE, "--to", service, "--again", env=service_env(service, fresh))
        assert fresh.texts == texts
    if service == "telegram":
        head = fake.accepted[0]["message_id"]
        assert all(b["reply_to_message_id"] == head for b in fake.accepted[1:])
    last = day("publish", "--date", DATE, "--to", service, env=service_env(service, fresh))
    assert "sent before" in last.stderr


def _hangs_up_after_taking(service: str, nth: int) -> FakeChat:
    """The service, taking the `nth` message (it arrives, and would be shown) and then closing the
    connection without answering: the client cannot tell whether it arrived."""

    class HangsUp(FAKES[service]):  # type: ignore[misc,valid-type]
        def answer(self, request: Recorded) -> Answer:
            answer = super().answer(request)
            if len(self.accepted) == nth and self.hung_up is None:
                self.hung_up = request.body
                return Answer(drop=True)
            return answer

    fake: FakeChat = HangsUp()
    fake.hung_up = None  # type: ignore[attr-defined]
    return fake


@pytest.mark.parametrize("service", ["slack", "discord", "telegram"])
def test_a_message_whose_answer_was_lost_is_posted_once_in_a_run(day: Any, service: str) -> None:
    """Retries on: a message that may have arrived is never sent again (the chat publishers post
    with resend=False); the run stops there, saying the message may have arrived."""
    with _hangs_up_after_taking(service, 2) as fake:
        env = {**service_env(service, fake), "DAILYPAPERS_RETRIES": "4"}
        r = day("publish", "--date", DATE, "--to", service, env=env)
        bodies = [q.body for q in fake.requests]
        lost = fake.hung_up  # type: ignore[attr-defined]
        waits = list(day.waits)
        recorded = _parts_recorded(day.home, service)
        # What the README says of a lost answer: nothing records that it arrived, so the next run
        # sends that message again (once), and the rest of the day after it.
        rerun = day("publish", "--date", DATE, "--to", service, env=env)
        again = [q.body for q in fake.requests][len(bodies):]
    assert r.returncode == 1
    assert "may or may not have arrived" in r.stderr and "1 of" in r.stderr
    assert lost is not None and bodies.count(lost) == 1
    assert len(bodies) == 2  # the day's message, the one whose answer was lost, and nothing after it
    assert waits == []  # no retry was even waited for
    assert recorded == 1  # the first message only: the lost one is not recorded as sent
    assert rerun.returncode == 0, rerun.stderr
    assert again[0] == lost and again.count(lost) == 1 and bodies[0] not in again


def _parts_recorded(home: Path, target: str) -> int:
    db = sqlite3.connect(home / "dailypapers.db")
    try:
        count: int = db.execute("SELECT count(*) FROM publications WHERE target = ? AND part != '*'",
                                (target,)).fetchone()[0]
    finally:
        db.close()
    return count


def test_the_record_names_no_secret(day: Any) -> None:
    with FakeSlack() as slack, FakeTelegram() as telegram:
        env = {**service_env("slack", slack), **service_env("telegram", telegram)}
        result = day("publish", "--date", DATE, "--to", "slack", "--to", "telegram", env=env)
        assert result.returncode == 0, result.stderr
    db = (day.home / "dailypapers.db").read_bytes()
    assert b"slacksecretpath" not in db and TOKEN.encode() not in db
    rows = sqlite3.connect(day.home / "dailypapers.db").execute(
        "SELECT DISTINCT target, channel FROM publications ORDER BY target").fetchall()
    assert rows[0][0] == "slack" and rows[0][1].startswith("webhook:") and rows[1] == ("telegram", CHAT_ID)


# -- configuration --------------------------------------------------------------------------------------

def test_a_service_with_no_credentials_says_what_to_set(day: Any) -> None:
    result = day("publish", "--date", DATE, "--to", "slack")
    assert result.returncode == 2 and "SLACK_WEBHOOK_URL" in result.stderr
    result = day("publish", "--date", DATE, "--to", "telegram", env={"TELEGRAM_BOT_TOKEN": TOKEN})
    assert result.returncode == 2 and "TELEGRAM_CHAT_ID" in result.stderr


def test_nothing_is_sent_when_one_of_the_targets_is_not_configured(day: Any) -> None:
    with FakeTelegram() as fake:
        result = day("publish", "--date", DATE, "--to", "telegram", "--to", "discord",
                     env=service_env("telegram", fake))
        assert result.returncode == 2 and "DISCORD_WEBHOOK_URL" in result.stderr
        assert fake.requests == []


def test_secrets_are_refused_in_the_config_file(day: Any) -> None:
    write_config(day.config_home, '[chat]\nslack_webhook_url = "https://hooks.slack.com/services/x"\n')
    result = day("publish", "--date", DATE, "--to", "slack")
    assert result.returncode == 2 and "environment" in result.stderr and "hooks.slack" not in result.stderr
    write_config(day.config_home, '[chat]\nservices = ["irc"]\n')
    assert day("publish", "--date", DATE).returncode == 2
    write_config(day.config_home, "[chat]\nchannel = 3\n")
    result = day("list")
    assert result.returncode == 2 and "unknown settings: channel" in result.stderr


def test_with_no_target_the_configured_services_are_used(day: Any) -> None:
    write_config(day.config_home, f'[chat]\ndelay = 0\nservices = ["telegram"]\ntelegram_chat_id = "{CHAT_ID}"\n')
    with FakeTelegram() as fake:
        result = day("publish", "--date", DATE, env={"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url})
        assert result.returncode == 0, result.stderr
        assert len(fake.accepted) > 5
    write_config(day.config_home, "")
    result = day("publish", "--date", DATE)
    assert result.returncode == 2 and "--to" in result.stderr


def test_the_config_table_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[chat]\nservices = ["slack", "telegram"]\ndelay = 0.5\nslack_channel = "#p"\n'
                   'telegram_chat_id = "-5"\n', encoding="utf-8")
    monkeypatch.setenv("DAILYPAPERS_CONFIG", str(cfg))
    for name in ("SLACK_CHANNEL", "TELEGRAM_CHAT_ID", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(home=tmp_path)
    assert pipeline.publish_targets(settings) == ["slack", "telegram"]
    pub = get_publisher("telegram", settings, {"TELEGRAM_BOT_TOKEN": TOKEN})
    assert pub.channel == "-5" and pub.pacer.delay == 0.5
    assert get_publisher("telegram", settings, {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_CHAT_ID": "-6"}).channel == "-6"
    assert get_publisher("slack", settings, {"SLACK_WEBHOOK_URL": "https://h/x"}).channel == "#p"
    with pytest.raises(ConfigError, match="unknown publish target"):
        get_publisher("irc", settings, {})


def test_site_and_chat_in_one_go(day: Any) -> None:
    with FakeTelegram() as fake:
        result = day("publish", "--date", DATE, "--to", "site", "--to", "telegram", env=service_env("telegram", fake))
        assert result.returncode == 0, result.stderr
        assert fake.accepted
    assert (day.home / "site" / "index.html").is_file() and "wrote the site to" in result.stderr


# -- formats --------------------------------------------------------------------------------------------

def test_formatters_escape_what_would_be_markup() -> None:
    assert SlackFormat().escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert DiscordFormat().escape("**x** @everyone [a](b) <t:1>") == r"\*\*x\*\* \@everyone \[a\](b) \<t:1\>"
    assert TelegramFormat().escape("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert TelegramFormat().link("x", 'https://e.org/?a="1"&b') == '<a href="https://e.org/?a=&quot;1&quot;&amp;b">x</a>'


def test_plan_names_each_part_so_a_retry_can_tell_what_was_sent() -> None:
    posts = plan(_digest(), TelegramFormat(), 4096)
    assert [p.part for p in posts] == ["day#0", "2502.00100#0", "2502.00101#0", "2502.00102#0"]
    assert html.unescape(posts[1].text).startswith("<b>1. Paper 0</b>")


def test_an_absurd_title_is_shortened_so_markup_never_splits() -> None:
    d = _digest()
    d.entries[0].paper.title = "<b>" + "Very long title word " * 500
    d.entries[0].summary.sections[0] = Section("What's New", "Sentence one is here. " * 400)  # type: ignore[union-attr]
    for post in plan(d, TelegramFormat(), 4096, threaded=True):
        text, error = telegram_text(post.text)
        assert error is None and utf16_len(text) <= 4096, post.part
