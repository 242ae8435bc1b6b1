"""The arXiv API's Atom feed, in both dialects it has served (see the shared notes): the old one
declares the arxiv/opensearch namespaces on every element and hard-wraps text; the new one
declares them once and mostly does not. Namespace URIs are the same, so one parser reads both.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from dailypapers.errors import ResponseShapeError
from dailypapers.models import Paper
from dailypapers.text import arxiv_id, one_line

NS = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom",
      "os": "http://a9.com/-/spec/opensearch/1.1/"}
# New-style ids (2301.01234, 0704.0001) and old-style ones (astro-ph/0601001, math.GT/0309136).


@dataclass
class ApiError:
    """An error the API answered with, as an entry of its feed: the id it is about and what it says."""

    id: str
    message: str


@dataclass
class Feed:
    """A feed read: its papers, the errors it reported, and the total of results (None when not given)."""

    papers: list[Paper]
    errors: list[ApiError] = field(default_factory=list)
    total: int | None = None


def split_id(raw: str) -> tuple[str, int | None]:
    """'2104.12255v1' -> ('2104.12255', 1); raises ValueError for what is not an arXiv id."""
    found = arxiv_id(raw)
    if found is None:
        raise ValueError(f"{raw[:80]!r} is not an arXiv id (like 2412.19712, 2412.19712v2 or astro-ph/0601001)")
    return found


def parse_feed(body: str, where: str) -> Feed:
    """The papers and errors of an API answer, in either dialect; ResponseShapeError for what is not
    an Atom feed, a feed with a DOCTYPE or entities, or an entry with no arXiv id or title. `where`
    names the answer in messages."""
    if "<!DOCTYPE" in body[:2000] or "<!ENTITY" in body:
        raise ResponseShapeError(f"{where}: the feed declares a DOCTYPE or entities; refused")
    try:
        root = ET.fromstring(body.encode("utf-8") if isinstance(body, str) else body)
    except ET.ParseError as e:
        raise ResponseShapeError(f"{where}: the response is not well-formed XML ({e})")
    if root.tag != f"{{{NS['a']}}}feed":
        raise ResponseShapeError(f"{where}: expected an Atom <feed>, got <{root.tag}>")
    total = root.findtext("os:totalResults", namespaces=NS)
    feed = Feed([], [], int(total) if total and total.strip().isdigit() else None)
    for i, entry in enumerate(root.findall("a:entry", NS)):
        entry_id = (entry.findtext("a:id", "", NS) or "").strip()
        title = one_line(entry.findtext("a:title", "", NS) or "")
        if "/api/errors" in entry_id or (title == "Error" and entry.find("a:published", NS) is None):
            feed.errors.append(ApiError(entry_id.rsplit("_for_", 1)[-1] if "_for_" in entry_id else entry_id,
                                        one_line(entry.findtext("a:summary", "", NS) or "error")))
            continue
        feed.papers.append(_paper(entry, f"{where}, entry {i}"))
    return feed


def _paper(entry: ET.Element, where: str) -> Paper:
    raw_id = (entry.findtext("a:id", "", NS) or "").strip()
    try:
        paper_id, version = split_id(raw_id.rsplit("/abs/", 1)[-1])
    except ValueError:
        raise ResponseShapeError(f"{where}: <id> {raw_id!r} is not an arXiv abstract URL")
    title = one_line(entry.findtext("a:title", "", NS) or "")
    if not title:
        raise ResponseShapeError(f"{where}: paper {paper_id} has no <title>")
    authors, affiliations = [], []
    for a in entry.findall("a:author", NS):
        authors.append(one_line(a.findtext("a:name", "", NS) or ""))
        affiliations.append([one_line(x.text or "") for x in a.findall("arxiv:affiliation", NS)])
    links = {(ln.get("title") or ln.get("rel") or ""): ln.get("href") for ln in entry.findall("a:link", NS)}
    primary = entry.find("arxiv:primary_category", NS)
    categories = [c.get("term", "") for c in entry.findall("a:category", NS) if c.get("term")]
    return Paper(
        id=paper_id, version=version, title=title, authors=authors,
        abstract=one_line(entry.findtext("a:summary", "", NS) or ""),
        published_at=(entry.findtext("a:published", "", NS) or "").strip() or None,
        updated_at=(entry.findtext("a:updated", "", NS) or "").strip() or None,
        affiliations=affiliations if any(affiliations) else [],
        categories=categories,
        primary_category=primary.get("term") if primary is not None else (categories[0] if categories else None),
        comment=_opt(entry, "arxiv:comment"), journal_ref=_opt(entry, "arxiv:journal_ref"),
        doi=_opt(entry, "arxiv:doi"), pdf_link=links.get("pdf"),
    )


def _opt(entry: ET.Element, path: str) -> str | None:
    text = entry.findtext(path, None, NS)
    return one_line(text) if text and text.strip() else None
