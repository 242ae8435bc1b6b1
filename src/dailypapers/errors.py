"""Every error dailypapers raises on purpose derives from DailyPapersError.

    DailyPapersError                 exit status 1 unless a subclass says otherwise
    ├── ConfigError                  bad settings or usage; exit status 2
    │   └── NoLLMConfigured          summarize was asked for with no LLM named
    ├── SourceError                  a listing could not be read (network, HTTP status)
    │   └── ResponseShapeError       the response was not the shape we expect
    ├── LLMError                     one LLM request failed after its retries
    │   ├── LLMAuthError             the provider rejected the credentials
    │   └── LLMOutputError           the answer was not valid for the schema
    ├── FormatError                  a digest file did not follow FORMAT.md
    ├── PublishError                 a mail server or chat service did not take a message
    └── StoreError                   the database could not be opened or migrated

Errors of other libraries (httpx, SQLAlchemy, json) are caught where they happen and re-raised as
one of these, with the URL, date or paper id and what to do next.
"""

from __future__ import annotations


class DailyPapersError(Exception):
    exit_code = 1


class ConfigError(DailyPapersError):
    exit_code = 2


class NoLLMConfigured(ConfigError):
    pass


class SourceError(DailyPapersError):
    pass


class ResponseShapeError(SourceError):
    pass


class LLMError(DailyPapersError):
    usage: object = None  # tokens spent before the failure, when known (a models.Usage)


class LLMAuthError(LLMError):
    pass


class LLMOutputError(LLMError):
    pass


class FormatError(DailyPapersError):
    exit_code = 2


class PublishError(DailyPapersError):
    pass


class StoreError(DailyPapersError):
    pass
