"""The one way yrd fetches a page or a feed: bounded, and on a server never into its own network.

``fetch(url, options)`` GETs a URL the user named. With ``options.guard`` (the server's fetches, and later the
observatory's sources) every connection is made to an address checked *after* DNS resolution — a loopback,
private, link-local, multicast, reserved or unspecified address is refused unless it is in the allow-list — and
the connection goes to exactly the address that was checked (no second lookup a rebinding DNS server could
answer differently). Every redirect opens a new connection and is checked again; only http and https are
followed, five times at most. No proxy from the environment is used for a guarded fetch (it would be the
proxy's address that is checked). The body is read up to ``options.max_bytes`` and no further.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..errors import InputError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_allow(spec: str | Iterable[str] | None) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 192.168.1.5"`` -> networks a guarded fetch may reach although they are not public."""
    if not spec:
        return ()
    items = spec.split(",") if isinstance(spec, str) else spec
    out = []
    for item in (i.strip() for i in items):
        if item:
            try:
                out.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"fetch allow-list: {item!r} is not an address or network (10.0.0.0/8)") from None
    return tuple(out)


def refused(address: str, allow: tuple[Network, ...] = ()) -> str | None:
    """Why a guarded fetch may not connect to ``address`` (None: it may)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in net for net in allow):
        return None
    for test, what in ((ip.is_loopback, "a loopback"), (ip.is_unspecified, "an unspecified"),
                       (ip.is_link_local, "a link-local"), (ip.is_private, "a private"),
                       (ip.is_multicast, "a multicast"), (ip.is_reserved, "a reserved"),
                       (not ip.is_global, "a non-public")):
        if test:
            return f"{address} is {what} address: the server does not fetch from its own network (allow it with --fetch-allow)"
    return None


def _connect(host: str, port: int, timeout: float, allow: tuple[Network, ...]) -> socket.socket:
    """A socket connected to the first acceptable address of ``host`` (each address checked before use)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {host} ({exc.strerror})") from None
    why = None
    for family, kind, proto, _, sockaddr in infos:
        why = refused(sockaddr[0], allow)
        if why:
            continue
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(sockaddr)
            return sock
        except OSError:
            sock.close()
            raise
    raise Refused(why or f"no address for {host}")


class Refused(OSError):
    pass


def _guarded_handlers(allow: tuple[Network, ...]):
    class Conn(http.client.HTTPConnection):
        def connect(self):
            self.sock = _connect(self.host, self.port, self.timeout, allow)

    class TLSConn(http.client.HTTPSConnection):
        def connect(self):
            sock = _connect(self.host, self.port, self.timeout, allow)
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)

    class Plain(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Conn, req)

    class TLS(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(TLSConn, req, context=ssl.create_default_context())

    return Plain(), TLS()


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirect to a {urlsplit(newurl).scheme or 'relative'} "
                                         "address refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def opener(guard: bool, allow: tuple[Network, ...] = ()) -> urllib.request.OpenerDirector:
    """http(s) only: no file:, ftp: or data: handler, so no redirect can reach them."""
    director = urllib.request.OpenerDirector()
    handlers = list(_guarded_handlers(allow)) if guard else [urllib.request.ProxyHandler(),
                                                             urllib.request.HTTPHandler(),
                                                             urllib.request.HTTPSHandler()]
    if guard:
        handlers.append(urllib.request.ProxyHandler({}))
    for h in (*handlers, _Redirects(), urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor()):
        director.add_handler(h)
    return director


def fetch(url: str, max_bytes: int, timeout: float, guard: bool = False, allow: tuple[Network, ...] = ()) -> bytes:
    """GET ``url`` (http or https); at most ``max_bytes`` of body; InputError naming the URL on any failure."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise InputError(url, "only http and https addresses are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "yrd/0.1 (+news reader)"})
    try:
        with opener(guard, allow).open(request, timeout=timeout) as resp:
            data = resp.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise InputError(url, f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(url, f"cannot fetch ({reason})") from None
    if len(data) > max_bytes:
        raise InputError(url, f"response is over the {max_bytes / 1048576:.1f} MB limit; raise --max-bytes")
    return data
