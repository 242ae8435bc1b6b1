"""Discord, through a channel's webhook (`DISCORD_WEBHOOK_URL`): the head message, then one
message per paper after it (a webhook cannot reply to a message). Every message is within Discord's
2,000 characters (long sections split at sentence boundaries); mentions are disabled
(`allowed_mentions`), so a title that says @everyone pings nobody, and link previews are off.

Pacing: one message every 2 seconds by default (Discord allows about 30 per minute per webhook);
a 429 is retried after the `retry_after` of its JSON body (or its Retry-After header), and when a
response says the bucket is empty (X-RateLimit-Remaining: 0) the next message waits for
X-RateLimit-Reset-After.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import httpx

from dailypapers.errors import ConfigError, PublishError
from dailypapers.publish.chat import (
    ChatPublisher,
    chat_setting,
    describe,
    fingerprint,
    need,
    post_json,
    webhook_form,
)

if TYPE_CHECKING:
    from dailypapers.config import PublishOptions

LIMIT = 2000
WEBHOOK_HOSTS = ("discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com")
WEBHOOK_PATH = r"/api(?:/v\d+)?/webhooks/\d+/[^/]+/?"  # https://discord.com/api/webhooks/ID/secret
SUPPRESS_EMBEDS = 1 << 2
# Paper text never starts a line (every line begins with our own label), so what can format it
# mid-line is escaped: emphasis, code, spoilers, masked links, mentions and timestamps.
_MARKDOWN = re.compile(r"([\\*_~`|\[\]<>@])")


class DiscordFormat:
    """Discord's Markdown, with every character that could format, link or mention escaped."""

    def escape(self, text: str) -> str:
        """Every character that could format, link or mention escaped with a backslash."""
        return _MARKDOWN.sub(r"\\\1", text)

    def bold(self, escaped: str) -> str:
        """Bold."""
        return f"**{escaped}**"

    def link(self, escaped: str, url: str) -> str:
        """A masked link; `)` and spaces in the URL percent-encoded."""
        return f"[{escaped}]({url.replace(')', '%29').replace(' ', '%20')})"


class DiscordPublisher(ChatPublisher):
    """`publish --to discord`: the day through a channel's webhook, mentions and link previews off."""

    target = "discord"
    limit = LIMIT
    default_delay = 2.0
    formatter = DiscordFormat()

    def __init__(self, options: PublishOptions, webhook_url: str, channel: str | None = None,
                 client: httpx.Client | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        if not webhook_url.startswith(("https://", "http://")):
            raise ConfigError("DISCORD_WEBHOOK_URL is not a URL",
                              hint="set DISCORD_WEBHOOK_URL to the URL Discord gave")
        self.webhook_url = webhook_url
        super().__init__(channel or f"webhook:{fingerprint(webhook_url)}", options, [webhook_url], client, sleep)

    def check(self) -> str:
        """The form of the webhook's URL (`dailypapers doctor`): it is not posted to."""
        return webhook_form(self.webhook_url, "DISCORD_WEBHOOK_URL", WEBHOOK_HOSTS, WEBHOOK_PATH)

    def send(self, text: str, reply_to: str | None) -> tuple[str, float]:
        """Post one message (a webhook cannot reply: `reply_to` is not used); returns its id and, when the
        rate-limit bucket is empty, how long to wait before the next."""
        payload = {"content": text, "allowed_mentions": {"parse": []}, "flags": SUPPRESS_EMBEDS}
        r = post_json(self.client, self.webhook_url, payload, self.policy, "Discord webhook", self.secrets,
                      params={"wait": "true"})
        if r.status_code not in (200, 204):
            raise PublishError(f"Discord webhook: {describe(r)}")
        hold = 0.0
        if r.headers.get("X-RateLimit-Remaining") == "0":
            try:
                hold = float(r.headers.get("X-RateLimit-Reset-After") or 0)
            except ValueError:
                hold = 0.0
        message_id = ""
        if r.status_code == 200:
            try:
                message_id = str(r.json().get("id") or "")
            except (ValueError, AttributeError):
                message_id = ""
        return message_id, min(hold, self.policy.max_wait)


def make(options: PublishOptions, env: Mapping[str, str]) -> DiscordPublisher:
    """The `discord` publisher (the entry point): DISCORD_WEBHOOK_URL, and a channel name for the journal."""
    url = need(env, "DISCORD_WEBHOOK_URL", "--to discord")
    channel = chat_setting(options, "discord_channel", env, "DISCORD_CHANNEL")
    return DiscordPublisher(options, url, str(channel) if channel else None)
