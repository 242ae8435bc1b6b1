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

FORMATS = ["markdown", "json"]


class _Cli(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        from dailypapers.errors import DailyPapersError

        try:
            return super().invoke(ctx)
        except DailyPapersError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted; finished work is saved, run the same command again to go on", err=True)
            sys.exit(130)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the database, caches and outputs live [env DAILYPAPERS_HOME; "
                   "default: $XDG_DATA_HOME/dailypapers].")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.version_option(package_name="dailypapers")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, quiet: bool) -> None:
    """Each day's AI papers as a digest you can trust, in your language.

    Typical day: dailypapers run --lang ko --llm openai/gpt-4o-mini
    """
    ctx.obj = {"home": home, "quiet": quiet}


def _settings(ctx: click.Context, **flags: Any) -> Settings:
    from dailypapers.config import load_settings

    return load_settings(home=ctx.obj["home"], **flags)


def _date(settings: Settings, value: str | None) -> str:
    from dailypapers.config import parse_date

    return parse_date(value) if value else settings.today()


def _progress(ctx: click.Context) -> Any:
    from dailypapers.progress import for_stream

    return for_stream(sys.stderr, ctx.obj["quiet"])


date_option = click.option("--date", "date", metavar="YYYY-MM-DD",
                           help="The day [default: today in your time zone].")
lang_option = click.option("--lang", default=None, metavar="CODE",
                           help="Language of the summaries: ko (default), en, ja, zh, ...")
llm_option = click.option("--llm", default=None, metavar="PROVIDER/MODEL",
                          help="openai/gpt-4o-mini, ollama/qwen2.5:7b, vllm/M, openai-compatible/M, "
                               "extractive [env DAILYPAPERS_LLM].")
concurrency_option = click.option("--concurrency", type=click.IntRange(1, 256), default=None,
                                  help="Papers summarized at once [default: 8].")
tokens_option = click.option("--max-input-tokens", type=click.IntRange(200, 2_000_000), default=None,
                             help="How much of each paper a summary reads [default: 16000].")
checks_option = click.option("--checks", type=click.Choice(["strict", "standard", "off"]), default=None,
                             help="Quality checks: standard fails a paper on hard findings and keeps "
                                  "soft ones; strict fails on any; off skips them [default: standard].")
text_source_option = click.option("--text-source", "text_sources", default=None, metavar="LIST",
                                  help="What summaries read, first that works [default: html,pdf,abstract].")


@cli.command()
@date_option
@click.option("--source", type=click.Choice(["hf", "arxiv"]), default="hf", show_default=True,
              help="Where the day's papers come from.")
@click.option("--category", "categories", multiple=True, metavar="CAT",
              help="With --source arxiv: the papers announced in this category (cs.CL, ...) that day.")
@click.option("--id", "ids", multiple=True, metavar="ARXIV_ID",
              help="With --source arxiv: these papers (2412.19712, 2412.19712v2, astro-ph/0601001).")
@click.pass_context
def fetch(ctx: click.Context, date: str | None, source: str, categories: tuple[str, ...],
          ids: tuple[str, ...]) -> None:
    """Fetch a day's papers into the store (again: refresh upvotes, add new papers)."""
    from dailypapers import pipeline

    if (categories or ids) and source != "arxiv":
        raise click.UsageError("--category and --id go with --source arxiv")
    settings = _settings(ctx)
    day = _date(settings, date)
    store = pipeline.open_store(settings)
    r = pipeline.fetch(store, settings, day, source, list(categories), list(ids))
    click.echo(f"{day}: {r.listed} papers listed, {r.added} new, {r.updated} updated", err=True)
    if r.listed == 0 and source == "arxiv" and categories:
        click.echo(f"{day}: arXiv announced nothing in {', '.join(categories)} (a weekend or holiday?)", err=True)
    if r.not_found:
        click.echo(f"not found on arXiv: {', '.join(r.not_found)}", err=True)
        sys.exit(1)


