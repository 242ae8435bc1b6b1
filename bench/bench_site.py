"""The static site at scale: a full build for 10,000 papers over 400 days, and a rebuild after one
day changed, as a ratio to the full build.

A real SQLite store (temporary folder) is filled with `--papers` invented papers over `--days`
consecutive days (the same number each day), written straight into its tables in one
transaction: titles, authors, abstracts, Hugging Face keywords (from a pool, so keyword pages
exist), arXiv categories, upvotes, GitHub repositories, and a three-section summary per paper in
each of `--langs` (Korean by default, with a vocabulary large enough to make a realistic search
index). Then `pipeline.build_site` runs as `render --format html` does, except that media
downloads are off (offline: no thumbnail or figure is shown, no network):

1. full: a build into an empty folder;
2. rebuild: the store is changed the way a later run of a day changes it (one paper of that day
   gets a new summary, from another model, in each language; `--change latest` by default, the
   front page's day, or `middle`), and the site is built again over the first one.

Baseline in the same command: writing the full build's files (same folders, same bytes) into an
empty folder with plain `open().write()`, the floor any static-site build on this disk has.

Printed for each: wall time, pages written and pages kept (linked from the previous build), and
where the time went: reading the store, rendering the pages, Pagefind, the feeds; and the ratio
rebuild / full. With `--no-search-too` (default on) the same two builds are timed again with
search off, to show Pagefind's share.

    .venv/bin/python bench/bench_site.py                       # 10,000 papers, 400 days, ko
    .venv/bin/python bench/bench_site.py --langs ko,en         # two languages: twice the pages
    .venv/bin/python bench/bench_site.py --papers 2000 --days 80 --search-only
    .venv/bin/python bench/bench_site.py --change middle --profile
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from dailypapers import pipeline  # noqa: E402
from dailypapers.config import Settings  # noqa: E402
from dailypapers.models import Paper, Section, Summary, SummaryKey  # noqa: E402
from dailypapers.publish import site as site_publisher  # noqa: E402
from dailypapers.render.site import pages as site_pages  # noqa: E402
from dailypapers.store import Store, _paper_row  # noqa: E402
from dailypapers.store.schema import listings, papers, summaries  # noqa: E402

FIRST_DAY = dt.date(2024, 1, 1)
CATEGORIES = ["cs.CL", "cs.LG", "cs.CV", "cs.AI", "cs.RO", "cs.IR", "cs.SD", "cs.CR", "cs.SE", "cs.DC",
              "stat.ML", "eess.AS", "eess.IV", "cs.HC", "cs.NE", "math.OC", "q-bio.QM", "cs.MA", "cs.GR", "cs.DB"]
HANGUL_SYLLABLES = ("가 간 강 개 거 건 검 게 결 경 계 고 공 과 관 교 구 국 규 그 기 김 나 내 노 논 는 다 단 대 데 도 동 "
                    "된 들 등 라 랑 량 러 레 로 론 료 루 류 률 리 립 마 만 많 망 메 명 모 목 문 미 바 반 방 배 번 법 "
                    "변 보 복 본 부 분 비 사 산 상 새 생 서 선 설 성 세 소 속 손 수 순 스 습 시 식 신 실 심 아 안 "
                    "알 압 약 양 어 언 얻 업 에 여 역 연 영 예 오 완 외 요 용 우 운 원 위 유 율 으 은 을 음 응 의 이 "
                    "인 일 입 있 자 작 잡 장 재 적 전 점 정 제 조 존 종 주 준 중 증 지 직 진 질 집 차 참 처 체 초 "
                    "최 추 축 출 측 층 치 칙 크 큰 타 탐 태 터 테 토 통 트 특 파 판 패 평 포 표 품 프 피 필 하 학 "
                    "한 할 합 항 해 핵 행 향 허 험 현 형 호 화 확 환 활 회 효 후 훈 희").split()
KO_ENDINGS = ["을", "를", "은", "는", "이", "가", "에서", "으로", "의", "과", "와", "도"]
KO_VERBS = ["제안합니다", "보입니다", "개선합니다", "줄입니다", "학습합니다", "평가합니다", "달성합니다", "분석합니다"]


def en_word(rng: random.Random) -> str:
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))


def ko_word(rng: random.Random) -> str:
    return "".join(rng.choice(HANGUL_SYLLABLES) for _ in range(rng.randint(2, 3)))


class Inventor:
    """Invented papers and summaries, the same for the same seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.en_vocab = [en_word(rng) for _ in range(6000)]
        self.ko_vocab = [ko_word(rng) for _ in range(4000)]
        self.keywords = [f"{rng.choice(self.en_vocab)} {rng.choice(self.en_vocab)}" for _ in range(400)]
        self.names = [f"{en_word(rng).title()} {en_word(rng).title()}" for _ in range(3000)]

    def en_sentence(self, n: int) -> str:
        words = [self.rng.choice(self.en_vocab) for _ in range(n)]
        return " ".join(words).capitalize() + "."

    def ko_sentence(self) -> str:
        rng = self.rng
        parts = [rng.choice(self.ko_vocab) + rng.choice(KO_ENDINGS) for _ in range(rng.randint(5, 9))]
        return f"{' '.join(parts)} {rng.randint(2, 95)}.{rng.randint(0, 9)}% {rng.choice(KO_VERBS)}."

    def paper(self, pid: str, date: str) -> Paper:
        rng = self.rng
        return Paper(
            id=pid, version=1, title=self.en_sentence(rng.randint(5, 11))[:-1],
            authors=rng.sample(self.names, rng.randint(2, 9)),
            abstract=" ".join(self.en_sentence(rng.randint(12, 24)) for _ in range(rng.randint(4, 7))),
            published_at=f"{date}T00:00:00.000Z",
            thumbnail=f"https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{pid}.png",
            num_comments=rng.randint(0, 6),
            github_repo=f"https://github.com/{en_word(rng)}/{en_word(rng)}" if rng.random() < 0.4 else None,
            github_stars=rng.randint(0, 5000) if rng.random() < 0.4 else None,
            ai_keywords=rng.sample(self.keywords, rng.randint(3, 6)),
            categories=rng.sample(CATEGORIES, rng.randint(1, 3)),
        )

    def sections(self, lang: str) -> list[tuple[str, str]]:
        labels = ("What's New", "Technical Details", "Performance Highlights")
        if lang == "ko":
            return [(label, " ".join(self.ko_sentence() for _ in range(self.rng.randint(2, 4)))) for label in labels]
        return [(label, " ".join(self.en_sentence(self.rng.randint(10, 20)) for _ in range(self.rng.randint(2, 4))))
                for label in labels]


