"""The observatory's polling against a site on loopback: feeds that change, list pages, sitemaps, 304s, failures
of every kind, robots.txt, private addresses, kill -9 in the middle of a poll, SIGTERM."""
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from conftest import article_page, feed
from yrd.batches import IngestOptions
from yrd.cli import main
from yrd.upgrade import open_store
from yrd.watch import sources as registry
from yrd.watch.polite import Fetcher
from yrd.watch.run import watch

FAST = Fetcher(timeout=2.0, interval=0.0, retries=1, backoff=0.01, max_bytes=200_000)
OPTIONS = IngestOptions(workers=1, batch_size=10)


def _add(url, db, **kw):
    with open_store(db).begin() as conn:
        return registry.add(conn, url, allow_private=kw.pop("allow_private", True), **kw)


def _once(db):
    lines = []
    done = watch(db, once=True, report=lines.append, fetcher=FAST, options=OPTIONS)
    return done, lines


def _count(db, sql):
    with create_engine(db).connect() as conn:
        return conn.execute(text(sql)).scalar()


def _source(db, sid):
    with open_store(db).connect() as conn:
        return registry.get(conn, sid)


def test_a_feed_is_polled_conditionally_and_its_changes_become_new_documents_and_versions(site, store_url):
    db = store_url  # (both backends)
    entries = [("嘉兴与上海签署合作协议", "/a/1.html", article_page("嘉兴与上海签署合作协议")),
               ("湖州与上海签署合作协议", "/a/2.html", article_page("湖州与上海签署合作协议", "湖州市"))]
    site.routes["/feed.xml"] = lambda h: ((304, "", {"ETag": '"v1"'}) if h.headers.get("If-None-Match") == '"v1"'
                                           else (200, feed(entries, site.base), {"ETag": '"v1"',
                                                                                 "Content-Type": "application/rss+xml"}))
    s = _add(site.base + "/feed.xml", db, name="示例")
    done, lines = _once(db)
    assert (done.polled, done.failed, done.new, done.stored) == (1, 0, 2, 2), lines
    assert _count(db, "SELECT count(*) FROM documents") == 2
    health = _source(db, s["id"])
    assert health["status"] == "ok" and health["kind"] == "feed" and health["etag"] == '"v1"' and health["items_seen"] == 2
    # unchanged: a 304, nothing fetched but the feed
    before = len(site.log)
    done, _ = _once(db)
    assert done.new == 0 and site.log[before:][-1][1].get("If-None-Match") == '"v1"'
    assert [p for p, _ in site.log[before:]] == ["/robots.txt", "/feed.xml"]
    # changed: a new entry, and an entry whose article was corrected
    entries.append(("芜湖与松江签署合作协议", "/a/3.html", article_page("芜湖与松江签署合作协议", "芜湖市")))
    entries[0] = (entries[0][0], entries[0][1], article_page("嘉兴与上海签署合作协议", extra="更正：协议于11月29日签署。"))
    site.routes["/feed.xml"] = (200, feed(entries, site.base), {"ETag": '"v2"'})
    done, _ = _once(db)
    assert done.new == 1 and done.stored == 2  # one new document, one new version
    assert _count(db, "SELECT count(*) FROM documents WHERE is_current = true") == 3
    assert _count(db, "SELECT max(version) FROM documents") == 2


