"""Shared by the site tests: a store filled the way the pipeline fills it, a fake media host
serving real PNG bytes, and an HTML reader (the standard library's parser, not regular
expressions) that collects every element, attribute and text of a built page."""

from __future__ import annotations

import copy
import json
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from dailypapers.checks.evidence import find_evidence
from dailypapers.config import Settings
from dailypapers.models import Finding, Listing, Section, Summary, SummaryKey, TextSection
from dailypapers.sources.hf_daily import parse_items
from dailypapers.store import Store
from tests.conftest import _ITEMS
from tests.fakes import Answer, FakeServer, Recorded

DAYS = ("2025-02-03", "2025-02-04", "2025-02-05")
KO_WORD = "희소"  # in every Korean summary of the fixture
EN_WORD = "contrastive"  # in the English summary of 2502.00101 and in its abstract


def png(width: int = 2, height: int = 1, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A real PNG image."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class MediaHost(FakeServer):
    """Stands in for cdn-thumbnails.huggingface.co: serves `files` (path -> Answer), 404 otherwise.
    By default every /social-thumbnails/papers/ID.png is a PNG."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, Answer] = {}
        self.default_png = True

    def answer(self, request: Recorded) -> Answer:
        if request.path in self.files:
            return self.files[request.path]
        if self.default_png and request.path.startswith("/social-thumbnails/papers/") and request.path.endswith(".png"):
            return Answer(200, png(), {"Content-Type": "image/png"})
        return Answer(404, b"not found", {"Content-Type": "text/plain"})

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


def items(thumb_base: str | None) -> list[dict[str, Any]]:
    """The conftest day, with thumbnails on `thumb_base` (never the real CDN: tests are offline),
    and the Hugging Face and arXiv metadata a site shows."""
    out = copy.deepcopy(_ITEMS)
    for it in out:
        pid = it["paper"]["id"]
        had = bool(it["thumbnail"])  # 2502.00303 has none, as some real items do
        it["thumbnail"] = f"{thumb_base}/social-thumbnails/papers/{pid}.png" if thumb_base and had else ""
    out[0]["paper"].update(ai_keywords=["sparse routing", "long context"], githubRepo="https://github.com/mina/routers",
                           githubStars=1234, projectPage="https://routers.example.org/")
    out[1]["paper"]["ai_keywords"] = ["Sparse Routing", "arithmetic"]
    out[2]["paper"]["ai_keywords"] = ["tables"]
    return out


def ko_sections(pid: str) -> list[Section]:
    return [Section("What's New", f"긴 문맥 검색을 위한 **희소 라우터**를 제안합니다 ({pid})."),
            Section("Technical Details", "라우터는 대조 손실(contrastive loss)로 학습됩니다."),
            Section("Performance Highlights", "128K 토큰 입력에서 정확도가 4.2 포인트 향상됩니다.")]


def en_sections(pid: str) -> list[Section]:
    return [Section("What's New", f"Sparse routers send each token to two experts ({pid})."),
            Section("Technical Details", "The router is trained with a contrastive loss."),
            Section("Performance Highlights", "Accuracy rises by 4.2 points on 128K-token inputs.")]


def summary(pid: str, lang: str, model: str = "fake/model-a", sections: list[Section] | None = None,
            findings: list[Finding] | None = None, created_at: str = "2025-02-05T01:00:00Z",
            paper: tuple[str, str] | None = None) -> Summary:
    """A summary as the pipeline stores it; with `paper` (title, abstract), with the evidence of its
    claims in that abstract, as the checks find it."""
    sections = sections or (ko_sections(pid) if lang == "ko" else en_sections(pid))
    evidence = find_evidence(sections, lang, paper[0], [TextSection("Abstract", paper[1], "abstract")]) \
        if paper else []
    return Summary(SummaryKey(pid, 1, "abstract", lang, model, "v1"), sections, created_at=created_at,
                   findings=findings or [], evidence=evidence)


def fill(store: Store, thumb_base: str | None = None) -> dict[str, list[str]]:
    """Three days, as `fetch` and `summarize` would leave them: day 1 has all eight papers, day 2
    the first three again plus none new, day 3 three of the others. Korean summaries for every
    paper, English for the first five. Returns date -> paper ids in digest order."""
    its = items(thumb_base)
    plan = {DAYS[0]: its, DAYS[1]: its[:3], DAYS[2]: [its[5], its[6], its[7]]}
    order = {}
    for date, day_items in plan.items():
        store.save_listing(Listing(date, "hf", parse_items(day_items, date), [json.dumps(day_items)]))
        order[date] = [e.paper.id for e in store.day(date)]
    for i, it in enumerate(its):
        pid = it["paper"]["id"]
        paper = (it["paper"]["title"], it["paper"]["summary"])
        findings = [Finding("numbers", "soft", "the figure 4.2 was not found in the paper", "Performance Highlights")] \
            if i == 0 else []
        store.save_summary(summary(pid, "ko", findings=findings, paper=paper))
        if i < 5:
            store.save_summary(summary(pid, "en", paper=paper))
    return order


def settings_for(home: Path, endpoint: str = "http://127.0.0.1:9") -> Settings:
    return Settings(home=home, hf_endpoint=endpoint, timeout=10)


# -- reading built pages ------------------------------------------------------------------------

@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int


@dataclass
class Page:
    path: Path
    elements: list[Element] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())]

    @property
    def lang(self) -> str | None:
        return self.find("html")[0].attrs.get("lang")


class _Collector(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.page.elements.append(Element(tag, values, self.getpos()[0]))
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag in ("script", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.page.texts.append(data)


def read(path: Path) -> Page:
    page = Page(path)
    parser = _Collector(page)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return page


def resolves(site: Path, page: Page, value: str) -> bool:
    """Whether the relative link `value` of `page` names a file of the site (or an id of the page)."""
    parts = urlsplit(value)
    if not parts.path:  # "#main": a fragment of this page
        return not parts.fragment or parts.fragment in page.ids
    target = (page.path.parent / unquote(parts.path)).resolve()
    return target.is_file() and target.is_relative_to(site.resolve())


def links(site: Path) -> Iterator[tuple[Page, Element, str, str]]:
    """Every link of every page of the site: (page, element, attribute, value) for each `href`,
    `src` and `action`."""
    for path in html_pages(site):
        page = read(path)
        for e in page.elements:
            for name in ("href", "src", "action"):
                value = e.attrs.get(name)
                if value is not None:
                    yield page, e, name, value


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


def inodes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


# -- querying the search index offline ----------------------------------------------------------

_QUERY_JS = r"""
import fs from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
const [site, lang, term] = process.argv.slice(2);
globalThis.fetch = async (u) => new Response(fs.readFileSync(fileURLToPath(new URL(String(u).split("?")[0]))));
const pf = await import(pathToFileURL(site + "/pagefind/pagefind.js").href);
// Pagefind picks its index by the page's <html lang>: pretend to be a page in `lang`.
globalThis.document = { currentScript: null, querySelector: () => ({ getAttribute: () => lang }) };
const search = await pf.createInstance({ basePath: pathToFileURL(site + "/pagefind/").href });
const found = await search.search(term);
const urls = [];
for (const r of found.results) { urls.push((await r.data()).url); }
console.log(JSON.stringify(urls));
"""


def node() -> str | None:
    return shutil.which("node")


def search(site: Path, lang: str, term: str, work: Path) -> list[str]:
    """What the site's own Pagefind bundle finds for `term` on a page in `lang`, run by Node with
    the files read from disk: the paths of the pages found, relative to the site."""
    script = work / "pagefind_query.mjs"
    script.write_text(_QUERY_JS, encoding="utf-8")
    proc = subprocess.run([node() or "node", str(script), str(site), lang, term], capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    urls = json.loads(proc.stdout.strip().splitlines()[-1])
    marker = str(site).lstrip("/")
    return [u.split(marker, 1)[1].lstrip("/") if marker in u else u for u in urls]
