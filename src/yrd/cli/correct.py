"""``yrd correct …`` (make a correction) and ``yrd corrections …`` (list, export, import, remove them)."""
from __future__ import annotations

import json
import sys

import click

from ..errors import YrdError
from .options import connect, db_option, store_url, table


def _span(value: str) -> tuple[int, int]:
    try:
        a, b = (int(x) for x in value.split(":"))
        return a, b
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected START:END (offsets into the document's text)") from None


def _sets(pairs: tuple[str, ...]) -> dict:
    out = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r}: expected field=value (date=2024-12-26, value=5e9, adcode=330421)")
        try:
            out[key] = json.loads(raw)
        except ValueError:
            out[key] = raw
    return out


def _done(decision: dict, report) -> None:
    click.echo(f"yrd: correction {decision['id']} kept ({decision['action']}, by {decision['who']}): "
               f"{report.looked} document(s) stored again as a new version with it applied", err=True)
    for where, reason in report.failed[:5]:
        click.echo(f"yrd: not applied to {where}: {reason}", err=True)


def _run(db, action, why, by, **kw):
    from ..corrections import decide

    try:
        decision, report = decide(store_url(db), action, why, by, **kw)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    _done(decision, report)


WHY = click.option("--why", required=True, help="Why: a correction is a decision others will read.")
BY = click.option("--by", "by", help="Who decides (default: your user name).")


@click.group()
def correct() -> None:
    """Correct the knowledge base: reject, change or add a fact on its span, merge two entities or split one, block a
    form from
    resolving to a place. A correction is kept as a decision (who, when, why) and applies to every list, count,
    export and view, to later versions of the article, to re-ingests and to `yrd reextract`.

    \b
    Example:
      yrd correct reject 7c2e… --kind place --span 120:122 --why "资源 here is the word, not 资源县"
      yrd correct merge 沪苏湖高铁 --into 沪苏湖铁路 --why "the same line"
    """


@correct.command("reject")
@click.argument("doc_id")
@click.option("--kind", required=True, help="The fact's kind: place, person, organization, amount, target, event, "
                                            "relation, project, portfolio.")
@click.option("--span", "span", required=True, help="START:END of the fact in the document's text (yrd show DOC_ID).")
@WHY
@BY
@db_option
def reject(doc_id, kind, span, why, by, db):
    """Reject the fact of KIND on SPAN of the document (a place: that mention).

    \b
    Example:
      yrd correct reject 7c2e5b0a91d1e3f4a5b6 --kind place --span 120:122 --why "not the county"
    """
    start, end = _span(span)
    _run(db, "reject", why, by, doc_id=doc_id, kind=kind, start=start, end=end)


@correct.command("change")
@click.argument("doc_id")
@click.option("--kind", required=True, help="The fact's kind.")
@click.option("--span", "span", required=True, help="START:END of the fact.")
@click.option("--set", "sets", multiple=True, required=True, help="field=value (repeat): date=2024-12-26, "
                                                                  "value=5e9, deadline=2030, type=launch, adcode=330421.")
@WHY
@BY
@db_option
def change(doc_id, kind, span, sets, why, by, db):
    """Change the fact of KIND on SPAN: set its fields (a place: its adcode makes the mention that unit's).

    \b
    Example:
      yrd correct change 7c2e5b0a91d1e3f4a5b6 --kind event --span 0:40 --set date=2024-12-26 --why "the opening day"
    """
    start, end = _span(span)
    _run(db, "change", why, by, doc_id=doc_id, kind=kind, start=start, end=end, values=_sets(sets))


@correct.command("add")
@click.argument("doc_id")
@click.option("--kind", required=True, help="The fact's kind.")
@click.option("--span", "span", required=True, help="START:END of its text in the document.")
@click.option("--set", "sets", multiple=True, help="field=value (repeat): a place needs adcode=…")
@WHY
@BY
@db_option
def add(doc_id, kind, span, sets, why, by, db):
    """Add a fact the extractors missed, on SPAN of the document.

    \b
    Example:
      yrd correct add 7c2e5b0a91d1e3f4a5b6 --kind place --span 30:33 --set adcode=330421 --why "嘉善 was missed"
    """
    start, end = _span(span)
    _run(db, "add", why, by, doc_id=doc_id, kind=kind, start=start, end=end, values=_sets(sets))


@correct.command("merge")
@click.argument("name")
@click.option("--into", required=True, help="The name it is merged into (the entity that stays).")
@WHY
@BY
@db_option
def merge(name, into, why, by, db):
    """Merge the organisation, project or person NAME into another: every fact that names it names the other.

    \b
    Example:
      yrd correct merge 沪苏湖高铁 --into 沪苏湖铁路 --why "the same line"
    """
    _run(db, "merge", why, by, surface=name, into=into)


