"""The knowledge base on both backends: ingest once, versions, duplicates, queries."""
from pathlib import Path

import pytest
import sqlalchemy as sa

from yrd.ingest import ingest
from yrd.store import make_engine
from yrd.store import query as Q
from yrd.store.schema import documents, facts

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "articles"


def _count(url, table=documents, where=None):
    engine = make_engine(url)
    with engine.connect() as conn:
        q = sa.select(sa.func.count()).select_from(table)
        if where is not None:
            q = q.where(where)
        n = conn.scalar(q)
    engine.dispose()
    return n


def test_ingest_is_idempotent(store_url):
    first = ingest([str(SAMPLES)], store_url)
    assert first.new == 11 and first.unchanged == 0 and not first.failed
    n_docs, n_facts = _count(store_url), _count(store_url, facts)
    again = ingest([str(SAMPLES)], store_url)
    assert again.new == 0 and again.unchanged == 11
    assert (_count(store_url), _count(store_url, facts)) == (n_docs, n_facts)


def test_traditional_copy_is_a_duplicate_counted_once(store_url):
    ingest([str(SAMPLES)], store_url)
    engine = make_engine(store_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(documents.c.id, documents.c.script, documents.c.duplicate_of)
                            .where(documents.c.title.like("南京马鞍山签署%"))).all()
        assert len(rows) == 2
        original = next(r for r in rows if r.script == "zh-Hans")
        copy = next(r for r in rows if r.script == "zh-Hant")
        assert original.duplicate_of is None and copy.duplicate_of == original.id
        total, hits = Q.search(conn, "马鞍山", Q.Filters())
        assert [h["id"] for h in hits].count(copy.id) == 0  # counted once
        listed = Q.list_documents(conn, Q.Filters())[1]
        assert next(d for d in listed if d["id"] == original.id)["copies"] == 1
        assert Q.get_document(conn, copy.id)["duplicate_of"] == original.id
    engine.dispose()


def test_a_changed_article_becomes_a_new_version(store_url, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    page = (SAMPLES / "husuhu_railway.html").read_text(encoding="utf-8")
    (src / "page.html").write_text(page, encoding="utf-8")
    ingest([str(src)], store_url)
    (src / "page.html").write_text(page.replace("最快37分钟", "最快35分钟"), encoding="utf-8")
    result = ingest([str(src)], store_url)
    assert result.new == 1 and result.versions == 1 and result.duplicates == 0
    engine = make_engine(store_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(documents.c.version, documents.c.is_current, documents.c.text)
                            .order_by(documents.c.version)).all()
    engine.dispose()
    assert [(r.version, r.is_current) for r in rows] == [(1, False), (2, True)]
    assert "35分钟" in rows[1].text


def test_queries(store_url):
    ingest([str(SAMPLES)], store_url)
    engine = make_engine(store_url)
    with engine.connect() as conn:
        total, hits = Q.search(conn, "嘉善", Q.Filters())
        assert total >= 1 and "【嘉善】" in hits[0]["snippet"]
        # a traditional query finds simplified text
        assert Q.search(conn, "長三角", Q.Filters())[0] == Q.search(conn, "长三角", Q.Filters())[0] > 0
        # place filter: a city includes its counties
        jiaxing = Q.list_documents(conn, Q.Filters(place="330400"))[0]
        jiashan = Q.list_documents(conn, Q.Filters(place="330421"))[0]
        assert jiaxing >= jiashan >= 1
        # project library with stage and investment
        _, projects = Q.projects(conn, Q.Filters())
        rail = next(p for p in projects if p["name"] == "沪苏湖铁路")
        assert rail["investment"]["value"] == 38637000000 and rail["stage"] in ("completion", "launch")
        assert rail["investment"]["span"]["text"].endswith("386.37亿元")
        # target tracker
        _, ts = Q.targets(conn, Q.Filters())
        ic = next(t for t in ts if t["metric"] == "集成电路产业规模")
        assert ic["deadline"] == 2027 and ic["value"] == 3e11 and ic["status"] in ("open", "reported", "achieved")
        # cooperation network
        net = Q.network(conn, Q.Filters(), "cooperation")
        names = {n["id"]: n["name"] for n in net["nodes"]}
        pairs = {frozenset((names[e["source"]], names[e["target"]])) for e in net["edges"]}
        assert frozenset(("南京市", "马鞍山市")) in pairs
        # entity page with sources
        page = Q.entity_page(conn, "330421")
        assert page["name"] == "嘉善县" and page["documents"]
        rail_page = Q.entity_page(conn, "沪苏湖高铁")  # an alias spelling finds the project
        assert rail_page is not None and rail_page["name"] == "沪苏湖铁路"
        assert all(f["source"]["title"] for f in rail_page["facts"])
        stats = Q.stats(conn)
        assert stats["documents"] == 10 and stats["duplicates"] == 1
    engine.dispose()


def test_search_on_a_large_store_ranks_the_newest_and_counts_to_a_cap(store_url, monkeypatch):
    """What a million-document store does, made small: more matches than the ranked window, more than the cap."""
    ingest([str(SAMPLES)], store_url)
    engine = make_engine(store_url)
    with engine.connect() as conn:
        full = Q.search_page(conn, "长三角", Q.Filters(), limit=50)
        assert full.exact and full.total >= 5
        from yrd.store.query import fulltext as search_module

        monkeypatch.setattr(search_module, "SEARCH_WINDOW", 3)
        monkeypatch.setattr(search_module, "COUNT_CAP", 4)
        capped = Q.search_page(conn, "长三角", Q.Filters(), limit=1)  # ranks max(3, 3 x 1) matches
        assert not capped.exact and capped.total == 4  # "more than 4"
        by_date = sorted(full.hits, key=lambda h: (h["published_at"] or "")[:10], reverse=True)
        third = (by_date[2]["published_at"] or "")[:10]
        newest_three = {h["id"] for h in by_date if (h["published_at"] or "")[:10] >= third}
        assert len(capped.hits) == 1 and capped.hits[0]["id"] in newest_three  # ranked among the newest
        assert capped.hits[0]["score"] == max(h["score"] for h in full.hits if h["id"] in newest_three)
    engine.dispose()


def test_bad_store_url_is_a_clear_error(tmp_path):
    from yrd.errors import YrdError
    from yrd.store import migrate

    with pytest.raises(YrdError, match="cannot open the knowledge base"):
        migrate(make_engine("postgresql://nobody@127.0.0.1:1/none"))


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite://"])
def test_an_in_memory_store_is_refused_with_a_way_out(url):
    from yrd.errors import YrdError

    # each of the writer, the readers and the workers would see its own empty database
    with pytest.raises(YrdError, match=r"in-memory .* give a file"):
        make_engine(url)
