"""What the load and fault benches start and must clean up: `yrd` processes, a server, throw-away databases, a
PostgreSQL cluster of their own; CPU seconds of a process tree; a store's state to compare two runs by.

Everything talks to 127.0.0.1 only. Processes are started in a session of their own, so that a process and the
children it forked can be ended by their group's id (never by name).
"""
from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLES = ROOT / "samples" / "articles"
TICK = os.sysconf("SC_CLK_TCK")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))] if xs else float("nan")


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main_commit() -> str:
    """The checkout whose `yrd` is imported: its HEAD, the last commit that changed its src/, and '+' when src/
    has changes not committed."""
    import yrd

    src = Path(yrd.__file__).resolve().parent.parent

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(src), *args], capture_output=True, text=True,
                              check=True).stdout.strip()

    try:
        head, last = git("rev-parse", "--short", "HEAD"), git("log", "-1", "--format=%h", "--", ".")
        dirty = "+" if git("status", "--porcelain", "--", ".") else ""
    except (OSError, subprocess.CalledProcessError):
        return f"unknown ({src})"
    return f"src/ as of {last}{dirty} (HEAD {head} of {src.parent})"


# ---- processes ---------------------------------------------------------------------------------------------

def yrd(*args: str) -> list[str]:
    """The `yrd` command line run by this interpreter (so the same checkout, through PYTHONPATH, is used)."""
    return [sys.executable, "-m", "yrd", *args]


