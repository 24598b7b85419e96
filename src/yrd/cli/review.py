"""``yrd review``: the facts to check first."""
from __future__ import annotations

import json

import click

from .options import (chosen_format, connect, db_option, filter_options, filters, local_day, output_format,
                      page_options, shown, table)


@click.command()
@db_option
@filter_options
@click.option("--only", "only", multiple=True, type=click.Choice(["project", "target", "relation", "event", "portfolio",
                                                                 "amount", "person"]),
              help="Review only these kinds of fact (repeat the option for several).")
@page_options(what="facts")
@output_format(("table", "jsonl"), "table", "jsonl")
def review(db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of, only, limit, offset, fmt):
    """The review queue: facts that feed the project library, the target tracker, the network and the timeline
    first (in that order), the least certain first, each with its confidence, the evidence it rests on, the
    extractor that made it and its source sentence.

    \b
    Example:
      yrd review --place 330400 --limit 20
      yrd review --only target --format jsonl
    """
    from ..store.query.review import review as run_review

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of)
    with connect(db).connect() as conn:
        total, rows = run_review(conn, f, tuple(only) or None, limit, offset)
    if chosen_format(fmt, "table", "jsonl") == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False, default=str))
    else:
        table([[r["kind"], "—" if r["confidence"] is None else f"{r['confidence']:.2f}", ", ".join(r["because"]),
                r["span"]["text"], local_day(r["source"]["published_at"]), r["source"]["title"] or ""] for r in rows],
              ["kind", "confidence", "because", "fact", "date", "source"])
    shown(total, offset, len(rows), "facts to review")