def fill_store(store: Store, n_papers: int, n_days: int, langs: list[str], seed: int) -> dict[str, list[str]]:
    """Every table row in one transaction. Returns date -> paper ids in digest order."""
    inv = Inventor(seed)
    per_day = -(-n_papers // n_days)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    paper_rows, listing_rows, summary_rows = [], [], []
    order: dict[str, list[str]] = {}
    made = 0
    for d in range(n_days):
        date = (FIRST_DAY + dt.timedelta(days=d)).isoformat()
        order[date] = []
        for i in range(min(per_day, n_papers - made)):
            pid = f"{date[2:4]}{date[5:7]}.{d:03d}{i:02d}"
            p = inv.paper(pid, date)
            paper_rows.append({"id": pid, **_paper_row(p)})
            listing_rows.append({"date": date, "paper_id": pid, "source": "hf", "position": i,
                                 "upvotes": inv.rng.randint(0, 300), "upvotes_read_at": now})
            for lang in langs:
                summary_rows.append({
                    "paper_id": pid, "version": 1, "text_source": "abstract", "lang": lang,
                    "model": "openai/gpt-4o-mini", "prompt_version": "v3",
                    "sections": json.dumps(inv.sections(lang), ensure_ascii=False),
                    "prompt_tokens": 900, "completion_tokens": 300, "requests": 1, "run_id": None,
                    "created_at": f"{date}T09:00:00+00:00", "findings": "[]", "attempts": 1, "cost": 0.0003})
            order[date].append(pid)
            made += 1
    with store.engine.begin() as conn:
        conn.execute(papers.insert(), paper_rows)
        conn.execute(listings.insert(), listing_rows)
        conn.execute(summaries.insert(), summary_rows)
    return order


def change_one_day(store: Store, order: dict[str, list[str]], which: str, langs: list[str], seed: int) -> str:
    """What a later run of a day does: one of its papers gets a new summary in each language."""
    dates = sorted(order)
    date = dates[-1] if which == "latest" else dates[len(dates) // 2]
    inv = Inventor(seed + 1)
    pid = order[date][len(order[date]) // 2]
    for lang in langs:
        store.save_summary(Summary(SummaryKey(pid, 1, "abstract", lang, "openai/gpt-4.1-mini", "v3"),
                                   [Section(label, text) for label, text in inv.sections(lang)],
                                   created_at=f"{date}T21:00:00+00:00"))
    return date


class Phases:
    """Wall time spent in parts of the build, by wrapping the functions that do them."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.times[label] = self.times.get(label, 0.0) + time.perf_counter() - start

        setattr(owner, name, timed)
        self._undo.append(lambda: setattr(owner, name, original))

    def __enter__(self) -> Phases:
        from dailypapers.render import feeds

        self.wrap(site_publisher, "build_site", "site")  # everything after reading the store
        self.wrap(site_publisher, "run_pagefind", "pagefind")
        self.wrap(feeds, "feed_files", "feeds")
        self.wrap(site_pages, "render_page", "render")
        return self

    def __exit__(self, *exc: object) -> None:
        for undo in reversed(self._undo):
            undo()


def build(store: Store, settings: Settings, out: Path, search: bool, profile: bool) -> dict[str, Any]:
    prof = cProfile.Profile() if profile else None
    with Phases() as phases:
        start = time.perf_counter()
        if prof:
            prof.enable()
        report = pipeline.build_site(store, settings, out, download_media=False, search=search)
        if prof:
            prof.disable()
        total = time.perf_counter() - start
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    t = phases.times
    return {"total": total, "read store": total - t.get("site", 0.0), "render": t.get("render", 0.0),
            "pagefind": t.get("pagefind", 0.0), "feeds": t.get("feeds", 0.0),
            "other": t.get("site", 0.0) - t.get("render", 0.0) - t.get("pagefind", 0.0) - t.get("feeds", 0.0),
            "written": len(report.written), "kept": report.kept, "pages": len(report.written) + report.kept,
            "search": report.search}


def folder_size(path: Path) -> tuple[int, int]:
    files = size = 0
    for p in path.rglob("*"):
        if p.is_file():
            files += 1
            size += p.stat().st_size
    return files, size


def write_floor(site: Path, tmp: Path) -> float:
    """Baseline: the time this machine takes to write the built site's files (same folders, same
    bytes) into an empty folder with plain open().write(), nothing else."""
    files = [(p.relative_to(site), p.read_bytes()) for p in site.rglob("*") if p.is_file()]
    target = tmp / "floor"
    start = time.perf_counter()
    made: set[Path] = set()
    for rel, data in files:
        parent = (target / rel).parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        with open(target / rel, "wb") as f:
            f.write(data)
    took = time.perf_counter() - start
    shutil.rmtree(target)
    return took


def db_size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def line(name: str, r: dict[str, Any]) -> str:
    return (f"{name:<10} {r['total']:8.2f} s   pages {r['pages']:>6,} "
            f"(written {r['written']:>6,}, kept {r['kept']:>6,})"
            f"   read store {r['read store']:6.2f}  render {r['render']:6.2f}  pagefind {r['pagefind']:6.2f}"
            f"  feeds {r['feeds']:5.2f}  other {r['other']:6.2f}")


def run(tmp: Path, args: argparse.Namespace, search: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    langs = args.langs.split(",")
    home = tmp / f"home-{'search' if search else 'nosearch'}"
    settings = Settings(home=home, hf_endpoint="http://127.0.0.1:9", lang=langs[0], timeout=10)
    store = Store.open(settings.db_path)
    start = time.perf_counter()
    order = fill_store(store, args.papers, args.days, langs, args.seed)
    print(f"store: {sum(map(len, order.values())):,} papers over {len(order)} days, {len(langs)} language(s), "
          f"filled in {time.perf_counter() - start:.1f} s ({db_size(settings.db_path) / 1e6:.1f} MB)")
    out = tmp / f"site-{'search' if search else 'nosearch'}"
    full = build(store, settings, out, search, args.profile)
    files, size = folder_size(out)
    print(line("full", full) + f"   -> {files:,} files, {size / 1e6:.0f} MB")
    floor = write_floor(out, tmp)
    print(f"{'baseline':<10} {floor:8.2f} s   writing the same {files:,} files with open().write() alone"
          f" (full build / baseline: {full['total'] / floor:.1f})")
    date = change_one_day(store, order, args.change, langs, args.seed)
    re = build(store, settings, out, search, args.profile)
    print(line("rebuild", re) + f"   (changed: one summary per language on {date})")
    print(f"{'ratio':<10} {re['total'] / full['total']:8.3f}   rebuild / full, search {'on' if search else 'off'}")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    return full, re


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=400)
    ap.add_argument("--langs", default="ko", help="summary languages, comma-separated (the first is the default)")
    ap.add_argument("--change", choices=["latest", "middle"], default="latest",
                    help="which day gets a new summary before the rebuild")
    ap.add_argument("--search-only", action="store_true", help="skip the second pair of builds with search off")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--profile", action="store_true", help="cProfile each build (slower)")
    args = ap.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        on = run(Path(tmp), args, search=True)
        if not args.search_only:
            off = run(Path(tmp), args, search=False)
            print(f"pagefind's share: full {on[0]['pagefind'] / on[0]['total']:.0%} of {on[0]['total']:.1f} s, "
                  f"rebuild {on[1]['pagefind'] / on[1]['total']:.0%} of {on[1]['total']:.1f} s; "
                  f"without search: full {off[0]['total']:.1f} s, rebuild {off[1]['total']:.1f} s "
                  f"(ratio {off[1]['total'] / off[0]['total']:.3f})")


if __name__ == "__main__":
    main()
