"""Ingest through the API: only when the server was started with a token, and only with that token."""
from __future__ import annotations

import hmac
import tempfile
import threading
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Header, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from .. import settings
from ..ingest import ingest

router = APIRouter(prefix="/api/ingest")
_ONE_AT_A_TIME = threading.Lock()  # ingests through the API run one after another, in a worker thread


def _ingest(paths: list[str], url: str):
    """An ingest in this worker thread (never on the event loop), one at a time; the process is not tuned."""
    with _ONE_AT_A_TIME:
        return ingest(paths, url)


def require_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    token = request.app.state.token
    if not token:
        raise HTTPException(403, "this server is read-only: start it with --token to allow ingest")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "missing or wrong token: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})


class UrlIn(BaseModel):
    url: str = Field(pattern=r"^https?://", max_length=2000, description="A page or an RSS/Atom feed")


def _summary(result) -> dict:
    return {**result.as_dict(), "errors": [str(f) for f in result.failures if not f.skipped][:50],
            "not_articles": [str(f) for f in result.failures if f.skipped][:50]}


@router.post("/url", dependencies=[Depends(require_token)], summary="Fetch and ingest a page or feed by URL")
def ingest_url(request: Request, body: UrlIn) -> dict:
    return _summary(_ingest([body.url], request.app.state.url))


@router.post("/upload", dependencies=[Depends(require_token)], summary="Ingest uploaded files (any supported shape)")
async def ingest_upload(request: Request, files: Annotated[list[UploadFile], File()]) -> dict:
    limit = settings.get("max_bytes")
    with tempfile.TemporaryDirectory(prefix="yrd-upload-") as tmp:
        for i, up in enumerate(files):
            data = await up.read(limit + 1)
            if len(data) > limit:
                raise HTTPException(413, f"{up.filename}: over {settings.format_size(limit)}")
            name = Path(up.filename or f"upload-{i}").name or f"upload-{i}"
            (Path(tmp) / f"{i:03d}-{name}").write_bytes(data)
        return _summary(await run_in_threadpool(_ingest, [tmp], request.app.state.url))
