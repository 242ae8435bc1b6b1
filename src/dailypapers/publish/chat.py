"""What the chat publishers share: the day cut into messages under a service's size limit (long
text split at sentence boundaries, never inside a word, nothing lost), pacing between messages,
POSTs that honour 429 (the `Retry-After` header or a `retry_after` in the JSON body), secrets kept
out of error messages, and the loop that sends what the journal does not have yet.

The day is one head message (the list of papers; split into more than one when it is long), then
one message per paper (again split when long). Every message is a part of the day with its own
name in the journal (`day#0`, `2502.00101#0`, `2502.00101#1`, ...), recorded as soon as the service
accepted it; on a failure the publisher stops, and the next run sends only the parts not recorded.
Follow-ups reply to the head message where the service can thread (Telegram, Slack with a bot token).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from dailypapers.errors import ConfigError, GaveUp, LimitExceeded, PublishError
from dailypapers.http import SERVICE_ANSWER, RetryPolicy, make_client, request, server_wait
from dailypapers.models import SECTION_LABELS, Digest, DigestEntry, Paper
from dailypapers.text import one_line, safe_url

if TYPE_CHECKING:
    from dailypapers.config import PublishOptions
    from dailypapers.publish import Journal

Measure = Callable[[str], int]
CHAT_SERVICES = ("slack", "discord", "telegram")


def utf16_len(text: str) -> int:
    """Length as Telegram and Discord count it (UTF-16 code units): an emoji counts two."""
    return len(text.encode("utf-16-le")) // 2


# -- splitting --------------------------------------------------------------------------------------

# A sentence ends at . ! ? … (and closing quotes or brackets) followed by white space, or at a
# full-width 。！？ (Chinese and Japanese put no space after them). Not after common abbreviations.
_ABBREVIATION = re.compile(r"(?:^|[\s(\[])(?:e\.g|i\.e|et al|vs|cf|figs?|eqs?|tab|sec|no|approx|resp|"
                           r"dr|mr|ms|prof)\.$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?:[.!?…]+[\"'”’)\]]*\s+|[。！？]+[」』”’)）]*\s*)")
_LEVELS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), _SENTENCE, re.compile(r"\s+"))


def _pieces(text: str, level: int) -> list[str]:
    """`text` cut after each separator of this level; the pieces put together are `text` again."""
    out, start = [], 0
    for m in _LEVELS[level].finditer(text):
        if m.end() >= len(text) or m.end() == start:
            continue
        if level == 2 and _ABBREVIATION.search(text[max(start, m.start() - 12):m.start() + 1]):
            continue
        out.append(text[start:m.end()])
        start = m.end()
    out.append(text[start:])
    return [p for p in out if p]


def _hard_cut(text: str, limit: int, measure: Measure) -> list[str]:
    """A single 'word' longer than the limit (a giant URL): cut it where it must be cut."""
    out: list[str] = []
    while measure(text) > limit:
        lo, hi = 1, len(text)
        while lo < hi:  # the longest prefix within the limit
            mid = (lo + hi + 1) // 2
            if measure(text[:mid]) <= limit:
                lo = mid
            else:
                hi = mid - 1
        out.append(text[:lo])
        text = text[lo:]
    return out + [text]


def _split(text: str, limit: int, measure: Measure, level: int) -> list[str]:
    if measure(text) <= limit:
        return [text]
    while level < len(_LEVELS):
        pieces = _pieces(text, level)
        if len(pieces) > 1:
            break
        level += 1
    else:
        return _hard_cut(text, limit, measure)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if measure(current + piece) <= limit or (not current and measure(piece.rstrip()) <= limit):
            current += piece
            continue
        if current:
            chunks.append(current)
        current = ""
        if measure(piece.rstrip()) <= limit:
            current = piece
        else:
            sub = _split(piece, limit, measure, level + 1)
            chunks.extend(sub[:-1])
            current = sub[-1]
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, limit: int, measure: Measure = utf16_len) -> list[str]:
    """Cut `text` into chunks of at most `limit` (by `measure`): between paragraphs if it can,
    else between lines, else between sentences, else between words; a word is cut only when it
    alone is longer than the limit. Chunks are trimmed of white space at the cut; nothing else of
    the text is lost or changed."""
    if limit < 1:
        raise ValueError("limit must be positive")
    chunks = [c.strip() for c in _split(text.strip(), limit, measure, 0)]
    return [c for c in chunks if c]


# -- the day as messages ------------------------------------------------------------------------------

class Formatter(Protocol):
    """A chat service's markup: `escape` makes any text show as itself, `bold` and `link` mark up text
    already escaped (`link` to an http(s) URL)."""

    def escape(self, text: str) -> str: ...
    def bold(self, escaped: str) -> str: ...
    def link(self, escaped: str, url: str) -> str: ...


@dataclass(frozen=True)
class Post:
    """One message to send: its name in the journal (`day#0`, `2502.00101#1`) and its text."""

    part: str  # its name in the journal: "day#0", "2502.00101#1"
    text: str


def published(digest: Digest) -> list[DigestEntry]:
    """The entries that are published: those with a summary (the others are reported by the caller)."""
    return [e for e in digest.entries if e.summary is not None and e.summary.sections]


def shorten(text: str, most: int = 300) -> str:
    """`text` on one line, at most `most` characters (a longer one ends in an ellipsis)."""
    line = one_line(text)
    return line if len(line) <= most else line[:most - 1].rstrip() + "…"


def _title(paper: Paper, most: int = 300) -> str:
    """A title on one line; an absurdly long one is shortened, so that a link or a bold line is never
    split across messages (where its markup would break)."""
    return shorten(paper.title, most)


def head_text(digest: Digest, f: Formatter, threaded: bool) -> str:
    """The head message: the day's papers as a numbered list of links, and where the summaries follow."""
    entries = published(digest)
    lines = [f"{f.bold(f.escape(f'Daily Papers ({digest.date})'))} · {len(entries)} papers"]
    for n, e in enumerate(entries, 1):
        votes = "" if e.upvotes is None else f" · ▲{e.upvotes}"
        lines.append(f"{n}. {f.link(f.escape(_title(e.paper)), e.paper.url)}{votes}")
    lines.append(f.escape("Summaries follow in the thread." if threaded else
                          "Summaries follow, one message per paper."))
    return "\n".join(lines)


