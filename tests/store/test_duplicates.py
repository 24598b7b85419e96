"""Reposts, traditional-script copies and other page shapes of one article are duplicates; same-topic articles are not."""
import json

import opencc
import sqlalchemy as sa

from yrd.ingest import ingest
from yrd.pipeline import run
from yrd.store import make_engine
from yrd.store.schema import documents

from test_store import SAMPLES


def _article():
    [doc] = list(run([str(SAMPLES / "husuhu_railway.html")], steps=[]))
    return doc


def test_copies_in_other_shapes_and_scripts_are_linked_to_the_canonical(store_url, tmp_path):
    doc = _article()
    d = tmp_path / "copies"
    d.mkdir()
    paragraphs = doc.text.split("\n")
    # 1. the original page
    (d / "a_original.html").write_bytes((SAMPLES / "husuhu_railway.html").read_bytes())
    # 2. a junk-site repost: breadcrumbs, counters, spam, a repeated paragraph, a copyright line
    spam = "|".join(["在线娱乐", "真人视讯", "彩票平台", "注册送彩金"] * 6)
    junk = ["某某国际官网入口>新闻中心>" + doc.title, "访问量:2231次", doc.title,
            "发布时间:2024-12-27 08:00:00来源: 网络", spam, *paragraphs, paragraphs[0], "热门新闻", "某地举办灯会",
            "版权声明:本站文章来源于网络"]
    (d / "b_repost.txt").write_text("\n".join(junk), encoding="utf-8")
    # 3. a traditional-script copy, as a GB-free Big5 text file
    trad = opencc.OpenCC("s2t").convert(doc.title + "\n" + doc.text)
    (d / "c_traditional.txt").write_bytes(trad.encode("big5", errors="ignore"))
    # 4. the same article in another page shape: a JSON Lines record
    (d / "d_feed.jsonl").write_text(json.dumps({"title": doc.title, "text": doc.text,
                                                "url": "https://other.example.com/rail.html",
                                                "published_at": "2024-12-26T20:00:00+08:00"},
                                               ensure_ascii=False) + "\n", encoding="utf-8")
    # 5. a distinct article on the same topic: same railway, different story
    (d / "e_other_story.txt").write_text(
        "沪苏湖铁路开通首周客流\n发布时间:2025-01-03 09:00:00来源: 湖州日报\n"
        "沪苏湖铁路开通运营一周以来，湖州东站累计发送旅客8.6万人次，日均客流较开通首日增长三成。\n"
        "铁路部门介绍，为满足周末出行需求，下周起湖州至上海虹桥方向将增开动车组列车6对。\n"
        "不少上海市民选择乘坐高铁到南浔古镇一日游，当地民宿预订量明显上升。", encoding="utf-8")
    summary = ingest([str(d)], store_url)
    assert summary.new == 5 and summary.duplicates == 3, summary.lines()
    engine = make_engine(store_url)
    with engine.connect() as conn:
        rows = {r.source_path.rsplit("/", 1)[-1]: r for r in conn.execute(
            sa.select(documents.c.id, documents.c.source_path, documents.c.duplicate_of, documents.c.similarity))}
    engine.dispose()
    canonical = rows["a_original.html"]
    assert canonical.duplicate_of is None
    for name in ("b_repost.txt", "c_traditional.txt", "d_feed.jsonl"):
        assert rows[name].duplicate_of == canonical.id, name
        assert rows[name].similarity >= 0.6
    assert rows["e_other_story.txt"].duplicate_of is None


def test_an_earlier_copy_becomes_the_canonical(store_url, tmp_path):
    doc = _article()
    late, early = tmp_path / "late", tmp_path / "early"
    late.mkdir()
    early.mkdir()
    rec = {"title": doc.title, "text": doc.text}
    (late / "a.jsonl").write_text(json.dumps({**rec, "url": "https://late.example.com/1",
                                              "published_at": "2024-12-28T10:00:00+08:00"}, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
    (early / "b.jsonl").write_text(json.dumps({**rec, "url": "https://early.example.com/1",
                                               "published_at": "2024-12-26T10:00:00+08:00"}, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    ingest([str(late)], store_url)
    ingest([str(early)], store_url)
    engine = make_engine(store_url)
    with engine.connect() as conn:
        rows = {r.source_url: r for r in conn.execute(sa.select(documents.c.id, documents.c.source_url,
                                                                documents.c.duplicate_of))}
    engine.dispose()
    assert rows["https://early.example.com/1"].duplicate_of is None
    assert rows["https://late.example.com/1"].duplicate_of == rows["https://early.example.com/1"].id


def test_signatures_are_datasketchs_minhash_of_the_shingle_hashes():
    """dedup.signature is a vectorised datasketch MinHash (num_perm=128, seed=1) of the 5-gram hashes, value
    for value, so its Jaccard estimates are datasketch's."""
    import numpy as np
    from datasketch import MinHash

    from yrd import dedup

    a, b = dedup.permutations()
    assert np.array_equal(MinHash(num_perm=128, seed=1).permutations, np.array([a, b]))  # drawn as datasketch does
    for text in (_article().text, "长三角一体化", "短", "", "G60科创走廊 " * 40):
        hashes = [int(h) for h in dedup.shingle_hashes(text)]
        reference = MinHash(num_perm=dedup.NUM_PERM, seed=1, hashfunc=lambda h: h)
        reference.update_batch(hashes)
        assert np.array_equal(dedup.signature(text), reference.hashvalues.astype(np.uint32)), text[:20]
