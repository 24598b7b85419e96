"""``yrd search``, ``show``, ``stats``: reading the store (``yrd entity``: entity.py)."""
from __future__ import annotations

import json

import click

from ..errors import YrdError
from .options import (chosen_format, connect, db_option, filter_options, filters, local_day, output_format, page_options,
                      shown, table)


@click.command()
@click.argument("query")
@db_option
@filter_options
@page_options(20, "documents")
@output_format(("table", "jsonl"), "table", "jsonl (id, title, source, published_at, score, snippet)")
def search(query, db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of, limit, offset, fmt):
    """Search titles and texts (Chinese-aware; traditional and simplified both match), ranked, with snippets.

    Words separated by spaces must all occur; each word matches as a phrase.

    \b
    Example:
      yrd search 嘉善 --from 2022 --event-type signing
      yrd search "沪苏湖 开通" --format jsonl
    """
    from ..store.query import search_page

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of)
    with connect(db).connect() as conn:
        try:
            result = search_page(conn, query, f, limit, offset)
        except YrdError as exc:
            raise click.ClickException(str(exc)) from None
    hits = result.hits
    if chosen_format(fmt, "table", "jsonl") == "jsonl":
        for h in hits:
            click.echo(json.dumps({k: h[k] for k in ("id", "title", "source", "published_at", "score", "snippet")},
                                  ensure_ascii=False))
    else:
        table([[local_day(h["published_at"]), h["title"], h["source"], h["snippet"], h["id"]] for h in hits],
              ["date", "title", "source", "snippet", "id"])
    shown(result.total, offset, len(hits), "documents", exact=result.exact)


@click.command()
@click.argument("doc_id")
@db_option
def show(doc_id, db):
    """Print one stored document's fact sheet (with its copies and version).

    \b
    Example:
      yrd show 1013afab7c8758e60072
    """
    from ..store.query import get_document

    with connect(db).connect() as conn:
        sheet = get_document(conn, doc_id)
    if sheet is None:
        raise click.ClickException(f"{doc_id}: no such document in the store (see `yrd search`)")
    click.echo(json.dumps(sheet, ensure_ascii=False, indent=2))


@click.command()
@db_option
@click.option("--as-of", "as_of", metavar="DATE", help="The counts as the store stood then: 2026-12-01 (the end of that "
                                                     "day, Beijing time) or 2026-12-01T09:30.")
def stats(db, as_of):
    """Counts of documents, duplicates, facts and entities in the store.

    \b
    Example:
      yrd stats --db sqlite:///kb.db
      yrd stats --as-of 2026-11-30
    """
    from ..store.query import stats as run_stats
    from ..store.query.filters import Filters, parse_as_of

    try:
        f = Filters(as_of=parse_as_of(as_of, "--as-of")) if as_of else None
    except YrdError as exc:
        raise click.BadParameter(str(exc)) from None
    with connect(db).connect() as conn:
        click.echo(json.dumps(run_stats(conn, f), ensure_ascii=False, indent=2, default=str))
