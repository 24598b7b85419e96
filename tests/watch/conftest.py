"""A small web site on loopback whose pages the tests change between polls."""
import http.server
import threading
import time

import pytest

ARTICLE = ("{place}与上海签署战略合作协议，双方将共建科创走廊，推动长三角一体化发展。根据协议，两地将在产业协同、交通互联和"
           "公共服务共享方面深化合作，到2025年共同建成一批重大项目。{extra}")


def article_page(title: str, place: str = "嘉兴市", extra: str = "", day: str = "2026-11-30") -> str:
    body = "".join(f"<p>{ARTICLE.format(place=place, extra=extra)}</p>" for _ in range(3))
    return (f"<html><head><title>{title}</title></head><body><div class='article'><h1>{title}</h1>"
            f"<p>发布时间：{day} 09:30</p>{body}</div></body></html>")


def feed(entries: list[tuple[str, str, str]], base: str) -> str:
    """RSS 2.0 with (title, path, content) entries; content '' makes a teaser-only entry."""
    items = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link><pubDate>Mon, 30 Nov 2026 09:30:00 +0800</pubDate>"
        f"<description><![CDATA[{c or '摘要'}]]></description></item>" for t, p, c in entries)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


class Site:
    """Routes: path -> (status, body, headers) or a callable(handler) -> that; every request is logged."""

    def __init__(self):
        self.routes: dict = {}
        self.log: list[tuple[str, dict]] = []
        self.delay: dict[str, float] = {}
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.log if p == path)

    def _handler(site):  # noqa: N805
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                site.log.append((self.path, dict(self.headers)))
                time.sleep(site.delay.get(self.path, 0))
                route = site.routes.get(self.path)
                if callable(route):
                    route = route(self)
                status, body, headers = route if route else (404, "not found", {})
                data = body.encode("utf-8") if isinstance(body, str) else body
                self.send_response(status)
                for k, v in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        return Handler

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    s = Site()
    s.routes["/robots.txt"] = (404, "", {})
    yield s
    s.close()
