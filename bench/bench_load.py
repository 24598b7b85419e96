"""The API under load: throughput and p50/p95/p99 latency of the dashboard's requests with many users at once.

Three phases, each on a fresh copy of one store built from ../shared/corpus (samples/articles without it), each
with its own `yrd serve` process on 127.0.0.1:
  (a) alone;
  (b) while a `yrd ingest` process writes perturbed copies of the corpus (bench/perturb.py) into the same store:
      readers must never fail; errors and the slowest answer are reported;
  (c) while a large upload (a JSON Lines file of perturbed articles, --upload-mb) is ingested through
      POST /api/ingest/upload: the other routes' latency during it (the goal: every answer under a second).
      Before it, the same upload with a wrong token: how soon the server refuses it.
Each user holds one keep-alive connection and sends its next request as soon as the answer comes (closed
loop), picking a route at random: /api/stats, /api/documents, /api/search?q=…, /api/places, /api/projects,
/api/events, /api/relations, /api/entities/REF, with the parameters the dashboard's views send. Each user
connects from a loopback address of its own (127.0.0.2, .3 …; --one-address: all from 127.0.0.1), so a limit per
client address meets many users. A 503 (load shed) and a 429 (rate limited) are counted apart (the user then
waits as Retry-After says, at most --retry-cap s); every other non-2xx answer, timeout or broken connection is an
error. Latency percentiles are over the 2xx answers. The load generator is
this process (asyncio, no HTTP library: a few µs per request); the CPU each process used is printed, and the
machine's, so that other users of a shared machine show.
Run: .venv/bin/python bench/bench_load.py [--clients 50] [--duration 60] [--phases abc] [--pg URL] [--base PATH]
     (a smoke run: --clients 5 --duration 3 --upload-mb 1)
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import resource
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

import harness as H
from httpload import Conn, Load, Record, multipart
from perturb import perturb

QUERIES = [q for q in (H.ROOT / "tests" / "store" / "search_queries.txt").read_text(encoding="utf-8").splitlines()
           if q.strip() and not q.startswith("#")]
ROUTES = ("stats", "documents", "search", "places", "projects", "events", "relations", "entities")


def route_picker(refs: list[str], mix: str = "dashboard"):
    """rng -> (route, target). ``dashboard``: the requests the dashboard's views send (web/static/js/views/*.js:
    whole lists of 500 to 5,000 rows); ``light``: bench/bench_latency.py's, one screenful each."""
    quoted = [urllib.parse.quote(q) for q in QUERIES]
    refs = [urllib.parse.quote(r, safe=":") for r in refs]
    light = mix == "light"
    fixed = {
        "stats": ["/api/stats"],
        "documents": ["/api/documents?limit=50"] if light else ["/api/documents?limit=8"],  # the map's latest
        "places": ["/api/places?limit=500"] if light else ["/api/places?limit=5000&scope=delta"],
        "projects": ["/api/projects?limit=50"] if light else ["/api/projects?scope=delta&limit=500&offset=0"],
        "events": ["/api/events?limit=100"] if light else ["/api/events?modality=happened&limit=500&offset=0"],
        # the map's cooperation edges, or the network view's graph
        "relations": ["/api/relations?type=cooperation"] if light else [
            "/api/relations?type=cooperation&limit=5000&scope=delta", "/api/relations?scope=delta&limit=1000"],
    }

    def pick(rng: random.Random) -> tuple[str, str]:
        route = rng.choice(ROUTES)
        if route == "search":
            return route, f"/api/search?q={rng.choice(quoted)}&limit={50 if light else 20}"
        if route == "entities":
            return route, f"/api/entities/{rng.choice(refs)}"
        return route, rng.choice(fixed[route])

    return pick


# ---- stores ------------------------------------------------------------------------------------------------

def build_base(args, tmp: Path, make_pg) -> tuple[str, str]:
    """(url of the base store, how it was made). SQLite: --base PATH is reused when it exists."""
    inputs = str(args.corpus)
    if make_pg is not None:
        url = make_pg()
    else:
        path = Path(args.base) if args.base else tmp / "base.db"
        url = f"sqlite:///{path}"
        if path.exists():
            return url, f"reused {path}"
    t = time.perf_counter()
    done = H.ingest([inputs], url, "--workers", "2")
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench: building the store failed ({done.returncode}): {done.stderr[-800:]}")
    return url, f"built from {inputs} in {time.perf_counter() - t:.0f} s"