def start(cmd: list[str], **kw) -> subprocess.Popen:
    return subprocess.Popen(cmd, start_new_session=True, **kw)


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                kids = [int(c) for c in fh.read().split()]
        except OSError:
            continue
        out.extend(kids)
        todo.extend(kids)
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cpu(pid: int, waited: bool) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            f = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14]) if waited else 0)
    return ticks / TICK


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process, its live descendants and the children it has waited for."""
    return _cpu(pid, True) + sum(_cpu(p, False) for p in descendants(pid))


def own_cpu(pid: int) -> float:
    """CPU seconds of the process itself (all its threads), without its children."""
    return _cpu(pid, False)


def cpu_by_cmdline(part: str) -> dict[int, float]:
    """CPU seconds of every process whose command line holds ``part`` (a PostgreSQL backend shows its database's
    name in its own: ``postgres: postgres yrd_bench_… 127.0.0.1(…)``)."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    if part.encode() not in fh.read():
                        continue
            except OSError:
                continue
            out[int(entry)] = _cpu(int(entry), False)
    return out


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as fh:
        f = [int(x) for x in fh.readline().split()[1:]]
    idle = f[3] + f[4]
    return sum(f) - idle, sum(f)


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """End a process this bench started, and every process of its session: SIGTERM, then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


# ---- a yrd server ------------------------------------------------------------------------------------------

class Server:
    """`yrd serve --db URL --port P --token T` on 127.0.0.1, ready when /api/stats answers."""

    def __init__(self, url: str, token: str | None = None, log: Path | None = None):
        self.url, self.token, self.port = url, token, free_port()
        cmd = yrd("serve", "--db", url, "--host", "127.0.0.1", "--port", str(self.port))
        if token:
            cmd += ["--token", token]
        self.log = log
        out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed in close()
        self._out = out
        self.proc = start(cmd, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/stats", timeout=30) as r:
                    r.read()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    tail = log.read_text(errors="replace")[-800:] if log else ""
                    raise RuntimeError(f"yrd serve did not start (exit {self.proc.returncode}): {tail}") from None
                time.sleep(0.2)

    def get_json(self, path: str):
        import json

        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=120) as r:
            return json.loads(r.read())

    def close(self) -> None:
        stop(self.proc)
        if self._out is not subprocess.DEVNULL:
            self._out.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ---- stores ------------------------------------------------------------------------------------------------

def default_inputs() -> Path:
    return CORPUS if CORPUS.is_dir() else SAMPLES


def ingest(paths: list[str], url: str, *extra: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    return subprocess.run(yrd("ingest", *paths, "--db", url, "--no-progress", *extra), capture_output=True,
                          text=True, timeout=timeout, check=False)


@contextlib.contextmanager
def pg_databases(server_url: str) -> Iterator:
    """``make(template=None) -> url`` of a new database on the PostgreSQL server at ``server_url`` (any database
    of it, e.g. …/postgres); every database made is dropped on exit."""
    import sqlalchemy as sa

    # no pool: a connection kept from before a server was killed would fail the next statement
    admin = sa.create_engine(_psycopg(server_url), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    made: list[str] = []

    def make(template: str | None = None) -> str:
        name = f"yrd_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        try:
            with admin.connect() as conn:
                for name in made:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except sa.exc.OperationalError as exc:  # the server is gone (a bench's own cluster goes with its dir)
            print(f"bench: could not drop {', '.join(made)}: {str(exc).splitlines()[0][:160]}", file=sys.stderr)
        admin.dispose()


def _psycopg(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def db_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?")[0]


class PgCluster:
    """A PostgreSQL cluster of the bench's own (initdb in a temp dir, a spare port, trust auth on 127.0.0.1),
    run by a non-root user when this process is root (postgres refuses to run as root)."""

    def __init__(self, bindir: str = "/usr/local/bin"):
        self.bin = Path(bindir)
        self.dir = Path(tempfile.mkdtemp(prefix="yrd-bench-pg-"))
        self.data, self.log, self.port = self.dir / "data", self.dir / "server.log", free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres" if _has_user("postgres") else "nobody"
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8",
                  "--locale=C")
        self.start()

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / tool), *args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=300)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> float:
        """Start the server (after a crash: its recovery); the seconds it took, tries included."""
        t = time.perf_counter()
        for attempt in range(3):
            done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "120", "start", "-o",
                             f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir}", check=False)
            if done.returncode == 0:
                return time.perf_counter() - t
            time.sleep(1 + attempt)
        log = self.log.read_text(errors="replace")[-600:] if self.log.exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {done.stderr.strip()[-300:]} {log}")

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def kill9(self) -> int:
        """SIGKILL the postmaster and every backend at once (as an OOM kill of the whole server, or a power cut
        of its machine would leave it); the number of processes killed."""
        pm = self.postmaster()
        pids = [pm, *descendants(pm)]
        for p in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        # until the postmaster is gone from the process table, not only dead: a new postmaster refuses to start
        # while the old one's pid exists (a zombie its parent, here init, has not reaped yet)
        deadline = time.monotonic() + 15
        while (any(alive(p) for p in pids) or os.path.exists(f"/proc/{pm}")) and time.monotonic() < deadline:
            time.sleep(0.05)
        return len(pids)

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
            with contextlib.suppress(OSError, ValueError):
                pm = self.postmaster()
                if alive(pm):
                    os.kill(pm, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def store_state(url: str) -> dict:
    """What two runs' stores must agree on: every document (id, duplicate_of, canonical, current), facts per
    kind and per document, entities by kind and key (ids may differ: PostgreSQL's sequences do not roll back),
    the full-text index's rows and the writer's counters."""
    import sqlalchemy as sa

    from yrd.store import make_engine
    from yrd.store.schema import counters, documents, entities, facts

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            docs = sorted(tuple(r) for r in conn.execute(sa.select(
                documents.c.id, documents.c.duplicate_of, documents.c.canonical, documents.c.is_current)))
            kinds = dict(conn.execute(sa.select(facts.c.kind, sa.func.count()).group_by(facts.c.kind)).all())
            per_doc = dict(conn.execute(sa.select(documents.c.id, sa.func.count()).join(
                facts, facts.c.doc_num == documents.c.num).group_by(documents.c.id)).all())
            ents = sorted(tuple(r) for r in conn.execute(sa.select(entities.c.kind, entities.c.key,
                                                                   entities.c.documents, entities.c.mentions)))
            index = conn.scalar(sa.text("SELECT count(*) FROM search_fts" if conn.dialect.name == "sqlite"
                                        else "SELECT count(*) FROM search_index"))
            totals = dict(conn.execute(sa.select(counters.c.name, counters.c.value)
                                       .where(counters.c.value != 0)).all())
    finally:
        engine.dispose()
    return {"documents": docs, "facts per kind": kinds, "facts per document": per_doc, "entities": ents,
            "index rows": index, "counters": totals}


def compare(got: dict, want: dict) -> str:
    """'equal', or which parts differ and by how much."""
    diffs = []
    for part, w in want.items():
        g = got.get(part)
        if g == w:
            continue
        if isinstance(w, list):
            gs, ws = set(g or []), set(w)
            diffs.append(f"{part}: {len(gs - ws)} extra, {len(ws - gs)} missing (of {len(ws):,})")
        elif isinstance(w, dict):
            keys = sorted(k for k in set(g or {}) | set(w) if (g or {}).get(k) != w.get(k))
            shown = ", ".join(f"{k} {(g or {}).get(k)} vs {w.get(k)}" for k in keys[:4])
            diffs.append(f"{part}: {len(keys)} differ ({shown}{' …' if len(keys) > 4 else ''})")
        else:
            diffs.append(f"{part}: {g} vs {w}")
    return "equal" if not diffs else "DIFFERENT: " + "; ".join(diffs)


def summary_of(state: dict) -> str:
    docs = state["documents"]
    kinds = state["facts per kind"]
    return (f"{len(docs):,} documents ({sum(1 for d in docs if d[2]):,} canonical), "
            f"{sum(kinds.values()):,} facts of {len(kinds)} kinds, {len(state['entities']):,} entities")
