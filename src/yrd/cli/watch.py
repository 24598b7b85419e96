"""``yrd sources …`` (the registry of what the observatory polls) and ``yrd watch`` (the polling)."""
from __future__ import annotations

import json
import signal
import sys
import threading

import click

from ..errors import YrdError
from .options import connect, db_option, store_url, table


@click.group()
def sources() -> None:
    """The sources the observatory polls: RSS/Atom feeds, sitemaps, a site's list page.

    \b
    Example:
      yrd sources add https://www.example.gov.cn/rss.xml --name 示例 --every 30m
      yrd sources list
    """


def _when(dt) -> str:
    return dt.strftime("%Y-%m-%d %H:%M UTC") if dt else "—"


@sources.command("add")
@click.argument("url")
@click.option("--name", help="A name to show (default: the site's host).")
@click.option("--every", default="30m", show_default=True, help="How often to poll it: 30m, 2h, 1d (at least 1m).")
@click.option("--kind", type=click.Choice(["feed", "sitemap", "page"]), default=None,
              help="What it is (default: found out from its first answer).")
@click.option("--links", metavar="REGEX", help="A list page's article links: a regular expression searched in each "
                                               "link's absolute URL (default: the site's links that look like articles).")
@click.option("--allow-private", is_flag=True, help="Allow a loopback or private address (an intranet source; tests).")
@db_option
def sources_add(url, name, every, kind, links, allow_private, db):
    """Register a source to poll.

    \b
    Example:
      yrd sources add https://news.example.cn/feed.xml --every 15m
      yrd sources add https://www.example.gov.cn/xwzx/ --links '/xwzx/\\d{6}/t\\d+_\\d+\\.html$'
      yrd sources add http://127.0.0.1:8080/feed.xml --allow-private --db kb.db
    """
    from ..watch import sources as registry
    from ..watch.times import parse_duration

    try:
        with connect(db).begin() as conn:
            s = registry.add(conn, url, name, parse_duration(every, "--every"), kind, links, allow_private)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"yrd: source {s['id']} added: {s['name']} {s['url']} (every {every})", err=True)


@sources.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
def sources_list(fmt, db):
    """Every source with its health: status, last success, last error, items per day, next poll.

    \b
    Example:
      yrd sources list
      yrd sources list --format json | jq '.[] | select(.status == "failing")'
    """
    from ..watch import sources as registry
    from ..watch.times import format_duration

    with connect(db).connect() as conn:
        rows = registry.listed(conn)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, default=str, indent=2))
        return
    table([[s["id"], s["name"], s["kind"] or "?", format_duration(s["every_seconds"]), s["status"],
            _when(s["last_success_at"]), s["items_per_day"], _when(s["next_due_at"]),
            (s["last_error"] or "")[:60] if s["failures"] else ""] for s in rows],
          ["id", "name", "kind", "every", "status", "last success", "items/day", "next poll", "last error"])
    click.echo(f"yrd: {len(rows)} source(s)", err=True)


@sources.command("remove")
@click.argument("ref", metavar="ID|URL")
@db_option
def sources_remove(ref, db):
    """Stop polling a source (what it brought stays in the store).

    \b
    Example:
      yrd sources remove 3
    """
    from ..watch import sources as registry

    try:
        with connect(db).begin() as conn:
            s = registry.remove(conn, ref)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"yrd: source {s['id']} removed: {s['url']}", err=True)


@click.command()
@click.option("--once", is_flag=True, help="Poll every source once, check the watchlists, and exit (for cron).")
@db_option
def watch(once, db):
    """Poll the sources on their schedule, ingest what is new, and send the watchlists' alerts.

    Runs until stopped (SIGTERM or Ctrl-C: the source being polled is finished first). A source that fails is
    reported in one line and tried again later, with a back-off; the others go on.

    \b
    Example:
      yrd watch --once --db kb.db          # from cron
      yrd watch                            # as a service (see README: systemd, container)
    """
    from ..watch.run import watch as run_watch

    url = store_url(db)
    connect(db).dispose()  # (a store that cannot be opened is one line, here)
    stop = threading.Event()

    def stopping(signum, frame):
        click.echo("yrd: stopping after the current source", err=True)
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    try:
        last = run_watch(url, once=once, stop=stop, report=lambda line: click.echo(f"yrd: {line}", err=True))
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    if once:
        click.echo(f"yrd: {last.line()}" if last.polled else "yrd: no sources to poll: add one with `yrd sources add URL`",
                   err=True)
        sys.exit(1 if last.failed else 0)
