"""The command line: parses arguments, calls the pipeline, turns errors into one clear message.

Only click is imported at start-up; everything else is imported by the command that needs it, so
`dailypapers --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from dailypapers.config import Settings
    from dailypapers.pipeline import SummarizeReport

FORMATS = ["markdown", "json", "html"]  # html: the static site, into a folder
FEED_FORMATS = {"rss": "rss", "atom": "atom", "jsonfeed": "json"}  # --format: feed kind


_console: Any = None  # the console of the command being run (set by the group, for every command)


def _out() -> Any:
    global _console
    if _console is None:
        from dailypapers.console import Console

        _console = Console()
    return _console


def _say(message: str, level: str = "info", **fields: Any) -> None:
    """A message for the person running the command, on stderr, through the one console."""
    _out().say(message, level, **fields)


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        from dailypapers.errors import DailyPapersError
        from dailypapers.text import strip_userinfo

        try:
            return super().invoke(ctx)
        except DailyPapersError as e:
            _say(f"error: {strip_userinfo(str(e))}", "error", event="error", **e.context())
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            _say("interrupted; finished work is saved, run the same command again to go on", "error",
                 event="interrupted")
            sys.exit(130)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the database, caches and outputs live [env DAILYPAPERS_HOME; "
                   "default: $XDG_DATA_HOME/dailypapers].")
@click.option("-q", "--quiet", is_flag=True, help="Nothing on stderr but errors.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Logs on stderr: text, or JSON lines (one event per paper) for machines.")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default=None,
              help="[default: warning for text, info for json]")
@click.version_option(package_name="dailypapers")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, quiet: bool, log_format: str, log_level: str | None) -> None:
    """Each day's AI papers as a digest you can trust, in your language.

    Typical day: dailypapers run --lang ko --llm openai/gpt-4o-mini
    """
    global _console
    from dailypapers import logs
    from dailypapers.console import Console

    _console = Console(fmt=log_format, quiet=quiet)
    logs.configure(log_format, log_level, _console)
    ctx.obj = {"home": home, "quiet": quiet, "console": _console}


def _settings(ctx: click.Context, **flags: Any) -> Settings:
    from dailypapers.config import load_settings

    return load_settings(home=ctx.obj["home"], **flags)


def _date(settings: Settings, value: str | None) -> str:
    from dailypapers.config import parse_date

    return parse_date(value) if value else settings.today()


def _dates(settings: Settings, date: str | None, since: str | None, until: str | None) -> list[str]:
    """The days a command works on: --date, or --since/--until (both ends included)."""
    import datetime as dt

    from dailypapers.config import parse_date

    if since is None and until is None:
        return [_date(settings, date)]
    if date is not None:
        raise click.UsageError("give --date or --since/--until, not both")
    first = dt.date.fromisoformat(parse_date(since) if since else settings.today())
    last = dt.date.fromisoformat(parse_date(until) if until else settings.today())
    if last < first:
        raise click.UsageError(f"--until {last} is before --since {first}")
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def _progress(ctx: click.Context) -> Any:
    return _out().progress()


class _Printer:
    """The pipeline's events, printed on stderr (the pipeline never prints)."""

    def __init__(self, ctx: click.Context) -> None:
        self.ctx = ctx
        self.events: list[Any] = []
        self.said: set[str] = set()  # notes printed, and papers whose failure was printed

    def published(self) -> list[dict[str, Any]]:
        """What each publish target did, for --json."""
        from dailypapers import pipeline as p

        out: list[dict[str, Any]] = []
        for e in self.events:
            if isinstance(e, p.Published):
                out.append(_plain(e.report))
            elif isinstance(e, p.SiteBuilt):
                r = e.report
                out.append({"target": "site", "channel": str(r.out_dir), "days": r.days, "papers": r.papers,
                            "written": len(r.written), "kept": r.kept, "search": r.search})
            elif isinstance(e, p.TargetFailed):
                out.append({"target": e.target, "error": e.reason})
        return out

    def progress(self) -> Any:
        return _progress(self.ctx)

    def event(self, event: Any) -> None:
        from dailypapers import pipeline as p

        self.events.append(event)
        if isinstance(event, p.Waiting):
            _say(event.message)
        elif isinstance(event, p.SteppedBack):
            _say(f"{event.day}: nothing listed yet; running {event.previous} instead")
        elif isinstance(event, p.Fetched):
            _report_fetch(event.report, event.source, event.categories)
        elif isinstance(event, p.Summarized):
            _report_summaries(event.report, self.said)
        elif isinstance(event, p.Written):
            _say(f"wrote {event.path}")
            _report_missing(event.digest, self.said)
        elif isinstance(event, p.SiteBuilt):
            _report_site(event.report)
        elif isinstance(event, p.Published):
            _report_publish(event.report)
        elif isinstance(event, p.TargetFailed):
            _say(f"{event.target}: failed: {event.reason}")
        elif isinstance(event, p.EmptyDay):
            _say(f"no digest for {event.date}: {event.why}", "warning" if event.expected else "info",
                 event="empty-day", date=event.date)
        elif isinstance(event, p.Warned):
            _say(f"WARNING {event.message}", "warning", event="warning", date=event.date, lang=event.lang)
        elif isinstance(event, p.Alerted):
            _say(f"alerted {event.target} {event.channel}: {event.text}", event="alerted")
        elif isinstance(event, p.Queued):
            _say(event.message, event="queue")


