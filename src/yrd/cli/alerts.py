"""``yrd alerts``: watchlists (add, list, remove) and one check of them (match, make and deliver the alerts)."""
from __future__ import annotations

import json

import click

from .. import settings
from ..errors import YrdError
from ..model import EVENT_TYPES, FACT_KINDS
from .options import connect, db_option, local_time, setting, table


@click.group()
def alerts() -> None:
    """Watchlists and their alerts: hear when something new is said about what you follow.

    A watchlist is a set of filters (a place, an event type, words, an organisation, a fact kind) and one place
    to deliver to (a webhook, an email address or a JSON Lines file). Every fact of an article stored after the
    watchlist was made that matches its filters becomes one alert, delivered once. `yrd watch` checks the
    watchlists after every poll; `yrd alerts check` does it once (from cron).

    \b
    Example:
      yrd alerts add --place 330400 --event-type signing --webhook http://127.0.0.1:9000/hook
      yrd alerts check
    """


@alerts.command("add")
@click.option("--name", help="What to call it (default: its filters in words).")
@click.option("--place", metavar="CODE", help="An adcode: facts about that place; a city or province includes its "
              "districts and counties (330400 嘉兴市 includes 330421 嘉善县).")
@click.option("--event-type", type=click.Choice(EVENT_TYPES), help="Events of this type (signing, groundbreaking …).")
@click.option("--query", metavar="TEXT", help="Words the fact's sentence contains (all of them; traditional script "
              "finds simplified).")
@click.option("--org", metavar="NAME", help="An organisation or project, by its name or an alias seen: the facts it "
              "takes part in and the sentences that name it.")
@click.option("--kind", type=click.Choice(FACT_KINDS), help="Facts of this kind (default: the statements — targets, "
              "events, relations, projects, portfolios — not every mention).")
@click.option("--webhook", metavar="URL", help="POST each alert as JSON to this http(s) address (yours: private "
              "addresses are fine).")
@click.option("--email", metavar="ADDR", help="Email the alerts to this address (SMTP: the smtp_* settings).")
@click.option("--file", "file", metavar="PATH", help="Append each alert as a line of JSON to this file.")
@db_option
def add(name, place, event_type, query, org, kind, webhook, email, file, db) -> None:
    """Add a watchlist: any of the filters (all must match), and exactly one of --webhook, --email, --file.

    It sees the articles stored from now on (not the history). Prints the watchlist.

    \b
    Example:
      yrd alerts add --place 330400 --webhook http://127.0.0.1:9000/hook
      yrd alerts add --org 华为 --query 研发 --email ops@example.org
      yrd alerts add --kind target --place 310000 --file ~/alerts/shanghai-targets.jsonl
    """
    from ..watch import alerts as A

    try:
        with connect(db).begin() as conn:
            w = A.add(conn, name=name, place=place, event_type=event_type, query=query, org=org, kind=kind,
                      webhook=webhook, email=email, file=file)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"watchlist {w['id']}: {w['name']} — {w['filters']} → {w['channel']} {w['target']}")
    if email and not settings.get("smtp_host"):
        click.echo("yrd: no SMTP server is set (YRD_SMTP_HOST): its emails wait until one is", err=True)


@alerts.command("list")
@db_option
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True,
              help="A table, or every watchlist's JSON (with its counts and last error).")
def list_(db, fmt) -> None:
    """The watchlists: filters, where they deliver, alerts made / waiting, the last delivery error.

    \b
    Example:
      yrd alerts list
      yrd alerts list --format json
    """
    from ..watch import alerts as A

    with connect(db).connect() as conn:
        rows = A.listed(conn)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table([[w["id"], w["name"], w["filters"], f"{w['channel']} {w['target']}", w["alerts"], w["pending"],
            local_time(w["checked_at"].isoformat() + "+00:00") if w["checked_at"] else "never",
            w["last_error"] or ""] for w in rows],
          ["id", "name", "filters", "delivers to", "alerts", "waiting", "seen up to", "last error"])
    click.echo(f"yrd: {len(rows)} watchlist(s); Atom feeds at /api/alerts/ID.atom (yrd serve)", err=True)


@alerts.command("remove")
@click.argument("watchlist_id", metavar="ID")
@db_option
def remove(watchlist_id, db) -> None:
    """Remove a watchlist and its alerts (those still waiting are not sent).

    \b
    Example:
      yrd alerts remove 3
    """
    from ..watch import alerts as A

    try:
        with connect(db).begin() as conn:
            w = A.remove(conn, watchlist_id)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed watchlist {w['id']}: {w['name']} ({w['alerts']} alert(s))")


@alerts.command("check")
@db_option
@setting("smtp_host")
@setting("smtp_port")
@setting("smtp_user")
@setting("smtp_from")
@setting("smtp_starttls")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="A line of counts, or the counts as JSON.")
def check(db, smtp_host, smtp_port, smtp_user, smtp_from, smtp_starttls, fmt) -> None:
    """Check the watchlists once: match what was stored since the last check, deliver what waits.

    Alerts that could not be delivered are tried again at the next check; the command then exits with 1. Run it
    from cron, or let `yrd watch` do it after every poll.

    \b
    Example:
      yrd alerts check
      */10 * * * *  YRD_DB=sqlite:///srv/yrd.db yrd alerts check   (a crontab line)
    """
    from ..watch.alerts import check as run_check
    from ..watch.deliver import Smtp

    smtp = Smtp.from_settings(host=smtp_host, port=smtp_port, user=smtp_user, sender=smtp_from,
                              starttls=smtp_starttls)
    engine = connect(db)
    try:
        counts = run_check(engine, smtp)
    finally:
        engine.dispose()
    if fmt == "json":
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
    else:
        click.echo(summary(counts))
    if sum(counts["failed"].values()):
        for error in dict.fromkeys(counts["errors"]):
            click.echo(f"yrd: {error}", err=True)
        raise SystemExit(1)


def summary(c: dict) -> str:
    def by_channel(d: dict) -> str:
        parts = [f"{k} {v}" for k, v in d.items() if v]
        return f"{sum(d.values())}" + (f" ({', '.join(parts)})" if parts else "")

    return (f"{c['watchlists']} watchlist(s), {c['documents']} new document(s), {c['matched']} match(es), "
            f"{c['created']} new alert(s), delivered {by_channel(c['delivered'])}, failed {by_channel(c['failed'])}")
