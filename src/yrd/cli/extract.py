"""``yrd extract`` and ``yrd eval``: fact sheets of articles, without a store; scores against a gold set."""
from __future__ import annotations

import json
import sys

import click

from .options import setting, size


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH|URL...")
@setting("max_bytes")
@setting("timeout")
@setting("budget")
@click.option("--pretty", is_flag=True, help="Indent each fact sheet (not JSON Lines any more).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
def extract(paths: tuple[str, ...], max_bytes: str, timeout: float, budget: float, pretty: bool,
            progress: bool | None) -> None:
    """Print one fact sheet (JSON Lines) per article found under PATH|URL.

    PATH may be a file of any supported shape (HTML page, front-matter
    Markdown, scraped text, JSON Lines, RSS/Atom), a directory (read
    recursively) or an http(s) URL of a page or feed. The shape and encoding
    are sniffed from the content. Bad inputs are reported on stderr, one line
    each; the exit status is 1 if any input failed. An input that is no article
    (a table, a README, a page without an article body) is skipped with its
    reason, which is no failure.

    \b
    Example:
      yrd extract samples/articles/ > factsheets.jsonl
      yrd extract page.html feed.xml --pretty
    """
    from tqdm import tqdm

    from ..pipeline import Failure, Stats, run
    from ..read import ReadOptions

    options = ReadOptions(max_bytes=size(max_bytes), timeout=timeout)
    stats = Stats()
    show = sys.stderr.isatty() if progress is None else progress
    out = sys.stdout
    failures = skipped = 0
    with tqdm(desc="extract", unit=" doc", disable=not show, file=sys.stderr, dynamic_ncols=True) as bar:
        for item in run(paths, options, stats, budget=budget):
            bar.update(1)
            if isinstance(item, Failure):
                skipped += item.skipped
                failures += not item.skipped
                bar.clear()
                click.echo(f"yrd: skipped {item}", err=True)
                continue
            out.write(json.dumps(item.factsheet(), ensure_ascii=False, indent=2 if pretty else None) + "\n")
    if failures or skipped:
        parts = [f"yrd: {stats.ok} document(s) extracted"]
        if skipped:
            parts.append(f"{skipped} input(s) skipped, no error ("
                         + ", ".join(f"{n} {k}" for k, n in stats.skipped.most_common()) + ")")
        if failures:
            parts.append(f"{failures} input(s) failed (" + ", ".join(f"{n} {k}" for k, n in stats.failed.most_common()) + ")")
        click.echo(", ".join(parts), err=True)
    if failures:
        sys.exit(1)


@click.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--corpus", type=click.Path(file_okay=False), default=None,
              help="Directory the gold set's files are relative to (default: ../shared/corpus).")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True,
              help="Which part of the gold set: the development part (to tune on), the test part, or both.")
@click.option("--errors", is_flag=True, help="List what went wrong on each page (the development part only).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
def evaluate(gold: str, corpus: str | None, split: str, errors: bool, as_json: bool) -> None:
    """Score the extractors against a hand-annotated gold set: precision, recall and F1 per fact kind, and for the
    web gold set also articles, titles, dates and clean text, per part (development and test).

    \b
    Example:
      yrd eval tests/gold/gold.jsonl --corpus ../shared/corpus
      yrd eval tests/gold/web_gold.jsonl --split dev --errors
    """
    from ..errors import YrdError
    from ..evaluation import SPLITS
    from ..evaluation import evaluate as run_eval

    if errors and split != "dev":
        raise click.BadParameter("the test part's errors are not shown: tune on --split dev", param_hint="--errors")
    reports = []
    try:
        for part in (SPLITS if split == "all" else (split,)):
            reports.append(run_eval(gold, corpus or "../shared/corpus", part, errors))
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({part: r.as_dict() for part, r in zip(SPLITS if split == "all" else (split,), reports)},
                              ensure_ascii=False, indent=2))
    else:
        for part, report in zip(SPLITS if split == "all" else (split,), reports):
            click.echo(f"== {part} ==")
            click.echo(report.table())
    for report in reports:
        for err in report.errors:
            click.echo(f"yrd: {err}", err=True)
