"""A day in the store for the publish tests: ordinary papers, a paper with hostile text, a paper with
long sections (longer than every chat service's message limit), and a paper with no summary."""

from __future__ import annotations

from pathlib import Path

from dailypapers.models import (
    SECTION_LABELS,
    Listing,
    ListingEntry,
    Paper,
    Section,
    Summary,
    SummaryKey,
)
from dailypapers.store import Store

DATE = "2025-02-03"
LANG = "ko"
MODEL = "fake/model"

HOSTILE_TITLE = ('<script>alert("x")</script> & <img src=x onerror=alert(1)> @everyone <!channel> '
                 "[click](javascript:alert(1)) *bold* _it_ `code`")
HOSTILE_TEXT = ('이 논문은 <b onmouseover="alert(1)">굵게</b> & 링크 <a href="javascript:alert(1)">여기</a>를 '
                "다룹니다. @here 와 <@123> 도 보냅니다. 성능은 4.2 포인트 올랐습니다 🚀.")


def long_section(label: str, sentences: int = 60) -> str:
    """Many distinct sentences, numbered so that a lost or repeated one shows."""
    return " ".join(f"{label} 문장 {i}번은 모델이 128K 토큰 입력에서 정확도를 {i}.{i % 10}% 높였다는 내용입니다."
                    for i in range(sentences))


PAPERS = [
    (Paper("2502.00101", "Sparse Routers for Long-Context Retrieval", ["Mina Park", "Jonas Weber"],
           version=1, github_repo="https://github.com/example/routers", github_stars=120), 42,
     ["희소 라우터를 제안합니다. 각 토큰을 두 전문가에게 보냅니다.",
      "대조 손실로 라우터를 학습합니다. 구현은 간단합니다.",
      "128K 토큰 입력에서 정확도가 4.2 포인트 올랐습니다."]),
    (Paper("2502.00202", HOSTILE_TITLE, ["<b>Eve</b> & Mallory", "Trent"], version=1,
           github_repo="javascript:alert(1)", project_page="https://example.org/p?a=1&b=2"), 31,
     [HOSTILE_TEXT, "기술적 세부 사항입니다. 자체 검증을 씁니다.", "GSM8K에서 71.3%를 얻었습니다."]),
    (Paper("2502.00303", "A Benchmark with Very Long Summaries", [f"Author {i}" for i in range(30)],
           version=1), 18,
     [long_section("새로움"), long_section("기술"), long_section("성능", 40)]),
    (Paper("2502.00404", "An [IDK] Token for Honest Answers", ["Noor Haddad"], version=1), 12, None),
    (Paper("2502.00505", "Korean Speech Recognition with Little Data", ["김민수", "이지은"], version=1), 9,
     ["한국어 의사 레이블링 파이프라인을 제안합니다.", "교사 모델이 레이블을 만듭니다.",
      "단어 오류율이 14.1%에서 9.8%로 떨어졌습니다."]),
]
SUMMARIZED = [p.id for p, _, texts in PAPERS if texts]
UNSUMMARIZED = [p.id for p, _, texts in PAPERS if not texts]


def fill(db: Path | str, date: str = DATE, lang: str = LANG) -> None:
    store = Store.open(db)
    try:
        store.save_listing(Listing(date, "hf", [ListingEntry(date, p, "hf", i, upvotes=votes)
                                                for i, (p, votes, _) in enumerate(PAPERS)]))
        for p, _, texts in PAPERS:
            if texts:
                key = SummaryKey(p.id, 1, "abstract", lang, MODEL, "v1")
                store.save_summary(Summary(key, [Section(lbl, t) for lbl, t in zip(SECTION_LABELS, texts)]))
    finally:
        store.close()


def sections_of(pid: str) -> list[str]:
    return next(texts for p, _, texts in PAPERS if p.id == pid) or []


def write_config(config_home: Path, text: str) -> Path:
    path = config_home / "dailypapers" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
