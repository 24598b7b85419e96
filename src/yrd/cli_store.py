"""Commands over the knowledge base: ingest, search, show, entity, projects, targets, network, stats, export."""
from __future__ import annotations

import json
import shutil
import sys
from datetime import date

import click

from .cli import _parse_size, main
from .errors import YrdError

DB_HELP = "SQLAlchemy URL of the store (sqlite:///path.db, postgresql://user@host/db); default $YRD_DB or a per-user SQLite file."


def _url(db: str | None) -> str:
    from .store import default_url

    return db or default_url()


def _connect(db: str | None):
    from .store import make_engine, migrate

    try:
        engine = make_engine(_url(db))
        migrate(engine)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    return engine


def _date(value: str | None) -> date | None:
    from .store.query import parse_day

    try:
        return parse_day(value)
    except YrdError as exc:
        raise click.BadParameter(str(exc)) from None


def filter_options(f):
    for opt in reversed([
        click.option("--place", help="Adcode of a place (a city includes its districts): 330421 is 嘉善县."),
        click.option("--from", "date_from", help="Published on or after (YYYY[-MM[-DD]])."),
        click.option("--to", "date_to", help="Published on or before (YYYY[-MM[-DD]])."),
        click.option("--event-type", type=click.Choice(["meeting", "signing", "unveiling", "groundbreaking",
                                                         "completion", "approval", "release", "launch"]),
                     help="Only documents with an event of this type."),
        click.option("--kind", type=click.Choice(["place", "person", "organization", "amount", "target", "event",
                                                   "relation"]), help="Only documents with a fact of this kind."),
        click.option("--publisher", help="Only documents of this publisher (as stored, e.g. 央视网)."),
        click.option("--include-duplicates", is_flag=True, help="Also list reposts and copies (normally counted once)."),
    ]):
        f = opt(f)
    return f


def _filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates):
    from .store.query import Filters

    try:
        return Filters(place, _date(date_from), _date(date_to), event_type, kind, publisher, include_duplicates).validate()
    except YrdError as exc:
        raise click.BadParameter(str(exc)) from None