class _PluginChoice(click.ParamType):  # type: ignore[type-arg]  # generic in new click only; click>=8.1 is allowed
    """A name from one plugin registry (sources, publish targets), looked up only when used, so
    `--help` of other commands stays fast."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = kind

    def _names(self) -> list[str]:
        if self.kind == "source":
            from dailypapers.sources import sources

            return sources.names()
        from dailypapers.publish import publishers

        return publishers.names()

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self._names()) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        names = self._names()
        if value not in names:
            self.fail(f"{value!r} is not one of {', '.join(names)}", param, ctx)
        return str(value)


date_option = click.option("--date", "date", metavar="YYYY-MM-DD",
                           help="The day [default: today in your time zone].")


def range_options(f: Any) -> Any:
    """The --since and --until options of a command that works through a range of days."""
    f = click.option("--until", metavar="YYYY-MM-DD", help="With --since: the last day [default: today].")(f)
    return click.option("--since", metavar="YYYY-MM-DD", help="Work through the days from this one.")(f)
def _lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--lang as a code: `korean` and `한국어` are read as ko; what is no language is refused here."""
    if value is None:
        return None
    from dailypapers.errors import ConfigError
    from dailypapers.languages import parse_lang

    try:
        return parse_lang(value)
    except ConfigError as e:
        raise click.BadParameter(str(e).removeprefix(f"--lang {value[:40]!r} "), ctx, param)


lang_option = click.option("--lang", default=None, metavar="CODE", callback=_lang,
                           help="Language of the summaries, a code: ko (default), en, ja, zh, pt-BR, ... "
                                "(a name such as korean works too).")
llm_option = click.option("--llm", default=None, metavar="PROVIDER/MODEL",
                          help="openai/gpt-4o-mini, ollama/qwen2.5:7b, vllm/M, openai-compatible/M, "
                               "extractive [env DAILYPAPERS_LLM].")
concurrency_option = click.option("--concurrency", type=click.IntRange(1, 256), default=None,
                                  help="Papers summarized at once [default: 8].")
tokens_option = click.option("--max-input-tokens", type=click.IntRange(200, 2_000_000), default=None,
                             help="How much of each paper a summary reads [default: 16000].")
budget_option = click.option("--budget", type=click.FloatRange(0), default=None, metavar="USD",
                             help="Stop before the run would spend more than this many US dollars.")
checks_option = click.option("--checks", type=click.Choice(["strict", "standard", "off"]), default=None,
                             help="Quality checks: standard fails a paper on hard findings and keeps "
                                  "soft ones; strict fails on any; off skips them [default: standard].")
json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print the result as JSON on stdout (messages stay on stderr).")
text_source_option = click.option("--text-source", "text_sources", default=None, metavar="LIST",
                                  help="What summaries read, first that works [default: html,pdf,abstract].")
style_option = click.option("--style", default=None, metavar="NAME|FILE",
                            help="The summary style: sections (default), tldr, prior-work, or a style file "
                                 "(docs/styles.md) [env DAILYPAPERS_STYLE].")


@cli.command()
@date_option
@range_options
@click.option("--source", type=_PluginChoice("source"), default="hf", show_default=True,
              help="Where the day's papers come from.")
@click.option("--category", "categories", multiple=True, metavar="CAT",
              help="With --source arxiv: the papers announced in this category (cs.CL, ...) that day.")
@click.option("--id", "ids", multiple=True, metavar="ARXIV_ID",
              help="With --source arxiv: these papers (2412.19712, 2412.19712v2, astro-ph/0601001).")
@json_option
@click.pass_context
def fetch(ctx: click.Context, date: str | None, since: str | None, until: str | None, source: str,
          categories: tuple[str, ...], ids: tuple[str, ...], as_json: bool) -> None:
    """Fetch a day's papers into the store (again: refresh upvotes, add new papers)."""
    from dailypapers import pipeline

    if (categories or ids) and source != "arxiv":
        raise click.UsageError("--category and --id go with --source arxiv")
    from dailypapers.text import arxiv_id

    bad = [i for i in ids if arxiv_id(i) is None]
    if bad:
        raise click.UsageError(f"--id {bad[0][:80]!r} is not an arXiv id (like 2412.19712, 2412.19712v2 or "
                               "astro-ph/0601001)")
    settings = _settings(ctx)
    store = pipeline.open_store(settings)
    reports = []
    for day in _dates(settings, date, since, until):
        r = pipeline.fetch(store, settings, day, source, list(categories), list(ids))
        _report_fetch(r, source, categories)
        reports.append(r)
    if as_json:
        _print_json({"days": [_plain(r) for r in reports]})
    if any(r.not_found for r in reports):
        sys.exit(1)