def test_a_teaser_feed_and_a_list_page_fetch_each_new_article_page_once(site, tmp_path):
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    site.routes["/rss"] = (200, feed([("嘉兴签约", "/news/20261130/1001.html", "")], site.base), {})
    site.routes["/news/20261130/1001.html"] = (200, article_page("嘉兴与上海签署合作协议"), {})
    links = "".join(f'<a href="{h}">x</a>' for h in ("/news/20261130/1002.html", "/news/20261130/1003.html",
                                                     "/about.html", "/news/", "https://elsewhere.example/1234.html",
                                                     "/news/20261130/1004.html"))
    site.routes["/news/"] = (200, f"<html><body><h1>要闻</h1>{links}</body></html>", {})
    site.routes["/news/20261130/1002.html"] = (200, article_page("湖州与上海签署合作协议", "湖州市"), {})
    site.routes["/news/20261130/1003.html"] = (200, article_page("芜湖与松江签署合作协议", "芜湖市"), {})
    site.routes["/news/20261130/1004.html"] = (200, "<html><body>Page not found. Please go back.</body></html>", {})
    _add(site.base + "/rss", db)
    s = _add(site.base + "/news/", db, name="要闻")
    done, lines = _once(db)
    assert done.failed == 0 and done.stored == 3, lines
    assert site.hits("/about.html") == 0 and site.hits("/news/20261130/1001.html") == 1
    with create_engine(db).connect() as conn:
        statuses = dict(conn.execute(text("SELECT url, status FROM source_items")).all())
    assert statuses[site.base + "/news/20261130/1004.html"] == "not_article"
    assert _source(db, s["id"])["kind"] == "page"
    done, _ = _once(db)  # nothing new: no article page is fetched again
    assert done.new == 0 and site.hits("/news/20261130/1002.html") == 1
    # a new link on the list page: that page alone is fetched
    site.routes["/news/"] = (200, site.routes["/news/"][1].replace("</body>", '<a href="/news/20261201/1005.html">y</a></body>'), {})
    site.routes["/news/20261201/1005.html"] = (200, article_page("常州与上海签署合作协议", "常州市", day="2026-12-01"), {})
    before = len(site.log)
    done, _ = _once(db)
    assert (done.new, done.stored) == (1, 1)
    assert sorted(p for p, _ in site.log[before:] if p.startswith("/news/2026")) == ["/news/20261201/1005.html"]


def test_a_sitemap_and_a_link_pattern(site, tmp_path):
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    site.routes["/sitemap.xml"] = (200, '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                        f"<url><loc>{site.base}/p/1</loc></url><url><loc>{site.base}/p/2</loc></url>"
                                        "</urlset>", {"Content-Type": "application/xml"})
    site.routes["/p/1"] = (200, article_page("嘉兴与上海签署合作协议"), {})
    site.routes["/p/2"] = (200, article_page("湖州与上海签署合作协议", "湖州市"), {})
    site.routes["/list"] = (200, '<a href="/p/1">1</a><a href="/x/2">2</a>', {})
    _add(site.base + "/sitemap.xml", db)
    _add(site.base + "/list", db, links=r"/p/\d+$")
    done, lines = _once(db)
    assert done.stored == 2 and done.failed == 0, lines
    assert site.hits("/x/2") == 0


def test_each_failing_source_is_one_line_and_the_others_go_on(site, tmp_path):
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    site.routes["/slow.xml"] = (200, feed([], site.base), {})
    site.delay["/slow.xml"] = 3.0
    site.routes["/loop"] = (302, "", {"Location": "/loop"})
    site.routes["/huge"] = (200, "长" * 100_000, {})
    site.routes["/broken"] = (500, "oops", {})
    site.routes["/ok.xml"] = (200, feed([("嘉兴签约", "/a/1.html", article_page("嘉兴与上海签署合作协议"))], site.base), {})
    for path in ("/missing", "/slow.xml", "/loop", "/huge", "/broken", "/ok.xml"):
        _add(site.base + path, db)
    done, lines = _once(db)
    assert done.polled == 6 and done.failed == 5 and done.stored == 1, lines
    text_ = "\n".join(lines)
    for path, why in (("/missing", "HTTP 404"), ("/slow.xml", "timed out"), ("/loop", "redirect"),
                      ("/huge", "limit"), ("/broken", "HTTP 500")):
        mine = [line for line in lines if f"{site.base}{path})" in line]
        assert len(mine) == 1 and why in mine[0], (path, text_)
    assert site.hits("/broken") == 2  # a 5xx is tried again once (retries=1), a 404 is not
    assert site.hits("/missing") == 1
    with open_store(db).connect() as conn:
        failing = [s for s in registry.listed(conn) if s["status"] == "failing"]
    assert len(failing) == 5 and all(s["next_due_at"] > s["last_polled_at"] for s in failing)


