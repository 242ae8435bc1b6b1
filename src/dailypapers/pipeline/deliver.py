"""Use case: deliver a day: build the site, send the e-mail and the chat messages.

A day publisher (e-mail, chat) sends a day exactly once per language, target and channel: each
part is recorded in the store's publish journal as soon as the service took it, the day as a whole
once every part went. An archive publisher (the site) is rebuilt from every day on each delivery.
One target that fails costs that target: the others still publish, and the failure is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dailypapers.config import Settings
from dailypapers.errors import ConfigError, DailyPapersError, PublishError
from dailypapers.models import DayLedger
from dailypapers.pipeline.events import Alerted, Published, Reporter, SiteBuilt, TargetFailed
from dailypapers.pipeline.ledger import alert_targets, alert_text
from dailypapers.pipeline.output import digest, site_days
from dailypapers.pipeline.wiring import publisher
from dailypapers.progress import Progress
from dailypapers.publish.site import SiteReport
from dailypapers.store import Store
from dailypapers.store.schema import WHOLE_DAY

PUBLISHED = WHOLE_DAY  # the part recorded once a whole day was sent to a target and channel
ALERT = "alert"  # the part an alert is recorded as: one per day, language, target and channel


@dataclass
class PublishReport:
    """What one day publisher did with a day."""

    target: str
    channel: str
    date: str
    lang: str
    sent: list[str] = field(default_factory=list)  # ids of the messages this run sent
    papers: int = 0  # papers published (those with a summary)
    left_out: list[str] = field(default_factory=list)  # papers with no summary in this language
    already: bool = False  # the day was sent before: nothing was sent
    resumed: int = 0  # parts sent by an earlier run that stopped midway
    error: str | None = None


class StoreJournal:
    """The publish journal of one day, target and channel, kept in the store's publications table."""

    def __init__(self, store: Store, target: str, channel: str, date: str, lang: str) -> None:
        self.store = store
        self.key = (target, channel, date, lang)
        self.parts = store.publication(*self.key)

    def sent(self, part: str) -> str | None:
        """The message id recorded for `part` ("" when the service gave none), or None if unsent."""
        found = self.parts.get(part)
        return None if found is None else found[0]

    def record(self, part: str, message_id: str, detail: dict[str, Any] | None = None) -> None:
        """Record `part` as sent, in the store at once."""
        self.store.record_publication(*self.key, part, message_id, detail)
        self.parts[part] = (message_id, detail or {})


def publish(store: Store, settings: Settings, date: str, lang: str, pub: Any, again: bool = False,
            update: bool = False) -> PublishReport:
    """Send the day to one day publisher, exactly once per day, language, target and channel: a
    day recorded whole is skipped, one recorded in part sends only the rest. `again` forgets the
    record first, and sends the whole day anew. `update` sends, for a chat day sent before, the
    papers that came since, as follow-ups of the day message (an e-mail is never updated)."""
    d = digest(store, date, lang, style=settings.summary_style())
    report = PublishReport(pub.target, pub.channel, date, lang)
    report.papers = sum(1 for e in d.entries if e.summary is not None and e.summary.sections)
    report.left_out = [e.paper.id for e in d.entries if e.summary is None or not e.summary.sections]
    if not report.papers:
        report.error = (f"no {lang} summaries for {date}: nothing to send (run summarize first)" if d.entries
                        else f"the store has no papers for {date}: nothing to send (run fetch and summarize first)")
        return report
    if again:
        store.forget_publication(pub.target, pub.channel, date, lang, keep=(ALERT,))
    journal = StoreJournal(store, pub.target, pub.channel, date, lang)
    if journal.sent(PUBLISHED) is not None and not (update and pub.target != "email"):
        report.already = True
        return report
    report.resumed = len(set(journal.parts) - {ALERT})
    try:
        report.sent = pub.publish(d, journal)
    except PublishError as e:
        report.error = str(e)
        return report
    journal.record(PUBLISHED, "", {"parts": len(journal.parts), "papers": report.papers})
    return report


def is_archive(pub: Any) -> bool:
    """Whether a publisher publishes the whole archive (the site) rather than one day."""
    return callable(getattr(pub, "publish_archive", None))


def build_site(store: Store, settings: Settings, out_dir: Path | None = None, langs: list[str] | None = None,
               download_media: bool = True, search: bool = True, base_url: str | None = None,
               media_hosts: set[str] | None = None, progress: Progress | None = None) -> SiteReport:
    """Build the static site of every day the store holds, in every language with summaries (or
    `langs`), into `out_dir` [default: the setting site_dir, else HOME/site]."""
    options = settings.site_options(out_dir, langs, base_url, download_media, search, tuple(media_hosts or ()))
    pub = publisher(settings, "site", options)
    report: SiteReport = pub.publish_archive(site_days(store, settings.summary_style()), progress)
    return report


def deliver(store: Store, settings: Settings, date: str, pubs: list[Any], reporter: Reporter,
            again: bool = False, update: bool = False) -> bool:
    """Publish the day to each publisher, archive publishers first; returns whether any failed.
    A ConfigError stops everything (bad settings are the user's to fix); any other failure of a
    target is reported and costs that target only. The caller holds the run lock."""
    failed = False
    for pub in sorted(pubs, key=lambda p: not is_archive(p)):
        try:
            if is_archive(pub):
                reporter.event(SiteBuilt(pub.publish_archive(site_days(store, settings.summary_style()),
                                                             reporter.progress())))
                continue
            report = publish(store, settings, date, settings.lang, pub, again, update)
        except ConfigError:
            raise
        except Exception as e:
            reporter.event(TargetFailed(pub.target, describe(e)))
            failed = True
            continue
        finally:
            getattr(pub, "close", lambda: None)()
        reporter.event(Published(report))
        failed = failed or report.error is not None
    return failed


def alert_publishers(settings: Settings) -> list[Any]:
    """The publishers of the `alert` setting, each one that can post a one-line alert (a chat
    service); ConfigError for any other."""
    pubs = [publisher(settings, target) for target in alert_targets(settings)]
    cannot = [p.target for p in pubs if not callable(getattr(p, "alert", None))]
    if cannot:
        raise ConfigError(f"alert: {', '.join(cannot)} cannot post an alert; name chat targets "
                          "(slack, discord, telegram)")
    return pubs


def alert(store: Store, ledger: DayLedger, pubs: list[Any], reporter: Reporter) -> bool:
    """Post the day's warnings as one line to each alert publisher, at most once per day, language,
    target and channel (the publish journal's ALERT part); returns whether any failed. Nothing is
    posted for a day without warnings."""
    failed = False
    for pub in pubs:
        try:
            journal = StoreJournal(store, pub.target, pub.channel, ledger.date, ledger.lang)
            if ledger.warnings and journal.sent(ALERT) is None:
                text = alert_text(ledger)
                journal.record(ALERT, pub.alert(text), {"warnings": len(ledger.warnings)})
                reporter.event(Alerted(pub.target, pub.channel, ledger.date, ledger.lang, text))
        except ConfigError:
            raise
        except Exception as e:
            reporter.event(TargetFailed(pub.target, f"alert: {describe(e)}"))
            failed = True
        finally:
            getattr(pub, "close", lambda: None)()
    return failed


def describe(e: BaseException) -> str:
    """An error as one line: ours as they are, anyone else's with its type."""
    return str(e) if isinstance(e, DailyPapersError) else f"{type(e).__name__}: {e}"