def _report_fetch(r: Any, source: str, categories: tuple[str, ...] | list[str] = ()) -> None:
    import datetime as dt

    _say(f"{r.date}: {r.listed} papers listed, {r.added} new, {r.updated} updated")
    weekday = dt.date.fromisoformat(r.date).weekday() < 5
    if r.listed == 0 and source == "arxiv" and categories:
        _say(f"{r.date}: arXiv announced nothing in {', '.join(categories)} (a weekend or holiday?)")
    elif r.listed == 0 and source == "hf" and weekday:
        _say(f"warning: Hugging Face lists no papers for {r.date}, a weekday; the day may not be "
                   "filled yet (it fills over many hours): run again later", level="warning")
    if r.not_found:
        _say(f"not found on arXiv: {', '.join(r.not_found)}")
    for warning in r.warnings:
        _say(f"warning: {warning}", level="warning")


def summarize_options(f: Any) -> Any:
    """The options `summarize` and `run` share: the days, the language, the model and its limits."""
    for option in reversed((date_option, range_options, lang_option, llm_option, style_option, concurrency_option,
                            tokens_option, text_source_option, checks_option, budget_option)):
        f = option(f)
    return f


@cli.command()
@summarize_options
@click.option("--force", is_flag=True, help="Summarize again even where a summary exists.")
@json_option
@click.pass_context
def summarize(ctx: click.Context, date: str | None, since: str | None, until: str | None,
              lang: str | None, llm: str | None, style: str | None, concurrency: int | None,
              max_input_tokens: int | None, text_sources: str | None, checks: str | None, budget: float | None,
              force: bool, as_json: bool) -> None:
    """Summarize the day's papers that have no summary yet for this language, model, prompt and style."""
    from dailypapers import pipeline

    settings = _settings(ctx, lang=lang, llm=llm, style=style, concurrency=concurrency,
                         max_input_tokens=max_input_tokens, text_sources=text_sources, checks=checks, budget=budget)
    reports = pipeline.summarize_days(settings, _dates(settings, date, since, until), _Printer(ctx), force)
    if as_json:
        _print_json({"days": [_summary_json(r) for r in reports]})
    if any(r.failures for r in reports):
        sys.exit(1)


def _plain(obj: Any) -> Any:
    """A report dataclass as plain JSON values."""
    import dataclasses

    return _json_safe(dataclasses.asdict(obj))


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _print_json(obj: Any) -> None:
    import json

    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _summary_json(r: SummarizeReport) -> dict[str, Any]:
    return {"date": r.date, "lang": r.lang, "model": r.model, "summarized": r.done, "skipped": r.skipped,
            "repaired": r.repaired, "json_retries": r.json_retries,
            "failures": [{"paper_id": f.paper_id, "code": f.code, "reason": f.reason} for f in r.failures],
            "notes": r.notes, "stopped": r.stopped, "tokens": r.usage.prompt_tokens + r.usage.completion_tokens,
            "requests": r.usage.requests, "cost": r.cost}


def _report_summaries(r: SummarizeReport, said: set[str] | None = None) -> None:
    """A day's summaries in a few lines: counts, notes and failures grouped by reason. `said`:
    the notes already printed in this command (each is printed once), and the failed papers."""
    from dailypapers.pipeline import group_failures

    said = set() if said is None else said

    cost = "" if r.cost is None else f", ${r.cost:.4f}"
    retried = f", {r.json_retries} asked again for JSON" if r.json_retries else ""
    _say(f"{r.date} [{r.lang}] {r.model}: {r.done} summarized, {r.skipped} already done, "
         f"{len(r.failures)} failed, {r.repaired} repaired{retried}; "
         f"{r.usage.prompt_tokens + r.usage.completion_tokens} tokens in {r.usage.requests} requests{cost}",
         event="day-summarized", date=r.date, lang=r.lang, model=r.model, done=r.done, failed=len(r.failures))
    if r.stopped:
        _say(f"  stopped: {r.stopped}", "warning")
    for note in r.notes:
        if note not in said:
            _say(f"  note: {note}", event="note")
            said.add(note)
    said.update(f.paper_id for f in r.failures)
    for code, reason, ids in group_failures(r.failures):
        if len(ids) == 1:
            _say(f"  failed {ids[0]}: {reason}", "warning", event="failed", code=code, papers=ids)
        else:
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            _say(f"  {len(ids)} papers failed: {reason} ({shown})", "warning", event="failed", code=code, papers=ids)


@cli.command()
@date_option
@lang_option
@style_option
@click.option("--format", "fmt", type=click.Choice([*FORMATS, *FEED_FORMATS]), default="markdown",
              show_default=True, help="Markdown in the layout of docs/format.md, JSON, a feed of the recent "
                                      "days: RSS 2.0, Atom or JSON Feed 1.1, or html: the static site.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write here instead of standard output (--format html: the site's folder "
                   "[default: HOME/site]).")