def phase_store(base: str, tmp: Path, key: str, make_pg) -> str:
    """A fresh copy of the base store for one phase."""
    if make_pg is not None:
        return make_pg(template=H.db_name(base))
    dest = tmp / f"phase-{key}.db"
    src = sqlite3.connect(base.removeprefix("sqlite:///"))
    out = sqlite3.connect(dest)
    src.backup(out)
    src.close()
    out.close()
    return f"sqlite:///{dest}"


def perturbed_copies(corpus: Path, out: Path, copies: int) -> list[str]:
    """``copies`` perturbed copies of every input file (numbered from 1): new articles for phase (b)'s ingest."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in ("README.md", "MANIFEST.tsv"))
    texts = [(p.relative_to(corpus), p.read_bytes().decode("utf-8", errors="replace")) for p in files]
    dirs = []
    for k in range(1, copies + 1):
        for rel, text in texts:
            dest = out / f"copy{k:04d}" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(perturb(text, k), encoding="utf-8")
        dirs.append(str(out / f"copy{k:04d}"))
    return dirs


def upload_file(base: str, megabytes: float) -> tuple[bytes, int]:
    """A JSON Lines file of about ``megabytes`` MB: the base store's articles, perturbed (copy 101, 102 …) so
    that each is a new article; (bytes, articles)."""
    import sqlalchemy as sa

    from yrd.store import make_engine
    from yrd.store.schema import documents

    engine = make_engine(base)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(documents.c.id, documents.c.title, documents.c.text,
                                      documents.c.published_at).where(documents.c.canonical)).all()
    engine.dispose()
    lines, size, k = [], 0, 100
    while size < megabytes * 2**20:
        k += 1
        for doc_id, title, text, published in rows:
            line = json.dumps({"title": perturb(title, k), "text": perturb(text, k), "date": published,
                               "url": f"https://upload{k}.bench.invalid/{doc_id}"}, ensure_ascii=False) + "\n"
            lines.append(line.encode())
            size += len(lines[-1])
            if size >= megabytes * 2**20:
                break
    return b"".join(lines), len(lines)


# ---- one phase ---------------------------------------------------------------------------------------------

class Cpu:
    """CPU seconds used between start() and stop(): the server's process tree, this process, the machine."""

    def __init__(self, server_pid: int, database: str | None = None):
        self.pid, self.database = server_pid, database

    def start(self) -> None:
        self.t0, self.s0, self.m0 = time.perf_counter(), H.tree_cpu(self.pid), self._self()
        self.o0, self.b0 = H.own_cpu(self.pid), H.machine_ticks()
        self.d0 = H.cpu_by_cmdline(f" {self.database} ") if self.database else {}

    def stop(self) -> None:
        self.wall = time.perf_counter() - self.t0
        self.server, self.me = H.tree_cpu(self.pid) - self.s0, self._self() - self.m0
        self.server_own = H.own_cpu(self.pid) - self.o0  # the rest of self.server: processes the server started
        # PostgreSQL's backends for the phase's database (a backend that ended within the phase is not counted)
        self.db = sum(c - self.d0.get(p, 0.0) for p, c in H.cpu_by_cmdline(f" {self.database} ").items()
                      ) if self.database else 0.0
        b1 = H.machine_ticks()
        self.machine = (b1[0] - self.b0[0]) / max(1, b1[1] - self.b0[1]) * os.cpu_count()

    @staticmethod
    def _self() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime


def run_phase(key: str, url: str, args, pick, tmp: Path, side=None) -> dict:
    """Serve ``url``, warm it up, load it for the phase; ``side`` runs beside the load (phase b and c)."""
    token = uuid.uuid4().hex
    with H.Server(url, token, log=tmp / f"server-{key}.log") as server:
        warm = random.Random(0)
        for _ in range(30):  # every route once or more: the first answers read pages into memory
            server.get_json(pick(warm)[1])
        load = Load(server.port, pick, clients=args.clients, rate=args.rate, timeout=args.timeout,
                    retry_cap=args.retry_cap, one_address=args.one_address)
        out = {"key": key, "load": load, "server_pid": server.proc.pid}
        cpu = Cpu(server.proc.pid, H.db_name(url) if not url.startswith("sqlite") else None)
        asyncio.run(_drive(load, args, cpu, side, server, token, out))
        out["cpu"] = cpu
    return out


