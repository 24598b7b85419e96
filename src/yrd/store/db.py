"""Open a knowledge base by SQLAlchemy URL and bring its schema up to date (Alembic)."""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine

from .. import settings
from ..errors import YrdError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WAL_CHECKPOINT_PAGES = 8192  # a writer's automatic checkpoint: every 32 MB of log (pages of 4 KB)


def default_url() -> str:
    """``$YRD_DB``, else a SQLite file in the user's data directory (``$XDG_DATA_HOME/yrd/yrd.db``)."""
    return settings.default_store()


def normalise_url(url: str) -> str:
    """Accept plain paths and driver-less PostgreSQL URLs (``postgresql://…`` uses psycopg 3)."""
    if "://" not in url:
        return f"sqlite:///{Path(url).resolve()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, writer: bool = False) -> Engine:
    """An engine for the store at ``url``. A ``writer`` engine's transactions take SQLite's write lock when they
    begin (``BEGIN IMMEDIATE``), so concurrent writers queue instead of failing halfway; readers never lock."""
    url = normalise_url(url)
    if url == "sqlite://" or url.startswith("sqlite:///"):
        name = url[len("sqlite:///"):]
        if name in ("", ":memory:"):
            # the writer, the readers and the worker processes each open their own connection: an in-memory
            # database would be a different, empty store for each of them
            raise YrdError(f"{url}: an in-memory SQLite store lasts one connection; give a file (sqlite:///yrd.db)")
        path = Path(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise YrdError(f"{path.parent}: cannot create the store's directory ({exc.strerror})") from None
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # pages kept in memory: a writer's index inserts and lookups gain from 64 MB; a reader needs less
            cur.execute(f"PRAGMA cache_size=-{65536 if writer else 16384}")
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.execute("PRAGMA foreign_keys=ON")
            if writer:
                # the committing writer copies the log into the database once it holds 32 MB, not 4 MB (SQLite's
                # default): hot pages (index roots, the full-text index's structure) are copied and synced once
                # per 32 MB, 5 % of an ingest's CPU time; trim_wal still empties a log that readers kept growing
                cur.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
            cur.close()
            if writer:
                dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver

        if writer:
            @event.listens_for(engine, "begin")
            def _begin(conn):  # noqa: ANN001
                if conn.info.get("try_lock"):  # take the write lock now or fail at once (store.write.Busy)
                    conn.exec_driver_sql("PRAGMA busy_timeout=0")
                    try:
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    finally:
                        conn.exec_driver_sql("PRAGMA busy_timeout=60000")
                else:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # noqa: BLE001 - bad URL or missing driver
        raise YrdError(f"{url}: cannot open this database URL ({exc})") from None


class StoreFault(YrdError):
    """The store itself failed (its connection is lost, its disk is full, its file is gone): no document is to
    blame, and the run stops. Everything committed before stays; the same command resumes."""


# PostgreSQL's SQLSTATE classes of a failing server, not a refused document: connection exceptions (08),
# insufficient resources (53: disk full, out of memory, too many connections), operator intervention (57:
# shutdown, restart), system errors (58: I/O)
_FAULT_STATES = ("08", "53", "57", "58")
_SQLITE_FAULTS = re.compile(r"disk is full|disk I/O error|unable to open database file|readonly database|"
                            r"database disk image is malformed|no such table|file is not a database", re.I)


def store_fault(exc: BaseException) -> str | None:
    """One line saying how the store failed, if ``exc`` is the store's failure rather than a document's."""
    from sqlalchemy.exc import DBAPIError

    orig = getattr(exc, "orig", None)
    message = str(orig if orig is not None else exc).strip().splitlines()[0][:200] if str(orig or exc).strip() \
        else type(exc).__name__
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return f"the connection to the database was lost ({message})"
    state = getattr(orig, "sqlstate", None) or ""
    if state[:2] in _FAULT_STATES:
        return f"the database failed ({message})"
    if type(orig).__name__ in ("OperationalError", "InterfaceError") and (
            (orig.__class__.__module__.startswith("psycopg") and not state) or _SQLITE_FAULTS.search(message)):
        return f"the database failed ({message})"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"the store's disk failed ({exc.strerror or exc})"
    return None


def heads() -> set[str]:
    """The newest migrations' revision ids, read from the migration files (without importing Alembic, which
    costs a command a fifth of a second)."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION.findall(script.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            parents.add(found.get("down_revision"))
    return revisions - parents


_REVISION = re.compile(r"^(revision|down_revision) = ['\"]([^'\"]+)['\"]", re.M)


def _at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return False
            current = {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    except Exception:  # noqa: BLE001 - unreachable or unreadable: migrate() says why
        return False
    return current == heads()


Replay = Callable[[Connection, str], None]


def v1_documents(conn: Connection) -> str | None:
    """The table of a first-release store's documents that migration 0002 set aside, if it is still there."""
    if conn.dialect.name == "sqlite":
        return "documents_v1" if inspect(conn).has_table("documents_v1") else None
    return "yrd_v1.documents" if inspect(conn).has_table("documents", schema="yrd_v1") else None


def drop_v1(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for table in ("links", "lsh_bands", "minhash", "search_terms", "facts", "entities", "documents"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}_v1")
    else:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS yrd_v1 CASCADE")


def migrate(engine: Engine, replay: Replay | None = None) -> None:
    """Upgrade the schema to the newest migration (idempotent).

    A store made by the first release keeps its documents aside until they are replayed through the running
    release's pipeline and writer: ``replay(conn, table)`` does it (``yrd.upgrade.open_store`` passes it; the
    store itself knows nothing of the pipeline)."""
    if _at_head(engine):
        return  # the common case: no write lock is taken, so opening a store never waits for a running ingest
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    own = None
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        # pysqlite runs DDL outside any transaction unless one is begun explicitly: a writer engine's
        # BEGIN IMMEDIATE makes the whole upgrade one transaction, so a process killed while it creates
        # the schema leaves no half-made store, and two processes opening a new store take turns
        own = engine = make_engine(engine.url.render_as_string(hide_password=False), writer=True)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # two first runs must not both create the schema
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(2037669887)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            old = v1_documents(conn)
            if old is not None and conn.exec_driver_sql(f"SELECT count(*) FROM {old}").scalar() == 0:
                drop_v1(conn)  # a new store: 0001 made the tables that 0002 set aside, empty
            elif old is not None:
                if replay is None:
                    raise YrdError("this store was made by the first release: open it once with the yrd command "
                                   "(e.g. `yrd stats`) to convert it")
                replay(conn, old)
                drop_v1(conn)
    except YrdError:
        raise
    except Exception as exc:  # noqa: BLE001 - connection refused, permissions …
        msg = str(exc).splitlines()[0]
        raise YrdError(f"{engine.url.render_as_string(hide_password=True)}: cannot open the knowledge base ({msg})") from None
    finally:
        if own is not None:
            own.dispose()


WAL_LIMIT = 64 * 2**20  # bytes of write-ahead log past which a writer copies it into the database and empties it


def trim_wal(engine: Engine, limit: int = WAL_LIMIT) -> None:
    """SQLite: once the write-ahead log has grown past ``limit`` bytes, copy it into the database and truncate it.

    SQLite's automatic checkpoints copy the log but start it over only when no writer is between transactions
    at that moment; writers that take turns (``ingest --workers N``) never leave such a moment, so the log grew
    without end (8 GB after a million documents) and every read had to search it. This waits two seconds at most
    for the write lock and for readers (the other writers go on extracting meanwhile); if they are still busy,
    the next batch tries again."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    try:
        if os.path.getsize(engine.url.database + "-wal") < limit:
            return
    except OSError:
        return
    raw = engine.raw_connection()
    conn = raw.driver_connection
    try:
        conn.execute("PRAGMA busy_timeout=2000")  # waits for a batch, not for a busy reader: the next batch tries again
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception:  # noqa: BLE001 - still busy: the next batch tries again
        pass
    finally:
        conn.execute("PRAGMA busy_timeout=60000")
        raw.close()

