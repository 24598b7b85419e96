"""What an ingest leaves behind when it is killed, when its database server dies and when the disk fills.

  (a) `yrd ingest` killed with SIGKILL at --kills random moments (each run resumes the store the last one left),
      then run to its end: on SQLite and on PostgreSQL (a throw-away database on --pg, created and dropped). The
      store must equal an uninterrupted run's (document ids and duplicate links, facts per kind and per document,
      entities, the full-text index's rows, the writer's counters). Worker processes still alive
      --orphan-wait s after their parent was killed (--workers 2) are counted, then ended.
  (b) a PostgreSQL server of the bench's own (initdb in a temp dir, a spare port, run as a non-root user) killed
      with SIGKILL, postmaster and backends at once, in the middle of an ingest: what the ingest prints (lines,
      documents blamed, exit code, how long it took to give up); then the server restarted, the ingest re-run,
      the store compared.
  (c) a full disk: the SQLite store on a 20 MB tmpfs (else a file size limit, `ulimit -f`; the output says which),
      a small ingest committed first, then the corpus until the disk is full: the message and exit code; whether
      the store still opens on the full disk (`yrd stats`), PRAGMA integrity_check, whether it holds everything
      committed before (and every document it holds has all its facts); then another ingest on the full disk;
      then the store copied to a disk with room and the ingest re-run: compared with an uninterrupted run.
Inputs: the corpus's HTML pages and four day transcripts (as tests/store/test_kill.py), else perturbed copies of
samples/articles. Everything started is stopped, every database dropped, every temp dir removed.
Run: .venv/bin/python bench/bench_faults.py [--faults abc] [--kills 5] [--seed N] [--pg URL]
"""
from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import harness as H
from perturb import perturb


def make_inputs(tmp: Path, copies: int) -> tuple[Path, str]:
    d = tmp / "inputs"
    d.mkdir()
    if H.CORPUS.is_dir():
        pages = sorted((H.CORPUS / "cctv_xwlb_html").iterdir())
        days = sorted((H.CORPUS / "cctv_xwlb_md").iterdir())[:4]
        for p in pages + days:
            os.symlink(p, d / p.name)
        for k in range(1, copies + 1):  # more to write, so that every kill lands in the middle of it
            for p in pages:
                (d / f"copy{k}-{p.name}").write_text(perturb(p.read_text(encoding="utf-8"), k), encoding="utf-8")
        return d, (f"{len(pages)} HTML pages and {len(days)} day transcripts of the corpus, and {copies} perturbed "
                   f"copies of the pages (bench/perturb.py)")
    files = [p for p in H.SAMPLES.iterdir() if p.is_file()]
    for k in range(1, 41):
        for p in files:
            (d / f"{k:03d}-{p.name}").write_text(perturb(p.read_text(encoding="utf-8"), k), encoding="utf-8")
    return d, f"40 perturbed copies of {H.SAMPLES.relative_to(H.ROOT)}"


def ingest_cmd(paths: list[str], url: str, args) -> list[str]:
    return H.yrd("ingest", *paths, "--db", url, "--no-progress", "--batch", str(args.batch),
                 "--workers", str(args.workers))


def run_logged(cmd: list[str], log: Path, timeout: float, **kw) -> tuple[int | str, list[str], float]:
    """(exit code or 'hung', the lines it printed, wall seconds)."""
    t = time.perf_counter()
    with open(log, "wb") as fh:
        proc = H.start(cmd, stdout=fh, stderr=subprocess.STDOUT, **kw)
        try:
            rc: int | str = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            rc = f"still running after {timeout:.0f} s (stopped)"
        H.stop(proc)
    return rc, log.read_text(errors="replace").splitlines(), time.perf_counter() - t


def count_documents(url: str) -> int | str:
    import sqlalchemy as sa

    from yrd.store import make_engine
    from yrd.store.schema import documents

    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            n = conn.scalar(sa.select(sa.func.count()).select_from(documents))
        engine.dispose()
        return n
    except Exception as exc:  # noqa: BLE001 - a bench reports what it meets
        return f"({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"


