"""The FastAPI application factory: the JSON API, its OpenAPI docs (offline, vendored Swagger UI) and the dashboard."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..upgrade import open_store

WEB = Path(__file__).resolve().parent.parent / "web"
# one policy for every response (dashboard, API, docs): nothing from an article may run (no inline scripts, no
# remote resources) and no other site may frame a page (clickjacking)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


@asynccontextmanager
async def _lifespan(app: FastAPI):
    yield
    if getattr(app.state, "ingests", None) is not None:
        app.state.ingests.close()  # the ingest process ends with the server


def create_app(url: str, token: str | None = None, fetch_allow: str | None = None,
               max_upload: int | None = None, limits: dict | None = None) -> FastAPI:
    """An app serving the store at ``url``; read-only unless ``token`` is given (then the ingest routes and the other
    writes, such as adding a source, exist and need it). ``fetch_allow``: networks an ingest by URL may reach although they are the server's own."""
    from .. import settings
    from ..read.fetch import parse_allow

    engine = open_store(url)
    app = FastAPI(title="yrd — Yangtze River Delta Integration Observatory", version=__version__,
                  docs_url=None, redoc_url=None, lifespan=_lifespan,
                  description="Articles, facts with their evidence, projects, targets and the cooperation network "
                              "of 长三角一体化. Every fact carries its sources (document, title, publisher, date, span).")
    app.state.engine, app.state.url, app.state.token = engine, url, token
    app.state.fetch_allow = parse_allow(settings.get("fetch_allow", fetch_allow))

    from .alerts import feed_router
    from .corrections import router as corrections_router
    from .corrections import writes as correction_writes
    from .guard import Guard
    from .recent import router as recent_router
    from .routes import router
    from .sources import router as sources_router
    from .sources import writes as source_writes
    from .work import Ingests, Slots

    app.include_router(router)
    app.include_router(feed_router)
    app.include_router(recent_router)
    app.include_router(sources_router)
    app.include_router(corrections_router)
    app.state.exports = Slots(2, "exports", 10)
    if token:  # a read-only server has no ingest or write routes at all
        from .alerts import router as watchlists_router
        from .ingest import router as ingest_router

        app.include_router(ingest_router)
        app.include_router(watchlists_router)
        app.include_router(source_writes)
        app.include_router(correction_writes)
        app.state.ingests = Ingests()
    # (``limits``: path -> (requests a minute, burst) per client without the token; default api/guard.py's HEAVY)
    app.add_middleware(Guard, token=token, max_upload=settings.get("max_upload", max_upload), limits=limits)

    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs():
        # a static page: the vendored Swagger UI 5 (reads OpenAPI 3.1) started by /static/docs.js, not inline
        return FileResponse(WEB / "docs.html", headers={"Cache-Control": "no-cache"})

    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/api/geo/boundaries", include_in_schema=True, summary="Official boundaries of the delta (GeoJSON)")
    def boundaries():
        path = WEB / "static" / "geo" / "delta.geojson"
        if not path.exists():
            return JSONResponse({"type": "FeatureCollection", "features": []})
        return FileResponse(path, media_type="application/geo+json")

    @app.middleware("http")
    async def security_headers(request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"  # for browsers that do not read frame-ancestors
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    return app
