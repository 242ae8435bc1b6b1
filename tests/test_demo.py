"""`dailypapers demo`: offline, it writes the sample day's Korean digest (the summaries shipped
with the package) and English digest (the extractive summarizer) and builds the site of both,
all into one folder of its own in the current directory; it prints the command that serves the
site; a second run replaces its own folder, and a folder it did not make is refused. The shipped
Korean summaries pass the project's own checks against the abstracts they were written from."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dailypapers import pipeline
from dailypapers.checks.evidence import find_evidence
from dailypapers.checks.run import check_summary
from dailypapers.demo import MARK
from dailypapers.models import TextSection
from dailypapers.render import markdown
from dailypapers.sources.sample import SAMPLE_DATE, sample_digest, sample_items
from dailypapers.store import Store
from tests.conftest import Cli, run_in_process
from tests.fakes import Answer, Fixed
from tests.site_helpers import links, node, read, resolves, search

KO_SENTENCE = "라우터는 대조 검색 손실(contrastive retrieval loss)과 함께 공동으로 학습됩니다."
EN_SENTENCE = "The router is trained jointly with a contrastive retrieval loss"


@contextmanager
def _no_network(asked: list[str]) -> Iterator[None]:
    """Every host this process looks up or connects to, other than this machine, recorded in
    `asked` and refused (the media CDN's, say, which no endpoint setting redirects)."""
    lookup, connect = socket.getaddrinfo, socket.socket.connect

    def guarded_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host) not in ("127.0.0.1", "localhost", "::1"):
            asked.append(str(host))
            raise OSError(f"test: no network ({host})")
        return lookup(host, *args, **kwargs)

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1"):
            asked.append(str(address[0]))
            raise OSError(f"test: no network ({address[0]})")
        connect(self, address)

    socket.getaddrinfo = guarded_lookup  # type: ignore[assignment]
    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.getaddrinfo = lookup
        socket.socket.connect = connect  # type: ignore[method-assign]


def _demo(cli: Cli, *args: str) -> subprocess.CompletedProcess[str]:
    """`dailypapers demo ARGS` as a user types it: no --home, in the test's working directory, with
    every internet endpoint pointing at a server that records any request, and no other host to
    be reached."""
    asked: list[str] = []
    with Fixed(Answer(404, b"{}")) as net, _no_network(asked):
        env = cli.env({"HF_ENDPOINT": net.url, "DAILYPAPERS_ARXIV_API_URL": net.url,
                       "DAILYPAPERS_ARXIV_URL": net.url, "OPENAI_BASE_URL": net.url + "/v1"})
        r = run_in_process(["demo", *args], env, cli.cwd, timeout=120)
    assert net.requests == [], [q.path for q in net.requests]
    assert asked == []
    return r


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, subprocess.CompletedProcess[str]]:
    """One demo for the tests that only read what it wrote."""
    tmp = tmp_path_factory.mktemp("demo")
    for sub in ("xdg-config", "cwd"):
        (tmp / sub).mkdir()
    cli = Cli(tmp / "home", tmp / "xdg-config", tmp / "cwd")
    return cli, _demo(cli)


@pytest.fixture(scope="module")
def shipped() -> markdown.ParsedFile:
    return markdown.parse(sample_digest("ko").read_text("utf-8"), "sample_day.ko.md")


def test_the_demo_writes_both_digests_and_the_site_into_its_folder_offline(
        ran: tuple[Cli, subprocess.CompletedProcess[str]]) -> None:
    cli, r = ran
    assert r.returncode == 0, r.stderr
    out = cli.cwd / "dailypapers-demo"
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["dailypapers-demo"]  # nothing else, anywhere here
    assert not cli.home.exists()  # no --home: the data home is the demo's own
    assert (out / MARK).is_file() and (out / "home" / "dailypapers.db").is_file()
    ko, en = out / f"{SAMPLE_DATE}.ko.md", out / f"{SAMPLE_DATE}.en.md"
    # The Korean digest is the shipped one, imported and rendered again byte for byte.
    assert ko.read_bytes() == sample_digest("ko").read_bytes()
    assert KO_SENTENCE in ko.read_text(encoding="utf-8")
    assert EN_SENTENCE in en.read_text(encoding="utf-8") and en.read_text(encoding="utf-8").count("### [") == 5
    site = out / "site"
    assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind.js").is_file()
    assert KO_SENTENCE in read(site / "ko" / "papers" / "2503.01234.html").text
    assert EN_SENTENCE in read(site / "en" / "papers" / "2503.01234.html").text
    serve = f"python3 -m http.server -d {shlex.quote(str(site))} 8000"
    assert re.search(rf"^  {re.escape(serve)}$", r.stdout, re.M), r.stdout
    assert "http://localhost:8000/" in r.stdout
    assert f"{ko}" in r.stdout and f"{en}" in r.stdout and f"--home {out / 'home'} list" in r.stdout


def test_the_demo_site_links_only_to_its_own_files(ran: tuple[Cli, subprocess.CompletedProcess[str]]) -> None:
    site = ran[0].cwd / "dailypapers-demo" / "site"
    checked = 0
    for page, e, name, value in links(site):
        if e.tag == "a" and re.match(r"^https://(arxiv\.org|huggingface\.co)/", value):
            continue  # the paper's pages elsewhere; anything else must be a file of the site
        assert resolves(site, page, value), f"{page.path}: <{e.tag} {name}={value!r}> leads nowhere"
        checked += 1
    assert checked > 100