def show(lines: list[str], most: int = 4) -> str:
    keep = [ln for ln in lines if ln.strip()]
    cut = keep[-most:]
    return " | ".join(ln[:220] for ln in cut) + (f"  (last {most} of {len(keep)} lines)" if len(keep) > most else "")


def blamed(lines: list[str]) -> str:
    """How many lines put the failure on a document or input ('yrd: skipped …', not the 'skipped, not articles'
    summary nor a page that is no article), and the first."""
    hits = [ln for ln in lines if ln.startswith("yrd: skipped ") and not ln.startswith("yrd: skipped, ")
            and "not an article" not in ln]
    return f"{len(hits)} blaming an input" + (f" (the first: {hits[0][:200]})" if hits else "")


# ---- (a) SIGKILL of the ingest -----------------------------------------------------------------------------

def kill_ingest(label: str, url: str, inputs: Path, want: dict, wall: float, args, tmp: Path) -> None:
    rng = random.Random(args.seed)
    cmd = ingest_cmd([str(inputs)], url, args)
    moments, orphans = [], 0
    for _ in range(args.kills):
        # early in each run: a run resumes what the last left and goes faster, and a kill must land in its writes
        at = rng.uniform(0.1, 0.35) * wall
        proc = H.start(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(at)
        if proc.poll() is not None:
            moments.append(f"{at:.1f} s (finished first)")
            continue
        kids = H.descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + args.orphan_wait
        while any(H.alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [k for k in kids if H.alive(k)]
        orphans += len(left)
        H.stop(proc)  # (the session's survivors)
        moments.append(f"{at:.1f} s -> {count_documents(url)}" + (f" ({len(left)} orphan(s))" if left else ""))
    rc, _, took = run_logged(cmd, tmp / f"rerun-{label}.log", args.hang * 10)
    got = H.store_state(url)
    print(f"  {label}: killed at {', '.join(moments)} (seconds into the run -> documents stored)")
    print(f"    worker processes still alive {args.orphan_wait:g} s after their parent was killed: {orphans}")
    print(f"    re-run: exit {rc} in {took:.1f} s; {H.summary_of(got)}; against the uninterrupted run: "
          f"{H.compare(got, want)}")


# ---- (b) SIGKILL of the PostgreSQL server ------------------------------------------------------------------

def kill_postgres(inputs: Path, want: dict, wall: float, args, tmp: Path) -> None:
    rng = random.Random(args.seed + 1)
    with H.PgCluster() as pg, H.pg_databases(pg.url) as make:
        url = make()
        print(f"  a server of its own: PostgreSQL in {pg.dir}, port {pg.port}, run as {pg.user or 'this user'}")
        cmd = ingest_cmd([str(inputs)], url, args)
        at = rng.uniform(0.3, 0.6) * wall
        log = tmp / "pg-kill.log"
        with open(log, "wb") as fh:
            t = time.perf_counter()
            proc = H.start(cmd, stdout=fh, stderr=subprocess.STDOUT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(at)
            if proc.poll() is not None:
                print(f"  the ingest finished before {at:.1f} s: nothing to kill (raise the input size)")
                return
            before = count_documents(url)
            killed = pg.kill9()
            k = time.perf_counter()
            try:
                rc: int | str = proc.wait(args.hang)
            except subprocess.TimeoutExpired:
                rc = f"still running {args.hang:.0f} s later (stopped)"
            gave_up = time.perf_counter() - k
            H.stop(proc)
        lines = log.read_text(errors="replace").splitlines()
        print(f"  killed the server ({killed} processes) {at:.1f} s into the ingest, with {before} documents stored; "
              f"the ingest ended {gave_up:.1f} s later, {time.perf_counter() - t:.1f} s after it began")
        print(f"    exit {rc}; it printed {len(lines)} line(s), {blamed(lines)}: {show(lines)}")
        took = pg.start()
        print(f"  restarted in {took:.1f} s (crash recovery): {count_documents(url)} documents stored")
        rc, lines, took = run_logged(cmd, tmp / "pg-rerun.log", args.hang * 10)
        got = H.store_state(url)
        print(f"    re-run: exit {rc} in {took:.1f} s; {H.summary_of(got)}; against the uninterrupted run: "
              f"{H.compare(got, want)}")


# ---- (c) a full disk ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def small_disk(where: Path, mb: int):
    """(how, preexec_fn for the ingest): a tmpfs of ``mb`` MB mounted at ``where``, else a file size limit."""
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={mb}m", "tmpfs", str(where)], capture_output=True,
                          text=True, check=False)
    if done.returncode == 0:
        try:
            yield f"a tmpfs of {mb} MB (mount -t tmpfs -o size={mb}m)", None
        finally:
            if subprocess.run(["umount", str(where)], capture_output=True, check=False).returncode:
                subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)
        return

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (mb * 2**20, mb * 2**20))

    reason = (done.stderr or "").strip().splitlines()[-1:] or ["?"]
    yield f"no tmpfs ({reason[0][:100]}): a file size limit of {mb} MB (ulimit -f, RLIMIT_FSIZE)", limit


