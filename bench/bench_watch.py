"""What polling and alerting cost: sources per minute, and the time from an item appearing in a feed to its alert.

Everything on loopback: a local site serves SOURCES feeds of ITEMS articles each (texts taken from
../shared/corpus/web_pages when it is there, else the samples), a throw-away SQLite store is polled by
``yrd.watch.run.watch(once=True)`` with the host interval at 0 (all feeds share one host here; with the default
1 s per host, a round over N feeds of one host takes at least N seconds), and a watchlist writes its alerts to a
file. Printed: a cold round (every item new: fetch + ingest), a warm round (nothing new: 304s), and the latency of
one new item from its appearance to its alert in the file (one round: what a due source costs; a source polled
every M minutes adds up to M minutes of waiting before that round starts).

    python bench/bench_watch.py [--sources 20] [--items 5]
"""
from __future__ import annotations

import argparse
import glob
import http.server
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from yrd.batches import IngestOptions  # noqa: E402
from yrd.errors import YrdError  # noqa: E402
from yrd.upgrade import open_store  # noqa: E402
from yrd.watch import sources as registry  # noqa: E402
from yrd.watch.polite import Fetcher  # noqa: E402
from yrd.watch.run import watch  # noqa: E402


def texts(n: int) -> list[tuple[str, str]]:
    """(title, body) of n articles: the corpus's web pages' clean texts, else the samples'."""
    from yrd.pipeline import run

    paths = sorted(glob.glob(str(ROOT.parent / "shared" / "corpus" / "web_pages" / "*")))[: n * 2] or \
        [str(ROOT / "samples" / "articles")]
    out = []
    for d in run(paths):
        if hasattr(d, "text") and len(d.text) > 300:
            out.append((d.title or d.text[:20], d.text))
        if len(out) >= n:
            break
    while len(out) < n:  # (few samples: numbered copies, distinct enough not to be duplicates of each other)
        title, body = out[len(out) % max(1, len(out))]
        out.append((f"{title}（{len(out)}）", f"第{len(out)}稿。" + body[::-1]))
    return out


def _with_an_event(candidates: list[tuple[str, str]]) -> tuple[str, str]:
    """An article the watchlist (every event) will alert on: the new item's alert is then measured, not assumed."""
    from yrd.model import Document, Source
    from yrd.pipeline import STEPS, finish

    for title, body in candidates:
        doc = finish(Document("bench", Source(), title, None, "zh-Hans", body), STEPS[:1])
        if isinstance(doc, Document) and any(e["modality"] == "happened" for e in doc.events):
            return title, body
    return candidates[-1]


def rss(entries: list[tuple[str, str, str]]) -> str:
    items = "".join(f"<item><title>{t}</title><link>{link}</link><pubDate>Mon, 30 Nov 2026 09:30:00 +0800</pubDate>"
                    f"<description><![CDATA[{''.join(f'<p>{p}</p>' for p in body.splitlines())}]]></description></item>"
                    for t, link, body in entries)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>b</title>{items}</channel></rss>'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--items", type=int, default=5)
    args = parser.parse_args()
    articles = texts(args.sources * args.items + 1)
    feeds: dict[str, dict] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            feed = feeds.get(self.path)
            if feed is None:
                self.send_response(404)
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == feed["etag"]:
                self.send_response(304)
                self.end_headers()
                return
            data = feed["body"].encode()
            self.send_response(200)
            self.send_header("ETag", feed["etag"])
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    work = tempfile.mkdtemp(prefix="yrd-bench-watch-")
    db = f"sqlite:///{work}/kb.db"
    engine = open_store(db)
    for s in range(args.sources):
        entries = [(articles[s * args.items + i][0], f"{base}/a/{s}/{i}", articles[s * args.items + i][1])
                   for i in range(args.items)]
        feeds[f"/f/{s}.xml"] = {"entries": entries, "etag": '"1"', "body": rss(entries)}
        with engine.begin() as conn:
            registry.add(conn, f"{base}/f/{s}.xml", f"feed {s}", 60, allow_private=True)
    feeds["/robots.txt"] = {"etag": '"r"', "body": ""}
    alerts_file = Path(work) / "alerts.jsonl"
    has_alerts = False
    try:
        from yrd.watch import alerts

        with engine.begin() as conn:
            alerts.add(conn, name="bench", kind="event", file=str(alerts_file))  # every new event
        has_alerts = True
    except (ImportError, AttributeError, TypeError, YrdError) as exc:
        print(f"(no watchlist: {exc})")
    fetcher = Fetcher(interval=0.0, timeout=10)
    options = IngestOptions(workers=1)
    quiet = []
    t = time.perf_counter()
    cold = watch(db, once=True, report=quiet.append, fetcher=fetcher, options=options)
    cold_s = time.perf_counter() - t
    t = time.perf_counter()
    warm = watch(db, once=True, report=quiet.append, fetcher=fetcher, options=options)
    warm_s = time.perf_counter() - t
    print(f"sources {args.sources} × items {args.items} (store {db})")
    print(f"cold round (every item new): {cold_s:.1f} s, {cold.stored} stored, "
          f"{args.sources / cold_s * 60:.0f} sources/min, {cold.stored / cold_s:.1f} items/s; alerts {cold.alerts}")
    print(f"warm round (nothing new, 304s): {warm_s:.2f} s, {args.sources / warm_s * 60:.0f} sources/min")
    # one new item in one feed: from its appearance to its alert
    feed = feeds["/f/0.xml"]
    title, body = _with_an_event(texts(args.sources * args.items + 40)[args.sources * args.items:])
    feed["entries"].append((title, f"{base}/a/0/new", body))
    before = alerts_file.read_text().count("\n") if alerts_file.exists() else 0
    t0 = time.perf_counter()
    feed["body"], feed["etag"] = rss(feed["entries"]), '"2"'
    one = watch(db, once=True, report=quiet.append, fetcher=fetcher, options=options)
    after = alerts_file.read_text().count("\n") if alerts_file.exists() else 0
    latency = time.perf_counter() - t0
    print(f"one new item to its alert(s): {latency:.2f} s for a round over {args.sources} sources "
          f"({one.stored} stored, {after - before} alert line(s) written{'' if has_alerts else ': no watchlists'})")
    if quiet:
        print("reported:", *quiet[:5], sep="\n  ")
    server.shutdown()
    engine.dispose()
    for f in Path(work).glob("*"):
        f.unlink()
    os.rmdir(work)
    print(json.dumps({"cold_s": round(cold_s, 2), "warm_s": round(warm_s, 3), "latency_s": round(latency, 2)}))


if __name__ == "__main__":
    main()
