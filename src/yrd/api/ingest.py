"""Ingest through the API: these routes exist only when the server was started with a token, and need it.

The token is checked before a body is read (``api/guard.py``), the body is capped while it streams in, and the
ingest itself runs in the server's ingest process, a few at a time (``api/work.py``): the event loop and every
other route stay free while an upload is ingested. Fetches by URL refuse the server's own networks
(``yrd.read.fetch``) unless ``--fetch-allow`` names them.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from pydantic import BaseModel, Field

from .deps import require_token


router = APIRouter(prefix="/api/ingest")


class UrlIn(BaseModel):
    url: str = Field(pattern=r"^https?://", max_length=2000, description="A page or an RSS/Atom feed")


def _public(result: dict, tmp: str | None = None) -> dict:
    """The summary with the server's temporary paths replaced by the uploaded files' names."""
    if tmp:
        prefix = re.compile(re.escape(tmp.rstrip("/") + "/") + r"\d{3}-")
        for key in ("errors", "not_articles"):
            result[key] = [prefix.sub("", line) for line in result[key]]
        result["lines"] = [prefix.sub("", line) for line in result["lines"]]
    return {**result["summary"], "errors": result["errors"], "not_articles": result["not_articles"]}


@router.post("/url", dependencies=[Depends(require_token)], summary="Fetch and ingest a page or feed by URL")
async def ingest_url(request: Request, body: UrlIn) -> dict:
    state = request.app.state
    return _public(await state.ingests.run([body.url], state.url, True, state.fetch_allow))


@router.post("/upload", dependencies=[Depends(require_token)], summary="Ingest uploaded files (any supported shape)")
async def ingest_upload(request: Request, files: Annotated[list[UploadFile], File()]) -> dict:
    # (the body as a whole is capped by --max-upload; each file is read as a file is: over --max-bytes for one
    # article it is refused, a JSON Lines stream is read line by line)
    tmp = tempfile.mkdtemp(prefix="yrd-upload-")
    try:
        for i, up in enumerate(files):
            name = Path(up.filename or f"upload-{i}").name or f"upload-{i}"
            with open(Path(tmp) / f"{i:03d}-{name}", "wb") as out:
                while chunk := await up.read(1 << 20):
                    out.write(chunk)
        state = request.app.state
        return _public(await state.ingests.run([tmp], state.url, True, state.fetch_allow), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        for up in files:
            await up.close()
