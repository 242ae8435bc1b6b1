"""ArxivClient, `fetch --source arxiv` and TextReader.complete_metadata against the fake arXiv
(tests.fakes.FakeArxiv, a real HTTP server on 127.0.0.1): batching, the day cache, retries, and
arXiv's terms (one request every `delay` seconds, one at a time) within a process and across
processes that share a home."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dailypapers.config import Settings
from dailypapers.errors import SourceError
from dailypapers.http import PoliteGate, RetryPolicy
from dailypapers.models import Listing, ListingEntry, Paper
from dailypapers.pipeline import TextReader, open_store
from dailypapers.sources.arxiv import ArxivClient, announcement_window
from tests.conftest import UNREACHABLE
from tests.fakes import Answer, FakeArxiv, Recorded, atom_entry, atom_feed

TOL = 0.01  # clock granularity between the client's clock and the fake's
DATE = "2025-02-05"  # a Wednesday


def entry(pid: str, version: int = 1, categories: tuple[str, ...] = ("cs.CL",), comment: str | None = None,
          doi: str | None = None, journal_ref: str | None = None) -> str:
    """A fake-arXiv entry with the optional arxiv: elements added."""
    extra = "".join(f"<arxiv:{tag}>{value}</arxiv:{tag}>"
                    for tag, value in (("comment", comment), ("doi", doi), ("journal_ref", journal_ref)) if value)
    return atom_entry(pid, version, f"Title of {pid}", [f"Author {pid} A", f"Author {pid} B"],
                      f"Abstract of {pid}.", categories).replace("</entry>", extra + "</entry>")


def ids(n: int, start: int = 1) -> list[str]:
    return [f"2502.{i:05d}" for i in range(start, start + n)]


def api_url(fake: FakeArxiv) -> str:
    return f"{fake.url}/api/query"


def client(fake: FakeArxiv, **kw: Any) -> ArxivClient:
    kw.setdefault("delay", 0.0)
    kw.setdefault("policy", RetryPolicy(retries=0))
    return ArxivClient(api_url(fake), **kw)


def api_requests(fake: FakeArxiv) -> list[Recorded]:
    return [r for r in fake.requests if r.path == "/api/query"]


def assert_polite(fake: FakeArxiv, delay: float, count: int) -> None:
    """The fake saw `count` API requests, never two closer than `delay`, never two at once."""
    times = sorted(r.at for r in api_requests(fake))
    assert len(times) == count
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(g >= delay - TOL for g in gaps), gaps
    assert fake.max_in_flight == 1


# -- batching -----------------------------------------------------------------------------------------

class ReversingArxiv(FakeArxiv):
    """Answers id_list queries with the entries in reverse order (the API does not promise order)."""

    def _answer(self, request: Recorded) -> Answer:
        asked = request.query["id_list"][0].split(",")
        body = atom_feed([self.entries[i] for i in reversed(asked) if i in self.entries])
        return Answer(200, body.encode(), {"Content-Type": "application/atom+xml"})


def test_ids_are_sent_in_batches_and_come_back_in_the_order_asked() -> None:
    asked = ["2502.00005", "2502.00001", "2502.00004", "2502.00002", "2502.00003"]
    with ReversingArxiv({pid: entry(pid) for pid in asked}) as fake:
        papers, missing = client(fake, batch_size=2).by_ids(asked)
        sent = [r.query["id_list"][0].split(",") for r in api_requests(fake)]
        max_results = [r.query["max_results"][0] for r in api_requests(fake)]
    assert [p.id for p in papers] == asked and missing == []
    assert len(sent) == 3 and all(len(batch) <= 2 for batch in sent)
    assert [pid for batch in sent for pid in batch] == asked
    assert max_results == [str(len(b)) for b in sent]


def test_a_versioned_id_is_sent_with_its_version() -> None:
    with FakeArxiv({"2502.00001": entry("2502.00001", version=3)}) as fake:
        papers, missing = client(fake).by_ids(["arXiv:2502.00001v3"])
        [req] = api_requests(fake)
    assert req.query["id_list"] == ["2502.00001v3"]
    assert [(p.id, p.version) for p in papers] == [("2502.00001", 3)] and missing == []


# -- the day cache ------------------------------------------------------------------------------------

def test_results_are_cached_on_disk_for_the_day(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with FakeArxiv({pid: entry(pid) for pid in ids(3)}) as fake:
        first = client(fake, cache_dir=cache).by_ids(["2502.00001", "2502.00002"])
        assert len(api_requests(fake)) == 1
        # the same query again, even from a new client (another process), sends nothing
        again = client(fake, cache_dir=cache).by_ids(["2502.00001", "2502.00002"])
        assert len(api_requests(fake)) == 1
        assert [p.id for p in again[0]] == [p.id for p in first[0]] == ["2502.00001", "2502.00002"]
        # a different query is not served from the cache
        other, _ = client(fake, cache_dir=cache).by_ids(["2502.00003"])
        assert [p.id for p in other] == ["2502.00003"]
        assert len(api_requests(fake)) == 2
        # the cache is kept per day of arXiv's (New York) calendar: yesterday's answers are not used
        today = dt.datetime.now(ZoneInfo("America/New_York")).date().isoformat()
        assert sorted(p.name for p in cache.iterdir()) == [today]
        (cache / today).rename(cache / "2000-01-01")
        client(fake, cache_dir=cache).by_ids(["2502.00001", "2502.00002"])
        assert len(api_requests(fake)) == 3


def test_errors_are_not_cached(tmp_path: Path) -> None:
    with FakeArxiv({"2502.00001": entry("2502.00001")}) as fake:
        fake.faults = [Answer(503, b"busy")]
        with pytest.raises(SourceError, match="503"):
            client(fake, cache_dir=tmp_path).by_ids(["2502.00001"])
        papers, _ = client(fake, cache_dir=tmp_path).by_ids(["2502.00001"])
        assert [p.id for p in papers] == ["2502.00001"]
        assert len(api_requests(fake)) == 2


# -- retries ------------------------------------------------------------------------------------------

def test_429_with_retry_after_and_500_are_retried() -> None:
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        import time

        time.sleep(seconds)

    with FakeArxiv({"2502.00001": entry("2502.00001")}) as fake:
        fake.faults = [Answer(429, b"slow down", {"Retry-After": "0.25"}), Answer(500, b"oops")]
        c = client(fake, delay=0.05, policy=RetryPolicy(retries=3, backoff=0.01, sleep=sleep))
        papers, missing = c.by_ids(["2502.00001"])
        times = [r.at for r in api_requests(fake)]
    assert [p.id for p in papers] == ["2502.00001"] and missing == []
    assert len(times) == 3
    assert waits[0] == 0.25  # as the server asked
    assert times[1] - times[0] >= 0.25 - TOL


def test_a_server_that_keeps_failing_is_a_source_error() -> None:
    with FakeArxiv({"2502.00001": entry("2502.00001")}) as fake:
        fake.faults = [Answer(500, b"oops")] * 3
        c = client(fake, policy=RetryPolicy(retries=2, backoff=0.01))
        with pytest.raises(SourceError) as info:
            c.by_ids(["2502.00001"])
        assert len(api_requests(fake)) == 3
    assert "500" in str(info.value) and "2502.00001" in str(info.value)


def test_an_unreachable_api_is_a_source_error() -> None:
    c = ArxivClient(f"{UNREACHABLE}/api/query", delay=0.0, policy=RetryPolicy(retries=0))
    with pytest.raises(SourceError, match="127.0.0.1:9"):
        c.by_ids(["2502.00001"])


# -- politeness within one process ----------------------------------------------------------------------

def run_threads(calls: list[Any]) -> list[Any]:
    """Run the calls at the same moment in threads; return their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def go(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as e:  # reported by the assertions below
            results[i] = e

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_threads_sharing_a_client_wait_their_turn() -> None:
    delay = 0.3
    wanted = ids(3)
    with FakeArxiv({pid: entry(pid) for pid in wanted}, latency=0.1) as fake:
        c = client(fake, delay=delay)
        results = run_threads([lambda pid=pid: c.by_ids([pid]) for pid in wanted])
        assert [[p.id for p in r[0]] for r in results] == [[pid] for pid in wanted]
        assert_polite(fake, delay, 3)


def test_two_clients_sharing_a_gate_or_a_lock_file_wait_their_turn(tmp_path: Path) -> None:
    delay = 0.3
    wanted = ids(3)
    with FakeArxiv({pid: entry(pid) for pid in wanted}, latency=0.1) as fake:
        gate = PoliteGate(delay)
        shared = [client(fake, gate=gate), client(fake, gate=gate)]
        run_threads([lambda c=c, pid=pid: c.by_ids([pid]) for c, pid in zip(shared, wanted[:2])])
        assert_polite(fake, delay, 2)
    with FakeArxiv({pid: entry(pid) for pid in wanted}, latency=0.1) as fake:
        lock = tmp_path / "locks" / "arxiv.lock"
        # two gates of their own, as two processes would have, held together by the lock file
        apart = [client(fake, delay=delay, lock_path=lock) for _ in range(3)]
        results = run_threads([lambda c=c, pid=pid: c.by_ids([pid]) for c, pid in zip(apart, wanted)])
        assert all(not isinstance(r, Exception) for r in results), results
        assert_polite(fake, delay, 3)


def test_without_a_shared_gate_the_fake_does_see_overlap() -> None:
    """The measurement itself works: two clients with gates of their own and no lock file overlap."""
    with FakeArxiv({pid: entry(pid) for pid in ids(2)}, latency=0.3) as fake:
        apart = [client(fake, delay=0.3), client(fake, delay=0.3)]
        run_threads([lambda c=c, pid=pid: c.by_ids([pid]) for c, pid in zip(apart, ids(2))])
        assert fake.max_in_flight == 2


# -- politeness across processes -------------------------------------------------------------------------

def test_processes_sharing_a_home_wait_their_turn(cli: Any) -> None:
    delay = 0.4
    wanted = ids(3)
    with FakeArxiv({pid: entry(pid) for pid in wanted}, latency=0.2) as fake:
        env = cli.env({"DAILYPAPERS_ARXIV_API_URL": api_url(fake), "DAILYPAPERS_ARXIV_DELAY": str(delay)})
        procs = [subprocess.Popen(cli.argv("fetch", "--source", "arxiv", "--id", pid, "--date", DATE),
                                  env=env, cwd=cli.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, encoding="utf-8") for pid in wanted]
        outs = [p.communicate(timeout=60) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outs]
        assert_polite(fake, delay, 3)
        assert sorted(r.query["id_list"][0] for r in api_requests(fake)) == wanted
    listed = json.loads(cli("list", "--date", DATE, "--json").stdout)
    assert sorted(o["id"] for o in listed) == wanted


# -- fetch --source arxiv --category ----------------------------------------------------------------------

UTC = dt.UTC


@pytest.mark.parametrize("date, start, end", [
    # (day listed, window start, window end) in UTC, worked out by hand: papers submitted between
    # 14:00 New York time on the two weekdays before the listing day
    ("2025-02-05", dt.datetime(2025, 2, 3, 19, tzinfo=UTC), dt.datetime(2025, 2, 4, 19, tzinfo=UTC)),  # Wed
    ("2025-02-04", dt.datetime(2025, 1, 31, 19, tzinfo=UTC), dt.datetime(2025, 2, 3, 19, tzinfo=UTC)),  # Tue
    ("2025-02-03", dt.datetime(2025, 1, 30, 19, tzinfo=UTC), dt.datetime(2025, 1, 31, 19, tzinfo=UTC)),  # Mon
    ("2025-07-09", dt.datetime(2025, 7, 7, 18, tzinfo=UTC), dt.datetime(2025, 7, 8, 18, tzinfo=UTC)),  # EDT
    ("2025-03-11", dt.datetime(2025, 3, 7, 19, tzinfo=UTC), dt.datetime(2025, 3, 10, 18, tzinfo=UTC)),  # DST
    ("2025-02-08", None, None),  # Saturday
    ("2025-02-09", None, None),  # Sunday
])
def test_announcement_window(date: str, start: dt.datetime | None, end: dt.datetime | None) -> None:
    assert announcement_window(date) == (start, end)


def test_wednesday_window_ends_tuesday_2pm_in_new_york() -> None:
    _, end = announcement_window("2025-02-05")
    assert end is not None
    local = end.astimezone(ZoneInfo("America/New_York"))
    assert (local.strftime("%A"), local.hour, local.minute) == ("Tuesday", 14, 0)


def feed_with_total(entries: list[str], total: int) -> str:
    return atom_feed(entries).replace(f"<opensearch:totalResults>{len(entries)}<",
                                      f"<opensearch:totalResults>{total}<")


def test_announced_pages_through_the_results() -> None:
    all_entries = [entry(pid) for pid in ids(5)]

    def search(query: dict[str, list[str]]) -> str:
        start, size = int(query["start"][0]), int(query["max_results"][0])
        return feed_with_total(all_entries[start:start + size], len(all_entries))

    with FakeArxiv(search=search) as fake:
        papers = client(fake, page_size=2).announced(["cs.CL"], DATE)
        starts = [r.query["start"][0] for r in api_requests(fake)]
    assert [p.id for p in papers] == ids(5)
    assert starts == ["0", "2", "4"]


def test_fetch_category_stores_the_days_papers(cli: Any) -> None:
    seen: list[dict[str, list[str]]] = []

    def search(query: dict[str, list[str]]) -> str:
        seen.append(query)
        return atom_feed([entry("2502.01001", 2, ("cs.CL", "cs.AI"), comment="12 pages"),
                          entry("2502.01002", 1, ("cs.LG", "cs.CL"), doi="10.1000/xyz")])

    with FakeArxiv(search=search) as fake:
        env = {"DAILYPAPERS_ARXIV_API_URL": api_url(fake), "DAILYPAPERS_ARXIV_DELAY": "0"}
        r = cli("fetch", "--source", "arxiv", "--category", "cs.CL", "--category", "cs.LG",
                "--date", DATE, env=env)
    assert r.returncode == 0, r.stderr
    [query] = seen
    q = query["search_query"][0]
    assert "cat:cs.CL" in q and "cat:cs.LG" in q
    assert "submittedDate:[202502031900 TO 202502041900]" in q
    assert query["sortBy"] == ["submittedDate"]
    assert "2 papers listed" in r.stderr
    listed = json.loads(cli("list", "--date", DATE, "--json").stdout)
    assert [o["id"] for o in listed] == ["2502.01001", "2502.01002"]
    assert [o["version"] for o in listed] == [2, 1]
    assert all(o["source"] == "arxiv" for o in listed)
    assert listed[0]["categories"] == ["cs.CL", "cs.AI"] and listed[0]["comment"] == "12 pages"
    assert listed[1]["doi"] == "10.1000/xyz" and listed[1]["primary_category"] == "cs.LG"


def test_fetch_category_on_a_saturday_sends_nothing(cli: Any) -> None:
    with FakeArxiv(search=lambda q: atom_feed([entry("2502.01001")])) as fake:
        env = {"DAILYPAPERS_ARXIV_API_URL": api_url(fake), "DAILYPAPERS_ARXIV_DELAY": "0"}
        r = cli("fetch", "--source", "arxiv", "--category", "cs.CL", "--date", "2025-02-08", env=env)
        assert fake.requests == []
    assert r.returncode == 0, r.stderr
    assert "announced nothing" in r.stderr and "cs.CL" in r.stderr


# -- fetch --source arxiv --id ------------------------------------------------------------------------------

def test_fetch_ids_reports_the_missing_one_and_stores_the_found_one(cli: Any) -> None:
    found = entry("2502.00001", 2, ("cs.CL", "cs.LG"), comment="ACL 2025", doi="10.18653/v1/x",
                  journal_ref="Proc. ACL 2025")
    with FakeArxiv({"2502.00001": found}) as fake:
        env = {"DAILYPAPERS_ARXIV_API_URL": api_url(fake), "DAILYPAPERS_ARXIV_DELAY": "0"}
        r = cli("fetch", "--source", "arxiv", "--id", "2502.00001", "--id", "2502.99999", "--date", DATE, env=env)
        assert r.returncode == 1, r.stderr
        assert "2502.99999" in r.stderr and "not found" in r.stderr
        assert "Traceback" not in r.stderr
        # the same fetch again the same day is answered from the cache in the home
        r2 = cli("fetch", "--source", "arxiv", "--id", "2502.00001", "--id", "2502.99999", "--date", DATE, env=env)
        assert r2.returncode == 1 and "2502.99999" in r2.stderr
        assert len(api_requests(fake)) == 1
    r = cli("list", "--date", DATE, "--json")
    assert r.returncode == 0, r.stderr
    [obj] = json.loads(r.stdout)
    assert obj["id"] == "2502.00001" and obj["version"] == 2
    assert obj["title"] == "Title of 2502.00001"
    assert obj["authors"] == ["Author 2502.00001 A", "Author 2502.00001 B"]
    assert obj["categories"] == ["cs.CL", "cs.LG"] and obj["primary_category"] == "cs.CL"
    assert obj["comment"] == "ACL 2025" and obj["doi"] == "10.18653/v1/x"
    assert obj["journal_ref"] == "Proc. ACL 2025"
    assert obj["pdf_link"] == "https://arxiv.org/pdf/2502.00001v2"


def test_fetch_with_a_malformed_id_is_a_usage_error_and_sends_nothing(cli: Any) -> None:
    with FakeArxiv({"2502.00001": entry("2502.00001")}) as fake:
        env = {"DAILYPAPERS_ARXIV_API_URL": api_url(fake), "DAILYPAPERS_ARXIV_DELAY": "0"}
        r = cli("fetch", "--source", "arxiv", "--id", "2502.00001", "--id", "BOGUSMISSING", "--date", DATE, env=env)
        assert fake.requests == []
    assert r.returncode == 2
    assert "BOGUSMISSING" in r.stderr and "Traceback" not in r.stderr


def test_fetch_arxiv_with_neither_ids_nor_categories_says_what_it_needs(cli: Any) -> None:
    r = cli("fetch", "--source", "arxiv", "--date", DATE)
    assert r.returncode == 2
    assert "--id" in r.stderr and "--category" in r.stderr


# -- Hugging Face papers get their arXiv metadata --------------------------------------------------------

def hf_store(settings: Settings) -> Any:
    store = open_store(settings)
    entries = [ListingEntry(DATE, Paper("2502.00001", "HF Title One", ["Hf Author"], abstract="HF abstract.",
                                        thumbnail="https://cdn.example/1.png"), "hf", 0, upvotes=42),
               ListingEntry(DATE, Paper("2502.00002", "HF Title Two", ["Other Author"], abstract="Two."),
                            "hf", 1, upvotes=7),
               ListingEntry(DATE, Paper("2502.00003", "Already Known", ["X"], abstract="Three.", version=4),
                            "hf", 2, upvotes=1)]
    store.save_listing(Listing(DATE, "hf", entries))
    return store


def test_complete_metadata_adds_arxiv_fields_and_keeps_the_hf_ones(tmp_path: Path) -> None:
    arxiv_side = {"2502.00001": entry("2502.00001", 3, ("cs.CL", "cs.AI"), comment="9 pages")}
    with FakeArxiv(arxiv_side) as fake:
        settings = Settings(home=tmp_path, arxiv_api_url=api_url(fake), arxiv_delay=0.0, retries=0)
        store = hf_store(settings)
        reader = TextReader(store, settings)
        papers = reader.complete_metadata([e.paper for e in store.day(DATE)])
        [req] = api_requests(fake)
    assert req.query["id_list"] == ["2502.00001,2502.00002"]  # only the papers with no version
    one, two, three = papers
    assert (one.version, one.categories, one.primary_category, one.comment) == (3, ["cs.CL", "cs.AI"], "cs.CL", "9 pages")
    assert one.pdf_link == "https://arxiv.org/pdf/2502.00001v3"
    assert (one.title, one.authors, one.abstract) == ("HF Title One", ["Hf Author"], "HF abstract.")
    assert one.thumbnail == "https://cdn.example/1.png"
    assert two.version is None and three.version == 4
    assert any("2502.00002" in n for n in reader.notes), reader.notes
    day = store.day(DATE)
    assert [(e.paper.id, e.upvotes) for e in day] == [("2502.00001", 42), ("2502.00002", 7), ("2502.00003", 1)]
    assert day[0].paper.version == 3 and day[0].paper.title == "HF Title One"
    assert day[0].paper.categories == ["cs.CL", "cs.AI"]


def test_complete_metadata_when_arxiv_is_unreachable_notes_it_and_goes_on(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, arxiv_api_url=f"{UNREACHABLE}/api/query", arxiv_delay=0.0, retries=0)
    store = hf_store(settings)
    reader = TextReader(store, settings)
    before = [e.paper for e in store.day(DATE)]
    after = reader.complete_metadata(before)
    assert [(p.id, p.version, p.title) for p in after] == [(p.id, p.version, p.title) for p in before]
    assert len(reader.notes) == 1 and "arXiv" in reader.notes[0]
    assert [e.paper.version for e in store.day(DATE)] == [None, None, 4]


def test_complete_metadata_reading_only_abstracts_asks_nothing(tmp_path: Path) -> None:
    with FakeArxiv({"2502.00001": entry("2502.00001", 3)}) as fake:
        settings = Settings(home=tmp_path, arxiv_api_url=api_url(fake), arxiv_delay=0.0, retries=0,
                            text_sources="abstract")
        store = hf_store(settings)
        TextReader(store, settings).complete_metadata([e.paper for e in store.day(DATE)])
        assert fake.requests == []
