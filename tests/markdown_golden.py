"""What the hand-written golden digests in tests/golden/ say, as plain data typed by hand.

The Markdown files and these values were written separately: the render tests build a Digest from
this data and compare the output with the file byte for byte, and the round-trip tests compare what
`list --json` shows after an import with this data.
"""

from __future__ import annotations

from pathlib import Path

from dailypapers.models import Digest, DigestEntry, Paper, Section, Summary, SummaryKey

GOLDEN = Path(__file__).parent / "golden"

WN, TD, PH = "What's New", "Technical Details", "Performance Highlights"
THUMB = "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/{}.png"

KO_DATE = "2025-04-08"
KO_PAPERS: list[dict] = [
    dict(
        id="2504.05101",
        title="Teaching Language Models to Say an [IDK] Token",
        thumbnail=THUMB.format("2504.05101"),
        upvotes=41,
        authors=["Seo-yeon Kim", "Jürgen Müller", "Hyun-woo Cho"],
        sections=[
            (WN, "이 논문은 언어 모델이 답을 모를 때 추측하는 대신 전용 [IDK] 토큰을 출력하도록 학습시키는 방법을 "
                 "제안합니다. 환각(hallucination)을 줄이면서도 아는 질문에 대한 답변 능력은 유지하는 것이 목표입니다."),
            (TD, "사전 학습(pretraining) 단계에서 오답 위치의 확률 질량 일부를 [IDK] 토큰으로 옮기는 불확실성 인지 "
                 "손실(uncertainty-aware loss)을 사용합니다. 옮기는 비율은 모델의 예측 엔트로피(entropy)에 따라 "
                 "적응적으로 조절됩니다. 추가 미세 조정(fine-tuning) 없이 기존 디코딩 파이프라인에 그대로 적용할 수 "
                 "있습니다."),
            (PH, "사실성 벤치마크에서 정밀도(precision)가 평균 6.3%p 향상되었고, 재현율(recall) 손실은 1%p 미만에 "
                 "그쳤습니다. 7B 모델에서도 70B 모델과 비슷한 수준의 보류(abstention) 품질을 보였습니다."),
        ],
    ),
    dict(
        id="2504.05117",
        title="Interval Arithmetic on [0, 1) for Calibrated Confidence Estimation",
        thumbnail=THUMB.format("2504.05117"),
        upvotes=18,
        authors=["Zoë Ødegård", "Łukasz Nowak", "박지훈"],
        sections=[
            (WN, "이 연구는 신뢰도 추정(confidence estimation)을 하나의 점이 아닌 반열린 구간(half-open interval)으로 "
                 "표현하는 새로운 틀을 소개합니다. 구간의 폭이 곧 모델의 인식적 불확실성(epistemic uncertainty)을 "
                 "나타내도록 설계되었습니다."),
            (TD, "각 층의 활성값(activation)을 구간 산술(interval arithmetic)로 전파하여 출력 구간을 계산합니다. "
                 "구간이 지나치게 넓어지는 것을 막기 위해 층마다 학습 가능한 수축 계수(contraction factor)를 둡니다."),
            (PH, "다섯 개의 분류 데이터셋에서 기대 보정 오차(ECE)가 기존 온도 스케일링(temperature scaling) 대비 평균 "
                 "38% 감소했습니다. 추론 비용은 1.3배 증가하는 데 그쳤습니다."),
        ],
    ),
    dict(
        id="2504.05123",
        title="Smile :) Emoticon-Aware Reward Models for Dialogue",
        thumbnail=THUMB.format("2504.05123"),
        upvotes=9,
        authors=["François Lefèvre", "Ana Müller-Schön"],
        sections=[
            (WN, "이 논문은 대화 속 이모티콘(emoticon)과 이모지(emoji)가 담은 감정 신호를 보상 모델(reward model)에 "
                 "반영하는 방법을 다룹니다. 기존 보상 모델은 이러한 기호를 잡음으로 취급해 사용자의 실제 만족도를 "
                 "놓치는 경우가 많았습니다."),
            (TD, "저자들은 120만 개의 대화 턴에 감정 강도를 주석한 데이터셋을 구축했습니다. 보상 모델은 텍스트 "
                 "임베딩(text embedding)과 별도의 기호 인코더(symbol encoder)를 결합하여 학습됩니다. 학습된 보상은 "
                 "PPO 기반 정책 최적화에 그대로 사용됩니다."),
            (PH, "사람 평가에서 응답 선호도가 기준 모델보다 11.4%p 높았습니다. 특히 위로와 공감이 필요한 대화에서 "
                 "개선 폭이 가장 컸습니다."),
        ],
    ),
    dict(
        id="2504.05142",
        title="Self-Refining Code Agents with Unit-Test Feedback",
        thumbnail=None,
        upvotes=33,
        authors=["Daniel Okafor", "윤서아", "Mateus Gonçalves"],
        sections=[
            (WN, "이 논문은 코드 에이전트(code agent)가 스스로 작성한 단위 테스트(unit test)의 실패 기록을 읽고 "
                 "코드를 반복적으로 고치는 프레임워크를 제시합니다. 사람이 테스트를 제공하지 않아도 "
                 "자기 개선(self-refinement)이 가능하다는 점이 특징입니다."),
            (TD, "에이전트는 먼저 명세로부터 테스트를 생성하고, 실행 결과의 스택 트레이스(stack trace)를 요약해 "
                 "다음 수정의 입력으로 사용합니다. 잘못된 테스트에 과적합되는 것을 막기 위해 테스트 자체의 타당성을 "
                 "검증하는 판별 단계(verification step)를 둡니다."),
            (PH, "SWE-bench Lite에서 해결률이 27.0%에서 34.7%로 올랐습니다. 평균 수정 횟수는 2.4회로, 기존 "
                 "방법보다 1.8배 적은 호출로 같은 성능에 도달했습니다."),
        ],
    ),
    dict(
        id="2504.05150",
        title="A Survey of State Space Models (SSMs) for Vision",
        thumbnail=THUMB.format("2504.05150"),
        upvotes=None,
        authors=["Martina Rossi", "한도윤", "Arjun Mehta", "Elif Şahin"],
        sections=[
            (WN, "이 서베이(survey)는 비전 분야에 적용된 상태 공간 모델(state space model) 연구 140여 편을 체계적으로 "
                 "정리합니다. 트랜스포머(Transformer)와의 관계를 중심으로 설계 공간을 새롭게 분류한 것이 핵심 "
                 "기여입니다."),
            (TD, "저자들은 스캔 순서(scan order), 선택적 게이팅(selective gating), 하이브리드 구조라는 세 축으로 "
                 "모델들을 비교합니다. 동일한 학습 설정에서 대표 모델 12종을 다시 학습시켜 공정한 비교를 제공합니다."),
            (PH, "고해상도 분할(segmentation) 과제에서 SSM 계열은 같은 연산량의 ViT보다 mIoU가 평균 1.9%p "
                 "높았습니다. 반면 소규모 분류 데이터에서는 뚜렷한 이점이 관찰되지 않았습니다."),
        ],
    ),
    dict(
        id="2504.05166",
        title="Text-to-Motion Generation with Physics-Guided Diffusion",
        thumbnail="https://cdn-uploads.huggingface.co/production/uploads/64a1b2c3d4e5f6a7b8c9d0e1/motion_demo.mp4",
        upvotes=57,
        authors=["오지민", "Carlos Ibáñez", "Yuki Tanaka"],
        sections=[
            (WN, "이 논문은 텍스트 설명으로부터 물리적으로 그럴듯한 인체 동작을 생성하는 확산 모델(diffusion model)을 "
                 "제안합니다. 발이 미끄러지거나 몸이 바닥을 뚫는 등의 부자연스러운 동작을 크게 줄였습니다."),
            (TD, "디노이징(denoising) 단계마다 물리 시뮬레이터(physics simulator)의 접촉 정보를 가이던스(guidance) "
                 "신호로 주입합니다. 시뮬레이터는 미분 불가능하므로 저자들은 보상 기반 근사 기울기(approximate "
                 "gradient)를 사용합니다."),
            (PH, "HumanML3D에서 FID가 0.21로 기존 최고 성능보다 낮았고, 발 미끄러짐 지표는 62% 감소했습니다. "
                 "생성 속도는 기존 물리 기반 방법보다 4.5배 빨랐습니다."),
        ],
    ),
    dict(
        id="2504.05178",
        title="Token-Efficient Reasoning via Early Exit Probing",
        thumbnail=THUMB.format("2504.05178"),
        upvotes=12,
        authors=["Priya Raman", "서하준"],
        sections=[
            (WN, "이 연구는 사고 사슬(chain-of-thought) 추론 도중 모델이 이미 정답에 도달했는지를 판별해 생성을 "
                 "조기에 멈추는 방법을 제안합니다. 불필요하게 긴 추론으로 인한 토큰 낭비를 줄이는 것이 목적입니다."),
            (TD, "중간 은닉 상태(hidden state)에 가벼운 선형 프로브(linear probe)를 붙여 현재까지의 답이 최종 답과 "
                 "같을 확률을 예측합니다. 확률이 임계값을 넘으면 즉시 답을 출력하도록 디코딩을 중단합니다."),
        ],
    ),
    dict(
        id="2504.05189",
        title="KoMMLU-Pro: A Harder Korean Benchmark for Multitask Understanding",
        thumbnail=THUMB.format("2504.05189"),
        upvotes=64,
        authors=["이서준", "최유나", "정민호"],
        sections=[
            (WN, "이 논문은 기존 한국어 다중 과제 벤치마크(benchmark)가 포화 상태에 이르렀다는 문제의식에서 출발해 "
                 "더 어려운 KoMMLU-Pro를 공개합니다. 한국사, 법률, 의학 등 45개 분야에 걸친 1만 2천 개 문항으로 "
                 "구성됩니다."),
            (TD, "선택지를 4개에서 10개로 늘리고, 추론 단계가 필요한 문항의 비율을 높였습니다. 데이터 오염(data "
                 "contamination)을 막기 위해 모든 문항은 전문가가 새로 작성했으며 웹에 공개된 적이 없습니다."),
            (PH, "최신 상용 모델들의 정확도는 기존 벤치마크보다 평균 17.8%p 낮아졌습니다. 한국어 특화 모델과 다국어 "
                 "모델 간의 격차는 법률 분야에서 가장 크게 나타났습니다."),
        ],
    ),
    dict(
        id="2504.05203",
        title="Mixture of LoRA Experts for Continual Instruction Tuning",
        thumbnail=THUMB.format("2504.05203"),
        upvotes=21,
        authors=["Nguyễn Văn An", "Đặng Thị Hoa", "Rahul Sharma"],
        sections=[
            (WN, "이 논문은 새로운 지시 과제(instruction task)를 순차적으로 학습할 때 발생하는 파국적 "
                 "망각(catastrophic forgetting)을 LoRA 전문가 혼합으로 완화합니다. 과제마다 새로운 어댑터(adapter)를 "
                 "추가하되 라우터(router)가 이전 전문가를 재사용하도록 합니다."),
            (TD, "라우터는 입력 지시문의 임베딩을 기준으로 상위 2개의 LoRA 전문가를 선택합니다. 이전 과제의 전문가는 "
                 "동결(freeze)하고 새 전문가와 라우터만 학습하므로 메모리 사용량이 작습니다."),
            (PH, "15개 과제를 순차 학습한 뒤 평균 정확도가 기존 방법보다 5.6%p 높았고, 망각 지표는 절반 이하로 "
                 "줄었습니다. 추가 파라미터는 전체 모델의 0.8%에 불과합니다."),
        ],
    ),
    dict(
        id="2504.05215",
        title="Sparse Autoencoders Reveal Multilingual Features in LLMs",
        thumbnail=THUMB.format("2504.05215"),
        upvotes=0,
        authors=["Ingrid Søndergaard", "Tomás Ruiz-Peña"],
        sections=[
            (WN, "이 연구는 희소 오토인코더(sparse autoencoder)로 대형 언어 모델 내부에서 언어에 무관한 개념 "
                 "특징(feature)을 찾아냅니다. 같은 개념이 여러 언어에서 하나의 특징으로 활성화된다는 증거를 "
                 "제시합니다."),
            (TD, "중간 층의 잔차 스트림(residual stream)에 6만 5천 차원의 사전(dictionary)을 학습시킨 뒤, 병렬 "
                 "코퍼스(parallel corpus)에서 특징의 활성 패턴을 비교합니다. 특징을 인위적으로 조작하는 "
                 "조향(steering) 실험으로 인과 관계도 확인합니다."),
            (PH, "상위 1천 개 특징 중 72%가 10개 이상의 언어에서 공통으로 활성화되었습니다. 해당 특징을 조향하면 번역 "
                 "품질이 BLEU 기준 2.1점 향상되었습니다."),
        ],
    ),
    dict(
        id="2504.05228",
        title="World Models for Robotic Manipulation from Egocentric Video",
        thumbnail=THUMB.format("2504.05228"),
        upvotes=15,
        authors=["Kwame Mensah", "Björn Lindqvist", "임채원", "Aiko Watanabe"],
        sections=[
            (WN, "이 논문은 사람의 1인칭 영상(egocentric video)만으로 로봇 조작용 세계 모델(world model)을 사전 "
                 "학습하는 방법을 제안합니다. 값비싼 로봇 시연 데이터 없이도 물체의 움직임을 예측하는 능력을 얻을 수 "
                 "있습니다."),
            (TD, "영상에서 손과 물체의 궤적을 추출한 뒤, 이를 로봇 행동 공간(action space)으로 옮기는 "
                 "재표적화(retargeting) 모듈을 학습합니다. 세계 모델은 잠재 공간(latent space)에서 미래 프레임을 "
                 "예측하는 자기회귀(autoregressive) 트랜스포머입니다."),
            (PH, "실제 로봇 실험 8종에서 성공률이 평균 23%p 올랐습니다. 로봇 시연 데이터를 10%만 사용해도 전체 "
                 "데이터를 쓴 기준 모델과 비슷한 성능을 냈습니다."),
        ],
    ),
    dict(
        id="2504.05231",
        title="Diffusion Transformers at 4K Resolution without Upsamplers",
        thumbnail=THUMB.format("2504.05231"),
        upvotes=88,
        authors=["장우진", "Hannah Schmidt", "Mateo García", "Olga Petrova", "류소연", "Thabo Nkosi"],
        sections=[
            (WN, "이 연구는 별도의 업샘플러(upsampler) 없이 4K 해상도 이미지를 한 번에 생성하는 확산 "
                 "트랜스포머(diffusion transformer)를 소개합니다. 고해상도에서 흔히 나타나는 반복 패턴과 구조 붕괴 "
                 "문제를 해결했습니다."),
            (TD, "해상도에 따라 위치 인코딩(positional encoding)의 주파수를 조정하는 방식과, 지역 주의(local "
                 "attention)와 전역 주의(global attention)를 번갈아 쓰는 블록 설계를 결합합니다. 학습은 "
                 "저해상도에서 시작해 점진적으로 해상도를 높이는 커리큘럼(curriculum)으로 진행됩니다."),
            (PH, "4K 생성에서 기존 2단계 방법보다 FID가 14% 낮았고, 생성 시간은 2.7배 짧았습니다. 사람 평가에서도 "
                 "세부 묘사 항목의 선호도가 가장 높았습니다."),
        ],
    ),
    dict(
        id="2504.05246",
        title="Evaluating Long-Horizon Web Agents on Real Websites",
        thumbnail=THUMB.format("2504.05246"),
        upvotes=7,
        authors=["Ömer Yılmaz", "Chloé Dubois", "강하늘"],
        sections=[
            (WN, "이 논문은 실제 웹사이트에서 수십 단계가 필요한 장기 과제(long-horizon task)로 웹 에이전트(web "
                 "agent)를 평가하는 벤치마크를 제안합니다. 시뮬레이션 환경과 달리 로그인, 팝업, 동적 페이지 같은 "
                 "현실적인 장애물을 그대로 포함합니다."),
            (TD, "총 300개의 과제는 평균 27단계의 행동을 요구하며, 각 과제의 성공 여부는 최종 페이지 상태를 검사하는 "
                 "자동 판정기(checker)로 확인합니다. 웹사이트 변경에 대비해 판정기는 매주 다시 검증됩니다."),
            (PH, "가장 강력한 에이전트의 성공률도 19.3%에 그쳐 여전히 큰 개선 여지가 있음을 보여줍니다. 실패의 41%는 "
                 "중간 단계에서 목표를 잊어버리는 문제에서 비롯되었습니다."),
        ],
    ),
]

