"""Two worker processes writing their own batches give the store one process gives: the same documents, the
same groups of copies, the same counts (on both backends). Only the order of storing differs."""
import os

import pytest
import sqlalchemy as sa

from yrd.ingest import ingest
from yrd.store import make_engine
from yrd.store.schema import counters, documents, entities, facts


def _state(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(documents.c.id, documents.c.duplicate_of, documents.c.canonical,
                                      documents.c.version)).all()
        groups: dict[str, set[str]] = {}
        for r in rows:
            groups.setdefault(r.duplicate_of or r.id, set()).add(r.id)
        per_doc = dict(conn.execute(sa.select(documents.c.id, sa.func.count()).join(
            facts, facts.c.doc_num == documents.c.num).group_by(documents.c.id)).all())
        totals = dict(conn.execute(sa.select(counters.c.name, counters.c.value).where(counters.c.value != 0)).all())
        ents = sorted(tuple(r) for r in conn.execute(sa.select(entities.c.kind, entities.c.key, entities.c.documents,
                                                               entities.c.mentions)))
    engine.dispose()
    return sorted(sorted(g) for g in groups.values()), per_doc, totals, ents


@pytest.fixture(scope="module")
def inputs(corpus, tmp_path_factory):
    """Every corpus page and six day transcripts, whose stories are copies of pages stored by either worker."""
    d = tmp_path_factory.mktemp("inputs")
    for p in sorted((corpus / "cctv_xwlb_html").iterdir()) + sorted((corpus / "cctv_xwlb_md").iterdir())[:6]:
        os.symlink(p, d / p.name)
    return d


def test_two_workers_store_what_one_does(store_url, inputs, tmp_path):
    one = f"sqlite:///{tmp_path / 'one.db'}"
    a = ingest([str(inputs)], one, workers=1, batch_size=25)
    b = ingest([str(inputs)], store_url, workers=2, batch_size=25)
    assert (a.new, a.duplicates, a.documents) == (b.new, b.duplicates, b.documents)
    assert a.duplicates >= 1
    assert _state(store_url) == _state(one)


def test_a_worker_that_finds_the_lock_taken_keeps_its_batch(store_url):
    """While another transaction holds the write lock, an impatient writer writes nothing, keeps its batch and
    goes on; once the lock is free, the batch goes in; past four batches' worth it waits instead."""
    from pathlib import Path

    from yrd.ingest import BatchWriter, IngestOptions, Summary, process_target
    from yrd.store import migrate

    samples = Path(__file__).resolve().parents[2] / "samples" / "articles"
    migrate(make_engine(store_url))
    items = [i for p in sorted(samples.iterdir()) for i in process_target(str(p), IngestOptions())]
    writer = BatchWriter(store_url, batch_size=2, summary=Summary(), patient=False)
    holder = make_engine(store_url, writer=True)
    with holder.connect() as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": 0x79726400})
            for item in items[:3]:
                writer.add(item)
            writer.ready()  # full, but the lock is taken: nothing written, nothing lost
            assert len(writer.batch) == 3
    writer.ready()  # the lock is free now
    assert writer.batch == [] and writer.summary.new == 3
    writer.close()
    holder.dispose()


def test_the_write_ahead_log_is_emptied_once_it_passes_its_limit(tmp_path, monkeypatch):
    """Writers that take turns never let SQLite start its log over: each batch that finds it past the limit
    copies it into the database and truncates it."""
    from pathlib import Path

    from yrd import batches as ingest_module
    from yrd.ingest import BatchWriter, IngestOptions, Summary, process_target
    from yrd.store import db, migrate

    url = f"sqlite:///{tmp_path / 'kb.db'}"
    wal = tmp_path / "kb.db-wal"
    samples = Path(__file__).resolve().parents[2] / "samples" / "articles"
    migrate(make_engine(url))
    items = [i for p in sorted(samples.iterdir()) for i in process_target(str(p), IngestOptions())]
    reader = make_engine(url).connect()  # an open connection keeps SQLite from deleting the log on close
    writer = BatchWriter(url, batch_size=2, summary=Summary())
    writer.add(items[0])
    writer.flush()
    assert wal.stat().st_size > 0  # under the limit: left to SQLite
    monkeypatch.setattr(ingest_module, "trim_wal", lambda engine: db.trim_wal(engine, 0))
    writer.add(items[1])
    writer.flush()
    assert wal.stat().st_size == 0
    writer.close()
    reader.close()
    assert _state(url)[1]  # both documents stored, with their facts


def test_the_command_tunes_the_cycle_collector_and_puts_it_back(tmp_path, monkeypatch):
    """`yrd ingest` owns its process: during its run the long-lived tables are frozen out of the collector and the
    young generation is collected less often (BENCHMARKS.md: 4 % of an ingest's time); afterwards the collector is
    as it was. The library call itself leaves the process alone (a server calls it from its threads)."""
    import gc
    from pathlib import Path

    from click.testing import CliRunner

    from yrd import batches
    from yrd import ingest as ingest_module
    from yrd.cli import main

    samples = Path(__file__).resolve().parents[2] / "samples" / "articles"
    before = gc.get_threshold(), gc.get_freeze_count()
    seen = []
    ingest([str(samples)], f"sqlite:///{tmp_path / 'lib.db'}", progress=lambda n: seen.append(gc.get_threshold()[0]))
    assert seen and set(seen) == {before[0][0]}  # the library call: untouched
    seen.clear()
    real = ingest_module.ingest

    def spying(*args, **kwargs):
        kwargs["progress"] = lambda n: seen.append((gc.get_threshold()[0], gc.get_freeze_count()))
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest_module, "ingest", spying)
    result = CliRunner().invoke(main, ["ingest", str(samples), "--db", f"sqlite:///{tmp_path / 'cli.db'}"])
    assert result.exit_code == 0, result.output
    assert seen and all(young == batches._YOUNG and frozen > 100_000 for young, frozen in seen)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_a_writer_checkpoints_every_32_mb_of_log(tmp_path):
    from yrd.store import db

    url = f"sqlite:///{tmp_path / 'kb.db'}"
    writer, reader = make_engine(url, writer=True), make_engine(url)
    with writer.connect() as w, reader.connect() as r:
        assert w.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == db.WAL_CHECKPOINT_PAGES == 8192
        assert r.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000  # readers write nothing
    writer.dispose()
    reader.dispose()
