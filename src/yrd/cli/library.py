"""``yrd projects``, ``targets``, ``network``: the analytic views."""
from __future__ import annotations

import json

import click

from ..model import RELATION_TYPES, STAGES, TARGET_STATUSES
from .options import (amount_text, chosen_format, connect, db_option, filter_options, filters, local_day, output_format,
                      page_options, scope_option, shown, table)


@click.command()
@db_option
@filter_options
@page_options(what="portfolios")
@scope_option
@output_format(("table", "jsonl"), "table", "jsonl")
def portfolios(db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of, limit, offset, scope,
               fmt):
    """Aggregates of many projects as articles state them: how many projects, their total investment, where and at
    what stage (此次开工的13个项目总投资206亿元). A total is never one project's cost.

    \b
    Example:
      yrd portfolios --place 330400
    """
    from ..store.query import portfolios as run_portfolios

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of)
    with connect(db).connect() as conn:
        total, rows = run_portfolios(conn, f, limit=limit, offset=offset, scope=scope)
    if chosen_format(fmt, "table", "jsonl") == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    else:
        table([[local_day(r["source"]["published_at"]), r["count"], r["place"] or "", r["stage"] or "",
                _money(r["investment"]), r["source"]["title"] or ""] for r in rows],
              ["date", "projects", "place", "stage", "investment", "source"])
    shown(total, offset, len(rows), "portfolios")


def _money(amount: dict | None) -> str:
    return amount_text(amount["value"], amount["unit"], amount.get("approx")) if amount else ""


@click.command()
@db_option
@filter_options
@page_options(what="projects")
@scope_option
@output_format(("table", "jsonl"), "table", "jsonl")
def projects(db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of, limit, offset, scope, fmt):
    """The project library: projects with their places, investment (every revision, with its source) and their
    current stage (the latest stated as done, with its date; planned stages are listed apart in --format jsonl).

    \b
    Example:
      yrd projects --place 330421
    """
    from ..store.query import projects as run_projects

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of)
    with connect(db).connect() as conn:
        total, rows = run_projects(conn, f, limit=limit, offset=offset, scope=scope)
    if chosen_format(fmt, "table", "jsonl") == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    else:
        order = {s: i for i, s in enumerate(STAGES)}
        rows.sort(key=lambda r: (order.get(r["stage"], len(STAGES)), r["name"]))  # the page shown, by stage
        table([[r["name"], r["stage"] or "—", r["stage_date"] or "", _money(r["investment"]),
                "、".join(p["name"] for p in r["places"][:3])] for r in rows],
              ["project", "stage", "date", "investment", "places"])
    shown(total, offset, len(rows), "projects")


@click.command()
@db_option
@filter_options
@click.option("--due", type=int, help="Only targets due in this year.")
@click.option("--status", type=click.Choice(TARGET_STATUSES),
              help="achieved, reported (a later figure below the goal), missed (reported below it after the "
                   "deadline), unreported (past the deadline, nothing found: no verdict), open.")
@page_options(what="targets")
@scope_option
@output_format(("table", "jsonl"), "table", "jsonl")
def targets(db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of, due, status, limit, offset,
            scope, fmt):
    """The target tracker: targets by deadline with their latest report and status (the delta's by default).

    \b
    Example:
      yrd targets --due 2025 --status open
    """
    from ..store.query import targets as run_targets

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of)
    with connect(db).connect() as conn:
        total, rows = run_targets(conn, f, due=due, status=status, limit=limit, offset=offset, scope=scope)
    if chosen_format(fmt, "table", "jsonl") == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    else:
        table([[r["deadline"], r["subject"] or "", r["metric"],
                amount_text(r["value"], r["unit"], r["approx"]), r["status"],
                local_day((r["latest_report"] or {}).get("published_at"))] for r in rows],
              ["due", "subject", "metric", "value", "status", "last report"])
    shown(total, offset, len(rows), "targets")


@click.command()
@db_option
@filter_options
@click.option("--type", "relation_type", type=click.Choice(RELATION_TYPES))
@page_options(what="edges")
@scope_option
@output_format(("table", "json"), "table", "json")
def network(db, place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of, relation_type, limit, offset,
            scope, fmt):
    """The cooperation network: who works with whom, on what, how often (the edges most stated first).

    \b
    Example:
      yrd network --type cooperation --from 2023
    """
    from ..store.query import network as run_network

    f = filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of)
    with connect(db).connect() as conn:
        net = run_network(conn, f, relation_type, limit=limit, offset=offset, scope=scope)
    if chosen_format(fmt, "table", "json") == "json":
        click.echo(json.dumps(net, ensure_ascii=False, indent=2))
    else:
        names = {n["id"]: n["name"] for n in net["nodes"]}
        table([[names.get(e["source"]), names.get(e["target"]), e["type"], e["count"], "、".join(e["topics"][:3]),
                local_day(e["last_date"])] for e in net["edges"]],
              ["party", "party", "type", "articles", "topics", "last"])
    shown(net["total"], offset, len(net["edges"]), "edges")