def _authors(authors: list[str], most: int = 10) -> str:
    names = [one_line(a) for a in authors]
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(names[:most]) + f" and {len(names) - most} more"


def paper_text(n: int, e: DigestEntry, f: Formatter) -> str:
    """The message of paper `n` of the day: its title, links, authors and summary sections."""
    p = e.paper
    links = [f.link(f.escape(f"arXiv {p.id}"), p.url), f.link("PDF", p.pdf_url)]
    if safe_url(p.github_repo):
        stars = f" ★{p.github_stars}" if p.github_stars is not None else ""
        links.append(f.link(f.escape("GitHub" + stars), safe_url(p.github_repo) or ""))
    if safe_url(p.project_page):
        links.append(f.link(f.escape("Project page"), safe_url(p.project_page) or ""))
    if e.upvotes is not None:
        links.append(f.escape(f"▲{e.upvotes}"))
    lines = [f.bold(f.escape(f"{n}. {_title(p)}")), " · ".join(links)]
    if p.authors:
        lines.append(f.escape(f"Authors: {_authors(p.authors)}"))
    assert e.summary is not None
    known = [s for s in e.summary.sections if s.label in SECTION_LABELS]
    known.sort(key=lambda s: SECTION_LABELS.index(s.label))
    others = [s for s in e.summary.sections if s.label not in SECTION_LABELS]
    for s in known + others:
        text = f.escape(one_line(s.text))
        lines.append(f"{f.bold(f.escape(s.label))}: {text}" if s.label else f"• {text}")
    return "\n".join(lines)


def plan(digest: Digest, f: Formatter, limit: int, measure: Measure = utf16_len,
         threaded: bool = False) -> list[Post]:
    """The day as the messages to send, in order, each within `limit`."""
    entries = published(digest)
    if not entries:
        return []
    posts = [Post(f"day#{i}", t) for i, t in enumerate(split_text(head_text(digest, f, threaded), limit, measure))]
    for n, e in enumerate(entries, 1):
        chunks = split_text(paper_text(n, e, f), limit, measure)
        posts += [Post(f"{e.paper.id}#{i}", t) for i, t in enumerate(chunks)]
    return posts


# -- sending ------------------------------------------------------------------------------------------

def redact(text: str, secrets: Iterable[str | None]) -> str:
    """The text with every secret in it (of four characters or more) written as `***`."""
    for s in secrets:
        if s and len(s) >= 4:
            text = text.replace(s, "***")
    return text


def fingerprint(secret: str) -> str:
    """A stable name for a channel known only by a secret URL: never the URL itself."""
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