async def _drive(load: Load, args, cpu: Cpu, side, server, token: str, out: dict) -> None:
    if side is not None and hasattr(side, "prepare"):
        await side.prepare(server, token, out)
    cpu.start()
    start = time.perf_counter()
    task = asyncio.ensure_future(side.run(server, token, start, out)) if side is not None else None

    def until(t: float) -> bool:
        if t >= args.upload_timeout:
            return True
        return t >= args.duration and (task is None or task.done() or not getattr(side, "wait_for_it", False))

    await load.run(start, until, seed=args.seed)
    out["end"] = time.perf_counter() - start
    if task is not None:
        if not task.done():
            await side.give_up(out)
        await task
    cpu.stop()


class Writer:
    """Phase (b): `yrd ingest COPIES --db URL` running while the users read; stopped at the phase's end."""
    wait_for_it = False

    def __init__(self, dirs: list[str], url: str, workers: int, log: Path):
        self.dirs, self.url, self.workers, self.log = dirs, url, workers, log

    def _launch(self):
        fh = open(self.log, "wb")  # noqa: SIM115 - closed in run()
        return fh, H.start(H.yrd("ingest", *self.dirs, "--db", self.url, "--no-progress", "--workers",
                                 str(self.workers)), stdout=fh, stderr=subprocess.STDOUT)

    async def run(self, server, token, start: float, out: dict) -> None:
        fh, proc = self._launch()
        try:
            out["writer_pid"] = proc.pid
            cpu = 0.0
            while proc.poll() is None and "end" not in out:
                cpu = max(cpu, H.tree_cpu(proc.pid))
                await asyncio.sleep(0.5)
            out["writer_cpu"] = max(cpu, H.tree_cpu(proc.pid))
            out["writer_done"] = proc.poll()
            out["writer_ran"] = time.perf_counter() - start
        finally:
            H.stop(proc)
            fh.close()
        out["writer_log"] = self.log.read_text(errors="replace").splitlines()

    async def give_up(self, out: dict) -> None:
        pass


class Upload:
    """Phase (c): POST /api/ingest/upload of one large file, ``lead`` seconds into the phase."""
    wait_for_it = True

    def __init__(self, data: bytes, articles: int, lead: float):
        self.data, self.articles, self.lead = data, articles, lead
        self.ctype, self.body = multipart("files", "bulk.jsonl", data)

    async def prepare(self, server, token: str, out: dict) -> None:
        """The same upload with a wrong token: the answer's status and how long it took."""
        t = time.perf_counter()
        conn = Conn(server.port)
        sent = []
        try:
            status, _, body = await asyncio.wait_for(conn.request(
                "POST", "/api/ingest/upload", (("Content-Type", self.ctype), ("Authorization", "Bearer wrong")),
                self.body, sent=lambda: sent.append(time.perf_counter() - t)), 120)
            out["wrong_token"] = (status, time.perf_counter() - t, sent[0] if sent else None, body[:120])
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            out["wrong_token"] = (type(exc).__name__, time.perf_counter() - t, sent[0] if sent else None, b"")
        finally:
            conn.close()

    async def run(self, server, token: str, start: float, out: dict) -> None:
        """The upload; answered 503, it is sent again as Retry-After says (at most 5 times, 10 s apart)."""
        await asyncio.sleep(self.lead)
        t0 = time.perf_counter() - start
        out["upload"] = up = {"t0": t0, "mb": len(self.data) / 2**20, "articles": self.articles, "refused": 0}
        sent: list[float] = []
        headers = (("Content-Type", self.ctype), ("Authorization", f"Bearer {token}"))
        for _ in range(6):
            conn = Conn(server.port)
            self.task = asyncio.ensure_future(conn.request(
                "POST", "/api/ingest/upload", headers, self.body, sent=lambda: sent.append(time.perf_counter() - start)))
            try:
                status, hdrs, body = await self.task
                up.update(status=status, body=body[:2000])
            except asyncio.CancelledError:
                up.update(status="no answer")
                break
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                up.update(status=f"conn {type(exc).__name__}")
                break
            finally:
                conn.close()
            if status != 503:
                break
            up["refused"] += 1
            try:
                await asyncio.sleep(min(10.0, float(hdrs.get("retry-after", "1"))))
            except ValueError:
                await asyncio.sleep(1.0)
        up.update(t1=time.perf_counter() - start, sent=sent[0] if sent else None)
        if up["status"] != "no answer":
            await asyncio.sleep(self.lead)  # the load goes on a little: what the store holds after the answer

    async def give_up(self, out: dict) -> None:
        self.task.cancel()


