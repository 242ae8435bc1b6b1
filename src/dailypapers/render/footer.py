"""The one-line footer of a day's digest in feeds and e-mail, from the day's ledger, in the
digest's language: `13 listed, 12 published, 1 failed (checks: hard problem)`. Plain text: each
caller escapes it as it escapes every text of its format.

The words are here rather than in the site's i18n: the site's package imports the feeds, which
import this module, so this module imports nothing of the site's."""

from __future__ import annotations

from dailypapers.models import DayLedger

# The ledger's words per language, and each reason code of models.REASON_CODES as a short phrase for
# readers (the site's status page may show them too). A language not here gets English; a code not
# here is shown as itself.

LEDGER_WORDS = {
    "en": {"listed": "{n} listed", "published": "{n} published", "failed": "{n} failed", "pending": "{n} pending",
           "join": ", ", "why": " ({})"},
    "ko": {"listed": "{n}편 등록", "published": "{n}편 게재", "failed": "{n}편 실패", "pending": "{n}편 대기",
           "join": ", ", "why": " ({})"},
    "ja": {"listed": "掲載 {n}本", "published": "公開 {n}本", "failed": "失敗 {n}本", "pending": "保留 {n}本",
           "join": "、", "why": "（{}）"},
    "zh": {"listed": "列出 {n} 篇", "published": "发布 {n} 篇", "failed": "失败 {n} 篇", "pending": "待处理 {n} 篇",
           "join": "，", "why": "（{}）"},
}

REASON_PHRASES = {
    "en": {"no-text": "no text", "llm-refused": "LLM: key refused", "llm-error": "LLM: unreachable",
           "llm-output": "LLM: unusable answer", "checks-hard": "checks: hard problem", "budget": "budget reached",
           "llm-stopped": "LLM: stopped", "interrupted": "interrupted", "store": "not stored",
           "plugin-bug": "plugin error", "arxiv-unreachable": "arXiv unreachable",
           "not-listed-yet": "nothing listed yet", "listing-failed": "listing unreadable",
           "holiday": "holiday", "error": "other error"},
    "ko": {"no-text": "본문 없음", "llm-refused": "LLM: 키 거부", "llm-error": "LLM: 연결 실패",
           "llm-output": "LLM: 쓸 수 없는 답변", "checks-hard": "검사: 심각한 문제", "budget": "예산 초과",
           "llm-stopped": "LLM: 중단", "interrupted": "중단됨", "store": "저장 실패",
           "plugin-bug": "플러그인 오류", "arxiv-unreachable": "arXiv 연결 실패",
           "not-listed-yet": "아직 목록 없음", "listing-failed": "목록 읽기 실패",
           "holiday": "휴일", "error": "기타 오류"},
    "ja": {"no-text": "本文なし", "llm-refused": "LLM: キー拒否", "llm-error": "LLM: 接続失敗",
           "llm-output": "LLM: 使えない回答", "checks-hard": "チェック: 重大な問題", "budget": "予算超過",
           "llm-stopped": "LLM: 停止", "interrupted": "中断", "store": "保存失敗",
           "plugin-bug": "プラグインの不具合", "arxiv-unreachable": "arXiv に接続できず",
           "not-listed-yet": "まだ一覧なし", "listing-failed": "一覧を読めず",
           "holiday": "休日", "error": "その他のエラー"},
    "zh": {"no-text": "无正文", "llm-refused": "LLM: 密钥被拒", "llm-error": "LLM: 无法连接",
           "llm-output": "LLM: 回答不可用", "checks-hard": "检查: 严重问题", "budget": "超出预算",
           "llm-stopped": "LLM: 已停止", "interrupted": "已中断", "store": "保存失败",
           "plugin-bug": "插件错误", "arxiv-unreachable": "无法连接 arXiv",
           "not-listed-yet": "尚未列出", "listing-failed": "无法读取列表",
           "holiday": "节假日", "error": "其他错误"},
}


def ledger_words(lang: str) -> dict[str, str]:
    """The words of the ledger's counts in `lang` (English when it has none of its own)."""
    return LEDGER_WORDS.get(lang.split("-")[0], LEDGER_WORDS["en"])


def reason_phrase(code: str, lang: str) -> str:
    """A reason code as a short phrase for readers in `lang` (`checks-hard`: `검사: 심각한 문제`)."""
    phrases = REASON_PHRASES.get(lang.split("-")[0], REASON_PHRASES["en"])
    return phrases.get(code) or REASON_PHRASES["en"].get(code) or code


def footer(ledger: DayLedger | None, lang: str) -> str | None:
    """The ledger as one line in `lang`, or None without a ledger: papers listed and published
    (summarized), failed with their reasons (`×N` for a reason more than one paper had), and those
    still pending."""
    if ledger is None:
        return None
    words = ledger_words(lang)
    parts = [words["listed"].format(n=ledger.listed), words["published"].format(n=ledger.summarized)]
    if ledger.failed:
        reasons = [reason_phrase(code, lang) + (f" ×{n}" if n > 1 else "")
                   for code, n in ledger.failed_by_code().items()]
        parts.append(words["failed"].format(n=len(ledger.failed)) + words["why"].format(words["join"].join(reasons)))
    if ledger.missing:
        parts.append(words["pending"].format(n=ledger.missing))
    return words["join"].join(parts)