@click.option("--model", default=None, help="Only summaries by this model [default: the newest].")
@click.option("--per", type=click.Choice(["paper", "day"]), default="paper", show_default=True,
              help="Feeds: one entry per paper, or one per day.")
@click.option("--days", "feed_days", type=click.IntRange(1), default=30, show_default=True,
              help="Feeds: how many of the most recent days (up to --date, if given).")
@click.option("--base-url", default=None, metavar="URL",
              help="Feeds: where the site is served, for day links and the feed's own address.")
@click.pass_context
def render(ctx: click.Context, date: str | None, lang: str | None, style: str | None, fmt: str,
           output: Path | None, model: str | None, per: str, feed_days: int, base_url: str | None) -> None:
    """Render a day's digest (Markdown in the layout of docs/format.md, or JSON), or a feed of the recent days."""
    from dailypapers import pipeline

    settings = _settings(ctx, lang=lang, style=style)
    if fmt == "html":
        _render_site(ctx, settings, lang, output, base_url)
        return
    if output is not None and output.is_dir():
        raise click.UsageError(f"-o {output} is a folder; --format {fmt} writes a file")
    if fmt in FEED_FORMATS:
        from dailypapers.config import parse_date
        from dailypapers.render.feeds import render_feed

        store = pipeline.open_store(settings)
        digests = pipeline.feed_digests(store, settings.lang, feed_days, model,
                                        until=parse_date(date) if date else None, style=settings.summary_style())
        _write(render_feed(FEED_FORMATS[fmt], settings.lang, digests, per, base_url), output)
        if not any(e.summary for d in digests for e in d.entries):
            _say(f"[{settings.lang}]: no summaries in the store for these days; the feed is empty")
        return
    day = _date(settings, date)
    store = pipeline.open_store(settings)
    d = pipeline.digest(store, day, settings.lang, model, settings.summary_style())
    _write(pipeline.render(d, fmt), output)
    _report_missing(d)


def _render_site(ctx: click.Context, settings: Settings, lang: str | None, output: Path | None,
                 base_url: str | None) -> None:
    """`render --format html`: the whole site (every day; every language, or --lang) into a folder."""
    from dailypapers import pipeline

    store = pipeline.open_store(settings)
    _report_site(pipeline.build_site(store, settings, output, langs=[lang] if lang else None,
                                     base_url=base_url, progress=_progress(ctx)))


def _report_site(r: Any) -> None:
    for note in r.notes:
        _say(f"note: {note}")
    if r.media is not None and r.media.failed:
        _say(f"{len(r.media.failed)} thumbnail(s) could not be downloaded and show a placeholder "
                   f"(first: {r.media.failed[0][0]}: {r.media.failed[0][1]})")
    langs = ", ".join(r.langs) or "none"
    _say(f"wrote the site to {r.out_dir}: {r.days} days, {r.papers} papers, languages: {langs}; "
               f"{len(r.written)} pages written, {r.kept} unchanged; search: {'yes' if r.search else 'no'}; "
               f"feeds: {r.feeds}")


def _report_missing(d: Any, said: set[str] | frozenset[str] = frozenset()) -> None:
    """The papers a digest leaves out, named unless their failure was `said` already."""
    missing = [e.paper.id for e in d.entries if e.summary is None]
    if not d.entries:
        _say(f"{d.date}: the store has no papers for this day; run fetch first")
    elif missing:
        named = [pid for pid in missing if pid not in said]
        which = f": {', '.join(named)}" if named else ""
        also = f" ({len(missing) - len(named)} failed above)" if named and len(named) < len(missing) else ""
        _say(f"{d.date} [{d.lang}]: left out {len(missing)} of {len(d.entries)} papers with no summary{which}{also}")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))  # a digest is UTF-8 whatever the locale (docs/format.md)
        sys.stdout.buffer.flush()
        return
    from dailypapers.pipeline import write_atomic

    write_atomic(text, output)
    _say(f"wrote {output}")


