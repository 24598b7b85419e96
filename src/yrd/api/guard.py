"""What every request meets before a route reads it: the token, the size of a body, the rate of heavy requests.

A pure ASGI middleware (it sees a request before its body is read, and can answer without reading it):

- **ingest routes** (``/api/ingest/…``) and **every write to the API** (a POST, PUT, PATCH or DELETE under
  ``/api/``: adding or removing a source …) and the watchlists (which hold webhook addresses) need ``Authorization: Bearer <token>``; a request without it is
  answered 401 at once, its body never read or spooled. (On a read-only server these routes do not exist.)
- **an upload's body** is refused with 413 when its ``Content-Length`` is over the cap, and cut off with 413 as
  soon as more than the cap has streamed in (a chunked body has no length to check first); another write's body
  has a cap of its own (``WRITE_CAP``: a source, a watchlist are a few lines of JSON).
- **heavy requests** (exports, search) without the token are rate-limited per client address: a token bucket
  each, answering 429 with ``Retry-After`` when it is empty. Reads of the dashboard are not limited.
"""
from __future__ import annotations

import hmac
import json
import math
import time
from collections import OrderedDict

INGEST = "/api/ingest/"
API = "/api/"
READS = frozenset({"GET", "HEAD", "OPTIONS"})  # a request with any other method under /api/ changes something
WRITE_CAP = 1 << 20  # bytes of body a write that is no upload may send
PRIVATE = "/api/watchlists"  # read too only with the token: watchlists hold webhook URLs and e-mail addresses
#: path -> (requests per minute, burst) for one client
HEAVY = {"/api/export": (6, 3), "/api/search": (120, 30)}
_CLIENTS = 10_000  # buckets kept (least recently used dropped): memory stays bounded whoever calls


async def _answer(send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]
    head += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app, token: str | None, max_upload: int, limits: dict | None = None, clock=time.monotonic):
        self.app = app
        self.token = token
        self.max_upload = max_upload
        self.limits = HEAVY if limits is None else limits
        self.clock = clock
        self.buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        if self.token and needs_token(path, scope.get("method", "GET")):
            if not self._authorized(headers.get("authorization", "")):
                return await _answer(send, 401, "missing or wrong token: send 'Authorization: Bearer <token>'",
                                     {"WWW-Authenticate": "Bearer"})
            if path.startswith(INGEST):
                cap = self.max_upload
                too_big = f"the request body is over the {cap // 1048576} MB an upload may have (--max-upload)"
            else:
                cap = WRITE_CAP
                too_big = f"the request body is over the {cap // 1024} KB a request to {path} may have"
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > cap):
                return await _answer(send, 413, too_big)
            return await self._capped(scope, receive, send, cap, too_big)
        limit = self.limits.get(path)
        if limit is not None and not (self.token and self._authorized(headers.get("authorization", ""))):
            wait = self._take(path, _client(scope, headers), *limit)
            if wait:
                return await _answer(send, 429, f"too many requests to {path} from this address: try again in "
                                                f"{math.ceil(wait)} s", {"Retry-After": str(math.ceil(wait))})
        await self.app(scope, receive, send)

    def _authorized(self, header: str) -> bool:
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return False
        return hmac.compare_digest(given.strip().encode(), self.token.encode())

    async def _capped(self, scope, receive, send, cap: int, too_big: str) -> None:
        """Run the app with a body that may not stream past the cap: past it, 413 is answered at once, the app
        sees the client gone, and nothing it sends after is passed on."""
        seen, answered = 0, False

        async def capped():
            nonlocal seen, answered
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    answered = True
                    await _answer(send, 413, too_big)
                    return {"type": "http.disconnect"}
            return message

        async def quiet(message):
            if not answered:
                await send(message)

        try:
            await self.app(scope, capped, quiet)
        except Exception:
            if not answered:
                raise

    def _take(self, path: str, client: str, per_minute: float, burst: float) -> float:
        """Take a token from the client's bucket for ``path``; the seconds to wait if there is none."""
        now = self.clock()
        key = (path, client)
        tokens, last = self.buckets.pop(key, (burst, now))
        tokens = min(burst, tokens + (now - last) * per_minute / 60)
        if tokens < 1:
            self.buckets[key] = (tokens, now)
            return (1 - tokens) * 60 / per_minute
        self.buckets[key] = (tokens - 1, now)
        while len(self.buckets) > _CLIENTS:
            self.buckets.popitem(last=False)
        return 0.0


def needs_token(path: str, method: str) -> bool:
    """Whether a request must carry the token (on a server that has one): ingests, the watchlists, and every
    write to the API."""
    return path.startswith((INGEST, PRIVATE)) or (path.startswith(API) and method.upper() not in READS)


def _client(scope, headers) -> str:
    client = scope.get("client")
    return client[0] if client else "?"
