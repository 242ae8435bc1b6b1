"""Thumbnails are downloaded at build time from (a fake) Hugging Face CDN into the site, cached
between builds by URL hash in HOME/cache/media, and replaced by a neutral placeholder when they
cannot be had (a 404, a wrong content type, bytes that are not what the server says, a body over
the limit, a host that is not allowed (never asked), or a host that cannot be reached) are left
out: the card has no picture, never a placeholder."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from dailypapers import pipeline
from dailypapers.http import PoliteGate, RetryPolicy
from dailypapers.models import Paper
from dailypapers.publish.media import MediaCache, sniff, url_key
from dailypapers.publish.site import SitePublisher
from dailypapers.store import Store
from tests.fakes import Answer, FakeArxiv
from tests.site_helpers import DAYS, MediaHost, fill, png, read, settings_for

THUMB = "/social-thumbnails/papers/{}.png"


def _thumb_srcs(site: Path, pid: str) -> list[str]:
    return [e.attrs["src"] for e in read(site / "ko" / "papers" / f"{pid}.html").find("img")]


def test_thumbnails_are_downloaded_into_the_site_and_cached(tmp_path: Path) -> None:
    with MediaHost() as host:
        settings = settings_for(tmp_path / "home", host.url)
        store = Store.open(settings.db_path)
        fill(store, host.url)
        first = pipeline.build_site(store, settings, tmp_path / "site", search=False)
        assert sorted(host.paths()) == sorted(THUMB.format(p) for p in
                                              ["2502.00101", "2502.00202", "2502.00404", "2502.00505",
                                               "2502.00606", "2502.00707", "2502.00808"])
        assert first.media.downloaded == 7 and not first.media.failed  # type: ignore[union-attr]
        asked = len(host.requests)
        second = pipeline.build_site(store, settings, tmp_path / "site", search=False)
        assert len(host.requests) == asked  # the second build asks nothing
        assert second.media.cached == 7 and second.media.downloaded == 0  # type: ignore[union-attr]
    site = tmp_path / "site"
    media = sorted((site / "media").iterdir())
    assert len(media) == 7 and all(p.read_bytes() == png() for p in media)
    cache = settings.cache_dir / "media"
    assert (cache / f"{url_key(host.url + THUMB.format('2502.00101'))}.png").read_bytes() == png()
    src = _thumb_srcs(site, "2502.00101")[0]
    assert src.startswith("../../media/") and (site / "ko" / "papers" / src).resolve().is_file()
    # a site built elsewhere from the same cache still has its own copy of every file
    pipeline.build_site(store, settings, tmp_path / "copy", download_media=False, search=False)
    assert len(list((tmp_path / "copy" / "media").iterdir())) == 7


def test_a_thumbnail_that_cannot_be_had_is_left_out(tmp_path: Path) -> None:
    with MediaHost() as host:
        host.files[THUMB.format("2502.00101")] = Answer(404, b"no", {"Content-Type": "text/plain"})
        host.files[THUMB.format("2502.00202")] = Answer(200, b"<html>login</html>", {"Content-Type": "text/html"})
        host.files[THUMB.format("2502.00404")] = Answer(200, b"<svg onload=alert(1)/>", {"Content-Type": "image/png"})
        host.files[THUMB.format("2502.00505")] = Answer(200, b"<svg/>", {"Content-Type": "image/svg+xml"})
        settings = settings_for(tmp_path / "home", host.url)
        store = Store.open(settings.db_path)
        fill(store, host.url)
        report = pipeline.build_site(store, settings, tmp_path / "site", search=False)
        failed = dict(report.media.failed)  # type: ignore[union-attr]
        assert len(failed) == 4, failed
        assert "HTTP 404" in failed[host.url + THUMB.format("2502.00101")]
        assert "text/html" in failed[host.url + THUMB.format("2502.00202")]
        assert "bytes" in failed[host.url + THUMB.format("2502.00404")]
        asked = len(host.requests)
        pipeline.build_site(store, settings, tmp_path / "site", search=False)
        assert len(host.requests) == asked  # a failure is remembered for a while, not asked again
    site = tmp_path / "site"
    for pid in ("2502.00101", "2502.00202", "2502.00404", "2502.00505"):
        assert _thumb_srcs(site, pid) == [], pid
    assert _thumb_srcs(site, "2502.00606")[0].startswith("../../media/")
    day = read(site / "ko" / "days" / f"{DAYS[0]}.html")
    no_picture = [e.attrs["id"] for e in day.find("article") if "no-picture" in e.attrs["class"].split()]
    assert no_picture == ["p-2502.00101", "p-2502.00202", "p-2502.00303", "p-2502.00404", "p-2502.00505"]
    assert len(list((site / "media").iterdir())) == 3


def test_only_the_allowed_hosts_are_asked(tmp_path: Path) -> None:
    with MediaHost() as host, MediaHost() as other:
        cache = MediaCache(tmp_path / "cache", {"127.0.0.1"}, policy=RetryPolicy(retries=0))
        elsewhere = other.url.replace("127.0.0.1", "localhost")
        ok = host.url + THUMB.format("1")
        got = cache.resolve([ok, f"{elsewhere}/x.png", "javascript:alert(1)", "file:///etc/passwd",
                             "ftp://127.0.0.1/x.png"])
        assert got.pop(ok) is not None and all(v is None for v in got.values())
        assert other.requests == []  # localhost is not 127.0.0.1: never asked
        assert len(host.requests) == 1


def test_a_redirect_to_another_host_is_refused(tmp_path: Path) -> None:
    with MediaHost() as host, MediaHost() as other:
        target = other.url.replace("127.0.0.1", "localhost") + THUMB.format("1")
        host.files["/moved.png"] = Answer(302, b"", {"Location": target})
        cache = MediaCache(tmp_path / "cache", {"127.0.0.1"}, policy=RetryPolicy(retries=0))
        got = cache.resolve([host.url + "/moved.png"])
        assert got[host.url + "/moved.png"] is None and other.requests == []
        assert "not one of the configured hosts" in cache.report.failed[0][1]


def test_a_body_over_the_limit_is_refused(tmp_path: Path) -> None:
    with MediaHost() as host:
        host.files["/big.png"] = Answer(200, png(400, 400), {"Content-Type": "image/png"})
        cache = MediaCache(tmp_path / "cache", {"127.0.0.1"}, max_image_bytes=500, max_video_bytes=500,
                           policy=RetryPolicy(retries=0))
        assert cache.resolve([host.url + "/big.png"])[host.url + "/big.png"] is None
        assert "limit" in cache.report.failed[0][1]
        assert not list((tmp_path / "cache").glob("*.png"))


def test_videos_are_kept_and_shown_as_video(tmp_path: Path) -> None:
    mp4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    with MediaHost() as host:
        host.files["/clip.mp4"] = Answer(200, mp4, {"Content-Type": "video/mp4"})
        cache = MediaCache(tmp_path / "cache", {"127.0.0.1"}, policy=RetryPolicy(retries=0))
        got = cache.resolve([host.url + "/clip.mp4"])[host.url + "/clip.mp4"]
        assert got is not None and got.kind == "video" and got.name.endswith(".mp4")
        settings = settings_for(tmp_path / "home", host.url)
        store = Store.open(settings.db_path)
        fill(store, host.url)
        p = store.paper("2502.00303")
        assert isinstance(p, Paper)
        from dailypapers.models import Listing, ListingEntry

        p.media_urls = [host.url + "/clip.mp4"]
        store.save_listing(Listing(DAYS[0], "hf", [ListingEntry(DAYS[0], p, "hf")]))
        pipeline.build_site(store, settings, tmp_path / "site", search=False)
    page = read(tmp_path / "site" / "ko" / "papers" / "2502.00303.html")
    videos = page.find("video")
    assert len(videos) == 1 and videos[0].attrs["src"].startswith("../../media/")
    assert "controls" in videos[0].attrs and "autoplay" not in videos[0].attrs


def test_an_unreachable_host_is_tried_once_per_build_and_not_remembered(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path / "cache", {"127.0.0.1"}, policy=RetryPolicy(retries=0), workers=1)
    urls = [f"http://127.0.0.1:9/{i}.png" for i in range(5)]  # the discard port: nothing listens
    got = cache.resolve(urls)
    assert all(v is None for v in got.values())
    assert sum("skipped" in why for _, why in cache.report.failed) == 4
    assert not list((tmp_path / "cache").glob("*.failed"))  # the next build tries again


def test_offline_builds_use_the_cache_only(tmp_path: Path) -> None:
    with MediaHost() as host:
        url = host.url + THUMB.format("1")
        MediaCache(tmp_path / "cache", {"127.0.0.1"}).resolve([url])
        asked = len(host.requests)
        offline = MediaCache(tmp_path / "cache", {"127.0.0.1"}, offline=True)
        got = offline.resolve([url, host.url + THUMB.format("2")])
        assert got[url] is not None and got[host.url + THUMB.format("2")] is None
        assert len(host.requests) == asked


def test_sniffing() -> None:
    assert sniff(png()) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b"GIF89a....") == "image/gif"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"\x1a\x45\xdf\xa3webm") == "video/webm"
    assert sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert sniff(b"<html>") is None


def test_figures_are_asked_of_arxiv_one_at_a_time_at_its_pace(tmp_path: Path) -> None:
    delay = 0.25
    images = {f"2502.0000{i}v1/x1.png": Answer(200, png(), {"Content-Type": "image/png"}) for i in range(1, 4)}
    urls = [f"/html/{ref}" for ref in images]
    with FakeArxiv(htmls=dict(images), latency=0.1) as arxiv:
        cache = MediaCache(tmp_path / "cache", {"127.0.0.1"}, policy=RetryPolicy(retries=0),
                           gates={"127.0.0.1": PoliteGate(delay)})
        got = cache.resolve([arxiv.url + u for u in urls])
        assert all(v is not None for v in got.values()) and arxiv.max_in_flight == 1
        times = sorted(r.at for r in arxiv.requests)
        assert len(times) == 3 and all(b - a >= delay - 0.05 for a, b in zip(times, times[1:])), times
    with FakeArxiv(htmls=dict(images), latency=0.3) as arxiv:  # the measurement works: no gate, no pace
        MediaCache(tmp_path / "other", {"127.0.0.1"}, policy=RetryPolicy(retries=0)).resolve(
            [arxiv.url + u for u in urls])
        assert arxiv.max_in_flight > 1


def test_the_site_asks_the_arxiv_host_for_figures_through_its_gate(tmp_path: Path) -> None:
    settings = dataclasses.replace(settings_for(tmp_path / "home"), arxiv_url="https://arxiv.example:8443/base",
                                   arxiv_delay=7.0)
    cache = SitePublisher(settings.site_options(tmp_path / "site")).media_cache()
    assert "arxiv.example" in cache.allowed_hosts and "cdn-thumbnails.huggingface.co" in cache.allowed_hosts
    assert cache.gates["arxiv.example"].interval == 7.0
    assert cache.gates["arxiv.example"].lock_path == settings.arxiv_lock
    assert cache.allowed("https://arxiv.example/html/2502.00001v1/x1.png") is None
    assert cache.allowed("https://elsewhere.example/x1.png") is not None