def test_robots_txt_and_private_addresses_are_respected(site, tmp_path):
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    site.routes["/robots.txt"] = (200, "User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"})
    site.routes["/private/feed.xml"] = (200, feed([], site.base), {})
    _add(site.base + "/private/feed.xml", db)
    _add(site.base + "/open.xml", db, allow_private=False)
    done, lines = _once(db)
    assert done.failed == 2
    assert any("robots.txt" in line for line in lines) and any("loopback" in line for line in lines)
    assert site.hits("/private/feed.xml") == 0 and site.hits("/open.xml") == 0


def test_the_cli_contract_and_bad_values(site, tmp_path):
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    site.routes["/feed.xml"] = (200, feed([("嘉兴签约", "/a/1.html", article_page("嘉兴与上海签署合作协议"))], site.base), {})
    runner = CliRunner()
    added = runner.invoke(main, ["sources", "add", site.base + "/feed.xml", "--allow-private", "--every", "15m", "--db", db])
    assert added.exit_code == 0, added.stderr
    assert runner.invoke(main, ["sources", "add", site.base + "/feed.xml", "--db", db]).exit_code == 1
    assert "http(s)" in runner.invoke(main, ["sources", "add", "file:///etc/passwd", "--db", db]).stderr
    bad = runner.invoke(main, ["sources", "add", "ftp://x/feed", "--db", db])
    assert bad.exit_code == 1 and "http(s)" in bad.stderr
    assert "expected a duration" in runner.invoke(main, ["sources", "add", site.base + "/x", "--every", "soon",
                                                         "--db", db]).stderr
    env = {**os.environ, "YRD_HOST_INTERVAL": "0"}
    once = subprocess.run([sys.executable, "-m", "yrd", "watch", "--once", "--db", db], capture_output=True, text=True,
                          env=env, timeout=120)
    assert once.returncode == 0 and "1 document(s) stored" in once.stderr, once.stderr
    listed = runner.invoke(main, ["sources", "list", "--db", db])
    assert "ok" in listed.stdout and "15m" in listed.stdout
    assert runner.invoke(main, ["sources", "remove", "1", "--db", db]).exit_code == 0
    assert runner.invoke(main, ["sources", "remove", "1", "--db", db]).exit_code == 1


@pytest.mark.parametrize("moment", [1.2, 2.5])
def test_kill_9_during_a_poll_loses_and_doubles_nothing(site, store_url, moment):
    db = store_url  # (both backends)
    n = 8
    for i in range(n):
        path = f"/news/2026113{i % 10}/{1000 + i}.html"
        site.routes[path] = (200, article_page(f"第{i}篇：嘉兴与上海签署合作协议", extra=f"第{i}条。"), {})
        site.delay[path] = 0.3
    site.routes["/news/"] = (200, "".join(f'<a href="/news/2026113{i % 10}/{1000 + i}.html">{i}</a>' for i in range(n)), {})
    _add(site.base + "/news/", db)
    env = {**os.environ, "YRD_HOST_INTERVAL": "0", "YRD_BATCH": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "yrd", "watch", "--once", "--db", db], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(moment)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    again = subprocess.run([sys.executable, "-m", "yrd", "watch", "--once", "--db", db], env=env, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert _count(db, "SELECT count(*) FROM documents") == n
    assert _count(db, "SELECT count(DISTINCT key) FROM documents") == n
    assert _count(db, "SELECT count(*) FROM source_items") == n


def test_sigterm_stops_the_watch_cleanly(site, tmp_path):
    db = f"sqlite:///{tmp_path / 'kb.db'}"
    site.routes["/feed.xml"] = (200, feed([("嘉兴签约", "/a/1.html", article_page("嘉兴与上海签署合作协议"))], site.base), {})
    _add(site.base + "/feed.xml", db)
    proc = subprocess.Popen([sys.executable, "-m", "yrd", "watch", "--db", db], env={**os.environ, "YRD_HOST_INTERVAL": "0"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while _count_safe(db) < 1 and time.time() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopping" in err and "Traceback" not in err
    assert _count(db, "SELECT count(*) FROM documents") == 1


def _count_safe(db):
    try:
        return _count(db, "SELECT count(*) FROM documents")
    except Exception:  # noqa: BLE001 - the store is being created
        return 0
