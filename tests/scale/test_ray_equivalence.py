"""A Ray backfill (local Ray, written to PostgreSQL) gives the same documents, facts and duplicate links as a
single-process ingest (SQLite) of the same input."""
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from yrd.ingest import ingest
from yrd.store import make_engine
from yrd.store.schema import counters, documents, entities, facts

ROOT = Path(__file__).resolve().parents[2]


def _snapshot(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        docs = sorted(tuple(r) for r in conn.execute(sa.select(
            documents.c.id, documents.c.duplicate_of, documents.c.version, documents.c.is_current, documents.c.title)))
        fs = sorted(tuple(r) for r in conn.execute(sa.select(
            documents.c.id, facts.c.kind, facts.c.start, facts.c.end, facts.c.label, facts.c.data)
            .join(documents, documents.c.num == facts.c.doc_num)))
        ents = sorted(tuple(r) for r in conn.execute(sa.select(entities.c.kind, entities.c.key, entities.c.name,
                                                               entities.c.documents, entities.c.mentions)))
        totals = dict(conn.execute(sa.select(counters.c.name, counters.c.value).where(counters.c.value != 0)).all())
    engine.dispose()
    return docs, fs, ents, totals


@pytest.fixture
def inputs(tmp_path, corpus):
    d = tmp_path / "in"
    d.mkdir()
    os.symlink(ROOT / "samples" / "articles", d / "samples")
    os.symlink(ROOT / "tests" / "fixtures" / "shapes" / "scraped_junk.txt", d / "junk.txt")
    os.symlink(ROOT / "tests" / "fixtures" / "shapes" / "traditional_big5.txt", d / "big5.txt")
    html = sorted((corpus / "cctv_xwlb_html").iterdir())
    # a day transcript whose stories also exist as pages: its stories are copies of those pages
    day = max(sorted((corpus / "cctv_xwlb_md").iterdir()),
              key=lambda md: sum(1 for p in html if p.name.endswith(md.stem[2:] + ".shtml")))
    os.symlink(day, d / day.name)
    pages = d / "pages"
    pages.mkdir()
    for p in html:
        if p.name.endswith(day.stem[2:] + ".shtml"):
            os.symlink(p, pages / p.name)
    for p in sorted((corpus / "cctv_xwlb_html").iterdir())[:12]:
        if not (pages / p.name).exists():
            os.symlink(p, pages / p.name)
    return d


def test_ray_backfill_equals_a_single_process_run(inputs, tmp_path, new_pg_db):
    pytest.importorskip("ray", reason="Ray is part of the test install (pip install 'ray[data]')")
    from yrd.scale.ray_backfill import ingest_ray

    local = f"sqlite:///{tmp_path / 'local.db'}"
    remote = new_pg_db()
    single = ingest([str(inputs)], local, batch_size=7)
    on_ray = ingest_ray([str(inputs)], remote, batch_size=7, num_cpus=2)
    assert single.new == on_ray.new and single.duplicates == on_ray.duplicates >= 1
    local_docs, local_facts, local_entities, local_totals = _snapshot(local)
    ray_docs, ray_facts, ray_entities, ray_totals = _snapshot(remote)
    assert ray_docs == local_docs  # same documents, versions and duplicate links
    assert ray_facts == local_facts  # same facts with the same spans and values
    assert ray_entities == local_entities  # same entities, counted in the same documents
    assert ray_totals == local_totals
    again = ingest_ray([str(inputs)], remote, batch_size=7, num_cpus=2)  # idempotent on Ray too
    assert again.new == 0 and again.unchanged == single.documents
