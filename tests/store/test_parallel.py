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