@cli.command()
@date_option
@lang_option
@llm_option
@concurrency_option
@tokens_option
@text_source_option
@checks_option
@click.option("--force", is_flag=True, help="Summarize again even where a summary exists.")
@click.pass_context
def summarize(ctx: click.Context, date: str | None, lang: str | None, llm: str | None,
              concurrency: int | None, max_input_tokens: int | None, text_sources: str | None,
              checks: str | None, force: bool) -> None:
    """Summarize the day's papers that have no summary yet for this language, model and prompt."""
    from dailypapers import pipeline

    settings = _settings(ctx, lang=lang, llm=llm, concurrency=concurrency,
                         max_input_tokens=max_input_tokens, text_sources=text_sources, checks=checks)
    backend = pipeline.get_backend(settings.llm, settings)
    store = pipeline.open_store(settings)
    day = _date(settings, date)
    report = pipeline.summarize(store, settings, day, settings.lang, backend, force, _progress(ctx))
    _report_summaries(report)
    if report.failures:
        sys.exit(1)


def _report_summaries(r: SummarizeReport) -> None:
    click.echo(f"{r.date} [{r.lang}] {r.model}: {r.done} summarized, {r.skipped} already done, "
               f"{len(r.failures)} failed, {r.repaired} repaired; "
               f"{r.usage.prompt_tokens + r.usage.completion_tokens} tokens in {r.usage.requests} requests",
               err=True)
    for note in r.notes:
        click.echo(f"  note: {note}", err=True)
    for f in r.failures:
        click.echo(f"  failed {f.paper_id}: {f.reason}", err=True)


@cli.command()
@date_option
@lang_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="markdown", show_default=True,
              help="Markdown in the layout of FORMAT.md, or JSON.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of standard output.")
@click.option("--model", default=None, help="Only summaries by this model [default: the newest].")
@click.pass_context
def render(ctx: click.Context, date: str | None, lang: str | None, fmt: str, output: Path | None,
           model: str | None) -> None:
    """Render a day's digest (FORMAT.md Markdown, or JSON)."""
    from dailypapers import pipeline

    settings = _settings(ctx, lang=lang)
    day = _date(settings, date)
    store = pipeline.open_store(settings)
    d = pipeline.digest(store, day, settings.lang, model)
    _write(pipeline.render(d, fmt), output)
    _report_missing(d)


def _report_missing(d: Any) -> None:
    missing = [e.paper.id for e in d.entries if e.summary is None]
    if not d.entries:
        click.echo(f"{d.date}: the store has no papers for this day; run fetch first", err=True)
    elif missing:
        click.echo(f"{d.date} [{d.lang}]: left out {len(missing)} of {len(d.entries)} papers with no "
                   f"summary: {', '.join(missing)}", err=True)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))  # FORMAT.md is UTF-8 whatever the locale
        sys.stdout.buffer.flush()
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(output)  # readers never see half a file
    click.echo(f"wrote {output}", err=True)


@cli.command()
@date_option
@lang_option
@llm_option
@concurrency_option
@tokens_option
@text_source_option
@checks_option
@click.option("--source", type=click.Choice(["hf"]), default="hf", show_default=True,
              help="Where the day's papers come from.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The Markdown digest [default: HOME/out/DATE.LANG.md].")
@click.pass_context
def run(ctx: click.Context, date: str | None, lang: str | None, llm: str | None,
        concurrency: int | None, max_input_tokens: int | None, text_sources: str | None,
        checks: str | None, source: str, output: Path | None) -> None:
    """Fetch, summarize and render a day in one go."""
    from dailypapers import pipeline

    settings = _settings(ctx, lang=lang, llm=llm, concurrency=concurrency,
                         max_input_tokens=max_input_tokens, text_sources=text_sources, checks=checks)
    backend = pipeline.get_backend(settings.llm, settings)
    day = _date(settings, date)
    store = pipeline.open_store(settings)
    f = pipeline.fetch(store, settings, day, source)
    click.echo(f"{day}: {f.listed} papers listed, {f.added} new", err=True)
    report = pipeline.summarize(store, settings, day, settings.lang, backend, progress=_progress(ctx))
    _report_summaries(report)
    d = pipeline.digest(store, day, settings.lang, backend.model_id)
    _write(pipeline.render(d), output or settings.home / "out" / f"{day}.{settings.lang}.md")
    _report_missing(d)
    if report.failures:
        sys.exit(1)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@click.pass_context
