"""End-to-end ingest throughput per core next to trafilatura, each stage's share, workers 1 vs 2, peak memory.

  - read -> clean -> extract -> dedup -> store -> index of the corpus's HTML pages into a new SQLite store,
    CPU seconds of one process, next to ``trafilatura.extract`` alone on the same pages, measured two ways so
    that both meet the same machine (a shared VM's speed drifts by tens of percent within minutes):
    interleaved in turns of 100 pages (``yrd.ingest.ingest`` runs trafilatura on the pages it has stored as its
    progress callback, and trafilatura's CPU time is taken out of the run's), and in alternating rounds (a whole
    ingest, then trafilatura over every page); the ratio printed is the median of the rounds';
  - the share of each stage (timed separately on the same documents);
  - wall time with --workers 1 and --workers 2 over the whole corpus and over five perturbed copies of it (a
    run of seconds is dominated by start-up and the last batch), best of two each, alternating; next to it, how
    trafilatura alone scales from one process to two on this machine;
  - peak RSS of `yrd ingest` on N perturbed copies of the corpus (--scale 10 100 …; bench/perturb.py);
  - with --instructions N: the instructions each spends per page on the first N pages, counted by valgrind's
    callgrind (a count the machine's drift does not touch; CPU seconds also hold the kernel's time, which
    the count leaves out: the store's writes). About 15 minutes for the 699 pages.
Run: .venv/bin/python bench/bench_ingest.py [CORPUS] [--rounds 5] [--scale 10] [--instructions 699]
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from yrd.errors import InputError
from yrd.ingest import ingest, tuned_collector
from yrd.ingest import warm_up as _warm_up
from yrd.model import Document
from yrd.pipeline import STEPS, Failure, clean_one, run
from yrd.read import read_input
from yrd.store import make_engine, migrate
from yrd.store.rows import rows
from yrd.store.write import write_batch

ROOT = Path(__file__).resolve().parent.parent


def stage_shares(files: list[Path], url: str | None = None) -> dict[str, float]:
    """CPU seconds of each stage over ``files``, stored into a new SQLite store (or into the empty store at
    ``url``; PostgreSQL's own work is in its server process, so only the client's share is counted there)."""
    t = {"read": 0.0, "clean": 0.0, **{step.name: 0.0 for step in STEPS}, "rows": 0.0, "store+index": 0.0}
    with tempfile.TemporaryDirectory() as tmp, tuned_collector():  # (as an ingest runs)
        engine = make_engine(url or f"sqlite:///{tmp}/s.db")
        migrate(engine)
        batch = []

        def flush():
            c5 = time.process_time()
            with engine.begin() as conn:
                write_batch(conn, batch)
            t["store+index"] += time.process_time() - c5
            batch.clear()

        for path in files:
            c0 = time.process_time()
            raws = [r for r in read_input(str(path)) if not isinstance(r, InputError)]
            t["read"] += time.process_time() - c0
            for raw in raws:
                c1 = time.process_time()
                doc = clean_one(raw)
                t["clean"] += time.process_time() - c1
                if isinstance(doc, Failure):
                    continue
                for step in STEPS:
                    c2 = time.process_time()
                    doc = step.run(doc)
                    t[step.name] += time.process_time() - c2
                c3 = time.process_time()
                batch.append(rows(doc))
                t["rows"] += time.process_time() - c3
                if len(batch) >= 200:
                    flush()
        flush()
        engine.dispose()
    return t


def timed_ingest(paths: list[str], workers: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        w0, c0 = time.perf_counter(), time.process_time()
        with tuned_collector():  # as `yrd ingest` runs (the command tunes its own process)
            s = ingest(paths, f"sqlite:///{tmp}/i.db", workers=workers, batch_size=200)
        return time.perf_counter() - w0, time.process_time() - c0, s.documents


def _tree_rss(pid: int) -> int:
    """Proportional set size (bytes) of a process and all its descendants, from /proc: the memory they hold,
    pages shared between them (the gazetteer the workers inherit) counted once, not once per process."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return total


def peak_rss(paths: list[str], db: str, workers: int = 1) -> tuple[float, float, int, float]:
    """Peak memory (MB) of a `yrd ingest` run: of all its processes together (PSS) and the RSS of its largest,
    sampled twice a second; its document count; its wall time."""
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "yrd", "ingest", *paths, "--db", db, "--no-progress",
                             "--batch", "200", "--workers", str(workers)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak_sum = 0
    while proc.poll() is None:
        peak_sum = max(peak_sum, _tree_rss(proc.pid))
        time.sleep(0.5)
    _, err = proc.communicate()
    wall = time.perf_counter() - t
    peak_one = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # the largest process waited for
    docs = 0
    for line in err.splitlines():
        if "document(s):" in line:
            docs = int(line.split(" input(s), ")[1].split(" ")[0])
    if proc.returncode not in (0, 1):
        sys.exit(f"bench: yrd ingest failed ({proc.returncode}): {err[-500:]}")
    return peak_sum / 2**20, peak_one / 2**20, docs, wall