# ---- the report --------------------------------------------------------------------------------------------

def describe(records: list[Record], t0: float, t1: float) -> dict:
    rs = [r for r in records if t0 <= r.t1 <= t1]
    ok = [r.t1 - r.t0 for r in rs if r.outcome == "ok"]
    ends = sorted(r.t1 for r in rs)
    gaps = [b - a for a, b in zip([t0, *ends], [*ends, t1])]
    bad: dict[str, int] = {}
    for r in rs:
        if r.outcome not in ("ok", "503", "429"):
            bad[r.outcome] = bad.get(r.outcome, 0) + 1
    return {"n": len(ok), "rate": len(ok) / (t1 - t0) if t1 - t0 >= 0.5 else float("nan"), "p50": H.pct(ok, 50), "p95": H.pct(ok, 95),
            "p99": H.pct(ok, 99), "max": max((r.t1 - r.t0 for r in rs), default=float("nan")),
            "over1": sum(1 for x in ok if x > 1.0), "n503": sum(1 for r in rs if r.outcome == "503"),
            "n429": sum(1 for r in rs if r.outcome == "429"),
            "errors": bad, "gap": max(gaps, default=0.0), "span": t1 - t0}


def line(d: dict) -> str:
    errs = ", ".join(f"{v} {k}" for k, v in sorted(d["errors"].items())) or "none"
    return (f"{d['n']:,} answers in {d['span']:.1f} s = {d['rate']:.1f} req/s; p50 {d['p50']:.3f} s, "
            f"p95 {d['p95']:.3f} s, p99 {d['p99']:.3f} s, slowest {d['max']:.3f} s; over 1 s: {d['over1']:,}; "
            f"503: {d['n503']:,}; 429: {d['n429']:,}; errors: {errs}; longest time without any answer {d['gap']:.2f} s")


def routes_table(records: list[Record], t0: float, t1: float) -> None:
    print(f"    {'route':10} {'answers':>8} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'max s':>7} {'503':>5} {'429':>5} "
          f"{'errors':>6}")
    for route in ROUTES:
        d = describe([r for r in records if r.route == route], t0, t1)
        print(f"    {route:10} {d['n']:8,} {d['p50']:7.3f} {d['p95']:7.3f} {d['p99']:7.3f} {d['max']:7.3f} "
              f"{d['n503']:5,} {d['n429']:5,} {sum(d['errors'].values()):6,}")


def timeline(records: list[Record], end: float, step: float) -> None:
    print(f"    {'seconds':>11} {'answers':>8} {'p95 s':>7} {'max s':>7} {'errors':>6} {'503':>5} {'429':>5}")
    t = 0.0
    while t < end - 0.5:
        d = describe(records, t, min(end, t + step))
        print(f"    {t:5.0f}-{min(end, t + step):<5.0f} {d['n']:8,} {d['p95']:7.3f} {d['max']:7.3f} "
              f"{sum(d['errors'].values()):6,} {d['n503']:5,} {d['n429']:5,}")
        t += step


def documents_seen(records: list[Record]) -> list[tuple[float, int]]:
    """(time, documents in the store) from the /api/stats answers: when an ingest's writes became visible."""
    out = []
    for r in records:
        if r.route == "stats" and r.outcome == "ok" and r.body:
            with_dups = json.loads(r.body)
            out.append((r.t1, with_dups["documents"] + with_dups["duplicates"]))
    return sorted(out)


