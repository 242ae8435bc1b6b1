"""Telegram, through the Bot API: `{TELEGRAM_API_URL}/bot{TELEGRAM_BOT_TOKEN}/sendMessage` to
`TELEGRAM_CHAT_ID` (or `telegram_chat_id` in the config file's [chat] table). The head message
comes first; every paper is a reply to it (`reply_to_message_id`), so the day reads as a thread.

Text is sent as Telegram HTML (`parse_mode: HTML`) with every paper's text escaped; each message is
within Telegram's 4,096 characters (long sections split at sentence boundaries). Pacing: one message
every 3 seconds by default (Telegram allows about 20 per minute in a group); a 429 is retried after
the `parameters.retry_after` of its JSON body.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import httpx

from dailypapers.errors import PublishError
from dailypapers.publish.chat import (
    ChatPublisher,
    ask_json,
    chat_setting,
    describe,
    need,
    post_json,
    shorten,
)

if TYPE_CHECKING:
    from dailypapers.config import PublishOptions

TELEGRAM_API_URL = "https://api.telegram.org"
LIMIT = 4096


class TelegramFormat:
    """Telegram's HTML: text escaped, bold as <b>, links as <a href>."""

    def escape(self, text: str) -> str:
        """`&`, `<` and `>` as entities."""
        return html.escape(text, quote=False)

    def bold(self, escaped: str) -> str:
        """Bold."""
        return f"<b>{escaped}</b>"

    def link(self, escaped: str, url: str) -> str:
        """A link; the URL escaped for the attribute."""
        return f'<a href="{html.escape(url, quote=True)}">{escaped}</a>'


class TelegramPublisher(ChatPublisher):
    """`publish --to telegram`: the day through the Bot API, every paper a reply to the head message."""

    target = "telegram"
    limit = LIMIT
    default_delay = 3.0
    threaded = True
    formatter = TelegramFormat()

    def __init__(self, options: PublishOptions, token: str, chat_id: str, api_url: str = TELEGRAM_API_URL,
                 client: httpx.Client | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.token = token
        self.chat_id = chat_id
        self.bot_url = f"{api_url.rstrip('/')}/bot{token}"  # a secret: the token is in its path
        self.url = f"{self.bot_url}/sendMessage"
        super().__init__(str(chat_id), options, [token], client, sleep)

    def check(self) -> str:
        """Whether Telegram knows the bot, through `getMe`, posting nothing (`dailypapers doctor`):
        PublishError, with what to change, when not."""
        status, data = ask_json(self.client, "GET", f"{self.bot_url}/getMe", "Telegram getMe", self.secrets)
        result = data.get("result")
        if status != 200 or not data.get("ok") or not isinstance(result, dict):
            reason = shorten(str(data.get("description") or ""), 100)
            raise PublishError(f"Telegram getMe: HTTP {status}" + (f": {reason}" if reason else ""),
                               hint="check TELEGRAM_BOT_TOKEN (the token @BotFather gave)")
        name = shorten(str(result.get("username") or result.get("first_name") or "?"), 64)
        return f"Telegram took TELEGRAM_BOT_TOKEN (the bot @{name}); it posts to chat {shorten(self.chat_id, 64)}"

    def send(self, text: str, reply_to: str | None) -> tuple[str, float]:
        """Send one message, as a reply to `reply_to` when given; returns its id."""
        payload: dict[str, Any] = {"chat_id": self.chat_id, "text": text, "parse_mode": "HTML",
                                   "link_preview_options": {"is_disabled": True}}
        if reply_to:
            payload["reply_to_message_id"] = int(reply_to) if reply_to.isdigit() else reply_to
            payload["allow_sending_without_reply"] = True
        r = post_json(self.client, self.url, payload, self.policy, "Telegram sendMessage", self.secrets)
        try:
            data = r.json()
        except ValueError:
            data = None
        if r.status_code != 200 or not isinstance(data, dict) or not data.get("ok"):
            reason = data.get("description") if isinstance(data, dict) else None
            raise PublishError(f"Telegram sendMessage: HTTP {r.status_code}: {reason}" if reason
                               else f"Telegram sendMessage: {describe(r)}")
        result = data.get("result")
        if not isinstance(result, dict):
            result = {}
        return str(result.get("message_id", "")), 0.0


def make(options: PublishOptions, env: Mapping[str, str]) -> TelegramPublisher:
    """The `telegram` publisher (the entry point): TELEGRAM_BOT_TOKEN and a chat."""
    token = need(env, "TELEGRAM_BOT_TOKEN", "--to telegram")
    chat_id = chat_setting(options, "telegram_chat_id", env, "TELEGRAM_CHAT_ID")
    if chat_id in (None, ""):
        from dailypapers.errors import ConfigError

        raise ConfigError("--to telegram needs a chat: TELEGRAM_CHAT_ID in the environment, or "
                          "telegram_chat_id in the config file's [chat] table")
    return TelegramPublisher(options, token, str(chat_id), env.get("TELEGRAM_API_URL") or TELEGRAM_API_URL)
