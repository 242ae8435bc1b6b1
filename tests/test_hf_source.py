"""HFDailySource against a real HTTP fake of Hugging Face on 127.0.0.1 (tests.fakes.FakeHF)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from dailypapers.errors import ResponseShapeError, SourceError
from dailypapers.http import RetryPolicy
from dailypapers.sources.hf_daily import HFDailySource
from tests.fakes import Answer, FakeHF, Recorded, json_answer

DATE = "2025-01-22"


def item(pid: str, title: str | None = None, upvotes: Any = 1, authors: Any = ("Ada Lovelace",),
         thumbnail: Any = "default", **extra: Any) -> dict[str, Any]:
    """One item in the shape the real API answers (see the shared notes), with overridable parts."""
    paper: dict[str, Any] = {
        "id": pid,
        "title": title if title is not None else f"Paper {pid}",
        "summary": f"Abstract of {pid}.",
        "publishedAt": "2025-01-21T10:00:00.000Z",
        "upvotes": upvotes,
        "authors": [{"_id": f"a{i}", "name": n, "hidden": False} for i, n in enumerate(authors)]
        if isinstance(authors, tuple) else authors,
    }
    it: dict[str, Any] = {"paper": paper, "title": paper["title"], "numComments": 0}
    if thumbnail == "default":
        it["thumbnail"] = f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{pid}.png"
    elif thumbnail is not None:
        it["thumbnail"] = thumbnail
    it.update(extra)
    return it


class Waits:
    """A RetryPolicy.sleep that records what it was asked to wait instead of sleeping."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture(scope="module")
def hf_server() -> Iterator[FakeHF]:
    with FakeHF() as fake:  # one server per module: shutting one down takes half a second
        yield fake


@pytest.fixture
def hf(hf_server: FakeHF) -> FakeHF:
    """The module's fake HF, emptied for this test."""
    with hf_server.lock:
        hf_server.days.clear()
        hf_server.faults.clear()
        hf_server.requests.clear()
    return hf_server


def source(fake: FakeHF, waits: Waits | None = None, **kw: Any) -> HFDailySource:
    policy = kw.pop("policy", None) or RetryPolicy(retries=3, backoff=1.0, max_wait=30.0,
                                                   sleep=waits or Waits())
    kw.setdefault("token", "")
    return HFDailySource(fake.url, policy=policy, **kw)


def api_requests(fake: FakeHF) -> list[Recorded]:
    return [r for r in fake.requests if r.path == "/api/daily_papers"]


# -- paging -----------------------------------------------------------------------------------------

def test_paging_seven_items_three_per_page(hf: FakeHF) -> None:
    ids = [f"2501.1{i:04d}" for i in range(7)]
    hf.days[DATE] = [item(pid, upvotes=70 - i) for i, pid in enumerate(ids)]
    listing = source(hf, page_size=3).fetch_day(DATE)

    reqs = api_requests(hf)
    assert [(r.query["date"], r.query["p"], r.query["limit"]) for r in reqs] == [
        ([DATE], ["0"], ["3"]), ([DATE], ["1"], ["3"]), ([DATE], ["2"], ["3"])]
    assert [e.paper.id for e in listing.entries] == ids
    assert [e.position for e in listing.entries] == list(range(7))
    assert [e.upvotes for e in listing.entries] == [70 - i for i in range(7)]
    assert listing.date == DATE and listing.source == "hf"
    assert all(e.date == DATE and e.source == "hf" for e in listing.entries)
    # one raw body per page, each the exact JSON the server sent for that page
    assert [[it["paper"]["id"] for it in json.loads(body)] for body in listing.raw] == [
        ids[0:3], ids[3:6], ids[6:7]]


def test_paging_exact_multiple_asks_for_the_empty_page(hf: FakeHF) -> None:
    ids = [f"2501.2{i:04d}" for i in range(6)]
    hf.days[DATE] = [item(pid) for pid in ids]
    listing = source(hf, page_size=3).fetch_day(DATE)
    assert [r.query["p"] for r in api_requests(hf)] == [["0"], ["1"], ["2"]]
    assert [e.paper.id for e in listing.entries] == ids


def test_empty_day_is_one_request_and_no_papers(hf: FakeHF) -> None:
    listing = source(hf, page_size=3).fetch_day("2025-01-25")
    assert listing.entries == []
    assert len(api_requests(hf)) == 1


