"""A small HTTP/1.1 client on asyncio streams for the load bench: one keep-alive connection per simulated user,
a few microseconds of CPU per request (it shares the machine's CPUs with the server it measures), and a record
of every answer: route, start, end, outcome.

Outcomes: ``ok`` (2xx), ``503`` (load shed) and ``429`` (rate limited): counted apart, and the user waits as
Retry-After says (capped); ``http NNN`` (any other status), ``timeout``, ``conn …`` (refused, reset, closed
mid-answer). Each user connects from an address of its own in 127.0.0.0/8 (127.0.0.2, .3 …: every one of them is
this machine), so a server that limits the rate per client address sees many users, as it would in use.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

SHED = (503, 429)  # the server refused to do the work now (load shed, rate limit): not an error


class Conn:
    """One keep-alive connection to 127.0.0.1:port (from ``source``, a loopback address), reopened after an error
    or a ``Connection: close``."""

    def __init__(self, port: int, source: str | None = None):
        self.port, self.source = port, source
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str, headers: tuple = (), body: bytes = b"",
                      sent: Callable[[], None] | None = None) -> tuple[int, dict, bytes]:
        """One request and its answer. A GET on a kept connection that the server had closed meanwhile (it
        closes idle ones after a few seconds) is sent once more on a new connection, as HTTP clients do."""
        reused = self.writer is not None
        try:
            return await self._exchange(method, target, headers, body, sent)
        except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError) as exc:
            stale = reused and method == "GET" and not getattr(exc, "partial", b"")
            self.close()
            if not stale:
                raise
        return await self._exchange(method, target, headers, body, sent)

    async def _exchange(self, method: str, target: str, headers: tuple, body: bytes,
                        sent: Callable[[], None] | None) -> tuple[int, dict, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.port, limit=2**20, local_addr=(self.source, 0) if self.source else None)
        head = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Accept-Encoding: identity",
                *(f"{k}: {v}" for k, v in headers)]
        if body or method in ("POST", "PUT"):
            head.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if body:
            self.writer.write(body)
        drain = asyncio.ensure_future(self._drain(sent))
        try:
            status, hdrs, data = await self._response()
        finally:
            if not drain.done():  # the server answered before taking the whole body (it may close)
                drain.cancel()
            elif not drain.cancelled():
                drain.exception()  # (retrieved: a failed drain is no error of its own)
        if hdrs.get("connection", "").lower() == "close":
            self.close()
        return status, hdrs, data

    async def _drain(self, sent) -> None:
        await self.writer.drain()
        if sent is not None:
            sent()

    async def _response(self) -> tuple[int, dict, bytes]:
        r = self.reader
        while True:
            lines = (await r.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            if status >= 200 or status == 101:
                break  # (skips 100 Continue and other interim answers)
        hdrs = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        if "content-length" in hdrs:
            data = await r.readexactly(int(hdrs["content-length"]))
        elif "chunked" in hdrs.get("transfer-encoding", "").lower():
            parts = []
            while True:
                size = int((await r.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    while await r.readuntil(b"\r\n") != b"\r\n":
                        pass  # trailers
                    break
                parts.append(await r.readexactly(size + 2))
            data = b"".join(p[:-2] for p in parts)
        else:
            data = await r.read()
            self.close()
        return status, hdrs, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.transport.abort()
        self.reader = self.writer = None


@dataclass
class Record:
    route: str
    t0: float  # seconds since the phase began
    t1: float
    outcome: str
    status: int = 0
    body: bytes = b""  # kept for the routes asked for (keep=) and for failures (their first 300 bytes)


@dataclass
class Load:
    """``clients`` users on keep-alive connections. Closed loop (``rate`` None): each user sends its next request
    as soon as the previous answer came, so latency is at least clients / throughput. Open loop: requests arrive
    at ``rate`` per second (Poisson), are taken by the first free connection, and their latency counts from the
    moment they arrived (time spent waiting for a free connection included)."""
    port: int
    routes: Callable[[random.Random], tuple[str, str]]  # rng -> (route name, target)
    clients: int = 50
    rate: float | None = None
    timeout: float = 60.0
    retry_cap: float = 2.0
    keep: tuple[str, ...] = ("stats",)
    one_address: bool = False  # every user from 127.0.0.1 (else 127.0.0.2, .3 …)
    records: list[Record] = field(default_factory=list)

    def _conn(self, i: int) -> Conn:
        return Conn(self.port, None if self.one_address else f"127.0.{(i + 2) // 256}.{(i + 2) % 256}")

    async def run(self, start: float, until: Callable[[float], bool], seed: int = 0) -> None:
        """Run until ``until(seconds since start)`` is true (checked before each request or arrival)."""
        if self.rate is None:
            await asyncio.gather(*(self._user(i, start, until, random.Random(seed * 1000 + i))
                                   for i in range(self.clients)))
            return
        arrivals: asyncio.Queue = asyncio.Queue()
        await asyncio.gather(self._arrivals(arrivals, start, until, random.Random(seed)),
                             *(self._server_of_queue(i, arrivals, start) for i in range(self.clients)))

    async def _user(self, i: int, start: float, until, rng: random.Random) -> None:
        conn = self._conn(i)
        await asyncio.sleep(i * 0.002)  # connections opened over 0.1 s, not in one burst
        try:
            while not until(time.perf_counter() - start):
                route, target = self.routes(rng)
                wait = await self._one(conn, route, target, time.perf_counter(), start)
                if wait:
                    await asyncio.sleep(wait)
        finally:
            conn.close()

    async def _arrivals(self, arrivals: asyncio.Queue, start: float, until, rng: random.Random) -> None:
        t = 0.0
        while True:
            t += rng.expovariate(self.rate)
            now = time.perf_counter() - start
            if t > now:
                await asyncio.sleep(t - now)
            if until(t):
                break
            arrivals.put_nowait((start + t, *self.routes(rng)))
        for _ in range(self.clients):
            arrivals.put_nowait(None)

    async def _server_of_queue(self, i: int, arrivals: asyncio.Queue, start: float) -> None:
        conn = self._conn(i)
        try:
            while (item := await arrivals.get()) is not None:
                due, route, target = item
                wait = await self._one(conn, route, target, due, start)
                if wait:
                    await asyncio.sleep(wait)
        finally:
            conn.close()

    async def _one(self, conn: Conn, route: str, target: str, t0: float, start: float) -> float:
        """One request, recorded from ``t0``; the seconds to wait before the next (after a 503 or a failure)."""
        status, wait, body = 0, 0.0, b""
        try:
            status, hdrs, body = await asyncio.wait_for(conn.request("GET", target), self.timeout)
            outcome = "ok" if 200 <= status < 300 else str(status) if status in SHED else f"http {status}"
            if status in SHED:
                try:
                    wait = min(self.retry_cap, float(hdrs.get("retry-after", "1")))
                except ValueError:
                    wait = 1.0
        except TimeoutError:
            outcome = "timeout"
            conn.close()
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError) as exc:
            outcome = f"conn {type(exc).__name__}"
            conn.close()
            wait = 0.2  # a server that is down is not hammered
        t1 = time.perf_counter()
        kept = body if (outcome == "ok" and route in self.keep) else body[:300] if outcome != "ok" else b""
        self.records.append(Record(route, t0 - start, t1 - start, outcome, status, kept))
        return wait


def multipart(field_name: str, filename: str, data: bytes) -> tuple[str, bytes]:
    """(Content-Type header, body) of a multipart/form-data request with one file."""
    boundary = f"yrdbench{random.getrandbits(64):016x}"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field_name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode()
    return f"multipart/form-data; boundary={boundary}", head + data + f"\r\n--{boundary}--\r\n".encode()
