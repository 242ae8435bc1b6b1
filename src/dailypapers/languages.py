"""Language codes: what `--lang` accepts, and the names of the languages.

A summary's language is a BCP 47 code in its simple form (`ko`, `en`, `zh-TW`, `pt-BR`). A
language's name, in English or in the language itself ("korean", "Korean", "한국어"), is read as
its code; anything else is refused before any work is done.
"""

from __future__ import annotations

import difflib
import re

from dailypapers.errors import ConfigError

# code -> (English name, the language's own name)
LANGUAGES: dict[str, tuple[str, str]] = {
    "ko": ("Korean", "한국어"), "en": ("English", "English"), "ja": ("Japanese", "日本語"),
    "zh": ("Chinese", "中文"), "fr": ("French", "Français"), "de": ("German", "Deutsch"),
    "es": ("Spanish", "Español"), "pt": ("Portuguese", "Português"), "ru": ("Russian", "Русский"),
    "vi": ("Vietnamese", "Tiếng Việt"), "it": ("Italian", "Italiano"), "nl": ("Dutch", "Nederlands"),
    "pl": ("Polish", "Polski"), "tr": ("Turkish", "Türkçe"), "ar": ("Arabic", "العربية"),
    "hi": ("Hindi", "हिन्दी"), "id": ("Indonesian", "Bahasa Indonesia"), "th": ("Thai", "ไทย"),
    "uk": ("Ukrainian", "Українська"), "sv": ("Swedish", "Svenska"), "he": ("Hebrew", "עברית"),
    "fa": ("Persian", "فارسی"), "bn": ("Bengali", "বাংলা"), "cs": ("Czech", "Čeština"),
}
_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_BY_NAME = {name.casefold(): code for code, names in LANGUAGES.items() for name in names}
_BY_NAME.update({"chinese (simplified)": "zh-CN", "chinese (traditional)": "zh-TW", "简体中文": "zh-CN",
                 "繁體中文": "zh-TW", "mandarin": "zh", "farsi": "fa"})


def valid_code(code: str) -> bool:
    """A language code safe to use in a path and an attribute (BCP 47, simple form)."""
    return bool(_CODE.match(code or ""))


def parse_lang(value: str) -> str:
    """The code for `value`: a code as it is (its first part lower-cased: `KO` is `ko`), a
    language's name as its code; a ConfigError with a suggestion otherwise."""
    text = " ".join(value.split())
    if not text:
        raise ConfigError("--lang is empty; give a language code such as ko, en, ja or zh")
    by_name = _BY_NAME.get(text.casefold())
    if by_name:
        return by_name
    first, _, rest = text.partition("-")
    code = first.lower() + (f"-{rest}" if rest else "")
    if valid_code(code) and (first.lower() in LANGUAGES or len(first) in (2, 3)) and first.isascii():
        return code
    close = difflib.get_close_matches(text.casefold(), list(_BY_NAME), n=1, cutoff=0.75)
    hint = f"; did you mean {_BY_NAME[close[0]]} ({close[0]})?" if close else ""
    raise ConfigError(f"--lang {value[:40]!r} is not a language code (BCP 47, such as ko, en, ja, zh, "
                      f"pt-BR){hint}", hint="a language code, or a language's name such as korean")


def english_name(code: str) -> str:
    """The language's English name (for prompts and messages), or the code itself."""
    found = LANGUAGES.get(code) or LANGUAGES.get(code.split("-")[0])
    return found[0] if found else code


def known(code: str) -> bool:
    """Whether the language (or its base language, for `pt-BR`) has a name here."""
    return code in LANGUAGES or code.split("-")[0] in LANGUAGES


def native_name(code: str) -> str:
    """The language's own name (`한국어` for ko), or the code itself when it is not known."""
    found = LANGUAGES.get(code) or LANGUAGES.get(code.split("-")[0])
    return found[1] if found else code