class Pacer:
    """At least `delay` seconds between two messages (more when the service said so)."""

    def __init__(self, delay: float, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self.sleep = sleep
        self.clock = clock
        self._last: float | None = None
        self._hold = 0.0

    def wait(self) -> None:
        """Sleep until the next message may go."""
        if self._last is None:
            return
        remaining = self._last + max(self.delay, self._hold) - self.clock()
        if remaining > 0:
            self.sleep(remaining)

    def sent(self, hold: float = 0.0) -> None:
        """A message went now; `hold` is how long the service asked to wait before the next."""
        self._last = self.clock()
        self._hold = hold


def body_wait(response: httpx.Response) -> float | None:
    """Seconds a 429 asks for: Discord's `retry_after`, Telegram's `parameters.retry_after`, or the
    Retry-After header."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        for value in (data.get("retry_after"), (data.get("parameters") or {}).get("retry_after")
                      if isinstance(data.get("parameters"), dict) else None):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return max(0.0, float(value))
    return server_wait(response)


def post_json(client: httpx.Client, url: str, payload: dict[str, Any], policy: RetryPolicy, label: str,
              secrets: Iterable[str | None] = (), params: dict[str, str] | None = None,
              headers: dict[str, str] | None = None, shown_url: str | None = None) -> httpx.Response:
    """POST through the shared retry loop (429 and 5xx, waiting as long as the service asked;
    connections that could not be made), never resending one that may have arrived: the message
    would be posted twice. Returns the last response; the caller judges its status.

    `shown_url` is the URL an error may carry; leave it None when the URL itself is a secret (a
    webhook's, or one with a bot token in its path)."""
    try:
        return request(client, "POST", url, policy, limits=SERVICE_ANSWER, resend=False, wait_of=_service_wait,
                       json=payload, params=params, headers=headers)
    except (GaveUp, LimitExceeded) as e:
        raise PublishError(redact(f"{label}: {e}", secrets), url=shown_url) from None
    except httpx.HTTPError as e:
        raise PublishError(redact(f"{label}: {type(e).__name__}: {e or 'no detail'}; the message may "
                                  "or may not have arrived", secrets), url=shown_url) from None


def _service_wait(response: httpx.Response) -> float | None:
    return body_wait(response) if response.status_code == 429 else server_wait(response)


def describe(response: httpx.Response, limit: int = 300) -> str:
    """An HTTP answer for a message: its status and the start of its body on one line."""
    text = response.text.strip().replace("\n", " ")
    return f"HTTP {response.status_code}" + (f": {text[:limit]}" if text else "")


class ChatPublisher:
    """The loop every chat service shares; a service gives its formatter, its limit and `send`."""

    target = "chat"
    limit = 2000
    threaded = False  # whether follow-ups reply to the head message
    default_delay = 1.0
    measure: Measure = staticmethod(utf16_len)

    def __init__(self, channel: str, options: PublishOptions, secrets: Iterable[str | None] = (),
                 client: httpx.Client | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.channel = channel
        self.secrets = [s for s in secrets if s]
        self.client = client or make_client(options.timeout)
        self.policy = RetryPolicy(retries=options.retries, max_wait=options.max_retry_wait, sleep=sleep)
        delay = options.chat.delay
        self.pacer = Pacer(self.default_delay if delay is None else delay, sleep)

    formatter: Formatter

    def send(self, text: str, reply_to: str | None) -> tuple[str, float]:
        """Post one message; returns its id ("" if the service gives none) and how long the
        service asked us to hold off before the next one (0 if it did not say)."""
        raise NotImplementedError

    def plan(self, digest: Digest) -> list[Post]:
        """The day as the messages this service is sent."""
        return plan(digest, self.formatter, self.limit, self.measure, self.threaded)

    def publish(self, digest: Digest, journal: Journal) -> list[str]:
        """Send the messages of the day the journal does not have, each recorded as soon as the service
        took it; returns their ids. A failure stops the day: PublishError saying what was sent."""
        posts = self.plan(digest)
        if not posts:
            return []
        root = journal.sent(posts[0].part)
        ids: list[str] = []
        for i, post in enumerate(posts):
            if journal.sent(post.part) is not None:
                continue
            self.pacer.wait()
            try:
                message_id, hold = self.send(post.text, root if i and self.threaded else None)
            except PublishError as e:
                self.pacer.sent()
                done = sum(journal.sent(p.part) is not None for p in posts)
                raise PublishError(redact(f"{e} (message {i + 1} of {len(posts)}, {post.part}; {done} of "
                                          f"{len(posts)} sent and recorded: run again to send the rest)",
                                          self.secrets), url=e.url, hint="run again to send the rest") from None
            self.pacer.sent(hold)
            journal.record(post.part, message_id, {"chars": self.measure(post.text)})
            if i == 0:
                root = message_id
            ids.append(message_id)
        return ids

    def alert(self, text: str, most: int = 300) -> str:
        """Post `text` as one line of its own (escaped, cut to `most` characters: an alert); returns
        its message id ("" if the service gives none). PublishError when it could not be posted."""
        self.pacer.wait()
        message_id, hold = self.send(self.formatter.escape(shorten(text, most)), None)
        self.pacer.sent(hold)
        return message_id

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()


def chat_setting(options: PublishOptions, key: str, env: Mapping[str, str] | None = None,
                 env_name: str | None = None) -> str | None:
    """A value of the config file's [chat] table; an environment variable, when named and set, wins."""
    if env is not None and env_name and env.get(env_name):
        return env[env_name]
    value = getattr(options.chat, key)
    return None if value in (None, "") else str(value)


def need(env: Mapping[str, str], name: str, what: str) -> str:
    """The environment variable `name`, trimmed; ConfigError saying that `what` needs it when it is not set."""
    value = (env.get(name) or "").strip()
    if not value:
        raise ConfigError(f"{what} needs {name} in the environment")
    return value
