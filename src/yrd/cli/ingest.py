"""``yrd ingest``: articles into the store."""
from __future__ import annotations

import sys

import click

from ..errors import YrdError
from .options import db_option, setting, size, store_url


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH|URL...")
@db_option
@setting("workers", "--workers", "-j", type=click.IntRange(1, 64))
@setting("batch", type=click.IntRange(1, 10000))
@setting("max_bytes")
@setting("timeout")
@setting("budget")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Run here, or on a Ray cluster (see README).")
@setting("ray_address")
def ingest(paths, db, workers, batch, max_bytes, timeout, budget, progress, engine, ray_address):
    """Read, clean, extract, deduplicate and store every article under PATH|URL.

    Idempotent: the same input again changes nothing; a changed article (same
    URL or path and title, new bytes) becomes a new version; reposts and
    copies are linked to their canonical article (duplicate_of). Safe to kill
    and re-run: every batch is one transaction.

    \b
    Example:
      yrd ingest ../shared/corpus --workers 2
      yrd ingest feed.xml --db postgresql://postgres@127.0.0.1:5432/yrd
    """
    from ..ingest import IngestOptions, count_inputs, tuned_collector
    from ..store.db import StoreFault
    from ..ingest import ingest as run_ingest

    url = store_url(db)
    options = IngestOptions(workers=workers, batch_size=batch, max_bytes=size(max_bytes), timeout=timeout,
                            budget=budget)
    executor = None
    if engine == "ray":
        from ..scale.ray_backfill import ray_executor

        executor = ray_executor(ray_address)
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(total=count_inputs(paths), unit=" file", desc="ingest", file=sys.stderr, dynamic_ncols=True)

    def failed(item):
        msg = f"yrd: skipped {item}"
        if bar is not None:
            bar.write(msg, file=sys.stderr)
        else:
            click.echo(msg, err=True)

    try:
        # this process is the command's own: its collector is tuned for the run (workers tune their own)
        with tuned_collector(warm=engine == "local"):
            summary = run_ingest(list(paths), url, options, progress=bar.update if bar is not None else None,
                                 on_failure=failed, executor=executor)
    except StoreFault as exc:  # one line, after what the run did before: documents are not blamed for it
        if bar is not None:
            bar.close()
            bar = None
        for line in exc.summary.lines() if getattr(exc, "summary", None) else ():
            click.echo(f"yrd: {line}", err=True)
        click.echo(f"yrd: error: {exc}", err=True)
        sys.exit(1)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    for line in summary.lines():
        click.echo(f"yrd: {line}", err=True)
    click.echo(f"yrd: store: {url}", err=True)
    sys.exit(1 if summary.failed else 0)
