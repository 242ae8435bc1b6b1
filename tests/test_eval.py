"""`dailypapers eval REFERENCE.md`: the store's summaries against a reference digest, both
checked against the papers' text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.fakes import FakeHF, FakeLLM, paper_id_of

OURS = {
    "2502.00101": {
        "whats_new": "이 논문은 희소 라우터(sparse routers)를 제안합니다. 각 토큰은 두 전문가로 갑니다.",
        "technical_details": "라우터는 대조 손실(contrastive loss)로 학습됩니다. 구조는 단순합니다.",
        "performance_highlights": "128K 토큰 입력에서 정확도가 4.2%p 올랐습니다. 긴 입력에서도 유지됩니다.",
    },
    "2502.00202": {
        "whats_new": "이 논문은 자기 점검(self-checking) 학습법을 소개합니다. 작은 모델의 산술 실수를 줄입니다.",
        "technical_details": "모델이 답을 다시 유도해 봅니다. 불일치를 표시합니다.",
        "performance_highlights": "1.5B 모델이 GSM8K에서 71.3%를 기록했습니다. 작은 모델도 정확해졌습니다.",
    },
}
# The reference: 2502.00101 with an invented figure (9.9%p) and English leaking in; 2502.00202
# complete and right; 2502.00303 has no summary of ours.
REFERENCE = """## Daily Papers (2025-02-03)

### [Sparse Routers for Long-Context Retrieval](https://arxiv.org/abs/2502.00101)

Authors: Mina Park, Jonas Weber

- ***What's New***: 긴 입력 검색을 위해 희소 라우터(sparse routers)를 제안합니다. 토큰마다 두 전문가만 씁니다.
- ***Performance Highlights***: 정확도가 9.9%p 올랐습니다. 128K 토큰에서 측정했습니다.

### [Teaching Small Models to Check Their Own Arithmetic](https://arxiv.org/abs/2502.00202)

Authors: Aiko Tanaka

- ***What's New***: 자기 점검(self-checking)이라는 학습법을 소개합니다. 산술 실수를 줄입니다.
- ***Technical Details***: 모델이 답을 다시 유도합니다. 불일치가 있으면 표시합니다.
- ***Performance Highlights***: 1.5B 모델이 GSM8K에서 71.3%를 기록했습니다. 기존보다 높습니다.

### [A Benchmark of Tables in Scanned Reports](https://arxiv.org/abs/2502.00303)

Authors: Priya Raman, Tomás Ortega, Lea Vogel

- ***What's New***: 스캔된 보고서의 표 12,000개로 만든 벤치마크입니다. 표 읽기는 어렵습니다.
- ***Technical Details***: 보고서에서 표를 모았습니다. 사람이 검수했습니다.
- ***Performance Highlights***: 최고 모델이 64.0 F1을 기록했습니다. 아직 개선 여지가 큽니다.

"""


def test_eval_compares_the_store_with_a_reference(cli, hf_day, tmp_path: Path) -> None:
    date, items = hf_day
    items = [i for i in items if i["paper"]["id"] in ("2502.00101", "2502.00202", "2502.00303")]
    reference = tmp_path / "reference.md"
    reference.write_text(REFERENCE, encoding="utf-8")

    def respond(body: dict[str, Any]) -> str:
        pid = paper_id_of(body)
        return json.dumps(OURS.get(pid) or {"whats_new": "", "technical_details": "", "performance_highlights": ""},
                          ensure_ascii=False)

    env = lambda hf, llm: {"HF_ENDPOINT": hf.url, "OPENAI_BASE_URL": llm.url + "/v1",
                           "DAILYPAPERS_TEXT_SOURCES": "abstract"}
    with FakeHF({date: items}) as hf, FakeLLM(respond) as llm:
        cli("run", "--date", date, "--lang", "ko", "--llm", "openai-compatible/t", "-o", str(tmp_path / "d.md"),
            env=env(hf, llm))
        r = cli("eval", str(reference), "--json", env=env(hf, llm))
        table = cli("eval", str(reference), env=env(hf, llm))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["lang"] == "ko"
    rows = {p["id"]: p for p in data["papers"]}
    assert list(rows) == ["2502.00101", "2502.00202", "2502.00303"]

    first = rows["2502.00101"]
    assert first["checked_against"] == "abstract"
    assert first["reference"]["sections"] == 2 and first["ours"]["sections"] == 3
    # reference: 9.9 (invented) and 128K (in the paper); ours: 128K and 4.2, both in the paper
    assert (first["reference"]["supported"], first["reference"]["figures"]) == (1, 2)
    assert (first["ours"]["supported"], first["ours"]["figures"]) == (2, 2)
    assert first["figure_overlap"] == 1 / 3  # {128K} of {9.9, 128K, 4.2}
    assert first["term_overlap"] == 0.5  # {sparse routers} of {sparse routers, contrastive loss}
    assert first["reference"]["purity"] == 1.0 and first["ours"]["purity"] == 1.0

    second = rows["2502.00202"]
    assert (second["reference"]["supported"], second["reference"]["figures"]) == (2, 2)
    assert second["figure_overlap"] == 1.0

    third = rows["2502.00303"]
    assert third["ours"] is None and third["figure_overlap"] is None
    assert (third["reference"]["supported"], third["reference"]["figures"]) == (2, 2)  # 12,000 and 64.0

    overall = data["overall"]
    assert overall["papers"] == 3
    assert overall["reference"]["figures"] == 6 and overall["reference"]["supported"] == 5
    assert overall["ours"]["papers"] == 2 and overall["ours"]["supported"] == overall["ours"]["figures"] == 4

    assert table.returncode == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:2] == ["paper", "text"]
    assert any(line.startswith("2502.00101") and "1/2" in line and "2/2" in line for line in lines)
    assert any(line.startswith("overall (3)") and "5/6" in line for line in lines)


def test_eval_of_a_file_that_is_not_a_digest_is_a_usage_error(cli, tmp_path: Path) -> None:
    bad = tmp_path / "notes.md"
    bad.write_text("# my notes\n\nnothing here\n", encoding="utf-8")
    r = cli("eval", str(bad))
    assert r.returncode == 2
    assert "notes.md" in r.stderr
