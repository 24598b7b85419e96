"""JSON endpoints: documents, search, places, organisations, projects, targets, events, relations, stats."""
from __future__ import annotations

import os
import re
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from ..errors import YrdError
from ..model import (EVENT_TYPES, EXPORT_FORMATS, EXPORT_TABLES, MODALITIES, ORG_KINDS, PLACE_LEVELS, PROJECT_KINDS,
                     RELATION_TYPES, SCOPES, TARGET_STATUSES, VOCABULARY)
from ..store import query as Q
from .deps import Conn, Filt, OrgFilt, Paging, Since

router = APIRouter(prefix="/api")
Scope = Annotated[str, Query(pattern="^(" + "|".join((*SCOPES, "all")) + ")$",
                             description="Whose places: the delta's (default), elsewhere in China, abroad, or all")]


def one_of(values) -> str:
    """A regex accepting exactly one of ``values`` (a vocabulary of ``yrd.model``)."""
    return "^(" + "|".join(values) + ")$"


@router.get("/vocabulary", summary="The domain's vocabularies: fact kinds, event and relation types, stages in order …")
def vocabulary() -> dict:
    return {k: list(v) for k, v in VOCABULARY.items()}


def _page(total: int, items: list, page) -> dict:
    return {"total": total, "limit": page.limit, "offset": page.offset, "items": items}


@router.get("/stats", summary="Counts of documents, duplicates, facts and entities")
def stats(conn: Conn, f: Filt) -> dict:
    out = Q.stats(conn, f if f.as_of is not None else None)  # (the other filters do not apply to the totals)
    out["date_range"] = [str(d) if d else None for d in out["date_range"]]
    return out


@router.get("/documents", summary="Documents, newest first, filtered and paginated (since: those that arrived since)")
def documents(conn: Conn, f: Filt, page: Paging, since: Since = None) -> dict:
    f.since = since
    total, items = Q.list_documents(conn, f, page.limit, page.offset)
    return _page(total, items, page)


@router.get("/documents/{doc_id}", summary="One document: its clean text and every fact with its span")
def document(conn: Conn, doc_id: str, as_of: Annotated[str | None, Query(
        description="The version of this article current then (2026-12-01, or an ISO time)")] = None) -> dict:
    if not re.fullmatch(r"[0-9a-f]{8,40}", doc_id):
        raise HTTPException(422, f"{doc_id!r} is not a document id (hexadecimal)")
    from ..store.query.filters import parse_as_of

    try:
        then = parse_as_of(as_of)
    except YrdError as exc:
        raise HTTPException(422, str(exc)) from None
    sheet = Q.get_document(conn, doc_id, then)
    if sheet is None:
        raise HTTPException(404, f"no document {doc_id}" + (f" stored by {as_of}" if as_of else ""))
    return sheet


def _parts(snippet: str) -> list[dict]:
    """The snippet split into plain and hit pieces, so a client renders highlights without HTML."""
    parts = []
    for piece in re.split(r"(【[^】]*】)", snippet):
        if piece:
            hit = piece.startswith("【") and piece.endswith("】")
            parts.append({"text": piece[1:-1] if hit else piece, "hit": hit})
    return parts


@router.get("/search", summary="Ranked full-text search with highlighted snippets")
def search(conn: Conn, f: Filt, page: Paging, q: Annotated[str, Query(min_length=1, max_length=200)]) -> dict:
    try:
        result = Q.search_page(conn, q, f, page.limit, page.offset)
    except YrdError as exc:
        raise HTTPException(422, str(exc)) from None
    for h in result.hits:
        h["snippet_parts"] = _parts(h["snippet"])
    out = _page(result.total, result.hits, page)
    out["total_exact"] = result.exact  # false: there are more than ``total`` hits (counted up to 10,000)
    return out


@router.get("/places", summary="Places by activity (articles that mention them), with coordinates")
def places(conn: Conn, f: Filt, level: Annotated[str | None, Query(
        pattern=one_of(PLACE_LEVELS))] = None,
           limit: Annotated[int, Query(ge=1, le=5000)] = 500, scope: Scope = "delta") -> dict:
    items = Q.places(conn, f, level, limit, scope=scope)
    return {"total": len(items), "items": items}


@router.get("/places/{adcode}", summary="A place's page: its articles and every fact that involves it")
def place(conn: Conn, f: Filt, adcode: str) -> dict:
    if not re.fullmatch(r"\d{6}", adcode):
        raise HTTPException(422, f"{adcode!r} is not an adcode (6 digits, e.g. 330421)")
    page = Q.entity_page(conn, adcode, f)
    if page is None:
        raise HTTPException(404, f"no articles mention a place with adcode {adcode}")
    return page


@router.get("/organizations", summary="Organisations and projects by the number of articles that mention them")
def organizations(conn: Conn, f: OrgFilt, page: Paging,
                  kind: Annotated[str | None, Query(pattern=one_of((*ORG_KINDS, *PROJECT_KINDS)),
                                                    description="An organisation's or project's own kind")] = None,
                  name: Annotated[str | None, Query(max_length=100)] = None) -> dict:
    total, items = Q.organizations(conn, f, kind, name, page.limit, page.offset)
    return _page(total, items, page)