def test_server_ignoring_p_does_not_loop_or_duplicate(hf: FakeHF) -> None:
    same_page = json_answer([item("2501.00001"), item("2501.00002")])
    hf.faults = [same_page for _ in range(10)]  # answers the same page whatever `p` says
    listing = source(hf, page_size=2).fetch_day(DATE)
    assert [e.paper.id for e in listing.entries] == ["2501.00001", "2501.00002"]
    assert len(hf.requests) == 2  # the second page brought nothing new: stop
    assert len(hf.faults) == 8


# -- token --------------------------------------------------------------------------------------------

def test_token_is_sent_as_bearer(hf: FakeHF) -> None:
    hf.days[DATE] = [item("2501.00001")]
    source(hf, token="hf_secret123").fetch_day(DATE)
    assert [r.headers.get("authorization") for r in api_requests(hf)] == ["Bearer hf_secret123"]


def test_no_token_no_authorization_header(hf: FakeHF, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    hf.days[DATE] = [item("2501.00001")]
    HFDailySource(hf.url, token=None, policy=RetryPolicy(sleep=Waits())).fetch_day(DATE)
    reqs = api_requests(hf)
    assert len(reqs) == 1 and "authorization" not in reqs[0].headers
    assert reqs[0].headers["user-agent"].startswith("dailypapers/")


def test_hf_token_from_environment(hf: FakeHF, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_fromenv")
    hf.days[DATE] = [item("2501.00001")]
    HFDailySource(hf.url, policy=RetryPolicy(sleep=Waits())).fetch_day(DATE)
    assert api_requests(hf)[0].headers.get("authorization") == "Bearer hf_fromenv"


def test_rejected_token_names_hf_token(hf: FakeHF, waits: Waits) -> None:
    hf.faults = [json_answer({"error": "Invalid credentials in Authorization header"}, 401)]
    with pytest.raises(SourceError) as exc:
        source(hf, waits, token="hf_bad").fetch_day(DATE)
    assert "HF_TOKEN" in str(exc.value) and "401" in str(exc.value)
    assert len(hf.requests) == 1 and waits.asked == []


# -- retries ------------------------------------------------------------------------------------------

def test_429_with_retry_after_zero_is_retried(hf: FakeHF, waits: Waits) -> None:
    hf.days[DATE] = [item("2501.00001"), item("2501.00002")]
    hf.faults = [json_answer({"error": "rate limited"}, 429, **{"Retry-After": "0"})]
    listing = source(hf, waits).fetch_day(DATE)
    assert [e.paper.id for e in listing.entries] == ["2501.00001", "2501.00002"]
    assert waits.asked == [0.0]
    assert len(api_requests(hf)) == 2
    assert len(listing.raw) == 1  # the 429 body is not a page


@pytest.mark.parametrize("header, expected", [('"api";r=0;t=3', 3.0), ('"api";r=0;t=0', 0.0),
                                              ('"api";r=0;t=17', 17.0)])
def test_429_with_hf_ratelimit_header_waits_what_it_says(hf: FakeHF, waits: Waits, header: str,
                                                         expected: float) -> None:
    hf.days[DATE] = [item("2501.00001")]
    hf.faults = [json_answer({"error": "rate limited"}, 429, RateLimit=header,
                             **{"RateLimit-Policy": '"fixed window";"api";q=500;w=300'})]
    listing = source(hf, waits).fetch_day(DATE)
    assert [e.paper.id for e in listing.entries] == ["2501.00001"]
    assert waits.asked == [expected]


def test_retry_after_http_date_in_the_past_waits_zero(hf: FakeHF, waits: Waits) -> None:
    hf.days[DATE] = [item("2501.00001")]
    hf.faults = [json_answer({}, 503, **{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})]
    assert len(source(hf, waits).fetch_day(DATE).entries) == 1
    assert waits.asked == [0.0]


def test_unparseable_retry_after_falls_back_to_backoff(hf: FakeHF, waits: Waits) -> None:
    hf.days[DATE] = [item("2501.00001")]
    hf.faults = [json_answer({}, 429, **{"Retry-After": "soon"})]
    assert len(source(hf, waits).fetch_day(DATE).entries) == 1
    assert len(waits.asked) == 1 and 0.5 <= waits.asked[0] <= 1.5


def test_retry_after_longer_than_max_wait_gives_source_error(hf: FakeHF, waits: Waits) -> None:
    hf.days[DATE] = [item("2501.00001")]
    hf.faults = [json_answer({"error": "rate limited"}, 429, **{"Retry-After": "600"})]
    policy = RetryPolicy(retries=3, max_wait=60.0, sleep=waits)
    with pytest.raises(SourceError) as exc:
        source(hf, policy=policy).fetch_day(DATE)
    msg = str(exc.value)
    assert DATE in msg and hf.url in msg and "600" in msg
    assert waits.asked == []  # gave up at once instead of sleeping ten minutes
    assert len(hf.requests) == 1


def test_500_then_200_recovers(hf: FakeHF, waits: Waits) -> None:
    hf.days[DATE] = [item("2501.00001")]
    hf.faults = [json_answer({"error": "internal"}, 500)]
    listing = source(hf, waits).fetch_day(DATE)
    assert [e.paper.id for e in listing.entries] == ["2501.00001"]
    assert len(waits.asked) == 1 and 0.5 <= waits.asked[0] <= 1.5  # backoff 1.0 with jitter
    assert len(api_requests(hf)) == 2


def test_persistent_500_gives_up_after_the_retries(hf: FakeHF, waits: Waits) -> None:
    hf.faults = [json_answer({"error": "internal"}, 500) for _ in range(10)]
    policy = RetryPolicy(retries=2, backoff=1.0, max_wait=30.0, sleep=waits)
    with pytest.raises(SourceError) as exc:
        source(hf, policy=policy).fetch_day(DATE)
    assert "500" in str(exc.value) and DATE in str(exc.value)
    assert len(hf.requests) == 3 and len(waits.asked) == 2
    assert waits.asked[1] > waits.asked[0] * 0.5  # the second wait comes from a doubled base


@pytest.mark.parametrize("status", [404, 400])
def test_client_errors_name_date_and_url(hf: FakeHF, waits: Waits, status: int) -> None:
    hf.faults = [json_answer({"error": "Invalid date"}, status)]
    with pytest.raises(SourceError) as exc:
        source(hf, waits).fetch_day(DATE)
    msg = str(exc.value)
    assert not isinstance(exc.value, ResponseShapeError)
    assert DATE in msg and f"{hf.url}/api/daily_papers" in msg and str(status) in msg
    assert len(hf.requests) == 1 and waits.asked == []  # 4xx are not retried


def test_wrong_endpoint_path_404(hf: FakeHF, waits: Waits) -> None:
    with pytest.raises(SourceError) as exc:
        HFDailySource(hf.url + "/mirror/", token="", policy=RetryPolicy(sleep=waits)).fetch_day(DATE)
    assert "404" in str(exc.value) and f"{hf.url}/mirror/api/daily_papers" in str(exc.value)
    assert [r.path for r in hf.requests] == ["/mirror/api/daily_papers"]


def test_connection_refused_gives_source_error(waits: Waits) -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    policy = RetryPolicy(retries=1, backoff=0.01, sleep=waits)
    with pytest.raises(SourceError) as exc:
        HFDailySource(url, token="", policy=policy, timeout=5).fetch_day(DATE)
    assert DATE in str(exc.value) and url in str(exc.value)
    assert len(waits.asked) == 1


# -- response shape -----------------------------------------------------------------------------------

def shape_error(hf: FakeHF, answer: Answer) -> str:
    hf.faults = [answer]
    with pytest.raises(ResponseShapeError) as exc:
        source(hf, page_size=50).fetch_day(DATE)
    msg = str(exc.value)
    assert DATE in msg and f"{hf.url}/api/daily_papers" in msg
    return msg


def test_body_not_json(hf: FakeHF) -> None:
    msg = shape_error(hf, Answer(200, b"<html><body>Bad gateway</body></html>", {"Content-Type": "text/html"}))
    assert "not JSON" in msg


def test_json_object_instead_of_array(hf: FakeHF) -> None:
    msg = shape_error(hf, json_answer({"error": "Invalid date"}))
    assert "array" in msg and "dict" in msg


def fetched(hf: FakeHF, items: list[dict[str, Any]], **kw: Any) -> Any:
    hf.days[DATE] = items
    return source(hf, **kw).fetch_day(DATE)


@pytest.mark.parametrize("broken,why", [
    (lambda it: it["paper"].pop("id"), "paper.id 'None' is not an arXiv id"),
    (lambda it: it["paper"].update(id="not-an-id"), "paper.id 'not-an-id' is not an arXiv id"),
    (lambda it: it["paper"].update(id=12345), "paper.id '12345' is not an arXiv id"),
    (lambda it: it.pop("paper"), "no `paper` object"),
    (lambda it: (it["paper"].pop("title"), it.pop("title")), "no title"),
], ids=["id-missing", "id-not-arxiv", "id-a-number", "no-paper", "no-title"])
def test_an_item_that_cannot_be_a_paper_is_skipped_and_the_day_stored(hf: FakeHF, broken: Any, why: str) -> None:
    bad = item("2501.00002")
    broken(bad)
    listing = fetched(hf, [item("2501.00001"), bad, item("2501.00003")])
    assert [e.paper.id for e in listing.entries] == ["2501.00001", "2501.00003"]
    [warning] = listing.warnings
    assert DATE in warning and "page 0, item 1" in warning and why in warning and "skipped" in warning


def test_an_id_with_invisible_characters_is_normalized(hf: FakeHF) -> None:
    listing = fetched(hf, [item("\u200b2501.0000\uff11\u00ad ", thumbnail=None),
                           item("arXiv:2501.00002v3", thumbnail=None)])
    assert [e.paper.id for e in listing.entries] == ["2501.00001", "2501.00002"]
    assert listing.warnings == []


@pytest.mark.parametrize("upvotes,stored,warned", [
    ("12", 12, "read as 12"), (12.0, 12, "read as 12"), (True, None, "dropped"), ("many", None, "dropped"),
    (1e30, None, "dropped"), (-3, None, "dropped"), (None, None, None),
])
def test_numbers_are_coerced_or_dropped_with_a_warning(hf: FakeHF, upvotes: Any, stored: Any, warned: Any) -> None:
    listing = fetched(hf, [item("2501.00001", upvotes=upvotes, numComments="3"), item("2501.00002")])
    assert [e.upvotes for e in listing.entries] == [stored, 1]
    assert listing.entries[0].paper.num_comments == 3
    upvote_warnings = [w for w in listing.warnings if "paper.upvotes" in w]
    assert (warned is None and not upvote_warnings) or warned in upvote_warnings[0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://cdn.example/a.png\n### [Fake](x)", "//cdn/a.png",
                                 "https://cdn.example/a\x00.png", 'https://cdn.example/a".png', 12])
def test_an_unsafe_thumbnail_is_dropped_with_a_warning(hf: FakeHF, url: Any) -> None:
    it = item("2501.00001", thumbnail=url)
    it["paper"].update(githubRepo="javascript:x", projectPage="https://ok.example/p")
    listing = fetched(hf, [it])
    paper = listing.entries[0].paper
    assert paper.thumbnail is None and paper.github_repo is None and paper.project_page == "https://ok.example/p"
    assert any("thumbnail dropped" in w for w in listing.warnings)
    assert any("githubRepo dropped" in w for w in listing.warnings)


def test_keywords_as_a_string_and_authors_as_a_string(hf: FakeHF) -> None:
    listing = fetched(hf, [item("2501.00001", authors="Ada Lovelace, Alan Turing")])
    assert listing.entries[0].paper.authors == ["Ada Lovelace", "Alan Turing"]
    it = item("2501.00002", authors=[{"_id": "x", "hidden": True}, {"name": "Grace Hopper"}])
    it["paper"]["ai_keywords"] = "diffusion"
    listing = fetched(hf, [it])
    paper = listing.entries[0].paper
    assert paper.authors == ["Grace Hopper"] and paper.ai_keywords == ["diffusion"]
    assert any("authors[0] skipped" in w for w in listing.warnings)
    assert any("ai_keywords" in w for w in listing.warnings)


def test_texts_are_capped(hf: FakeHF) -> None:
    listing = fetched(hf, [item("2501.00001", title="Title " * 1_000_000)])
    paper = listing.entries[0].paper
    assert len(paper.title) <= 1_000 and paper.title.endswith("…")


def test_a_day_with_more_papers_than_the_cap_keeps_the_first(hf: FakeHF) -> None:
    listing = fetched(hf, [item(f"2501.{i:05d}") for i in range(1, 12)], page_size=5, max_papers=7)
    assert [e.paper.id for e in listing.entries] == [f"2501.{i:05d}" for i in range(1, 8)]
    assert any("more than 7 papers" in w and "max_papers" in w for w in listing.warnings)


def test_missing_upvotes_is_none_not_an_error(hf: FakeHF) -> None:
    it = item("2501.00001")
    del it["paper"]["upvotes"]
    hf.days[DATE] = [it]
    assert source(hf).fetch_day(DATE).entries[0].upvotes is None


# -- what is parsed -------------------------------------------------------------------------------------

def test_titles_and_authors_collapse_white_space(hf: FakeHF) -> None:
    hf.days[DATE] = [
        item("2501.00001", title="Agent-R: Training Language Model Agents to Reflect via Iterative\n  Self-Training"),
        item("2501.00002", title="  Lots   of\tspace \n\n here  ", authors=("Jane  Q.\nDoe", "Zhang San")),
    ]
    entries = source(hf).fetch_day(DATE).entries
    assert entries[0].paper.title == ("Agent-R: Training Language Model Agents to Reflect via Iterative "
                                      "Self-Training")
    assert entries[1].paper.title == "Lots of space here"
    assert entries[1].paper.authors == ["Jane Q. Doe", "Zhang San"]


def test_title_falls_back_to_top_level_title(hf: FakeHF) -> None:
    it = item("2501.00001")
    del it["paper"]["title"]
    it["title"] = "Top-level\n  title"
    hf.days[DATE] = [it]
    assert source(hf).fetch_day(DATE).entries[0].paper.title == "Top-level title"


def test_thumbnail_field_is_used_when_not_empty(hf: FakeHF) -> None:
    thumb = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2501.00001.png"
    hf.days[DATE] = [item("2501.00001", thumbnail=thumb,
                          mediaUrls=["https://cdn-uploads.huggingface.co/production/uploads/x/fig.png"])]
    p = source(hf).fetch_day(DATE).entries[0].paper
    assert p.thumbnail == thumb
    assert p.media_urls == ["https://cdn-uploads.huggingface.co/production/uploads/x/fig.png"]


def test_empty_thumbnail_and_no_media_is_none(hf: FakeHF) -> None:
    hf.days[DATE] = [item("2501.00001", thumbnail=""), item("2501.00002", thumbnail=None)]
    papers = [e.paper for e in source(hf).fetch_day(DATE).entries]
    assert [p.thumbnail for p in papers] == [None, None]
    assert [p.media_urls for p in papers] == [[], []]


def test_old_schema_media_url_singular_becomes_the_thumbnail(hf: FakeHF) -> None:
    url = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2405.15738.png"
    it = item("2405.15738", thumbnail=None, mediaUrl=url)
    hf.days["2024-05-27"] = [it]
    p = source(hf).fetch_day("2024-05-27").entries[0].paper
    assert p.thumbnail == url
    assert url in p.media_urls


def test_media_urls_kept_and_video_is_not_a_thumbnail(hf: FakeHF) -> None:
    video = "https://cdn-uploads.huggingface.co/production/uploads/62f9/zNn6.mp4"
    png = "https://cdn-uploads.huggingface.co/production/uploads/62f9/fig.png"
    hf.days[DATE] = [item("2501.00001", thumbnail="", mediaUrls=[video, png]),
                     item("2501.00002", thumbnail="", mediaUrls=[png])]
    a, b = [e.paper for e in source(hf).fetch_day(DATE).entries]
    assert a.media_urls == [video, png] and a.thumbnail is None
    assert b.media_urls == [png] and b.thumbnail == png


def test_paper_level_media_urls_are_read(hf: FakeHF) -> None:
    video = "https://cdn-uploads.huggingface.co/production/uploads/67e4/clip.mp4"
    it = item("2501.00001")
    it["paper"]["mediaUrls"] = [video]
    hf.days[DATE] = [it]
    assert source(hf).fetch_day(DATE).entries[0].paper.media_urls == [video]


def test_extras_are_parsed(hf: FakeHF) -> None:
    it = item("2501.00001", numComments=4, organization={"_id": "o", "name": "acme", "fullname": "Acme AI"})
    it["paper"].update(githubRepo="https://github.com/acme/x", githubStars=12, projectPage="https://acme.ai/x",
                       ai_keywords=["diffusion", 3, "agents"], ai_summary="Short.")
    hf.days[DATE] = [it]
    p = source(hf).fetch_day(DATE).entries[0].paper
    assert (p.num_comments, p.github_repo, p.github_stars, p.project_page) == (
        4, "https://github.com/acme/x", 12, "https://acme.ai/x")
    assert p.ai_keywords == ["diffusion", "agents"] and p.ai_summary == "Short."
    assert p.organization == "Acme AI"
    assert p.abstract == "Abstract of 2501.00001." and p.published_at == "2025-01-21T10:00:00.000Z"
