"""What the commands share: options made from the settings table, the filters, opening the store, tables.

Nothing heavy is imported here: a command imports what it needs when it runs, so ``yrd --help`` and a quick
command start at once.
"""
from __future__ import annotations

import shutil
import sys
from datetime import date

import click

from .. import settings
from ..errors import YrdError
from ..model import EVENT_TYPES, FACT_KINDS


def setting(name: str, *decls: str, **kwargs):
    """A click option for the setting ``name``: its flag, environment variable, default and help come from the
    settings table (``yrd.settings``)."""
    s = settings.SETTINGS[name]
    kwargs.setdefault("help", s.help)
    if s.env:
        kwargs.setdefault("envvar", s.env)
    if s.shown:
        kwargs.setdefault("show_default", s.shown)
    if s.default is not None and "default" not in kwargs:
        kwargs["default"] = settings.format_size(s.default) if s.kind == "size" else s.default
        kwargs.setdefault("show_default", True)
    if s.kind == "int" and "type" not in kwargs:
        kwargs["type"] = int
    if s.kind == "float" and "type" not in kwargs:
        kwargs["type"] = float
    return click.option(*(decls or (s.option,)), name, **kwargs)


def db_option(f):
    return setting("db")(f)


def size(value: str) -> int:
    try:
        return settings.parse_size(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a size; use e.g. 50M or 200000000") from None


def store_url(db: str | None) -> str:
    return db or settings.default_store()


def connect(db: str | None):
    """An engine on the store, its schema up to date; a store that cannot be opened is a one-line error."""
    from ..upgrade import open_store

    try:
        return open_store(store_url(db))
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None


def parse_date(value: str | None) -> date | None:
    from ..store.query import parse_day

    try:
        return parse_day(value)
    except YrdError as exc:
        raise click.BadParameter(str(exc)) from None


def filter_options(f):
    for opt in reversed([
        click.option("--place", help="Adcode of a place (a city includes its districts): 330421 is 嘉善县."),
        click.option("--from", "date_from", help="Published on or after (YYYY[-MM[-DD]])."),
        click.option("--to", "date_to", help="Published on or before (YYYY[-MM[-DD]])."),
        click.option("--event-type", type=click.Choice(EVENT_TYPES), help="Only documents with an event of this type."),
        click.option("--kind", type=click.Choice(FACT_KINDS), help="Only documents with a fact of this kind."),
        click.option("--publisher", help="Only documents of this publisher (as stored, e.g. 央视网)."),
        click.option("--include-duplicates", is_flag=True, help="Also list reposts and copies (normally counted once)."),
        click.option("--as-of", "as_of", metavar="DATE", help="The knowledge base as it stood then: 2026-12-01 (the end "
                                                             "of that day, Beijing time) or 2026-12-01T09:30."),
    ]):
        f = opt(f)
    return f


def filters(place, date_from, date_to, event_type, kind, publisher, include_duplicates, as_of=None):
    from ..store.query import Filters
    from ..store.query.filters import parse_as_of

    try:
        return Filters(place, parse_date(date_from), parse_date(date_to), event_type, kind, publisher,
                       include_duplicates, parse_as_of(as_of, "--as-of")).validate()
    except YrdError as exc:
        raise click.BadParameter(str(exc)) from None


LIST_LIMIT = 50  # rows a list shows unless told (search: 20); the last line on stderr says how many were left out


def page_options(default_limit: int = LIST_LIMIT, what: str = "rows"):
    """--limit and --offset: a page of a list, read as a page from the store (never fetched whole and sliced)."""
    def wrap(f):
        f = click.option("--offset", default=0, show_default=True, type=click.IntRange(0),
                         help=f"Skip this many {what} first.")(f)
        return click.option("--limit", default=default_limit, show_default=True, type=click.IntRange(1, 100_000),
                            help=f"Show at most this many {what}.")(f)
    return wrap


def output_format(choices: tuple[str, ...], terminal: str, piped: str):
    """A --format option whose default depends on where the output goes (a table on a terminal)."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=None,
                        help=f"{terminal} on a terminal, {piped} otherwise.")


def chosen_format(fmt: str | None, terminal: str, piped: str) -> str:
    return fmt or (terminal if sys.stdout.isatty() else piped)


def width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def clip(s: str, w: int) -> str:
    """``s`` cut to ``w`` columns (wide Chinese characters count double), ending in … when cut."""
    import unicodedata

    if width(s) <= w:
        return s
    out, n = "", 0
    for c in s:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if n + cw > w - 1:
            break
        out, n = out + c, n + cw
    return out + "…"


def columns() -> int:
    return shutil.get_terminal_size((120, 20)).columns


def table(rows: list[list], headers: list[str]) -> None:
    """A plain aligned table that fits the terminal (wide Chinese characters count double)."""
    cols = columns()
    cells = [[str(c if c is not None else "") for c in r] for r in rows]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    while sum(widths) + 2 * len(widths) > cols and max(widths) > 12:
        widths[widths.index(max(widths))] -= 1

    def line(r: list[str]) -> str:
        return "  ".join(clip(c, w) + " " * (w - width(clip(c, w))) for c, w in zip(r, widths)).rstrip()

    click.echo(line(headers))
    click.echo("-" * min(cols, sum(widths) + 2 * (len(widths) - 1)))
    for r in cells:
        click.echo(line(r))


def shown(total: int, offset: int, n: int, what: str, exact: bool = True) -> None:
    """The last line of every list, on stderr: ``yrd: 20 of 312 projects shown (--offset 20 for more)``."""
    of = f"{total:,}" if exact else f"more than {total:,}"
    if not total:
        msg = f"no {what} found"
    elif not n:
        msg = f"0 of {of} {what} shown (--offset {offset} is past the end)"
    else:
        msg = f"{n} of {of} {what} shown" + (f", {offset + 1}–{offset + n}" if offset else "")
        if not exact or offset + n < total:
            msg += f" (--offset {offset + n} for more)"
    click.echo(f"yrd: {msg}", err=True)


def amount_text(value: float | None, unit: str | None, approx: str | None = None) -> str:
    """A figure as an analyst reads it: money in 亿 (``over 3,000.00 亿 CNY``), other figures whole
    (``2,000,000 TEU``); ``exact`` is not said."""
    from ..resources import table as rule_table

    if value is None:
        return ""
    money = {e.unit for e in rule_table("units") if e.kind == "money"}
    figure = f"{value / 1e8:,.2f} 亿 {unit}" if unit in money else f"{value:,.10g} {unit or ''}".rstrip()
    return (f"{approx} " if approx and approx != "exact" else "") + figure


def local_time(iso: str | None, with_time: bool = True) -> str:
    """A stored time in Beijing time with its zone said: ``2023-03-15T02:30:00+00:00`` -> ``2023-03-15 10:30
    (UTC+8)`` (``with_time=False``: the Beijing day, ``2023-03-15``). A bare date stays a bare date; a time
    without a zone is Beijing time (as the readers store it)."""
    from datetime import datetime, timedelta, timezone

    if not iso:
        return ""
    if len(iso) <= 10:  # 2023, 2023-03, 2023-03-15
        return iso
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    beijing = timezone(timedelta(hours=8))
    t = t.replace(tzinfo=beijing) if t.tzinfo is None else t.astimezone(beijing)
    return t.strftime("%Y-%m-%d %H:%M (UTC+8)") if with_time else t.strftime("%Y-%m-%d")


def local_day(iso: str | None) -> str:
    """The Beijing day of a stored time (a bare date as it is)."""
    return local_time(iso, with_time=False)


def scope_option(f):
    """--scope: whose places a view lists (the delta's by default)."""
    from ..model import SCOPES

    return click.option("--scope", type=click.Choice((*SCOPES, "all")), default="delta", show_default=True,
                        help="Places of the delta (上海, 江苏, 浙江, 安徽), elsewhere in China, abroad, or all.")(f)
