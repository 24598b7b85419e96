"""``yrd digest``: what arrived since a time, by place, for a terminal or as a Markdown or HTML file."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import YrdError
from .options import connect, db_option

_SUFFIX = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


@click.command()
@click.option("--since", default="7d", show_default=True,
              help="What arrived since: a duration back from now (24h, 7d, 2w) or a date/time (2026-12-01, UTC).")
@click.option("--place", help="Only this place (an adcode; a city includes its counties): 330400 is 嘉兴市.")
@click.option("--format", "fmt", type=click.Choice(("text", "md", "html", "json")), default=None,
              help="text (the default on a terminal), md, html (self-contained, nothing in it runs) or json; "
                   "with -o, the file's suffix chooses.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the digest to this file instead of the terminal.")
@db_option
def digest(since, place, fmt, output, db):
    """A digest of what is new: projects (stage, investment), signings and cooperation, targets and the figures
    that report on them, from the documents that arrived since a time, grouped by province and city, each with
    its source (title, publisher, date, link and document id) and its evidence.

    \b
    Example:
      yrd digest --since 24h
      yrd digest --since 7d --place 330400 -o digest.html
      yrd digest --since 2026-12-01 --format md > digest.md
    """
    from ..watch.digest import gather, render
    from ..watch.times import parse_since

    try:
        start = parse_since(since)
    except YrdError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    if place is not None and not (len(place) == 6 and place.isdigit()):
        raise click.BadParameter(f"{place!r}: expected a 6-digit adcode such as 330421 (嘉善县)", param_hint="--place")
    fmt = fmt or (_SUFFIX.get(Path(output).suffix.lower(), "text") if output else "text")
    with connect(db).connect() as conn:
        text = render(gather(conn, start, place), fmt)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"yrd: digest written to {output} ({fmt})", err=True)
    else:
        click.echo(text, nl=False)
