"""``yrd export``: the knowledge base as files."""
from __future__ import annotations

import click

from ..errors import YrdError
from ..model import EXPORT_FORMATS, EXPORT_TABLES
from .options import connect, db_option, filter_options, filters


@click.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="jsonl", show_default=True)
@click.option("--table", type=click.Choice(EXPORT_TABLES), default="documents", show_default=True,
              help="What a csv holds (xlsx holds all of them).")
@click.option("--output", "-o", help="File to write (default: stdout for jsonl, csv and geojson).")
@filter_options
def export(db, fmt, table, output, place, date_from, date_to, event_type, kind, publisher, include_duplicates):
    """Export fact sheets (jsonl, the FACTSHEET.md shape with duplicate_of), tables, a map layer or parquet.

    \b
    Example:
      yrd export --format jsonl --place 330400 > jiaxing.jsonl
      yrd export --format xlsx -o kb.xlsx --from 2023
    """
    from ..export import export as run_export

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of)
    with connect(db).connect() as conn:
        try:
            n = run_export(conn, fmt, output, f, table=table)
        except YrdError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"yrd: exported {n} record(s)" + (f" to {output}" if output and output != "-" else ""), err=True)