def interleaved(html: list[Path], turn: int = 100) -> tuple[float, float]:
    """CPU seconds of one `yrd ingest` of the pages into a new store (all of it: opening and creating the store,
    every batch, the run's log) and of ``trafilatura.extract`` on the same pages, taking turns every ``turn``
    pages: the ingest's progress callback runs trafilatura on the pages stored since its last turn, and
    trafilatura's time is taken out of the ingest's. Turns of 100 pages (half a second) let each keep its
    working set in the CPU's caches (turns of one page cost both a fifth of their speed here, turns of 25 still
    scattered the ratio) while the machine's drift meets both alike. trafilatura runs with the collector's default thresholds, as in a process of its own;
    the ingest's frozen tables stay out of its collections, as they would not exist there."""
    import trafilatura

    pages = iter([p.read_bytes() for p in html])
    traf, due = 0.0, 0
    default = gc.get_threshold()

    def progress(n: int) -> None:
        nonlocal traf, due
        due += n
        if due >= turn or n == 0:
            tuned = gc.get_threshold()
            gc.set_threshold(*default)  # trafilatura's collector as in a process of its own
            c0 = time.process_time()
            for _ in range(due):
                trafilatura.extract(next(pages))
            traf += time.process_time() - c0
            gc.set_threshold(*tuned)
            due = 0

    with tempfile.TemporaryDirectory() as tmp:
        c0 = time.process_time()
        s = ingest([str(p) for p in html], f"sqlite:///{tmp}/i.db", workers=1, batch_size=200, progress=progress)
        own = time.process_time() - c0 - traf
    progress(0)  # the pages since the last turn
    if s.inputs != len(html) or next(pages, None) is not None:
        sys.exit("bench: the ingest did not report every page")
    return own, traf


def throughput(args, corpus: Path, files: list[Path], html: list[Path]) -> None:
    """Ingest next to trafilatura, the stages' shares, and workers 1 vs 2."""
    import trafilatura

    _warm_up()  # the gazetteer and lexicons load once per process: not part of a document's cost
    trafilatura.extract(html[0].read_bytes())  # nor are trafilatura's
    rounds = [interleaved(html) for _ in range(args.rounds)]
    ratios = [t / y for y, t in rounds]
    print(f"\nend-to-end ingest (read, clean, extract, dedup, store, index), {len(html)} HTML pages, one core, "
          f"interleaved in turns of 100 pages, {args.rounds} rounds:")
    print(f"  yrd ingest          median {statistics.median(len(html) / y for y, _ in rounds):6.1f} documents per CPU second")
    print(f"  trafilatura.extract median {statistics.median(len(html) / t for _, t in rounds):6.1f} documents per CPU second")
    print(f"  ratio per round     {', '.join(f'{r:.2f}' for r in ratios)}: median {statistics.median(ratios):.2f}x; "
          f"all rounds {sum(t for _, t in rounds) / sum(y for y, _ in rounds):.2f}x (goal >= 2x)")

    data = [p.read_bytes() for p in html]
    yrd_rates, traf_rates = [], []
    for _ in range(args.rounds):
        _, cpu, _ = timed_ingest([str(p) for p in html], 1)
        c0 = time.process_time()
        for d in data:
            trafilatura.extract(d)
        traf = time.process_time() - c0
        yrd_rates.append(len(html) / cpu)
        traf_rates.append(len(html) / traf)
    ratios = [y / t for y, t in zip(yrd_rates, traf_rates)]
    print(f"\nthe same in {args.rounds} alternating rounds (a whole ingest, then trafilatura over every page):")
    print(f"  yrd ingest          median {statistics.median(yrd_rates):6.1f}, best {max(yrd_rates):6.1f} documents per CPU second")
    print(f"  trafilatura.extract median {statistics.median(traf_rates):6.1f}, best {max(traf_rates):6.1f} documents per CPU second")
    print(f"  ratio per round     {', '.join(f'{r:.2f}' for r in ratios)}: median {statistics.median(ratios):.2f}x (goal >= 2x)")

    shares = stage_shares(html)
    total = sum(shares.values())
    print(f"\nstage shares (HTML pages, {len(html) / total:.0f} documents per CPU second in this run):")
    for k, v in shares.items():
        print(f"  {k:12} {v / total:6.1%}  {v / len(html) * 1000:5.2f} ms per document")

    print("\nworkers (wall time, best of two, alternating):")
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        copies = Path(tmp) / "copies"
        subprocess.run([sys.executable, str(ROOT / "bench" / "perturb.py"), str(corpus), str(copies), "--times", "5"],
                       check=True, capture_output=True)
        for label, path in (("the corpus", corpus), ("5 perturbed copies of the corpus", copies)):
            w1 = w2 = float("inf")
            n1 = n2 = 0
            for _ in range(2):
                w, _, n1 = timed_ingest([str(path)], 1)
                w1 = min(w1, w)
                w, _, n2 = timed_ingest([str(path)], 2)
                w2 = min(w2, w)
            print(f"  {label} ({n1:,} documents): --workers 1 {w1:.1f} s ({n1 / w1:.0f} docs/s); --workers 2 {w2:.1f} s "
                  f"({n2 / w2:.0f} docs/s); speed-up {w1 / w2:.2f}x (goal >= 1.8x)")
    t1 = min(_trafilatura_wall(html, 1) for _ in range(2))
    t2 = min(_trafilatura_wall(html, 2) for _ in range(2))
    print(f"  the machine's own scaling, for reference: trafilatura.extract over the {len(html)} pages in one process "
          f"{t1:.1f} s, split over two {t2:.1f} s: {t1 / t2:.2f}x")


