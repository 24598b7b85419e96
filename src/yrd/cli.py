"""The ``yrd`` command line: thin commands over the library."""
from __future__ import annotations

import json
import sys

import click

from . import __version__
from .pipeline import Failure, Stats, run
from .read import ReadOptions


def _progress(enabled: bool, desc: str):
    from tqdm import tqdm

    return tqdm(desc=desc, unit=" doc", disable=not enabled, file=sys.stderr, dynamic_ncols=True)


def _parse_size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    v = value.strip().lower().rstrip("b")
    try:
        if v and v[-1] in units:
            return int(float(v[:-1]) * units[v[-1]])
        return int(v)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a size; use e.g. 50M or 200000000") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="yrd")
def main() -> None:
    """yrd — the Yangtze River Delta Integration Observatory.

    Reads Chinese news in every common shape, cleans it to faithful
    simplified text and extracts the facts of 长三角一体化.

    \b
    Example:
      yrd extract samples/articles/ > factsheets.jsonl
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH|URL...")
@click.option("--max-bytes", default="50M", show_default=True,
              help="Largest single-article file to read (JSON Lines stream at any size).")
@click.option("--pretty", is_flag=True, help="Indent each fact sheet (not JSON Lines any more).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
def extract(paths: tuple[str, ...], max_bytes: str, pretty: bool, progress: bool | None) -> None:
    """Print one fact sheet (JSON Lines) per article found under PATH|URL.

    PATH may be a file of any supported shape (HTML page, front-matter
    Markdown, scraped text, JSON Lines, RSS/Atom), a directory (read
    recursively) or an http(s) URL of a page or feed. The shape and encoding
    are sniffed from the content. Bad inputs are reported on stderr, one line
    each; the exit status is 1 if any input failed.

    \b
    Example:
      yrd extract samples/articles/ > factsheets.jsonl
      yrd extract page.html feed.xml --pretty
    """
    options = ReadOptions(max_bytes=_parse_size(max_bytes))
    stats = Stats()
    show = sys.stderr.isatty() if progress is None else progress
    out = sys.stdout
    failures = 0
    with _progress(show, "extract") as bar:
        for item in run(paths, options, stats):
            bar.update(1)
            if isinstance(item, Failure):
                failures += 1
                bar.clear()
                click.echo(f"yrd: skipped {item}", err=True)
                continue
            out.write(json.dumps(item.factsheet(), ensure_ascii=False, indent=2 if pretty else None) + "\n")
    if failures:
        summary = ", ".join(f"{n} {k}" for k, n in stats.failed.most_common())
        click.echo(f"yrd: {stats.ok} document(s) extracted, {failures} input(s) failed ({summary})", err=True)
        sys.exit(1)


@main.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--corpus", type=click.Path(file_okay=False), default=None,
              help="Directory the gold set's files are relative to (default: ../shared/corpus).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON instead of a table.")
def eval_command(gold: str, corpus: str | None, as_json: bool) -> None:
    """Score the extractors against a hand-annotated gold set: precision, recall and F1 per fact kind.

    \b
    Example:
      yrd eval tests/gold/gold.jsonl --corpus ../shared/corpus
    """
    from .errors import YrdError
    from .evaluate import evaluate

    try:
        report = evaluate(gold, corpus or "../shared/corpus")
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.table())
    for err in report.errors:
        click.echo(f"yrd: {err}", err=True)


from . import cli_store  # noqa: E402,F401 - registers the knowledge-base commands on `main`

if __name__ == "__main__":  # python -m yrd.cli: run the registered group of the imported module
    from yrd.cli import main as _main

    _main()