def _table(rows: list[list], headers: list[str]) -> None:
    """A plain aligned table that fits the terminal (wide Chinese characters count double)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    def cut(s: str, w: int) -> str:
        out, n = "", 0
        for c in s:
            cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
            if n + cw > w - 1 and width(s) > w:
                return out + "…"
            out, n = out + c, n + cw
        return out

    cols = shutil.get_terminal_size((120, 20)).columns
    cells = [[str(c if c is not None else "") for c in r] for r in rows]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    while sum(widths) + 2 * len(widths) > cols and max(widths) > 12:
        widths[widths.index(max(widths))] -= 1
    line = "  ".join(cut(h, w) + " " * (w - width(cut(h, w))) for h, w in zip(headers, widths))
    click.echo(line)
    click.echo("-" * min(cols, width(line)))
    for r in cells:
        click.echo("  ".join(cut(c, w) + " " * (w - width(cut(c, w))) for c, w in zip(r, widths)))


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH|URL...")
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
@click.option("--workers", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes that read, clean and extract in parallel.")
@click.option("--batch", default=100, show_default=True, type=click.IntRange(1, 10000),
              help="Documents per transaction (a killed ingest redoes at most one batch).")
@click.option("--max-bytes", default="50M", show_default=True, help="Largest single-article file to read.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Run here, or on a Ray cluster (see README).")
@click.option("--address", help="Ray cluster address (ray://host:10001); default: start a local Ray.")
def ingest(paths, db, workers, batch, max_bytes, progress, engine, address):
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
    from .ingest import count_inputs
    from .ingest import ingest as run_ingest

    url = _url(db)
    if engine == "ray":
        from .scale.ray_backfill import ingest_ray

        try:
            summary = ingest_ray(list(paths), url, address=address, batch_size=batch, max_bytes=_parse_size(max_bytes))
        except YrdError as exc:
            raise click.ClickException(str(exc)) from None
        for line in summary.lines():
            click.echo(f"yrd: {line}", err=True)
        sys.exit(1 if summary.failed else 0)
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
        summary = run_ingest(list(paths), url, workers=workers, batch_size=batch, max_bytes=_parse_size(max_bytes),
                             progress=bar.update if bar is not None else None, on_failure=failed)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    for line in summary.lines():
        click.echo(f"yrd: {line}", err=True)
    click.echo(f"yrd: store: {url}", err=True)
    sys.exit(1 if summary.failed else 0)


@main.command()
@click.argument("query")
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
@filter_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default=None,
              help="table on a terminal, jsonl otherwise (id, title, source, published_at, score, snippet).")
def search(query, db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, limit, offset, fmt):
    """Search titles and texts (Chinese-aware; traditional and simplified both match), ranked, with snippets.

    Words separated by spaces must all occur; each word matches as a phrase.

    \b
    Example:
      yrd search 嘉善 --from 2022 --event-type signing
      yrd search "沪苏湖 开通" --format jsonl
    """
    from .store.query import search_page

    f = _filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates)
    with _connect(db).connect() as conn:
        try:
            result = search_page(conn, query, f, limit, offset)
        except YrdError as exc:
            raise click.ClickException(str(exc)) from None
    total, hits = result.total, result.hits
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    if fmt == "jsonl":
        for h in hits:
            click.echo(json.dumps({k: h[k] for k in ("id", "title", "source", "published_at", "score", "snippet")},
                                  ensure_ascii=False))
        return
    _table([[h["published_at"][:10] if h["published_at"] else "", h["title"], h["source"], h["snippet"], h["id"]]
            for h in hits], ["date", "title", "source", "snippet", "id"])
    count = f"{total}" if result.exact else f"more than {total:,}"
    click.echo(f"{count} document(s); showing {offset + 1}–{offset + len(hits)}" if hits else "no documents match")


@main.command()
@click.argument("doc_id")
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
def show(doc_id, db):
    """Print one stored document's fact sheet (with its copies and version).

    \b
    Example:
      yrd show 1013afab7c8758e60072
    """
    from .store.query import get_document

    with _connect(db).connect() as conn:
        sheet = get_document(conn, doc_id)
    if sheet is None:
        raise click.ClickException(f"{doc_id}: no such document in the store (see `yrd search`)")
    click.echo(json.dumps(sheet, ensure_ascii=False, indent=2))


@main.command()
@click.argument("ref")
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
@filter_options
def entity(ref, db, place, date_from, date_to, event_type, kind, publisher, include_duplicates):
    """Everything known about a place, organisation, project or person, each fact with its sources.

    REF is an adcode (330421), a name or alias (沪苏湖高铁), or e:ID.

    \b
    Example:
      yrd entity 330421 --from 2019
      yrd entity 沪苏湖铁路
    """
    from .store.query import entity_page

    f = _filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates)
    with _connect(db).connect() as conn:
        page = entity_page(conn, ref, f)
    if page is None:
        raise click.ClickException(f"{ref}: no place, organisation or person of that code or name in the store")
    click.echo(json.dumps(page, ensure_ascii=False, indent=2, default=str))


@main.command()
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
@filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default=None)
def projects(db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, fmt):
    """The project library: projects with their places, investment (every revision) and stage.

    \b
    Example:
      yrd projects --place 330421
    """
    from .store.query import projects as run_projects

    f = _filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates)
    with _connect(db).connect() as conn:
        total, rows = run_projects(conn, f)
    if (fmt or ("table" if sys.stdout.isatty() else "jsonl")) == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    order = {"approval": 0, "signing": 1, "groundbreaking": 2, "completion": 3, "launch": 4, None: 9}
    rows.sort(key=lambda r: (order.get(r["stage"], 8), r["name"]))
    _table([[r["name"], r["stage"] or "—", r["stage_date"] or "",
             f"{r['investment']['value'] / 1e8:,.2f} 亿 {r['investment']['unit']}" if r["investment"] else "",
             "、".join(p["name"] for p in r["places"][:3])] for r in rows],
           ["project", "stage", "date", "investment", "places"])
    click.echo(f"{total} project(s)")


@main.command()
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
@filter_options
@click.option("--due", type=int, help="Only targets due in this year.")
@click.option("--status", type=click.Choice(["open", "reported", "achieved", "overdue"]))
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default=None)
def targets(db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, due, status, fmt):
    """The target tracker: targets by deadline with their latest report and status.

    \b
    Example:
      yrd targets --due 2025 --status open
    """
    from .store.query import targets as run_targets

    f = _filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates)
    with _connect(db).connect() as conn:
        total, rows = run_targets(conn, f, due=due, status=status)
    if (fmt or ("table" if sys.stdout.isatty() else "jsonl")) == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    _table([[r["deadline"], r["subject"] or "", r["metric"],
             "" if r["value"] is None else f"{r['approx'] or ''} {r['value']:,.4g} {r['unit'] or ''}", r["status"],
             (r["latest_report"] or {}).get("published_at", "")[:10]] for r in rows],
           ["due", "subject", "metric", "value", "status", "last report"])
    click.echo(f"{total} target(s)")


@main.command()
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
@filter_options
@click.option("--type", "relation_type", type=click.Choice(["cooperation", "membership", "connects"]))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default=None)
def network(db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, relation_type, fmt):
    """The cooperation network: who works with whom, on what, how often.

    \b
    Example:
      yrd network --type cooperation --from 2023
    """
    from .store.query import network as run_network

    f = _filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates)
    with _connect(db).connect() as conn:
        net = run_network(conn, f, relation_type)
    if (fmt or ("table" if sys.stdout.isatty() else "json")) == "json":
        click.echo(json.dumps(net, ensure_ascii=False, indent=2))
        return
    names = {n["id"]: n["name"] for n in net["nodes"]}
    _table([[names.get(e["source"]), names.get(e["target"]), e["type"], e["count"], "、".join(e["topics"][:3]),
             (e["last_date"] or "")[:10]] for e in net["edges"]],
           ["party", "party", "type", "articles", "topics", "last"])


@main.command()
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
def stats(db):
    """Counts of documents, duplicates, facts and entities in the store.

    \b
    Example:
      yrd stats --db sqlite:///kb.db
    """
    from .store.query import stats as run_stats

    with _connect(db).connect() as conn:
        click.echo(json.dumps(run_stats(conn), ensure_ascii=False, indent=2, default=str))


@main.command()
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx", "geojson", "parquet"]), default="jsonl",
              show_default=True)
@click.option("--table", type=click.Choice(["documents", "facts", "projects", "targets", "relations"]),
              default="documents", show_default=True, help="What a csv holds (xlsx holds all of them).")
@click.option("--output", "-o", help="File to write (default: stdout for jsonl, csv and geojson).")
@filter_options
def export(db, fmt, table, output, place, date_from, date_to, event_type, kind, publisher, include_duplicates):
    """Export fact sheets (jsonl, the FACTSHEET.md shape with duplicate_of), tables, a map layer or parquet.

    \b
    Example:
      yrd export --format jsonl --place 330400 > jiaxing.jsonl
      yrd export --format xlsx -o kb.xlsx --from 2023
    """
    from .export import export as run_export

    f = _filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates)
    with _connect(db).connect() as conn:
        try:
            n = run_export(conn, fmt, output, f, table=table)
        except YrdError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"yrd: exported {n} record(s)" + (f" to {output}" if output and output != "-" else ""), err=True)


@main.command()
@click.option("--db", envvar="YRD_DB", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0 for all).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token", envvar="YRD_TOKEN", help="Allow ingest through the API (upload, URL) with this bearer token.")
def serve(db, host, port, token):
    """Serve the dashboard and the REST API (OpenAPI docs at /docs); read-only unless --token is given.

    \b
    Example:
      yrd serve --port 8000
      YRD_TOKEN=s3cret yrd serve --db postgresql://postgres@127.0.0.1:5432/yrd --host 0.0.0.0
    """
    import uvicorn

    from .api import create_app

    try:
        app = create_app(_url(db), token)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"yrd: dashboard at http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/ "
               f"(API docs at /docs){'; ingest enabled with a token' if token else '; read-only'}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
