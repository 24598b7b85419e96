"""Fetching as a good citizen of the sites the observatory reads.

- **robots.txt** is read once per host and run (RFC 9309: a 4xx answer means no rules, a 5xx or no answer
  means the host is not read this time), and its rules for our user agent are obeyed; a ``Crawl-delay`` stretches
  the pause between two requests to the host.
- **Conditional requests**: a source's last ``ETag`` and ``Last-Modified`` are sent back, and a 304 costs nothing.
- **One request at a time per host**, at least ``interval`` seconds apart.
- **Bounded**: a timeout per request (the whole answer, not only each read), a size cap (read no further), five
  redirects at most, http and https only, and the machine's own networks refused unless the source allows them
  (:mod:`yrd.read.fetch` does the address checks).
- **Retries with back-off** for what may pass (a timeout, a refused connection, 5xx, 429 with its
  ``Retry-After``), never for what will not (404, 403, a refused address, robots.txt).
"""
from __future__ import annotations

import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .. import __version__
from ..read.fetch import Network, Refused, opener

USER_AGENT = f"yrd/{__version__} (+https://github.com/yrd-observatory; news reader of the Yangtze River Delta)"
AGENT_TOKEN = "yrd"


class FetchError(Exception):
    """A fetch that failed; ``permanent``: trying again will not help (404, robots.txt, a refused address)."""

    retry_after: float | None = None  # seconds the server asked us to wait (429, 503)

    def __init__(self, url: str, reason: str, permanent: bool = False):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason, self.permanent = url, reason, permanent


@dataclass
class Answer:
    url: str  # after redirects
    status: int  # 200, or 304 (not modified: no body)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""


@dataclass
class Fetcher:
    timeout: float = 30.0
    max_bytes: int = 50 * 2**20
    interval: float = 1.0  # seconds between two requests to one host
    retries: int = 2
    backoff: float = 1.0  # seconds before the first retry; doubles
    max_wait: float = 60.0  # the longest Retry-After or Crawl-delay obeyed
    allow: tuple[Network, ...] = ()
    sleep: object = time.sleep
    clock: object = time.monotonic
    _last: dict = field(default_factory=dict)  # host -> when its last request ended
    _robots: dict = field(default_factory=dict)  # (scheme, host) -> RobotFileParser | FetchError
    requests: int = 0

    def new_round(self) -> None:
        """Read robots.txt again from the next request on (a long-running watch does this every round)."""
        self._robots.clear()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None,
            guard: bool = True) -> Answer:
        """GET ``url`` politely (FetchError says why not); ``guard``: refuse the machine's own networks."""
        self._obey_robots(url, guard)
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        wait = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return self._once(url, headers, guard)
            except FetchError as exc:
                if exc.permanent or attempt == self.retries:
                    raise
                self.sleep(min(exc.retry_after if exc.retry_after is not None else wait, self.max_wait))
                wait *= 2
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict, guard: bool) -> Answer:
        host = urlsplit(url).hostname or ""
        self._pause(host)
        self.requests += 1
        request = urllib.request.Request(url, headers=headers)
        started = self.clock()
        try:
            with opener(guard, self.allow).open(request, timeout=self.timeout) as resp:
                chunks, size = [], 0
                while chunk := resp.read(65536):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(url, f"the answer is over the {self.max_bytes // 1048576} MB limit",
                                         permanent=True)
                    if self.clock() - started > self.timeout:
                        raise FetchError(url, f"no complete answer within {self.timeout:g} s")
                    chunks.append(chunk)
                return Answer(resp.geturl(), resp.status, b"".join(chunks), resp.headers.get("ETag"),
                              resp.headers.get("Last-Modified"), resp.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Answer(url, 304, etag=exc.headers.get("ETag") or headers.get("If-None-Match"),
                              last_modified=exc.headers.get("Last-Modified") or headers.get("If-Modified-Since"))
            error = FetchError(url, f"HTTP {exc.code} {exc.reason}", permanent=exc.code < 500 and exc.code != 429)
            if exc.code in (429, 503) and (exc.headers.get("Retry-After") or "").strip().isdigit():
                error.retry_after = float(exc.headers["Retry-After"])
            raise error from None
        except urllib.error.URLError as exc:
            raise FetchError(url, f"cannot fetch ({exc.reason})", permanent=isinstance(exc.reason, Refused)) from None
        except (OSError, ValueError) as exc:  # timeouts, resets, a malformed answer
            raise FetchError(url, f"cannot fetch ({exc or type(exc).__name__})") from None
        finally:
            self._last[host] = self.clock()

    def _pause(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            delay = self._crawl_delay(host)
            wait = last + max(self.interval, delay) - self.clock()
            if wait > 0:
                self.sleep(wait)

    def _crawl_delay(self, host: str) -> float:
        for (_, h), rules in self._robots.items():
            if h == host and isinstance(rules, urllib.robotparser.RobotFileParser):
                delay = rules.crawl_delay(AGENT_TOKEN)
                return min(float(delay), self.max_wait) if delay else 0.0
        return 0.0

    def _obey_robots(self, url: str, guard: bool) -> None:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        rules = self._robots.get(key)
        if rules is None:
            rules = self._robots[key] = self._read_robots(f"{parts.scheme}://{parts.netloc}/robots.txt", guard)
        if isinstance(rules, FetchError):
            raise FetchError(url, rules.reason)
        if not rules.can_fetch(AGENT_TOKEN, url):
            raise FetchError(url, f"robots.txt of {parts.netloc} does not let {AGENT_TOKEN} read it", permanent=True)

    def _read_robots(self, robots_url: str, guard: bool):
        rules = urllib.robotparser.RobotFileParser(robots_url)
        try:
            answer = self._once(robots_url, {"User-Agent": USER_AGENT}, guard)
        except FetchError as exc:
            if exc.reason.startswith("HTTP 4"):
                rules.allow_all = True  # RFC 9309: no robots.txt (4xx) means no rules
                return rules
            return FetchError(robots_url, f"robots.txt unreachable, the host is not read this time ({exc.reason})")
        rules.parse(answer.body.decode("utf-8", "replace").splitlines())
        return rules
