"""Corrections through the API: listed by anyone (with whether each still applies), made and withdrawn with the
token (the guard asks for it before reading the body of any write under /api/)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..errors import YrdError
from .deps import Conn, require_token

router = APIRouter(prefix="/api/corrections")
writes = APIRouter(prefix="/api/corrections", dependencies=[Depends(require_token)])


class CorrectionIn(BaseModel):
    action: str = Field(pattern="^(reject|change|add|merge|block)$")
    why: str = Field(min_length=1, max_length=2000)
    who: str | None = Field(default=None, max_length=100)
    doc_id: str | None = Field(default=None, pattern="^[0-9a-f]{8,40}$")
    kind: str | None = Field(default=None, max_length=20)
    start: Annotated[int, Field(ge=0, le=10**9)] | None = None
    end: Annotated[int, Field(ge=0, le=10**9)] | None = None
    set: dict | None = Field(default=None, description="Fields to set (change, add): {\"adcode\": \"330421\"}")
    surface: str | None = Field(default=None, max_length=200, description="merge: the name merged; block: the form")
    into: str | None = Field(default=None, max_length=200)
    code: str | None = Field(default=None, max_length=20)
    scope: str | None = Field(default=None, pattern="^(document|site|everywhere)$")
    site: str | None = Field(default=None, max_length=200)


@router.get("", summary="The corrections kept: who, when, why, on what, and whether each still applies")
def listed(conn: Conn) -> dict:
    from ..store.corrections import load, status

    rows = load(conn)
    state = status(conn, rows)
    return {"total": len(rows), "items": [{**c, "created_at": c["created_at"].isoformat() + "Z",
                                           "status": state[c["id"]]} for c in rows]}


@writes.post("", summary="Make a correction (token): it applies at once to the documents it concerns")
async def make(request: Request, body: CorrectionIn) -> dict:
    from ..corrections import decide

    try:
        decision, report = await run_in_threadpool(
            decide, request.app.state.url, body.action, body.why, body.who, body.doc_id, body.kind, body.start,
            body.end, body.set, body.surface, body.into, body.code, body.scope, body.site)
    except YrdError as exc:
        raise HTTPException(422, str(exc)) from None
    return {"correction": {**decision, "created_at": decision["created_at"].isoformat() + "Z"},
            "reextracted": report.as_dict()}


@writes.delete("/{cid}", summary="Withdraw a correction (token): its documents are re-extracted without it")
async def withdraw(request: Request, cid: int) -> dict:
    from ..corrections import withdraw as run_withdraw

    try:
        decision, report = await run_in_threadpool(run_withdraw, request.app.state.url, cid)
    except YrdError as exc:
        raise HTTPException(404, str(exc)) from None
    return {"withdrawn": cid, "reextracted": report.as_dict()}