def import_(ctx: click.Context, file: Path, lang: str | None) -> None:
    """Read a digest in the FORMAT.md layout (and its older variants) into the store."""
    from dailypapers import pipeline

    settings = _settings(ctx)
    store = pipeline.open_store(settings)
    r = pipeline.import_digest(store, file, lang)
    for day, count in r.days:
        click.echo(f"imported {day}: {count} papers [{r.lang}]", err=True)
    for note in r.notes:
        click.echo(f"  normalized: {note}", err=True)


@cli.command()
@date_option
@lang_option
@click.option("--json", "as_json", is_flag=True, help="The findings as JSON, one object per paper.")
@click.pass_context
def check(ctx: click.Context, date: str | None, lang: str | None, as_json: bool) -> None:
    """Check the day's summaries against their papers; exit 1 if any has a hard finding."""
    import json

    from dailypapers import pipeline

    settings = _settings(ctx, lang=lang)
    day = _date(settings, date)
    rows = pipeline.check_day(pipeline.open_store(settings), day, settings.lang)
    if as_json:
        click.echo(json.dumps([{"id": r.paper.id, "title": r.paper.title, "summarized": r.summary is not None,
                                "checked_against": r.source, "findings": [f.as_dict() for f in r.findings]}
                               for r in rows], ensure_ascii=False, indent=2))
    else:
        _print_checks(day, settings.lang, rows)
    if any(f.severity == "hard" for r in rows for f in r.findings):
        sys.exit(1)


def _print_checks(day: str, lang: str, rows: list[Any]) -> None:
    if not rows:
        click.echo(f"{day}: the store has no papers for this day", err=True)
    for r in rows:
        title = r.paper.title if len(r.paper.title) <= 60 else r.paper.title[:59] + "…"
        if r.summary is None:
            status = f"no {lang} summary"
        else:
            hard = sum(f.severity == "hard" for f in r.findings)
            soft = len(r.findings) - hard
            status = "ok" if not r.findings else f"{hard} hard, {soft} soft"
            status += f" (checked against the {r.source})"
        click.echo(f"{r.paper.id:<12} {status:<40} {title}")
        for f in r.findings:
            click.echo(f"    {f.severity:<4} {f.rule:<10} {f.reason}")


@cli.command("eval")
@click.argument("reference", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@click.option("--model", default=None, help="Compare this model's summaries [default: the newest, not imported].")
@click.option("--json", "as_json", is_flag=True, help="The same numbers as JSON.")
@click.pass_context
def eval_(ctx: click.Context, reference: Path, lang: str | None, model: str | None, as_json: bool) -> None:
    """Compare the store's summaries with a reference digest (FORMAT.md), against the papers."""
    import json

    from dailypapers import pipeline

    settings = _settings(ctx)
    store = pipeline.open_store(settings)
    r = pipeline.evaluate_digest(store, settings, reference, lang, model)
    for note in r.notes:
        click.echo(f"note: {note}", err=True)
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
    if date is None and not as_json:
        for day, count in store.days():
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
        click.echo(f"note: {note}", err=True)
    kept = ", ".join(s.title for s in text.sections)
    click.echo(f"# {text.paper_id}: read from {text.source}; sections: {kept}", err=True)
    if text.omitted:
        click.echo(f"# left out for the {settings.max_input_tokens}-token budget: {', '.join(text.omitted)}",
                   err=True)
    click.echo(text.text)


@cli.command()
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the digest [default: HOME/out].")
@click.pass_context
def demo(ctx: click.Context, output: Path | None) -> None:
    """Offline demo: bundled sample papers, the extractive summarizer, a digest on disk."""
    import tempfile

    from dailypapers import demo as demo_mod

    home = ctx.obj["home"] or Path(tempfile.mkdtemp(prefix="dailypapers-demo-"))
    ctx.obj["home"] = home
    settings = _settings(ctx, lang="en", llm="extractive")
    path = demo_mod.run_demo(settings, output or settings.home / "out", _progress(ctx))
    click.echo(f"Demo digest written to {path}")
    click.echo(f"Output folder: {path.parent}")
    click.echo(f"Data home: {settings.home} (try: dailypapers --home {settings.home} list --json)")


def main() -> None:
    cli(prog_name="dailypapers")