@cli.command()
@summarize_options
@click.option("--source", type=_PluginChoice("source"), default="hf", show_default=True,
              help="Where the day's papers come from.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="The Markdown digest [default: HOME/out/DATE.LANG.md]; with --since, a folder.")
@click.option("--queue", "queued", is_flag=True,
              help="Give the work to the queue of the PostgreSQL store, as jobs per day and per paper that "
                   "`dailypapers worker` processes run, and return at once.")
@json_option
@click.pass_context
def run(ctx: click.Context, date: str | None, since: str | None, until: str | None, lang: str | None,
        llm: str | None, style: str | None, concurrency: int | None, max_input_tokens: int | None,
        text_sources: str | None, checks: str | None, budget: float | None, source: str, output: Path | None,
        queued: bool, as_json: bool) -> None:
    """Fetch, summarize and render a day (or every day of a range) in one go."""
    from dailypapers import pipeline

    settings = _settings(ctx, lang=lang, llm=llm, style=style, concurrency=concurrency,
                         max_input_tokens=max_input_tokens, text_sources=text_sources, checks=checks, budget=budget)
    days = _dates(settings, date, since, until)
    ranged = since is not None or until is not None  # -o is a folder, even when the range is one day
    if queued:
        if output is not None:
            raise click.UsageError("-o does not go with --queue: the worker that finishes a day writes its digest "
                                   "into its HOME/out (`dailypapers render` writes one anywhere)")
        queue = pipeline.enqueue(settings, days, _Printer(ctx), source=source, step_back=date is None and not ranged)
        if as_json:
            _print_json({"batch": queue.batch, "days": [{"id": i, "date": d} for i, d in queue.days]})
        return
    printer = _Printer(ctx)
    report = pipeline.run_days(settings, days, printer, source=source, output=output, ranged=ranged,
                               step_back=date is None and not ranged)
    if as_json:
        _print_json({"days": [{"date": d.date, "digest": d.path and str(d.path), "fetched": _plain(d.fetched),
                               **_summary_json(d.summarized)} for d in report.days],
                     "published": printer.published(), "warnings": report.warnings, "failed": report.failed,
                     "stopped": report.stopped})
    if report.failed:
        sys.exit(1)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@click.pass_context
def import_(ctx: click.Context, file: Path, lang: str | None) -> None:
    """Read a digest in the layout of docs/format.md (and its older variants) into the store."""
    from dailypapers import pipeline

    settings = _settings(ctx)
    store = pipeline.open_store(settings)
    r = pipeline.import_digest(store, file, lang)
    for day, count in r.days:
        _say(f"imported {day}: {count} papers [{r.lang}]")
    for note in r.notes:
        _say(f"  normalized: {note}")
    for warning in r.warnings:
        _say(f"warning: {warning}", level="warning")
    if r.warnings:
        _say(f"{len(r.warnings)} line(s) of {file} could not be read and were skipped; "
                   "the rest was imported")
        sys.exit(1)


@cli.command()
@date_option
@lang_option
@style_option
@click.option("--json", "as_json", is_flag=True, help="The findings as JSON, one object per paper.")
@click.pass_context
def check(ctx: click.Context, date: str | None, lang: str | None, style: str | None, as_json: bool) -> None:
    """Check the day's summaries against their papers; exit 1 if any has a hard finding."""
    import json

    from dailypapers import pipeline

    settings = _settings(ctx, lang=lang, style=style)
    day = _date(settings, date)
    rows = pipeline.check_day(pipeline.open_store(settings), day, settings.lang, settings.summary_style())
    if as_json:
        click.echo(json.dumps([{"id": r.paper.id, "title": r.paper.title, "summarized": r.summary is not None,
                                "checked_against": r.source, "complete": r.complete,
                                "findings": [f.as_dict() for f in r.findings],
                                "evidence": [e.as_dict() for e in r.evidence]}
                               for r in rows], ensure_ascii=False, indent=2))
    else:
        _print_checks(day, settings.lang, rows)
    if any(f.severity == "hard" for r in rows for f in r.findings):
        sys.exit(1)


def _print_checks(day: str, lang: str, rows: list[Any]) -> None:
    if not rows:
        _say(f"{day}: the store has no papers for this day")
    for r in rows:
        title = r.paper.title if len(r.paper.title) <= 60 else r.paper.title[:59] + "…"
        if r.summary is None:
            status = f"no {lang} summary"
        else:
            hard = sum(f.severity == "hard" for f in r.findings)
            soft = len(r.findings) - hard
            status = "ok" if not r.findings else f"{hard} hard, {soft} soft"
            status += f" (checked against the {r.source}{'' if r.complete else ' only'})"
        click.echo(f"{r.paper.id:<12} {status:<40} {title}")
        for f in r.findings:
            click.echo(f"    {f.severity:<4} {f.rule:<10} {f.reason}")
        unverified = [e.claim for e in r.evidence if not e.found and e.kind != "figure"] if not r.complete else []
        if unverified:
            click.echo(f"    not in the {r.source}, unverified: {', '.join(dict.fromkeys(unverified))}")


@cli.command("eval")
@click.argument("reference", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@click.option("--model", default=None, help="Compare this model's summaries [default: the newest, not imported].")
@click.option("--json", "as_json", is_flag=True, help="The same numbers as JSON.")
@click.pass_context
def eval_(ctx: click.Context, reference: Path, lang: str | None, model: str | None, as_json: bool) -> None:
    """Compare the store's summaries with a reference digest (docs/format.md), against the papers."""
    import json

    from dailypapers import pipeline

    settings = _settings(ctx)
    store = pipeline.open_store(settings)
    r = pipeline.evaluate_digest(store, settings, reference, lang, model)
    for note in r.notes:
        _say(f"note: {note}")
    if as_json:
        click.echo(json.dumps({"lang": r.lang, "papers": [row.as_dict() for row in r.rows],
                               "overall": r.overall}, ensure_ascii=False, indent=2))
        return
    _print_eval(r)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _side(side: Any) -> list[str]:
    if side is None:
        return ["-", "-", "-", "-", "-"]
    return [f"{side.sections}/3", f"{side.supported}/{side.figures}", _pct(side.purity), str(side.length),
            f"{side.hard}/{side.soft}"]


def _print_eval(r: Any) -> None:
    head = ["paper", "text", "sec ref", "fig ref", "pure ref", "len ref", "h/s ref",
            "sec ours", "fig ours", "pure ours", "len ours", "h/s ours", "fig ∩", "term ∩"]
    rows = [[row.id, row.checked_against, *_side(row.reference), *_side(row.ours),
             _pct(row.figure_overlap), _pct(row.term_overlap)] for row in r.rows]
    o = r.overall
    def total(side: dict[str, Any]) -> list[str]:
        if not side.get("papers"):
            return ["-"] * 5
        return [f"{side['sections']:.1f}/3", f"{side['supported']}/{side['figures']}", _pct(side["purity"]),
                f"{side['length']:.0f}", f"{side['hard']}/{side['soft']}"]
    rows.append([f"overall ({o['papers']})", "", *total(o["reference"]), *total(o["ours"]),
                 _pct(o["figure_overlap"]), _pct(o["term_overlap"])])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    for line in [head, *rows]:
        click.echo("  ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip())
    click.echo(f"[{r.lang}] sec: sections present; fig: figures found in the paper / figures; pure: "
               "language purity; len: characters; h/s: hard/soft findings; ∩: overlap with the reference")


@cli.command()
@click.option("--since", metavar="YYYY-MM-DD", help="Only days from this one.")
@click.option("--lang", default=None, metavar="CODE",
              help="Only this language [default: each language a day has anything in].")
@click.option("--runs", is_flag=True, help="Runs, papers, tokens, cost and failures per day and model instead.")
@click.option("--json", "as_json", is_flag=True, help="The days (or, with --runs, the rows) as JSON.")
@click.pass_context
def stats(ctx: click.Context, since: str | None, lang: str | None, runs: bool, as_json: bool) -> None:
    """What happened each day: listed, summarized, failed (by reason), read, published, warnings."""
    import json

    from dailypapers import pipeline
    from dailypapers.config import parse_date

    settings = _settings(ctx)
    store = pipeline.open_store(settings)
    first = parse_date(since) if since else None
    if runs:
        rows = pipeline.stats(store, first)
        if as_json:
            click.echo(json.dumps(rows, indent=2))
        else:
            _print_runs(rows)
        return
    ledgers = pipeline.day_ledgers(store, first, langs=[lang] if lang else None, default_lang=settings.lang)
    if as_json:
        click.echo(json.dumps([pipeline.ledger_json(x) for x in ledgers], ensure_ascii=False, indent=2))
        return
    for ledger in ledgers:
        _print_ledger(ledger)


def _print_runs(rows: list[dict[str, Any]]) -> None:
    head = ["date", "model", "runs", "papers", "tokens", "requests", "cost", "failures"]
    table = [[str(r[k]) if k != "cost" else ("-" if r["cost"] is None else f"${r['cost']:.4f}") for k in head]
             for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *table)]
    for line in [head, *table]:
        click.echo("  ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip())


def _print_ledger(ledger: Any) -> None:
    from dailypapers.models import REASON_CODES

    runs = f"{ledger.runs} run" + ("" if ledger.runs == 1 else "s")
    click.echo(f"{ledger.date} [{ledger.lang}]: {ledger.listed} listed, {ledger.summarized} summarized, "
               f"{len(ledger.failed)} failed, {ledger.missing} not tried; {runs}")
    if ledger.read:
        click.echo("  read: " + ", ".join(f"{source} {n}" for source, n in sorted(ledger.read.items())))
    for code, n in ledger.failed_by_code().items():
        click.echo(f"  failed: {code} {n} ({REASON_CODES.get(code, code)})")
    for target, channel, at in ledger.published:
        click.echo(f"  published: {target} ({channel}) at {at}")
    for code, detail, at in ledger.events:
        click.echo(f"  {code} at {at}: {detail}")
    for warning in ledger.warnings:
        click.echo(f"  warning: {warning}")


@cli.command("list")
@date_option
@click.option("--json", "as_json", is_flag=True, help="A JSON array, one object per paper.")
@click.pass_context
def list_(ctx: click.Context, date: str | None, as_json: bool) -> None:
    """What the store holds for a day (or, with no --date, which days it holds)."""
    import json

    from dailypapers import pipeline

    settings = _settings(ctx)
    store = pipeline.open_store(settings)
    if date is None:
        days = store.days()
        if as_json:
            click.echo(json.dumps([{"date": day, "papers": count} for day, count in days], indent=2))
        else:
            for day, count in days:
                click.echo(f"{day}  {count} papers")
        return
    day = _date(settings, date)
    items = pipeline.list_json(store, day)
    if as_json:
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    for i, it in enumerate(items, 1):
        langs = ",".join(sorted(it["summaries"])) or "-"
        votes = "" if it["upvotes"] is None else f"{it['upvotes']:>4} "
        click.echo(f"{i:>3}. {it['id']:<12} {votes}[{langs}] {it['title']}")


@cli.command()
@click.argument("arxiv_id")
@click.option("--source", "text_source", type=click.Choice(["html", "pdf", "abstract"]), default=None,
              help="Read only this source [default: html, then pdf, then abstract].")
@tokens_option
@click.pass_context
def text(ctx: click.Context, arxiv_id: str, text_source: str | None, max_input_tokens: int | None) -> None:
    """Print the text a summary of ARXIV_ID would read, section by section."""
    from dailypapers import pipeline

    settings = _settings(ctx, max_input_tokens=max_input_tokens)
    store = pipeline.open_store(settings)
    text, notes = pipeline.paper_text(store, settings, arxiv_id, text_source)
    for note in notes:
        _say(f"note: {note}")
    kept = ", ".join(s.title for s in text.sections)
    _say(f"# {text.paper_id}: read from {text.source}; sections: {kept}")
    if text.omitted:
        _say(f"# left out for the {settings.max_input_tokens}-token budget: {', '.join(text.omitted)}")
    click.echo(text.text)


@cli.command()
@date_option
@lang_option
@style_option
@click.option("--to", "targets", multiple=True, type=_PluginChoice("publish target"),
              help="Where to publish; repeat for more than one [default: email if [email] names recipients, "
                   "and the [chat] services of the config file].")
@click.option("--again", "--force", "again", is_flag=True,
              help="Send the day again to a list or channel that has it already.")
@json_option
@click.pass_context
def publish(ctx: click.Context, date: str | None, lang: str | None, style: str | None, targets: tuple[str, ...],
            again: bool, as_json: bool) -> None:
    """Send a day by e-mail and to Slack, Discord or Telegram (once per day and list or channel),
    or build the site."""
    from dailypapers import pipeline

    settings = _settings(ctx, lang=lang, style=style)
    day = _date(settings, date)
    chosen = list(dict.fromkeys(targets)) or pipeline.publish_targets(settings)
    if not chosen:
        raise click.UsageError("say where to publish: --to site, email, slack, discord or telegram (or name "
                               "[email] recipients and [chat] services in the config file)")
    printer = _Printer(ctx)
    failed = pipeline.publish_day(settings, day, chosen, printer, again)
    if as_json:
        _print_json({"date": day, "targets": printer.published(), "failed": failed})
    if failed:
        sys.exit(1)


def _report_publish(r: Any) -> None:
    where = f"{r.target} ({r.channel}) {r.date} [{r.lang}]"
    if r.already:
        _say(f"{where}: sent before; nothing sent (--again sends it again)")
        return
    if r.sent or not r.error:
        resumed = f", after {r.resumed} sent by an earlier run" if r.resumed else ""
        _say(f"{where}: sent {len(r.sent)} message(s) for {r.papers} papers{resumed}")
    if r.left_out and r.papers:
        _say(f"  left out {len(r.left_out)} papers with no summary: {', '.join(r.left_out)}")
    if r.error:
        _say(f"{where}: failed: {r.error}")


@cli.command()
@click.option("--concurrency", type=click.IntRange(1, 256), default=None,
              help="Jobs run at once by this worker [default: the concurrency setting, 8].")
@click.pass_context
def worker(ctx: click.Context, concurrency: int | None) -> None:
    """Run the jobs of the work queue (a PostgreSQL store) until SIGTERM or Ctrl-C."""
    import os

    from dailypapers import pipeline

    settings = _settings(ctx)
    jobs = concurrency or settings.concurrency
    _say(f"worker {os.getpid()}: running the queue's jobs, {jobs} at once (Ctrl-C or SIGTERM stops "
         "it after the jobs in hand)")
    pipeline.run_worker(settings, jobs, _Printer(ctx))


@cli.command()
@json_option
@click.pass_context
def queue(ctx: click.Context, as_json: bool) -> None:
    """What the work queue holds: jobs waiting, running, done and failed, and how far each day is."""
    from dailypapers import pipeline

    status = pipeline.queue_status(_settings(ctx))
    if as_json:
        _print_json(status)
        return
    click.echo(f"workers alive: {status['workers']}")
    click.echo(f"{'jobs':<8} {'waiting':>8} {'running':>8} {'done':>8} {'failed':>8}")
    for j in status["jobs"]:
        click.echo(f"{j['kind']:<8} {j['waiting']:>8} {j['running']:>8} {j['done']:>8} {j['failed']:>8}")
    for d in status["days"]:
        state = f"finished {d['finished_at']}" if d["finished_at"] else \
            ("listing" if d["papers"] is None else f"{d['todo']} to do")
        listed = f" (listed {d['listed']})" if d["listed"] and d["listed"] != d["date"] else ""
        click.echo(f"{d['date']}{listed} [{d['lang']}] {d['model']}: {d['done']} done, {d['failed']} failed, "
                   f"{state}; batch {d['batch']}")


@cli.command("migrate-store")
@click.option("--to", "to", required=True, metavar="URL",
              help="The empty store to copy into: postgresql://USER@HOST:PORT/DB, sqlite:///FILE or a file.")
@json_option
@click.pass_context
def migrate_store(ctx: click.Context, to: str, as_json: bool) -> None:
    """Copy the store (the home's SQLite, or DAILYPAPERS_DATABASE_URL) into another, verified."""
    from dailypapers import pipeline

    report = pipeline.migrate_store(_settings(ctx), to, _Printer(ctx))
    if as_json:
        _print_json({"source": report.source, "target": report.target, "rows": report.rows,
                     "tables": [_plain(t) for t in report.tables]})
        return
    for t in report.tables:
        _say(f"  {t.name}: {t.rows} rows, checksum {t.source_checksum[:16]} (the same on both sides)")
    _say(f"copied {report.rows} rows in {len(report.tables)} tables from {report.source} to {report.target}; "
         "counts and checksums match")


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The demo's folder, for its home, digests and site [default: ./dailypapers-demo]; a folder an "
                   "earlier demo made is replaced, any other that is not empty is refused.")
@click.pass_context
def demo(ctx: click.Context, output: Path | None) -> None:
    """Offline demo: the bundled sample day in Korean and English, as digests and a site to serve."""
    from dailypapers import demo as demo_mod

    out = (output or Path(demo_mod.DEFAULT_DIR)).absolute()
    demo_mod.prepare(out)
    # The demo's data stays in its folder (not in DAILYPAPERS_HOME), unless --home says otherwise.
    ctx.obj["home"] = ctx.obj["home"] or out / "home"
    settings = _settings(ctx, lang="ko", llm="extractive")
    report = demo_mod.run_demo(settings, out, _progress(ctx))
    click.echo(f"Demo written to {out}: the sample day {report.date} (invented papers)")
    click.echo(f"  Korean digest (summaries shipped with the package): {report.digests['ko']}")
    click.echo(f"  English digest (the extractive summarizer): {report.digests[demo_mod.EXTRACTIVE_LANG]}")
    click.echo(f"  Site, Korean and English{', with search' if report.search else ''}: {report.site}")
    click.echo(f"  Data home: {settings.home} (try: dailypapers --home {settings.home} list --json)")
    click.echo(f"Serve the site, then open http://localhost:{demo_mod.PORT}/ in a browser:")
    click.echo(f"  {report.serve_command()}")


@cli.command("config")
@click.option("--json", "as_json", is_flag=True,
              help="The config file, every setting with its value and origin, and which secrets are set, as JSON.")
@click.pass_context
def config_(ctx: click.Context, as_json: bool) -> None:
    """The config file, every setting in effect and where it came from (default, file, environment,
    option), and which secrets are set (never their values)."""
    from dailypapers.config import explain_settings, secrets_set

    explained = explain_settings(home=ctx.obj["home"])
    rows = explained.rows()
    secrets = secrets_set()
    if as_json:
        _print_json({"config_file": {"path": str(explained.path), "exists": explained.found},
                     "settings": {name: {"value": value, "origin": o.kind, "where": o.where or None}
                                  for name, value, o in rows},
                     "secrets": {name: {"set": is_set} for name, is_set in secrets.items()}})
        return
    state = "read" if explained.found else "not found: every setting is from its default, the environment or an option"
    click.echo(f"config file: {explained.path} ({state})")
    width = max(len(name) for name, _, _ in rows)
    for name, value, o in rows:
        origin = f"{o.kind} {o.where}" if o.kind == "environment" else o.kind  # the file is named above
        click.echo(f"  {name:<{width}}  {_setting_text(value):<30}  {origin}")
    click.echo("secrets (from the environment only; their values are never shown):")
    for name, is_set in secrets.items():
        click.echo(f"  {name:<{width}}  {'set' if is_set else 'not set'}")


def _setting_text(value: Any) -> str:
    import json

    if value is None:
        return "-"
    if value == "":
        return '""'
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "-"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)


@cli.command()
@click.option("--llm", default=None, metavar="PROVIDER/MODEL", help="Check this model instead of the configured one.")
@click.option("--json", "as_json", is_flag=True, help="The checks as JSON on stdout.")
@click.pass_context
def doctor(ctx: click.Context, llm: str | None, as_json: bool) -> None:
    """Check that each configured service answers (the LLM, Hugging Face, arXiv, SMTP, chat), one line
    each, with what to fix; exit 1 when one fails. Nothing is posted or sent."""
    from dailypapers import pipeline

    checks = []
    for check in pipeline.doctor(_settings(ctx, llm=llm)):
        checks.append(check)
        if not as_json:
            fix = f"; fix: {check.fix}" if check.fix and check.fix.lower() not in check.detail.lower() else ""
            click.echo(f"{check.status:<8} {check.service}: {check.detail}{fix}")
    failed = [c.service for c in checks if c.status == "failed"]
    if as_json:
        _print_json({"ok": not failed, "checks": [_plain(c) for c in checks]})
    if failed:
        sys.exit(1)


def main() -> None:
    """The `dailypapers` command (the console script)."""
    cli(prog_name="dailypapers")
