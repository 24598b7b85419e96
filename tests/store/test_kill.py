"""An ingest killed with SIGKILL at random moments, then re-run, holds exactly the expected documents."""
import os
import random
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from yrd.ingest import ingest
from yrd.store import make_engine
from yrd.store.schema import counters, documents, edges, entities, facts, lsh_bands


def _state(url):
    """Everything an interrupted ingest could leave half done: documents and their duplicate links, facts,
    buckets, the full-text index, and every table the writer keeps counts in (entity ids may differ between
    runs on PostgreSQL, whose sequences do not roll back, so entities are compared by their keys)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        docs = sorted(tuple(r) for r in conn.execute(sa.select(
            documents.c.id, documents.c.duplicate_of, documents.c.canonical, documents.c.is_current)))
        per_doc = dict(conn.execute(sa.select(documents.c.id, sa.func.count()).join(
            facts, facts.c.doc_num == documents.c.num).group_by(documents.c.id)).all())
        bands = conn.scalar(sa.select(sa.func.count()).select_from(lsh_bands))
        search = conn.scalar(sa.text("SELECT count(*) FROM search_fts" if conn.dialect.name == "sqlite"
                                     else "SELECT count(*) FROM search_index"))
        totals = dict(conn.execute(sa.select(counters.c.name, counters.c.value).where(counters.c.value != 0)).all())
        ents = sorted(tuple(r) for r in conn.execute(sa.select(entities.c.kind, entities.c.key, entities.c.documents,
                                                               entities.c.mentions)))
        ea, eb = entities.alias("ea"), entities.alias("eb")
        net = sorted(tuple(r) for r in conn.execute(sa.select(ea.c.key, eb.c.key, edges.c.type, edges.c.count)
                                                    .join(ea, ea.c.id == edges.c.a).join(eb, eb.c.id == edges.c.b)))
    engine.dispose()
    return docs, per_doc, bands, search, totals, ents, net


@pytest.fixture(scope="module")
def inputs(corpus, tmp_path_factory):
    """Every corpus page and four day transcripts (whose stories are copies of some pages)."""
    d = tmp_path_factory.mktemp("inputs")
    pages = sorted((corpus / "cctv_xwlb_html").iterdir())
    for p in pages + sorted((corpus / "cctv_xwlb_md").iterdir())[:4]:
        os.symlink(p, d / p.name)
    return d


def test_sigkill_at_random_points_then_rerun(store_url, inputs, tmp_path):
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    ingest([str(inputs)], reference, batch_size=10)
    expected = _state(reference)

    rng = random.Random(int(os.environ.get("YRD_KILL_SEED", time.time())))
    cmd = [sys.executable, "-m", "yrd", "ingest", str(inputs), "--db", store_url, "--batch", "10", "--no-progress"]
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 3.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    final = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    assert kills >= 1, "every run finished before it could be killed: raise the input size"
    assert _state(store_url) == expected


_KILL_DURING_MIGRATION = """
import os, sys
import sqlalchemy as sa
from yrd.store import db

made = []
real = db.make_engine
def make_engine(url, writer=False):
    engine = real(url, writer)
    @sa.event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("CREATE TABLE"):
            made.append(statement)
            if len(made) == int(sys.argv[2]):
                os._exit(9)  # as a SIGKILL would: no rollback, no cleanup
    return engine
db.make_engine = make_engine
db.migrate(make_engine(sys.argv[1]))
"""


@pytest.mark.parametrize("after_tables", [1, 4])
def test_killed_while_creating_the_schema_the_store_still_opens(tmp_path, after_tables):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    killed = subprocess.run([sys.executable, "-c", _KILL_DURING_MIGRATION, url, str(after_tables)],
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == 9, killed.stderr
    assert (tmp_path / "kb.db").exists()
    ingest([], url)  # opens (migrates) the store again: no "table … already exists"
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(documents)) == 0
    engine.dispose()
