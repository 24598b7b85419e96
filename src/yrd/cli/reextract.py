"""``yrd reextract``: the running extractors over the stored documents, their facts replaced where they changed."""
from __future__ import annotations

import json
import sys

import click

from ..errors import YrdError
from ..model import FACT_KINDS
from .options import db_option, setting, store_url


def _kinds(ctx, param, values) -> tuple[str, ...]:
    """``--kind place --kind event`` or ``--kind place,event``."""
    out = []
    for value in values:
        for kind in filter(None, (k.strip() for k in value.split(","))):
            if kind not in FACT_KINDS:
                raise click.BadParameter(f"{kind!r} is not a fact kind; expected one of {', '.join(FACT_KINDS)}")
            out.append(kind)
    return tuple(dict.fromkeys(out))


@click.command()
@click.option("--kind", "kinds", multiple=True, callback=_kinds, metavar="KIND[,KIND…]",
              help=f"Replace only the facts of these kinds ({', '.join(FACT_KINDS)}; repeat it or give a list; "
                   "default: every kind). The others stay as stored.")
@db_option
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--limit", type=click.IntRange(1), help="At most this many documents (the first stored first).")
@click.option("--force", is_flag=True, help="Also the documents the running extractors made already.")
@setting("batch", type=click.IntRange(1, 10000))
@setting("budget")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="The report as lines, or as one JSON object.")
def reextract(kinds, db, dry_run, limit, force, batch, budget, progress, fmt):
    """Run the current extractors over every stored current document (copies
    too) and replace the facts that changed, with every count, the network,
    documents by place and entity, and the stored fact sheets.

    The clean text is not cleaned again: that is re-ingesting. Documents the
    running extractors made already are skipped (--force: not), so a killed
    run resumes where it stopped; every batch is one transaction. The report
    gives, per kind, the facts added, removed and changed with examples.

    \b
    Example:
      yrd reextract --dry-run
      yrd reextract --kind place,event --db sqlite:///kb.db
    """
    from ..reextract import reextract as run

    show = sys.stderr.isatty() if progress is None else progress
    bar = None

    def total(n: int) -> None:
        nonlocal bar
        if show and n:
            from tqdm import tqdm

            bar = tqdm(total=n, unit=" doc", desc="reextract", file=sys.stderr, dynamic_ncols=True)

    try:
        report = run(store_url(db), kinds, dry_run=dry_run, limit=limit, force=force, batch_size=batch, budget=budget,
                     progress=lambda n: bar.update(n) if bar is not None else None, on_total=total)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