def report(res: dict, args) -> None:
    load, cpu, end = res["load"], res["cpu"], res["end"]
    recs = load.records
    whole = describe(recs, 0.0, end)
    titles = {"a": "(a) alone", "b": "(b) while `yrd ingest` writes to the same store",
              "c": "(c) while a large upload is ingested through the API"}
    print(f"\nphase {titles[res['key']]}")
    print(f"  whole phase: {line(whole)}")
    others = cpu.machine * cpu.wall - cpu.server - cpu.me - res.get("writer_cpu", 0.0) - cpu.db
    extra = f", `yrd ingest` {res['writer_cpu'] / cpu.wall:.2f}" if "writer_cpu" in res else ""
    extra += f", PostgreSQL's backends for the store {cpu.db / cpu.wall:.2f}" if cpu.database else ""
    kids = cpu.server - cpu.server_own
    kids = f" (its own process {cpu.server_own / cpu.wall:.2f}, processes it started {kids / cpu.wall:.2f})" if (
        kids > 0.05 * cpu.wall) else ""
    print(f"  CPU, in cores over the phase's {cpu.wall:.0f} s: server {cpu.server / cpu.wall:.2f}{kids}, load generator "
          f"{cpu.me / cpu.wall:.2f}{extra}, everything else on the machine {max(0.0, others) / cpu.wall:.2f} "
          f"(machine busy {cpu.machine:.2f} of {os.cpu_count()})")
    seen = documents_seen(recs)
    if res["key"] == "b":
        grew = [t for (t, n), (_, m) in itertools.pairwise(seen) if m > n]
        wrote = seen[-1][1] - seen[0][1] if seen else 0
        state = "finished" if res.get("writer_done") is not None else "stopped at the phase's end"
        last = (res.get("writer_log") or [""])[-1][:200]
        print(f"  the writer: {wrote:,} documents written in the phase (as /api/stats saw them"
              + (f", from {grew[0]:.0f} s to {grew[-1]:.0f} s" if grew else "") + f"); it {state} after "
              f"{res.get('writer_ran', 0):.0f} s" + (f"; its last line: {last}" if last else ""))
        if grew and grew[-1] - grew[0] >= 2:
            print(f"  while documents were being written ({grew[0]:.0f}-{grew[-1]:.0f} s): "
                  f"{line(describe(recs, grew[0], grew[-1]))}")
    if res["key"] == "c":
        wt = res.get("wrong_token")
        if wt:
            sent = f"the body sent in {wt[2]:.2f} s" if wt[2] is not None else "the body not all sent"
            print(f"  the upload with a wrong token: {wt[0]} after {wt[1]:.2f} s ({sent})")
        up = res.get("upload", {})
        if up:
            t0, t1 = up["t0"], up["t1"]
            grew = [t for (t, n), (_, m) in itertools.pairwise(seen) if m > n]
            busy_until = max(t1, grew[-1] if grew else t1)
            summary = ""
            if up.get("status") == 200:
                try:
                    s = json.loads(up["body"])
                    summary = ": " + ", ".join(f"{k} {v}" for k, v in s.items() if isinstance(v, int | float))
                except ValueError:
                    pass
            elif "body" in up:
                summary = ": " + up["body"][:200].decode(errors="replace")
            sent = f"body sent {up['sent'] - t0:.1f} s after it began, " if up.get("sent") else ""
            sent += f"refused with 503 {up['refused']} time(s) first, " if up.get("refused") else ""
            before = [n for t, n in seen if t <= t0]
            stored = (f"; /api/stats counted {seen[-1][1] - before[-1]:+,} documents at {seen[-1][0]:.0f} s" if
                      before and seen else "")
            print(f"  the upload ({up['mb']:.1f} MB, {up['articles']:,} articles) began at {t0:.1f} s; {sent}"
                  f"answer {up.get('status')} at {t1:.1f} s ({t1 - t0:.1f} s){summary}{stored}")
            print(f"  during the upload and its ingest ({t0:.0f}-{busy_until:.0f} s): "
                  f"{line(describe(recs, t0, busy_until))}")
            routes_table(recs, t0, busy_until)
    if res["key"] != "c":
        routes_table(recs, 0.0, end)
    if res["key"] in "bc":
        timeline(recs, end, args.step or max(5.0, round(end / 12)))
    fails = [r for r in recs if r.outcome not in ("ok", "503", "429")]
    for r in fails[:3]:
        print(f"  an error: {r.route} at {r.t1:.1f} s: {r.outcome}: {r.body[:160].decode(errors='replace')}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=H.default_inputs(), help="inputs of the store (default: "
                    "../shared/corpus, else samples/articles)")
    ap.add_argument("--clients", type=int, default=50, help="simultaneous users (default 50)")
    ap.add_argument("--rate", type=float, help="open loop: requests arriving per second, served by the --clients "
                    "connections (default: closed loop, each user asks again as soon as answered)")
    ap.add_argument("--mix", choices=("dashboard", "light"), default="dashboard", help="the dashboard's requests "
                    "(whole lists, default) or bench_latency.py's (a screenful each)")
    ap.add_argument("--duration", type=float, default=60, help="seconds per phase (default 60)")
    ap.add_argument("--phases", default="abc", help="which phases: a alone, b with `yrd ingest`, c with an upload")
    ap.add_argument("--pg", metavar="URL", help="a PostgreSQL server (e.g. postgresql://postgres@127.0.0.1:5432/"
                    "postgres): the stores are throw-away databases on it, dropped at the end (default SQLite)")
    ap.add_argument("--base", metavar="PATH", help="SQLite: keep the built store here and reuse it next time "
                    "(phases work on copies)")
    ap.add_argument("--writer-workers", type=int, default=1, help="phase b: `yrd ingest --workers` (default 1)")
    ap.add_argument("--upload-mb", type=float, default=20, help="phase c: size of the uploaded file (default 20)")
    ap.add_argument("--upload-timeout", type=float, default=180, help="phase c: the load goes on until the "
                    "upload is answered, at most this many seconds into the phase (default 180)")
    ap.add_argument("--timeout", type=float, default=60, help="a request without an answer after this many "
                    "seconds is an error (default 60)")
    ap.add_argument("--retry-cap", type=float, default=2.0, help="longest wait after a 503 or 429 (default 2 s)")
    ap.add_argument("--one-address", action="store_true", help="every user from 127.0.0.1 (default: each from "
                    "an address of its own, 127.0.0.2, .3 …)")
    ap.add_argument("--step", type=float, default=0, help="seconds per line of the timelines (default: 1/12)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    args.upload_timeout = max(args.upload_timeout, args.duration)
    with tempfile.TemporaryDirectory(prefix="yrd-bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        with H.pg_databases(args.pg) if args.pg else contextlib.nullcontext() as make_pg:
            base, how = build_base(args, tmp, make_pg)
            with H.Server(base) as probe:
                stats = probe.get_json("/api/stats")
                refs = [o["ref"] for o in probe.get_json("/api/organizations?limit=100")["items"]]
                refs += [p["adcode"] for p in probe.get_json("/api/places?limit=60")["items"] if p["adcode"]]
            pick = route_picker(refs, args.mix)
            print(f"commit measured: {H.main_commit()}")
            print(f"store: {'PostgreSQL' if args.pg else 'SQLite'}, {stats['documents']:,} canonical documents "
                  f"({how}); every phase on a fresh copy, with a server of its own")
            mode = (f"open loop, {args.rate:g} requests/s arriving (Poisson), latency from arrival" if args.rate
                    else "closed loop (each asks again as soon as answered)")
            where = "all from 127.0.0.1" if args.one_address else "each from its own loopback address"
            print(f"load: {args.clients} users, each with one keep-alive connection ({where}), {mode}, {args.duration:.0f} s "
                  f"per phase; the {args.mix} mix of {', '.join(ROUTES)} picked at random ({len(QUERIES)} search "
                  f"queries, {len(refs)} entity refs)")
            for key in args.phases:
                url = phase_store(base, tmp, key, make_pg)
                side = None
                if key == "b":
                    copies = max(1, min(8, round(args.duration / 15)))
                    dirs = perturbed_copies(args.corpus, tmp / "copies", copies)
                    side = Writer(dirs, url, args.writer_workers, tmp / "writer.log")
                elif key == "c":
                    data, n = upload_file(base, args.upload_mb)
                    side = Upload(data, n, lead=min(5.0, args.duration / 6))
                res = run_phase(key, url, args, pick, tmp, side)
                report(res, args)


if __name__ == "__main__":
    main()
