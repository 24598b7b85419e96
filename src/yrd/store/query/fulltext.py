"""Ranked full-text search in two dialects (FTS5 bm25, tsvector ts_rank), with highlighted snippets."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, func, literal_column, or_, select, text as sql_text
from sqlalchemy.engine import Connection

from ...errors import YrdError
from ...search.terms import normalise_query, query_phrases
from ..schema import documents, search_index
from .filters import Filters, _chunks, num_range, where

COUNT_CAP = 10_000  # search counts its hits exactly up to here, then reports "at least"
SEARCH_WINDOW = 1_000  # search ranks the newest this many matches (more when filters or paging need them)


@dataclass
class SearchResult:
    total: int
    hits: list[dict]
    exact: bool = True  # False: there are at least ``total`` hits (COUNT_CAP reached)


def search(conn: Connection, query: str, f: Filters, limit: int = 20, offset: int = 0) -> tuple[int, list[dict]]:
    """Ranked hits with highlighted snippets; recall equals substring search for queries of 2+ characters."""
    r = search_page(conn, query, f, limit, offset)
    return r.total, r.hits


def search_page(conn: Connection, query: str, f: Filters, limit: int = 20, offset: int = 0) -> SearchResult:
    """Search, with whether the total is exact.

    The newest matches are ranked by relevance (bm25 on SQLite, ts_rank on PostgreSQL): every match when there
    are at most ``SEARCH_WINDOW`` of them (after the filters), otherwise the newest ``SEARCH_WINDOW`` — on a
    news archive the best hits of a common phrase are its recent ones, and the index hands them over first.
    The total is exact up to ``COUNT_CAP``.
    """
    parts = query_phrases(query)
    if not parts:
        raise YrdError(f"query {query!r} has no searchable characters")
    phrases = [terms for _, terms in parts if terms]
    plain = [part for part, terms in parts if not terms]  # one-character runs: substring match
    like = [or_(documents.c.text.ilike(f"%{_escape_like(part)}%", escape="\\"),
                documents.c.title.ilike(f"%{_escape_like(part)}%", escape="\\")) for part in plain]
    need = offset + limit
    if phrases and conn.dialect.name == "sqlite":
        fts_q = " AND ".join('"' + " ".join(p) + '"' for p in phrases)
        total, exact, ranked = _sqlite_ranked(conn, fts_q, f, like, need)
    elif phrases:
        tsq = func.plainto_tsquery("simple", " ".join(t for p in phrases for t in p))
        exact_parts = [documents.c.text.contains(part) | documents.c.title.contains(part) for part, _ in parts]
        total, exact, ranked = _pg_ranked(conn, tsq, f, exact_parts + like, need)
    else:
        total, exact, ranked = _scan_ranked(conn, f, like, need)
    page = ranked[offset:need]
    cols = (documents.c.id, documents.c.num, documents.c.title, documents.c.publisher, documents.c.published_at,
            documents.c.text, documents.c.source_url)
    found = {r.num: r for r in conn.execute(select(*cols).where(documents.c.num.in_([n for n, _ in page])))}
    q = normalise_query(query)
    terms = [part for part in q.split() if part]
    hits = []
    for num, score in page:
        r = found.get(num)
        if r is None:
            continue
        hits.append({"id": r.id, "title": r.title, "source": r.publisher, "published_at": r.published_at,
                     "url": r.source_url, "score": round(float(score or 0), 4), "snippet": snippet(r.text, terms)})
    return SearchResult(total, hits, exact)


_FTS_NEWEST = ("SELECT rowid, bm25(search_fts) FROM search_fts WHERE search_fts MATCH :q{range} "
               "ORDER BY rowid DESC LIMIT :n")
_FTS_COUNT = "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH :q{range} LIMIT :cap)"


def _fts_range(f: Filters) -> tuple[str, dict]:
    low, high = num_range(f)
    sql, params = "", {}
    if low is not None:
        sql += " AND rowid >= :low"
        params["low"] = low
    if high is not None:
        sql += " AND rowid < :high"
        params["high"] = high
    return sql, params


def _sqlite_ranked(conn: Connection, fts_q: str, f: Filters, like: list, need: int) -> tuple[int, bool, list]:
    """FTS5 hands over its newest matches first (its rowid is ``documents.num``); the filters are checked on
    those documents only, and bm25 ranks the ones that pass."""
    rng, params = _fts_range(f)
    cond = and_(where(f), *like)
    window = max(SEARCH_WINDOW, need * 3)
    while True:
        rows = conn.execute(sql_text(_FTS_NEWEST.format(range=rng)), {"q": fts_q, "n": window, **params}).all()
        ok = set()
        for chunk in _chunks([r[0] for r in rows]):
            ok.update(conn.scalars(select(documents.c.num).where(and_(documents.c.num.in_(chunk), cond))))
        passed = [(r[0], -r[1]) for r in rows if r[0] in ok]  # bm25: smaller is better
        if len(rows) < window or len(passed) >= max(need, SEARCH_WINDOW // 2) or window >= 64 * SEARCH_WINDOW:
            break
        window *= 4
    complete = len(rows) < window  # every match was looked at
    passed.sort(key=lambda x: (-x[1], -x[0]))
    if complete:
        return len(passed), True, passed
    if f.plain and not like:
        n = conn.scalar(sql_text(_FTS_COUNT.format(range=rng)), {"q": fts_q, "cap": COUNT_CAP + 1, **params})
    else:
        n = _count_passing(conn, sql_text(f"SELECT rowid FROM search_fts WHERE search_fts MATCH :q{rng} "
                                          "ORDER BY rowid DESC LIMIT :cap"), {"q": fts_q, **params}, cond)
    return min(n, COUNT_CAP), n <= COUNT_CAP, passed


def _count_passing(conn: Connection, candidates, params: dict, cond) -> int:
    """How many candidate documents pass ``cond``, counting at most COUNT_CAP + 1."""
    nums = [r[0] for r in conn.execute(candidates, {**params, "cap": 4 * COUNT_CAP})]
    n = 0
    for chunk in _chunks(nums):
        n += conn.scalar(select(func.count()).select_from(documents).where(and_(documents.c.num.in_(chunk), cond)))
        if n > COUNT_CAP:
            break
    return n


def _pg_ranked(conn: Connection, tsq, f: Filters, exact: list, need: int) -> tuple[int, bool, list]:
    """PostgreSQL: the GIN index finds documents with every bigram, the exact substring confirms (tsvector
    positions are clamped in long texts), newest first."""
    tsv = literal_column("search_index.tsv")
    base = (select(documents.c.num, func.ts_rank_cd(tsv, tsq).label("score"))
            .join(search_index, search_index.c.doc_num == documents.c.num)
            .where(and_(tsv.op("@@")(tsq), where(f), *exact)))
    window = max(SEARCH_WINDOW, need * 3)
    rows = conn.execute(base.order_by(documents.c.num.desc()).limit(window)).all()
    ranked = sorted(((r.num, r.score) for r in rows), key=lambda x: (-x[1], -x[0]))
    if len(rows) < window:
        return len(rows), True, ranked
    n = conn.scalar(select(func.count()).select_from(base.limit(COUNT_CAP + 1).subquery()))
    return min(n, COUNT_CAP), n <= COUNT_CAP, ranked


def _scan_ranked(conn: Connection, f: Filters, like: list, need: int) -> tuple[int, bool, list]:
    """Queries of single characters only (沪, A股): a substring scan, newest first."""
    cond = and_(where(f), *like)
    rows = conn.execute(select(documents.c.num).where(cond).order_by(documents.c.num.desc()).limit(need)).all()
    n = conn.scalar(select(func.count()).select_from(select(documents.c.num).where(cond).limit(COUNT_CAP + 1).subquery()))
    return min(n, COUNT_CAP), n <= COUNT_CAP, [(r[0], 0.0) for r in rows]


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def snippet(text: str, terms: list[str], width: int = 60) -> str:
    """The text around the first hit, each hit wrapped in 【】 (the API and dashboard escape and style it)."""
    lower = text.lower()
    positions = [lower.find(t.lower()) for t in terms if t and lower.find(t.lower()) >= 0]
    if not positions:
        return text[:width * 2].replace("\n", " ")
    start = max(0, min(positions) - width // 2)
    piece = text[start:start + width * 2].replace("\n", " ")
    for t in sorted(set(terms), key=len, reverse=True):
        piece = re.sub(re.escape(t), lambda m: f"【{m.group()}】", piece, flags=re.I)
    return ("…" if start else "") + piece + ("…" if start + width * 2 < len(text) else "")


def docs_containing(conn: Connection, phrase: str, newest: int | None = None, from_num: int | None = None) -> list[int]:
    """The ``num`` of documents whose text contains ``phrase`` (newest first, at most ``newest``), through the
    full-text index."""
    parts = query_phrases(phrase)
    terms = [t for _, ts in parts for t in ts]
    exact = documents.c.text.contains(normalise_query(phrase))
    low = from_num or 0
    if terms and conn.dialect.name == "sqlite":
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH :q AND rowid >= :low ORDER BY rowid DESC"
        params = {"q": '"' + " ".join(terms) + '"', "low": low}
        if newest:
            sql += " LIMIT :n"
            params["n"] = newest
        return [r[0] for r in conn.execute(sql_text(sql), params)]
    q = select(documents.c.num).where(and_(exact, documents.c.num >= low)).order_by(documents.c.num.desc())
    if terms:
        tsq = func.plainto_tsquery("simple", " ".join(terms))
        q = q.join(search_index, search_index.c.doc_num == documents.c.num).where(
            literal_column("search_index.tsv").op("@@")(tsq))
    if newest:
        q = q.limit(newest)
    return list(conn.scalars(q))