def full_disk(fill: list[str], fill_desc: str, args, tmp: Path) -> None:
    first = [str(H.SAMPLES)]
    ref = f"sqlite:///{tmp / 'disk-ref.db'}"
    for paths in (first, fill):
        rc, lines, _ = run_logged(ingest_cmd(paths, ref, args), tmp / "disk-ref.log", args.hang * 10)
        if rc not in (0, 1):
            raise SystemExit(f"bench: the reference ingest failed ({rc}): {show(lines)}")
    want = H.store_state(ref)
    want_facts = want["facts per document"]
    with small_disk(tmp / "small", args.disk_mb) as (how, limit):
        db = tmp / "small" / "kb.db"
        url = f"sqlite:///{db}"
        print(f"  the disk: {how}; the reference (on a disk with room): {H.summary_of(want)}")
        rc, lines, _ = run_logged(ingest_cmd(first, url, args), tmp / "disk-1.log", args.hang, preexec_fn=limit)
        before = {d[0] for d in H.store_state(url)["documents"]}
        print(f"  first, {first[0]}: exit {rc}, {len(before)} documents")
        rc, lines, took = run_logged(ingest_cmd(fill, url, args), tmp / "disk-2.log", args.hang * 10,
                                     preexec_fn=limit)
        usage = shutil.disk_usage(db.parent) if limit is None else None
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 2**20:.1f} MB" for p in sorted(db.parent.glob("kb.db*")))
        print(f"  then {fill_desc}: exit {rc} after {took:.1f} s; {len(lines)} line(s), {blamed(lines)}: "
              f"{show(lines)}")
        print(f"    files: {sizes}" + (f"; disk {usage.used / 2**20:.1f} of {usage.total / 2**20:.1f} MB used"
                                       if usage else ""))
        rc, lines, _ = run_logged(H.yrd("stats", "--db", url), tmp / "disk-stats.log", args.hang, preexec_fn=limit)
        said = [ln.strip() for ln in lines if '"documents"' in ln or "rror" in ln][:1]
        print(f"  `yrd stats` on the full disk: exit {rc}: {said[0] if said else show(lines, 2)}")
        check = sqlite_check(db)
        print(f"  the store on the full disk: {check}")
        got = H.store_state(url) if not isinstance(count_documents(url), str) else None
        if got is not None:
            ids = {d[0] for d in got["documents"]}
            partial = sum(1 for d, n in got["facts per document"].items() if want_facts.get(d) != n)
            extra = len(ids - {d[0] for d in want["documents"]})
            print(f"    {len(ids):,} documents; of the {len(before)} committed before, {len(before - ids)} missing; "
                  f"documents whose facts differ from the reference's: {partial}; documents the reference lacks: "
                  f"{extra}")
        roomy = tmp / "roomy"
        roomy.mkdir()
        for p in db.parent.glob("kb.db*"):
            shutil.copy2(p, roomy / p.name)
        one = tmp / "one-more"
        one.mkdir()
        sample = next(p for p in sorted(H.SAMPLES.iterdir()) if p.suffix == ".md")
        (one / sample.name).write_text(perturb(sample.read_text(encoding="utf-8"), 977), encoding="utf-8")
        rc, lines, _ = run_logged(ingest_cmd([str(one)], url, args), tmp / "disk-3.log", args.hang, preexec_fn=limit)
        print(f"  one more new article on the full disk: exit {rc}: {show(lines, 3)}")
    url = f"sqlite:///{roomy / 'kb.db'}"
    rc, lines, took = run_logged(ingest_cmd(fill, url, args), tmp / "disk-4.log", args.hang * 10)
    got = H.store_state(url)
    print(f"  the store as the full disk left it, copied to a disk with room, the same ingest again: exit {rc} in {took:.1f} s; {H.summary_of(got)}; "
          f"against the uninterrupted run: {H.compare(got, want)}")