@correct.command("split")
@click.argument("doc_id")
@click.option("--kind", type=click.Choice(["person", "organization"]), required=True, help="The entity's kind.")
@click.option("--span", "span", required=True, help="START:END of the mention that means another one.")
@click.option("--into", required=True, help="The name of the entity this mention is (new or existing).")
@WHY
@BY
@db_option
def split(doc_id, kind, span, into, why, by, db):
    """Split a mention off its entity: one name that meant two (the mention is the entity named INTO).

    \b
    Example:
      yrd correct split 7c2e5b0a91d1e3f4a5b6 --kind person --span 88:91 --into "王伟（湖州）" --why "another 王伟"
    """
    start, end = _span(span)
    _run(db, "change", why, by, doc_id=doc_id, kind=kind, start=start, end=end, values={"name": into})


@correct.command("block")
@click.argument("form")
@click.option("--code", help="Only its resolving to this unit (an adcode); default: to any place.")
@click.option("--doc", "doc_id", help="In this document only.")
@click.option("--site", help="In the documents of this site (its publisher as stored, or its host).")
@click.option("--everywhere", is_flag=True, help="In every document.")
@WHY
@BY
@db_option
def block(form, code, doc_id, site, everywhere, why, by, db):
    """Block FORM from resolving to a place, in one document, one site or everywhere.

    \b
    Example:
      yrd correct block 资源 --code 451025 --everywhere --why "the word 资源, never 资源县 in our sources"
    """
    scope = "everywhere" if everywhere else "site" if site else "document"
    _run(db, "block", why, by, surface=form, code=code, scope=scope, doc_id=doc_id, site=site)


@click.group()
def corrections() -> None:
    """The corrections kept: list them (and whether each still applies), export and import them as a file, remove one.

    \b
    Example:
      yrd corrections list
      yrd corrections export -o team.jsonl && yrd corrections import team.jsonl --db other.db
    """


@corrections.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@db_option
def list_(fmt, db):
    """Every correction with who, when, why, and whether it still applies (a new version may have moved its span).

    \b
    Example:
      yrd corrections list
    """
    from ..store.corrections import load, status

    with connect(db).connect() as conn:
        rows = load(conn)
        state = status(conn, rows)
    if fmt == "jsonl":
        for c in rows:
            click.echo(json.dumps({**c, "created_at": c["created_at"].isoformat(), "status": state[c["id"]]},
                                  ensure_ascii=False))
        return
    table([[c["id"], c["action"], c["kind"] or "", c["text"] or c["surface"] or "", c["who"],
            c["created_at"].strftime("%Y-%m-%d"), state[c["id"]], c["why"]] for c in rows],
          ["id", "action", "kind", "on", "who", "date", "status", "why"])
    stale = sum(1 for v in state.values() if v != "applies")
    click.echo(f"yrd: {len(rows)} correction(s){f', {stale} no longer apply' if stale else ''}", err=True)


@corrections.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@db_option
def export(output, db):
    """Write every correction as JSON Lines (to share with a team).

    \b
    Example:
      yrd corrections export -o corrections.jsonl
    """
    from ..store.corrections import export as run_export

    with connect(db).connect() as conn:
        lines = run_export(conn)
    text = "".join(line + "\n" for line in lines)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    click.echo(f"yrd: {len(lines)} correction(s) exported", err=True)


@corrections.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@db_option
def import_(path, db):
    """Add the corrections of a file (one already here is not added twice) and apply them.

    \b
    Example:
      yrd corrections import corrections.jsonl --db team.db
    """
    from ..corrections import apply_all
    from ..store.corrections import import_lines

    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
        with connect(db).begin() as conn:
            added, known = import_lines(conn, lines, path)
    except (YrdError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    report = apply_all(store_url(db)) if added else None
    click.echo(f"yrd: {added} correction(s) added, {known} already here"
               + (f"; {report.looked} document(s) stored again with them applied" if report else ""), err=True)


@corrections.command("remove")
@click.argument("cid", type=int)
@db_option
def remove(cid, db):
    """Withdraw a correction (the documents it changed are re-extracted without it).

    \b
    Example:
      yrd corrections remove 3
    """
    from ..corrections import withdraw

    try:
        _, report = withdraw(store_url(db), cid)
    except YrdError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"yrd: correction {cid} withdrawn; {report.looked} document(s) stored again without it", err=True)