@router.get("/entities/{ref}", summary="An entity's page by e:ID, adcode or name (organisation, project, person, place)")
def entity(conn: Conn, f: Filt, ref: str) -> dict:
    if not ref or len(ref) > 200:
        raise HTTPException(422, "ref must be 1 to 200 characters")
    page = Q.entity_page(conn, ref, f)
    if page is None:
        raise HTTPException(404, f"no entity {ref!r}")
    return page


@router.get("/projects", summary="The project library: places, investment (every revision), stages with dates")
def projects(conn: Conn, f: Filt, page: Paging, scope: Scope = "delta") -> dict:
    total, items = Q.projects(conn, f, page.limit, page.offset, scope=scope)
    return _page(total, items, page)


@router.get("/portfolios", summary="Aggregates of many projects (N个项目，总投资M亿元), never one project's cost")
def portfolios(conn: Conn, f: Filt, page: Paging, scope: Scope = "delta") -> dict:
    total, items = Q.portfolios(conn, f, page.limit, page.offset, scope=scope)
    return _page(total, items, page)


@router.get("/targets", summary="The target tracker: targets by deadline, latest report and status")
def targets(conn: Conn, f: Filt, page: Paging, due: Annotated[int | None, Query(ge=1949, le=2100)] = None,
            status: Annotated[str | None, Query(pattern=one_of(TARGET_STATUSES))] = None,
            scope: Scope = "delta") -> dict:
    total, items = Q.targets(conn, f, due=due, status=status, limit=page.limit, offset=page.offset, scope=scope)
    return _page(total, items, page)


@router.get("/events", summary="The timeline: events with date, modality, participants and place")
def events(conn: Conn, f: Filt, page: Paging, type: Annotated[str | None, Query(  # noqa: A002
        pattern=one_of(EVENT_TYPES))] = None,
           modality: Annotated[str, Query(pattern=one_of((*MODALITIES, "all")))] = "happened",
           scope: Scope = "delta") -> dict:
    total, items = Q.events(conn, f, type, page.limit, page.offset, modality=modality, scope=scope)
    return _page(total, items, page)


@router.get("/relations", summary="The cooperation network: nodes and weighted edges with topics and documents")
def relations(conn: Conn, f: Filt, type: Annotated[str | None, Query(  # noqa: A002
        pattern=one_of(RELATION_TYPES))] = None,
              limit: Annotated[int, Query(ge=1, le=5000)] = 500, scope: Scope = "delta") -> dict:
    return Q.network(conn, f, type, limit, scope=scope)


@router.get("/review", summary="The review queue: facts feeding projects, targets, the network and the timeline "
                               "first, the least certain first, with confidence, reasons, extractor and source")
def review_queue(conn: Conn, f: Filt, page: Paging, only: Annotated[list[str] | None, Query(
        description="Kinds to review: project, target, relation, event, portfolio, amount, person")] = None) -> dict:
    from ..store.query.review import IMPACT, review

    if only and not set(only) <= set(IMPACT):
        raise HTTPException(422, f"only={only}: expected kinds among {', '.join(IMPACT)}")
    total, items = review(conn, f, tuple(only) if only else None, page.limit, page.offset)
    return _page(total, items, page)


@router.get("/export", summary="Download the knowledge base (filtered): xlsx (a sheet per table), csv, jsonl, geojson, "
                               "parquet (a zip of documents.parquet and facts.parquet)")
def export_file(request: Request, conn: Conn, f: Filt,
                format: Annotated[str, Query(pattern=one_of(EXPORT_FORMATS))] = "xlsx",  # noqa: A002
                table: Annotated[str, Query(pattern=one_of(EXPORT_TABLES))] = "projects"):
    """Written into a temporary directory that is removed once the response is sent, or when the export fails;
    at most two exports run at once (503 beyond), and each client may start a few a minute (429 beyond)."""
    import shutil
    import tempfile
    import zipfile

    from fastapi.responses import FileResponse
    from starlette.background import BackgroundTask

    from ..export import export

    suffix = {"xlsx": ".xlsx", "csv": ".csv", "jsonl": ".jsonl", "geojson": ".geojson", "parquet": ".parquet"}[format]
    name = f"yrd-{table if format == 'csv' else 'knowledge-base'}{suffix}"
    with request.app.state.exports:
        tmp = tempfile.mkdtemp(prefix="yrd-export-")
        try:
            path = os.path.join(tmp, name)
            export(conn, format, path, f, table=table if format == "csv" else "documents")
            if format == "parquet":  # documents and facts: two files, sent as one zip (stored: parquet is compressed)
                name = name.removesuffix(".parquet") + ".zip"
                with zipfile.ZipFile(os.path.join(tmp, name), "w", zipfile.ZIP_STORED) as z:
                    z.write(path, "documents.parquet")
                    z.write(path.removesuffix(".parquet") + ".facts.parquet", "facts.parquet")
                path = os.path.join(tmp, name)
        except YrdError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise HTTPException(422, str(exc)) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return FileResponse(path, filename=name, background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True))
