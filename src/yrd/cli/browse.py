"""``yrd search``, ``show``, ``entity``, ``stats``: reading the store."""
from __future__ import annotations

import json

import click

from ..errors import YrdError
from .options import (chosen_format, connect, db_option, filter_options, filters, output_format, page_options, table)


@click.command()
@click.argument("query")
@db_option
@filter_options
@page_options(20)
@output_format(("table", "jsonl"), "table", "jsonl (id, title, source, published_at, score, snippet)")
def search(query, db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, limit, offset, fmt):
    """Search titles and texts (Chinese-aware; traditional and simplified both match), ranked, with snippets.

    Words separated by spaces must all occur; each word matches as a phrase.

    \b
    Example:
      yrd search 嘉善 --from 2022 --event-type signing
      yrd search "沪苏湖 开通" --format jsonl
    """
    from ..store.query import search_page

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates)
    with connect(db).connect() as conn:
        try:
            result = search_page(conn, query, f, limit, offset)
        except YrdError as exc:
            raise click.ClickException(str(exc)) from None
    total, hits = result.total, result.hits
    if chosen_format(fmt, "table", "jsonl") == "jsonl":
        for h in hits:
            click.echo(json.dumps({k: h[k] for k in ("id", "title", "source", "published_at", "score", "snippet")},
                                  ensure_ascii=False))
        return
    table([[h["published_at"][:10] if h["published_at"] else "", h["title"], h["source"], h["snippet"], h["id"]]
           for h in hits], ["date", "title", "source", "snippet", "id"])
    count = f"{total}" if result.exact else f"more than {total:,}"
    click.echo(f"{count} document(s); showing {offset + 1}–{offset + len(hits)}" if hits else "no documents match")


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
@click.argument("ref")
@db_option
@filter_options
def entity(ref, db, place, date_from, date_to, event_type, kind, publisher, include_duplicates):
    """Everything known about a place, organisation, project or person, each fact with its sources.

    REF is an adcode (330421), a name or alias (沪苏湖高铁), or e:ID.

    \b
    Example:
      yrd entity 330421 --from 2019
      yrd entity 沪苏湖铁路
    """
    from ..store.query import entity_page

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates)
    with connect(db).connect() as conn:
        page = entity_page(conn, ref, f)
    if page is None:
        raise click.ClickException(f"{ref}: no place, organisation or person of that code or name in the store")
    click.echo(json.dumps(page, ensure_ascii=False, indent=2, default=str))


@click.command()
@db_option
def stats(db):
    """Counts of documents, duplicates, facts and entities in the store.

    \b
    Example:
      yrd stats --db sqlite:///kb.db
    """
    from ..store.query import stats as run_stats

    with connect(db).connect() as conn:
        click.echo(json.dumps(run_stats(conn), ensure_ascii=False, indent=2, default=str))