@pytest.mark.skipif(node() is None, reason="node is not installed: the search index is not queried")
def test_the_demo_site_finds_korean_and_english_words(ran: tuple[Cli, subprocess.CompletedProcess[str]],
                                                      tmp_path: Path) -> None:
    site = ran[0].cwd / "dailypapers-demo" / "site"
    assert search(site, "ko", "주석자", tmp_path) == ["ko/papers/2503.03456.html"]
    assert search(site, "en", "padding", tmp_path) == ["en/papers/2503.05678.html"]


def test_check_of_the_demo_home_finds_nothing_in_korean(ran: tuple[Cli, subprocess.CompletedProcess[str]]) -> None:
    cli, _ = ran
    home = cli.cwd / "dailypapers-demo" / "home"
    store = Store.open(home / "dailypapers.db")
    rows = pipeline.check_day(store, SAMPLE_DATE, "ko")
    store.close()
    assert len(rows) == 5 and all(r.summary is not None and r.summary.key.model == "sample" for r in rows)
    assert [f for r in rows for f in r.findings] == []
    r = run_in_process(["--home", str(home), "check", "--date", SAMPLE_DATE, "--lang", "ko"], cli.env(), cli.cwd)
    assert r.returncode == 0 and r.stdout.count(" ok ") == 5, r.stdout


def test_a_second_demo_replaces_its_own_folder(cli: Any) -> None:
    out = cli.cwd / "elsewhere"
    assert _demo(cli, "-o", str(out)).returncode == 0
    (out / "left-over.txt").write_text("from the first run\n", encoding="utf-8")
    r = _demo(cli, "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert not (out / "left-over.txt").exists()
    assert (out / f"{SAMPLE_DATE}.ko.md").read_bytes() == sample_digest("ko").read_bytes()
    store = Store.open(out / "home" / "dailypapers.db")
    listed, ko = [e.paper.id for e in store.day(SAMPLE_DATE)], store.summaries_for("2503.01234", "ko")
    store.close()
    assert listed == [i["paper"]["id"] for i in sample_items()]  # type: ignore[index]
    assert len(ko) == 1  # a fresh home, not one imported twice


def test_the_demo_refuses_a_folder_it_did_not_make(cli: Any) -> None:
    out = cli.cwd / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n", encoding="utf-8")
    r = _demo(cli, "-o", str(out))
    assert r.returncode == 2
    assert "not empty and was not made by the demo" in r.stderr and "choose another folder with -o" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_an_explicit_home_is_used_and_the_outputs_still_go_to_the_folder(cli: Any) -> None:
    with Fixed(Answer(404, b"{}")) as net:
        r = cli("demo", "-o", str(cli.cwd / "out"), env={"HF_ENDPOINT": net.url})
    assert r.returncode == 0, r.stderr
    assert (cli.home / "dailypapers.db").is_file() and not (cli.cwd / "out" / "home").exists()
    assert (cli.cwd / "out" / f"{SAMPLE_DATE}.ko.md").is_file()


def test_the_demo_leaves_nothing_in_temporary_folders(cli: Any, tmp_path: Path) -> None:
    """A real process with its own TMPDIR: after the demo, that folder is as empty as before."""
    tmp = tmp_path / "tmpdir"
    tmp.mkdir()
    env = cli.env({"TMPDIR": str(tmp)})
    r = subprocess.run([sys.executable, "-m", "dailypapers", "-q", "demo"], env=env, cwd=cli.cwd,
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert list(tmp.iterdir()) == []
    assert (cli.cwd / "dailypapers-demo" / "site" / "index.html").is_file()


# -- the shipped Korean summaries -------------------------------------------------------------------

def test_the_shipped_digest_is_the_sample_day(shipped: markdown.ParsedFile) -> None:
    """The same papers, in the same order, with the titles, authors, votes and thumbnails the
    sample listing gives them."""
    assert shipped.warnings == [] and [d.date for d in shipped.days] == [SAMPLE_DATE]
    items = sample_items()
    papers = shipped.days[0].papers
    assert [p.id for p in papers] == [i["paper"]["id"] for i in items]  # type: ignore[index]
    for p, item in zip(papers, items, strict=True):
        assert p.title == item["title"]
        assert p.authors == [a["name"] for a in item["paper"]["authors"]]  # type: ignore[index]
        assert p.upvotes == item["paper"]["upvotes"]  # type: ignore[index]
        assert (p.thumbnail or "") == item["thumbnail"]
        assert [s.label for s in p.sections] == ["What's New", "Technical Details", "Performance Highlights"]


def test_the_shipped_korean_summaries_pass_every_check_against_their_abstracts(
        shipped: markdown.ParsedFile) -> None:
    """Checked as a summary the model wrote from the abstract is (not as an import, which is let off
    unverifiable names): no finding at all, and every figure, name and term found in the paper."""
    abstracts = {i["paper"]["id"]: i["paper"]["summary"] for i in sample_items()}  # type: ignore[index]
    for p in shipped.days[0].papers:
        abstract = str(abstracts[p.id])
        assert check_summary(p.sections, f"{p.title}\n{abstract}", "ko", p.title, complete=True) == [], p.id
        evidence = find_evidence(p.sections, "ko", p.title, [TextSection("Abstract", abstract, "abstract")])
        assert evidence and all(e.found for e in evidence), (p.id, [e.claim for e in evidence if not e.found])
