"""The whole development corpus in the store (SQLite and PostgreSQL): twice is once, search recall, copies.

Skipped where ../shared/corpus is absent.
"""
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from yrd.ingest import ingest
from yrd.search.terms import normalise_query
from yrd.store import make_engine
from yrd.store import query as Q
from yrd.store.schema import documents, facts

QUERIES = [q for q in (Path(__file__).parent / "search_queries.txt").read_text(encoding="utf-8").splitlines()
           if q.strip() and not q.startswith("#")]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus_store(request, corpus, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'corpus.db'}"
        drop = None
    else:
        server = request.getfixturevalue("pg_server")
        name = f"yrd_test_{uuid.uuid4().hex[:10]}"
        with server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = f"{str(server.url.set(database=name).render_as_string(hide_password=False))}"
        drop = name
    first = ingest([str(corpus)], url, workers=2, batch_size=200)
    yield url, first
    if drop:
        with request.getfixturevalue("pg_server").connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)'))


def _fingerprint(url):
    engine = make_engine(url)
    with engine.connect() as conn:
        docs = conn.execute(sa.select(documents.c.id, documents.c.duplicate_of, documents.c.version)
                            .order_by(documents.c.id)).all()
        n_facts = conn.scalar(sa.select(sa.func.count()).select_from(facts))
    engine.dispose()
    return [tuple(r) for r in docs], n_facts


def test_the_corpus_twice_changes_nothing(corpus_store):
    url, first = corpus_store
    # only what is no article is skipped: the corpus's README files and manifests, each with its reason, and
    # being no article is no failure
    assert all(f.skipped and f.reason.startswith("not an article") and f.where.endswith((".md", ".tsv")) and
               ("README" in f.where or "MANIFEST" in f.where) for f in first.failures if f.stage != "read"), \
        first.failures[:3]
    assert first.skipped["clean: not an article"] >= 2 and not any(k.startswith("clean") for k in first.failed)
    before = _fingerprint(url)
    again = ingest([str(Path(__file__).resolve().parents[3] / "shared" / "corpus")], url)
    assert again.new == 0 and again.unchanged == first.documents
    assert _fingerprint(url) == before


def test_stories_of_day_transcripts_are_copies_of_their_pages(corpus_store):
    url, first = corpus_store
    assert first.duplicates >= 15
    engine = make_engine(url)
    with engine.connect() as conn:
        pairs = conn.execute(sa.select(documents.c.source_path, documents.c.duplicate_of)
                             .where(documents.c.duplicate_of.is_not(None))).all()
        canon = {r.id: r.source_path for r in conn.execute(sa.select(documents.c.id, documents.c.source_path)
                                                            .where(documents.c.id.in_([p.duplicate_of for p in pairs])))}
    engine.dispose()
    cross_shape = [p for p in pairs if ("cctv_xwlb_md" in p.source_path) != ("cctv_xwlb_md" in canon[p.duplicate_of])]
    assert len(cross_shape) >= 15  # a story in a day's transcript and the same story's HTML page


@pytest.mark.parametrize("query", QUERIES)
def test_search_recall_equals_substring_search(corpus_store, query):
    url, _ = corpus_store
    engine = make_engine(url)
    with engine.connect() as conn:
        total, hits = Q.search(conn, query, Q.Filters(include_duplicates=True), limit=100000)
        found = {h["id"] for h in hits}
        cond = [documents.c.is_current.is_(True)]
        for part in normalise_query(query).split():
            cond.append(sa.or_(documents.c.text.ilike(f"%{part}%"), documents.c.title.ilike(f"%{part}%")))
        expected = set(conn.scalars(sa.select(documents.c.id).where(sa.and_(*cond))))
    engine.dispose()
    assert found == expected, (query, len(found), len(expected))
    assert total == len(found)