def postgres_writer(server_url: str, files: list[Path]) -> None:
    """Wall time of writing the whole corpus (prepared in this process) into a new PostgreSQL database."""
    import sqlalchemy as sa

    name = f"yrd_bench_{os.getpid()}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        items = [rows(doc) for doc in run([str(p) for p in files], steps=STEPS) if isinstance(doc, Document)]
        engine = make_engine(url)
        migrate(engine)
        w0 = time.perf_counter()
        for i in range(0, len(items), 200):
            with engine.begin() as conn:
                write_batch(conn, items[i:i + 200])
        wall = time.perf_counter() - w0
        engine.dispose()
        print(f"\nthe writer into PostgreSQL (what a Ray backfill's driver does), {len(items):,} prepared documents in "
              f"batches of 200: {wall:.1f} s wall, {len(items) / wall:.0f} documents/s")
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def _extract_all(paths: list[Path]) -> None:
    import trafilatura

    for p in paths:
        trafilatura.extract(p.read_bytes())


def _trafilatura_wall(html: list[Path], processes: int) -> float:
    """Wall time of trafilatura.extract over the pages, split over ``processes`` processes (started before the clock)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    parts = [html[i::processes] for i in range(processes)]
    start = ctx.Barrier(processes + 1)

    def run(part):
        _extract_all(part[:5])  # trafilatura's first call loads its resources: not part of the measure
        start.wait()
        _extract_all(part)

    procs = [ctx.Process(target=run, args=(part,)) for part in parts]
    for proc in procs:
        proc.start()
    start.wait()
    t = time.perf_counter()
    for proc in procs:
        proc.join()
    return time.perf_counter() - t


def instructions(corpus: Path, html: list[Path], n: int) -> None:
    """Instructions per page of the ingest and of trafilatura on the first ``n`` pages: three runs under
    callgrind (start-up and warm-up alone, then with the ingest, then with trafilatura), the first subtracted."""
    if not shutil.which("valgrind"):
        print("\ninstructions: skipped, valgrind is not installed (apt-get install valgrind)")
        return
    counts = {}
    for mode in ("none", "yrd", "trafilatura"):
        with tempfile.TemporaryDirectory() as tmp:
            run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable,
                                  __file__, str(corpus), "--instructions-child", mode, str(n)],
                                 capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        found = re.search(r"Collected : (\d+)", run.stderr)
        if run.returncode or not found:
            sys.exit(f"bench: callgrind failed ({mode}): {run.stderr[-500:]}")
        counts[mode] = int(found.group(1))
    y, t = ((counts[k] - counts["none"]) / n / 1e6 for k in ("yrd", "trafilatura"))
    print(f"\ninstructions per page (callgrind, the first {n} HTML pages, start-up subtracted): yrd ingest {y:.1f} M, "
          f"trafilatura.extract {t:.1f} M: {t / y:.2f}x")


def _instructions_child(html: list[Path], mode: str, n: int) -> None:
    import trafilatura

    _warm_up()
    trafilatura.extract(html[0].read_bytes())
    pages = html[:n]
    data = [p.read_bytes() for p in pages]
    if mode == "yrd":
        timed_ingest([str(p) for p in pages], 1)
    elif mode == "trafilatura":
        for d in data:
            trafilatura.extract(d)


def _timed_process(cmd: list[str], **kw) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one whole process."""
    before = os.times()
    w0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    wall = time.perf_counter() - w0
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def whole_processes(html: list[Path], rounds: int = 5) -> None:
    """What a user waits for: a whole `yrd` process, start-up included (the median of ``rounds`` runs)."""
    import statistics

    yrd = str(Path(sys.executable).with_name("yrd"))
    with tempfile.TemporaryDirectory() as tmp:
        one, two = Path(tmp) / "one.txt", Path(tmp) / "two.txt"
        one.write_text("上海市和苏州市签署合作协议。\n", encoding="utf-8")
        two.write_text("杭州市与嘉兴市开展合作。\n", encoding="utf-8")
        db = f"sqlite:///{tmp}/s.db"
        subprocess.run([yrd, "ingest", str(one), "--db", db], check=True, capture_output=True)  # (and the caches)
        starts = {"yrd ingest of one file": [yrd, "ingest", str(two), "--db", db],
                  "yrd search": [yrd, "search", "上海", "--db", db], "yrd --help": [yrd, "--help"]}
        for what, cmd in starts.items():
            walls = [_timed_process(cmd)[0] for _ in range(rounds)]
            print(f"start-up, {what}: median {statistics.median(walls):.2f} s wall over {rounds} runs "
                  f"(min {min(walls):.2f})")
        listing = Path(tmp) / "pages"
        listing.mkdir()
        for p in html:
            (listing / p.name).symlink_to(p.resolve())
        traf = ("import sys, trafilatura\nfor f in sys.argv[1:]:\n    trafilatura.extract(open(f, 'rb').read())")
        y, t = [], []
        for r in range(3):
            y.append(_timed_process([yrd, "ingest", str(listing), "--db", f"sqlite:///{tmp}/p{r}.db"]))
            t.append(_timed_process([sys.executable, "-c", traf, *map(str, html)]))
        yc, tc = statistics.median(c for _, c in y), statistics.median(c for _, c in t)
        yw, tw = statistics.median(w for w, _ in y), statistics.median(w for w, _ in t)
        print(f"whole processes over the {len(html)} HTML pages (median of 3, alternating): yrd ingest {yw:.1f} s wall, "
              f"{yc:.1f} s CPU; trafilatura.extract {tw:.1f} s wall, {tc:.1f} s CPU: {tc / yc:.2f}x per CPU second, "
              f"{tw / yw:.2f}x wall")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds of yrd and trafilatura")
    ap.add_argument("--scale", type=int, nargs="*", default=[], help="peak memory on N perturbed corpus copies")
    ap.add_argument("--workers", type=int, default=1, help="--workers of the --scale runs")
    ap.add_argument("--workdir", default=None, help="where the perturbed copies are made (they take 24 MB a copy)")
    ap.add_argument("--keep", default=None, help="keep the --scale stores in this directory (for bench_latency.py)")
    ap.add_argument("--pg", metavar="URL", help="also time the writer into a new database on this PostgreSQL server "
                    "(e.g. postgresql://postgres@127.0.0.1:5432/postgres): what a Ray backfill's driver does")
    ap.add_argument("--scale-only", action="store_true", help="skip the throughput and workers measurements")
    ap.add_argument("--instructions", type=int, metavar="N", help="also count instructions per page on the first N "
                    "pages with valgrind's callgrind (699: about 15 minutes)")
    ap.add_argument("--instructions-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"bench: corpus not found at {corpus}")
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in ("README.md", "MANIFEST.tsv"))
    html = [p for p in files if p.suffix == ".shtml"]
    if args.instructions_child:
        _instructions_child(html, args.instructions_child[0], int(args.instructions_child[1]))
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"corpus {len(files)} files ({len(html)} HTML pages)")

    if not args.scale_only:
        whole_processes(html)
        throughput(args, corpus, files, html)
    if args.pg:
        postgres_writer(args.pg, files)
    if args.instructions:
        instructions(corpus, html, min(args.instructions, len(html)))

    for n in args.scale:
        with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
            inputs = Path(tmp) / "in"
            subprocess.run([sys.executable, str(ROOT / "bench" / "perturb.py"), str(corpus), str(inputs), "--times", str(n)],
                           check=True, capture_output=True)
            db = str(Path(args.keep) / f"yrd-{n}x.db") if args.keep else f"{tmp}/m.db"
            total, largest, docs, secs = peak_rss([str(inputs)], db, args.workers)
            print(f"peak RSS at {n}x the corpus ({docs:,} documents, --workers {args.workers}, {secs:.0f} s wall, "
                  f"{docs / secs:.0f} documents/s): {total:.0f} MB in all processes (PSS), {largest:.0f} MB RSS the largest")


if __name__ == "__main__":
    main()
