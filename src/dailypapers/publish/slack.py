"""Slack. Two ways in, chosen by what the environment holds:

- `SLACK_BOT_TOKEN` (a bot with the chat:write scope) and a channel (`SLACK_CHANNEL`, or
  `slack_channel` in the config file's [chat] table): `chat.postMessage` at `SLACK_API_URL`
  (default https://slack.com/api). The head message starts a thread and every paper is a reply in it
  (`thread_ts`).
- `SLACK_WEBHOOK_URL` (an incoming webhook): the head message, then one message per paper after it
  in the channel, since an incoming webhook cannot thread.

Slack cuts a text at 40,000 characters and recommends at most 4,000; every message here is within
4,000 (long sections split at sentence boundaries). At most one message per second by default
(Slack's limit for both ways); a 429 is retried after its Retry-After.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import httpx

from dailypapers.errors import ConfigError, PublishError
from dailypapers.publish.chat import (
    ChatPublisher,
    ask_json,
    chat_setting,
    describe,
    fingerprint,
    post_json,
    shorten,
    webhook_form,
)
from dailypapers.text import strip_userinfo

if TYPE_CHECKING:
    from dailypapers.config import PublishOptions

SLACK_API_URL = "https://slack.com/api"
LIMIT = 4000
WEBHOOK_PATH = r"/services/[^/]+/[^/]+/[^/]+"  # https://hooks.slack.com/services/T…/B…/secret


class SlackFormat:
    """Slack's mrkdwn: &, < and > escaped, so no text can become a link or a mention."""

    def escape(self, text: str) -> str:
        """`&`, `<` and `>` as entities."""
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def bold(self, escaped: str) -> str:
        """Bold."""
        return f"*{escaped}*"

    def link(self, escaped: str, url: str) -> str:
        """A link; `|`, `<` and `>` in the URL percent-encoded."""
        url = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
        return f"<{url}|{escaped}>"


class SlackPublisher(ChatPublisher):
    """`publish --to slack`: through chat.postMessage with a bot token (the papers in the head message's
    thread), or an incoming webhook (the papers after it)."""

    target = "slack"
    limit = LIMIT
    default_delay = 1.0
    formatter = SlackFormat()

    def __init__(self, options: PublishOptions, webhook_url: str | None = None, bot_token: str | None = None,
                 channel: str | None = None, api_url: str = SLACK_API_URL,
                 client: httpx.Client | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        if not webhook_url and not bot_token:
            raise ConfigError("--to slack needs SLACK_WEBHOOK_URL (an incoming webhook), or SLACK_BOT_TOKEN "
                              "and a channel (SLACK_CHANNEL or slack_channel in [chat]), in the environment")
        if bot_token and not channel:
            raise ConfigError("SLACK_BOT_TOKEN needs a channel to post to: SLACK_CHANNEL, or slack_channel "
                              "in the config file's [chat] table")
        self.webhook_url = webhook_url
        self.bot_token = bot_token
        self.api_url = api_url.rstrip("/")
        self.threaded = bool(bot_token)
        key = channel or f"webhook:{fingerprint(webhook_url or '')}"
        super().__init__(key, options, [webhook_url, bot_token], client, sleep)
        self.slack_channel = channel

    def send(self, text: str, reply_to: str | None) -> tuple[str, float]:
        """Post one message, in the thread of `reply_to` when a bot token posts; returns its id ("" from a
        webhook)."""
        if self.bot_token:
            return self._post_message(text, reply_to), 0.0
        payload = {"text": text, "unfurl_links": False, "unfurl_media": False}
        r = post_json(self.client, self.webhook_url or "", payload, self.policy, "Slack webhook", self.secrets)
        if r.status_code != 200:
            raise PublishError(f"Slack webhook: {describe(r)}")
        return "", 0.0

    def check(self) -> str:
        """Whether Slack would take a message, posting none (`dailypapers doctor`): the bot token
        through `auth.test`; of a webhook, only the form of its URL. PublishError or ConfigError,
        with what to change, when not."""
        if not self.bot_token:
            return webhook_form(self.webhook_url or "", "SLACK_WEBHOOK_URL", ("hooks.slack.com",), WEBHOOK_PATH)
        url = f"{self.api_url}/auth.test"
        status, data = ask_json(self.client, "POST", url, "Slack auth.test", self.secrets,
                                headers={"Authorization": f"Bearer {self.bot_token}"}, shown_url=strip_userinfo(url))
        if status != 200 or not data.get("ok"):
            raise PublishError(f"Slack auth.test: {shorten(str(data.get('error') or f'HTTP {status}'), 100)}",
                               url=strip_userinfo(url), hint="check SLACK_BOT_TOKEN (a bot token, xoxb-…)")
        who = shorten(f"{data.get('user') or '?'} of {data.get('team') or '?'}", 100)
        return f"Slack took SLACK_BOT_TOKEN (the bot {who}); it posts to {self.slack_channel}"

    def _post_message(self, text: str, thread_ts: str | None) -> str:
        payload: dict[str, object] = {"channel": self.slack_channel, "text": text, "unfurl_links": False,
                                      "unfurl_media": False}
        if thread_ts:
            payload["thread_ts"] = thread_ts
        url = f"{self.api_url}/chat.postMessage"  # the token goes in a header: the URL is no secret
        r = post_json(self.client, url, payload, self.policy, "Slack chat.postMessage", self.secrets,
                      headers={"Authorization": f"Bearer {self.bot_token}"}, shown_url=strip_userinfo(url))
        try:
            data = r.json()
        except ValueError:
            data = None
        if r.status_code != 200 or not isinstance(data, dict) or not data.get("ok"):
            error = data.get("error") if isinstance(data, dict) else None
            raise PublishError(f"Slack chat.postMessage: {error or describe(r)}", url=strip_userinfo(url))
        return str(data.get("ts") or "")


def make(options: PublishOptions, env: Mapping[str, str]) -> SlackPublisher:
    """The `slack` publisher (the entry point): a bot token and a channel, or a webhook, from the environment."""
    channel = chat_setting(options, "slack_channel", env, "SLACK_CHANNEL")
    return SlackPublisher(options, webhook_url=(env.get("SLACK_WEBHOOK_URL") or "").strip() or None,
                          bot_token=(env.get("SLACK_BOT_TOKEN") or "").strip() or None,
                          channel=str(channel) if channel else None,
                          api_url=env.get("SLACK_API_URL") or SLACK_API_URL)
