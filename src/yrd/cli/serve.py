"""``yrd serve``: the dashboard and the REST API."""
from __future__ import annotations

import click

from ..errors import YrdError
from .options import db_option, setting, size, store_url


@click.command()
@db_option
@setting("host")
@setting("port", type=click.IntRange(1, 65535))
@setting("token")
@setting("fetch_allow")
@setting("max_upload")
def serve(db, host, port, token, fetch_allow, max_upload):
    """Serve the dashboard and the REST API (OpenAPI docs at /docs); read-only unless --token is given.

    \b
    Example:
      yrd serve --port 8000
      YRD_TOKEN=s3cret yrd serve --db postgresql://postgres@127.0.0.1:5432/yrd --host 0.0.0.0
    """
    import uvicorn

    from ..api import create_app

    try:
        app = create_app(store_url(db), token, fetch_allow=fetch_allow, max_upload=size(max_upload))
    except (YrdError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"yrd: dashboard at http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/ "
               f"(API docs at /docs){'; ingest enabled with a token' if token else '; read-only'}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
