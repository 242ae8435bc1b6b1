"""Helpers shared by the fault-injection and crash tests (and bench/bench_reliability.py):
invented days of Hugging Face papers, a fake LLM's pen that remembers every answer it wrote, a
model of what the client must make of a paper's answers, and readers for digests and stores.

Not a test module: nothing here asserts on its own, except `check_digest`."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes import paper_id_of

LABELS = ("What's New", "Technical Details", "Performance Highlights")
KEYS = ("whats_new", "technical_details", "performance_highlights")

# What a failure's reason must say, by the fault that ended the paper.
REASONS = {
    "429": r"HTTP 429",
    "429-bare": r"HTTP 429",
    "500": r"HTTP 500",
    "timeout": r"Timeout",
    "truncated": r"RemoteProtocolError|incomplete|closed",
    "garbage": r"not JSON",
    "badbody": r"not a chat completion",
    "401": r"credentials|API key|OPENAI_API_KEY",
}
TRANSPORT = frozenset({"429", "429-bare", "500", "timeout", "truncated"})


def hf_item(pid: str, i: int) -> dict[str, Any]:
    """One element of GET /api/daily_papers, shaped like the real response (trimmed)."""
    title = f"Invented Paper {i}: Sparse Routers at Scale"
    abstract = (f"We study sparse routing for mixture-of-experts models (paper {i}). A router sends "
                f"each token to two experts. Accuracy rises by {i % 9 + 1}.{i % 7} points.")
    return {
        "paper": {"id": pid, "authors": [{"_id": f"{pid}-0", "name": f"Author {i}", "hidden": False},
                                         {"_id": f"{pid}-1", "name": "Coauthor", "hidden": False}],
                  "publishedAt": "2025-03-03T17:00:00.000Z", "title": title, "summary": abstract,
                  "upvotes": 100 - i % 100, "discussionId": f"invented-{pid}", "ai_keywords": []},
        "publishedAt": "2025-03-03T13:00:00.000Z", "title": title, "summary": abstract,
        "thumbnail": f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{pid}.png",
        "numComments": 0, "isAuthorParticipating": False,
    }


def paper_ids(n: int, day: int = 0) -> list[str]:
    """Invented arXiv ids, distinct across days (up to 1000 papers a day)."""
    return [f"2503.{day * 1000 + i:05d}" for i in range(n)]


def hf_items(n: int, day: int = 0) -> list[dict[str, Any]]:
    return [hf_item(pid, i) for i, pid in enumerate(paper_ids(n, day))]


class Pen:
    """The fake LLM's pen: a distinct answer for every request it is asked to write, each one
    remembered, so that a test can tell text the server really wrote from anything else."""

    def __init__(self) -> None:
        self.given: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.lock = threading.Lock()
        self.count = 0

    def __call__(self, body: dict[str, Any]) -> str:
        pid = paper_id_of(body)
        with self.lock:
            self.count += 1
            n = self.count
            answer = {"whats_new": f"{pid} 논문은 희소 라우터를 제안합니다 답변 {n}번.",
                      "technical_details": f"{pid} 논문의 라우터는 토큰마다 두 전문가를 고릅니다 답변 {n}번.",
                      "performance_highlights": f"{pid} 논문은 정확도가 오른다고 보고합니다 답변 {n}번."}
            self.given[pid].append(answer)
        return json.dumps(answer, ensure_ascii=False)

    def sections(self, pid: str, which: int = -1) -> list[tuple[str, str]]:
        """One answer for the paper (the last by default) as the sections a digest shows."""
        answer = self.given[pid][which]
        return [(label, answer[k]) for label, k in zip(LABELS, KEYS)]

    def all_sections(self, pid: str) -> list[list[tuple[str, str]]]:
        return [self.sections(pid, i) for i in range(len(self.given[pid]))]


@dataclass
class Outcome:
    status: str  # "ok", "failed", or "incomplete" (the answers stop before the client was done)
    fault: str | None  # what ended a failed paper
    used: int  # answers the client needed to get there


def replay(events: list[str], retries: int) -> Outcome:
    """What the client must make of a paper's answers, in the order the fake gave them: each
    transport fault (429, 500, timeout, truncated body) costs one of `retries` retries of one
    request; an answer that is not JSON gets one repair request; a body that is not a chat
    completion fails the paper at once."""
    attempt = invalid = 0
    for i, ev in enumerate(events):
        if ev in TRANSPORT:
            if attempt == retries:
                return Outcome("failed", ev, i + 1)
            attempt += 1
            continue
        attempt = 0
        if ev in ("badbody", "401"):
            return Outcome("failed", ev, i + 1)
        if ev == "garbage":
            invalid += 1
            if invalid > 1:
                return Outcome("failed", ev, i + 1)
            continue
        return Outcome("ok", None, i + 1)
    return Outcome("incomplete", None, len(events))


def events_by_paper(log: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for pid, what in log:
        out[pid].append(what)
    return dict(out)


_BLOCK = re.compile(r"^### \[.*\]\(https://arxiv\.org/abs/(\S+)\)$")
_SECTION = re.compile(r"^- \*\*\*(.+?)\*\*\*: (.*)$")
_OTHER = re.compile(r"^(!\[\]\(\S+\)|Vote: \d+|Authors: .+)$")


def digest_blocks(text: str) -> dict[str, list[tuple[str, str]]]:
    """paper id -> its (label, text) section lines, read from a digest with plain regexes."""
    blocks: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in text.split("\n"):
        m = _BLOCK.match(line)
        if m:
            current = m.group(1)
            blocks[current] = []
            continue
        m = _SECTION.match(line)
        if m and current is not None:
            blocks[current].append((m.group(1), m.group(2)))
    return blocks


def check_digest(text: str, date: str, expected: dict[str, list[tuple[str, str]]], order: list[str]) -> None:
    """The digest holds exactly the `expected` papers, in listing order, each with exactly its
    expected section lines, and no line that is not part of the layout (no placeholder, no
    'summary unavailable', no paper without sections)."""
    lines = text.split("\n")
    assert lines[0] == f"## Daily Papers ({date})", lines[0]
    current = None
    for line in lines[1:]:
        if not line:
            continue
        m = _BLOCK.match(line)
        if m:
            current = m.group(1)
            continue
        assert current is not None, f"a line before any paper: {line!r}"
        assert _SECTION.match(line) or _OTHER.match(line), f"not part of the layout: {line!r}"
    blocks = digest_blocks(text)
    assert list(blocks) == [pid for pid in order if pid in expected], "papers missing, extra or out of order"
    for pid, sections in blocks.items():
        assert sections == expected[pid], f"{pid}: {sections} is not what the fake wrote"


def db(home: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(home / "dailypapers.db"))


def stored_summaries(home: Path) -> dict[str, list[list[tuple[str, str]]]]:
    """paper id -> the sections of each summary stored for it, read with plain sqlite3."""
    out: dict[str, list[list[tuple[str, str]]]] = defaultdict(list)
    with db(home) as conn:
        for pid, sections in conn.execute("SELECT paper_id, sections FROM summaries ORDER BY id"):
            out[pid].append([(label, text) for label, text in json.loads(sections)])
    return dict(out)


def integrity(home: Path) -> str:
    with db(home) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def failures(result: Any) -> dict[str, str]:
    """paper id -> reason, from the JSON a command printed with --json (every day of it)."""
    days = json.loads(result.stdout)["days"]
    return {f["paper_id"]: f["reason"] for day in days for f in day["failures"]}