EN_DATE = "2025-04-09"
EN_PAPERS: list[dict] = [
    dict(
        id="2504.06012",
        title="Compressing KV Caches with Learned Low-Rank Projections (LoRP)",
        thumbnail=THUMB.format("2504.06012"),
        upvotes=36,
        authors=["Helena Varga", "Rohan Iyer", "Siobhán O'Connell"],
        sections=[
            (WN, "The paper compresses the key-value cache of long-context models with projections learned per "
                 "attention head. It keeps quality close to the full cache at a fraction of the memory."),
            (TD, "Each head gets a rank-32 projection trained by distillation from the uncompressed model. Keys are "
                 "projected before the rotary embedding so that positions stay exact."),
            (PH, "On 128K-token inputs the cache shrinks 4.1x while accuracy on retrieval tasks drops by 0.6 points. "
                 "Decoding throughput rises 2.3x on a single GPU."),
        ],
    ),
    dict(
        id="2504.06027",
        title="Why Do Reward Models Prefer Longer Answers?",
        thumbnail=None,
        upvotes=14,
        authors=["Marco Bianchi"],
        sections=[
            (WN, "This study traces the length bias of reward models back to annotation habits in preference data. "
                 "It shows that the bias appears even when annotators are told to ignore length."),
            (TD, "The authors build matched answer pairs that differ only in padding sentences and measure reward "
                 "gaps across eleven open reward models. A causal mediation analysis separates length from "
                 "informativeness."),
        ],
    ),
    dict(
        id="2504.06033",
        title="Agents That Read the Manual: Tool Documentation as Context",
        thumbnail="https://cdn-uploads.huggingface.co/production/uploads/650f1e2d3c4b5a6978877665/"
                  "agent_walkthrough.webm",
        upvotes=5,
        authors=["Lena Hoffmann", "Kenji Mori", "Amara Obi"],
        sections=[
            (WN, "The paper lets tool-using agents read the documentation of an unfamiliar tool before calling it. "
                 "Agents then handle tools they never saw during training."),
            (TD, "A retriever picks the relevant manual pages for each step, and the agent writes a short plan that "
                 "cites them. Calls that contradict the cited pages are rejected before execution."),
            (PH, "Success on unseen tools rises from 31% to 58%. Invalid calls fall by a factor of three."),
        ],
    ),
    dict(
        id="2504.06048",
        title="Pruning Vision Transformers One Block at a Time",
        thumbnail=THUMB.format("2504.06048"),
        upvotes=None,
        authors=["Camille Laurent", "Tariq Haddad"],
        sections=[
            (WN, "The authors remove whole transformer blocks from vision models instead of individual heads or "
                 "channels. Simple block removal turns out to be competitive with finer pruning."),
            (TD, "Blocks are ranked by how little the representation changes when they are skipped, measured on a "
                 "small calibration set. After each removal the model is briefly fine-tuned."),
            (PH, "A ViT-B with a third of its blocks removed keeps 98% of its ImageNet accuracy. Latency drops by "
                 "31% on a mobile CPU."),
        ],
    ),
]

# golden file -> (date, language, papers)
DAYS = {
    "ko_day.md": (KO_DATE, "ko", KO_PAPERS),
    "en_day.md": (EN_DATE, "en", EN_PAPERS),
}


def make_entry(p: dict, lang: str) -> DigestEntry:
    paper = Paper(p["id"], p["title"], list(p["authors"]), thumbnail=p["thumbnail"])
    key = SummaryKey(p["id"], 1, "abstract", lang, "test-model", "v1")
    summary = Summary(key, [Section(label, text) for label, text in p["sections"]])
    return DigestEntry(paper, p["upvotes"], summary)


def make_digest(date: str, lang: str, papers: list[dict]) -> Digest:
    return Digest(date, lang, [make_entry(p, lang) for p in papers])