def sqlite_check(db: Path) -> str:
    try:
        conn = sqlite3.connect(db, timeout=5)
        n = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        ok = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()[:3])
        conn.close()
        return f"opens; {n:,} documents; PRAGMA integrity_check: {ok}"
    except sqlite3.Error as exc:
        return f"does not open: {exc}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--faults", default="abc", help="a: ingest killed, b: PostgreSQL server killed, c: disk full")
    ap.add_argument("--kills", type=int, default=5, help="(a) kills per store (default 5)")
    ap.add_argument("--seed", type=int, default=int(time.time()) % 10000, help="random moments' seed (printed)")
    ap.add_argument("--pg", metavar="URL", default="postgresql://postgres@127.0.0.1:5432/postgres",
                    help="(a) the PostgreSQL server for the throw-away database; '' to skip PostgreSQL")
    ap.add_argument("--workers", type=int, default=1, help="`yrd ingest --workers` (default 1: the stored order, "
                    "and so which copy is canonical, is the input order)")
    ap.add_argument("--copies", type=int, default=3, help="(a, b) perturbed copies of the pages added to the "
                    "inputs (default 3)")
    ap.add_argument("--orphan-wait", type=float, default=10, help="(a) seconds a killed ingest's workers are given "
                    "to exit before they are counted as left behind (default 10)")
    ap.add_argument("--batch", type=int, default=20, help="`yrd ingest --batch` (default 20)")
    ap.add_argument("--disk-mb", type=int, default=20, help="(c) size of the small disk (default 20)")
    ap.add_argument("--hang", type=float, default=120, help="seconds before a stuck ingest is stopped (default 120)")
    args = ap.parse_args()
    print(f"commit measured: {H.main_commit()}; seed {args.seed}")
    with tempfile.TemporaryDirectory(prefix="yrd-bench-faults-") as name:
        tmp = Path(name)
        inputs, desc = make_inputs(tmp, args.copies)
        want = wall = None
        if set(args.faults) & set("ab"):
            ref = f"sqlite:///{tmp / 'reference.db'}"
            rc, _, wall = run_logged(ingest_cmd([str(inputs)], ref, args), tmp / "reference.log", args.hang * 10)
            want = H.store_state(ref)
            print(f"inputs: {desc}; uninterrupted run (SQLite, --workers {args.workers} --batch {args.batch}): "
                  f"exit {rc} in {wall:.1f} s; {H.summary_of(want)}")
        if "a" in args.faults:
            print("\n(a) `yrd ingest` killed with SIGKILL, then re-run")
            kill_ingest("SQLite", f"sqlite:///{tmp / 'killed.db'}", inputs, want, wall, args, tmp)
            if args.pg:
                with H.pg_databases(args.pg) as make:
                    kill_ingest("PostgreSQL", make(), inputs, want, wall, args, tmp)
        if "b" in args.faults:
            print("\n(b) the PostgreSQL server killed with SIGKILL in the middle of an ingest")
            kill_postgres(inputs, want, wall, args, tmp)
        if "c" in args.faults:
            print("\n(c) the disk fills up under the SQLite store")
            fill = [str(H.CORPUS)] if H.CORPUS.is_dir() else [str(inputs)]
            full_disk(fill, f"{fill[0]}", args, tmp)


if __name__ == "__main__":
    main()
