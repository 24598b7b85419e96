"""The knowledge base's schema, once, for SQLite and PostgreSQL (SQLAlchemy Core).

Documents keep their full fact sheet (compressed); every fact is also a row of
``facts`` with its evidence span, so questions across articles are SQL.
Entities (places by code, organisations and projects by normalised name, people
by name) link the facts of many documents.

Built for a million documents and more: every document has ``num``, an integer
that sorts by publication day (``day << 24 | sequence``), so "newest first" is
an index scan and the full-text index (keyed by ``num``) returns its newest
matches first. What the dashboard lists on every request is kept up to date by
the writer instead of being counted at query time: per-entity article counts,
the documents of each place and entity (``doc_places``, ``doc_entities``), the
cooperation network's edges, and totals (``counters``). These tables count
canonical documents only: current versions that are not a copy of another.
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String,
    Table, Text, UniqueConstraint, text,
)

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", String(40), primary_key=True),
    Column("num", BigInteger, nullable=False, unique=True),  # publication day << 24 | sequence: newest = largest
    Column("key", String(700), nullable=False, index=True),  # identity across versions: URL, else path#part
    Column("version", Integer, nullable=False, default=1),
    Column("is_current", Boolean, nullable=False, default=True),
    Column("canonical", Boolean, nullable=False, default=True),  # current and not a duplicate: counted everywhere
    Column("source_path", Text),
    Column("source_url", Text),
    Column("format", String(16), nullable=False),
    Column("publisher", String(200), index=True),
    Column("author", String(200)),
    Column("title", Text, nullable=False),
    Column("published_at", String(40)),
    Column("published_date", Date, index=True),
    Column("script", String(8), nullable=False),
    Column("junk", Boolean, nullable=False, default=False),  # the cleaner stripped spam or chrome from it
    Column("text", Text, nullable=False),
    Column("original_text", Text),  # only when it differs from text (traditional originals)
    Column("raw", LargeBinary),  # zlib-compressed bytes of the input
    Column("encoding", String(80)),
    Column("duplicate_of", String(40), index=True),
    Column("similarity", Float),  # to the canonical document, for duplicates
    Column("sheet", LargeBinary, nullable=False),  # zlib-compressed JSON fact sheet (FACTSHEET.md) without its text
    Column("kinds", Integer, nullable=False, default=0),  # bit mask of the fact kinds it has (rows.KIND_BITS)
    Column("event_types", Integer, nullable=False, default=0),  # bit mask of its event types (rows.EVENT_BITS)
    Column("extractor", String(40)),  # the extractors' version that found its facts (NULL: an older release's)
    Column("ingested_at", DateTime, nullable=False),
    Index("ix_documents_canonical_num", "canonical", "num"),
    Index("ix_documents_ingested_at", "ingested_at"),  # what is new since a watchlist was checked (0007)
    Index("ix_documents_canonical_ingested_at", "canonical", "ingested_at"),  # what is new: arrived since a time  # (0008)
)

facts = Table(
    "facts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_num", BigInteger, ForeignKey("documents.num", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # model.FACT_KINDS: place … relation, project, portfolio
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),  # the evidence: doc.text[start:end]
    Column("label", String(300)),  # name, event type, target metric …
    Column("code", String(16)),  # adcode of a place (of an event's place, of a target's subject)
    Column("type", String(16)),  # an event's type, a relation's type (model.EVENT_TYPES, model.RELATION_TYPES)
    Column("date", String(20)),  # an event's date (ISO, at its precision)
    Column("deadline", Integer),  # a target's deadline year
    Column("day", String(20)),  # for ordering: the fact's date, else its document's publication date
    Column("value", Float),
    Column("unit", String(24)),
    Column("entity_id", Integer, ForeignKey("entities.id")),
    Column("data", Text, nullable=False),  # the fact as in the fact sheet (JSON)
    Column("modality", String(10)),  # an event's: happened, planned, quoted (NULL: stored before, happened)
    Index("ix_facts_entity_doc", "entity_id", "doc_num"),
    # partial indexes: only the rows of one kind pay for them (the queries name the kind as a literal)
    Index("ix_facts_event_day", "day", sqlite_where=text("kind = 'event'"), postgresql_where=text("kind = 'event'")),
    Index("ix_facts_event_type_day", "type", "day", sqlite_where=text("kind = 'event'"),
          postgresql_where=text("kind = 'event'")),
    Index("ix_facts_target", "deadline", "label", sqlite_where=text("kind = 'target'"),
          postgresql_where=text("kind = 'target'")),
    Index("ix_facts_relation_doc", "doc_num", sqlite_where=text("kind = 'relation'"),
          postgresql_where=text("kind = 'relation'")),
)

entities = Table(
    "entities", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # place, organization, person, project
    Column("key", String(300), nullable=False),  # adcode, or the normalised name
    Column("name", String(300), nullable=False),
    Column("subkind", String(200)),  # place level, organisation kind, person's latest title
    Column("code", String(16)),
    Column("parent", String(16)),
    Column("lat", Float),
    Column("lon", Float),
    Column("scope", String(8)),  # a place's: delta (上海, 江苏, 浙江, 安徽 and what is in them), china, foreign
    Column("aliases", Text, nullable=False, default="[]"),  # JSON list of other names seen
    Column("documents", Integer, nullable=False, default=0),  # canonical documents that mention it
    Column("mentions", Integer, nullable=False, default=0),  # its mentions in them
    UniqueConstraint("kind", "key", name="uq_entities_kind_key"),
    Index("ix_entities_kind_documents", "kind", "documents"),
    Index("ix_entities_kind_scope", "kind", "scope"),
    Index("ix_entities_code", "code"),
)

links = Table(  # an entity's role in a sentence-level fact: event participant, relation party, target subject, project amount
    "links", metadata,
    Column("fact_id", Integer, ForeignKey("facts.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("doc_num", BigInteger, nullable=False),
    Column("day", String(20)),  # the fact's ordering day (facts.day)
    Index("ix_links_entity_day", "entity_id", "day", "fact_id"),
    Index("ix_links_doc", "doc_num"),
)

minhash = Table(
    "minhash", metadata,
    Column("doc_num", BigInteger, ForeignKey("documents.num", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),  # 128 little-endian uint32 (dedup.to_bytes)
)

lsh_bands = Table(  # one row per band of each signature: documents that share a bucket are candidate copies
    "lsh_bands", metadata,
    Column("bucket", BigInteger, primary_key=True),
    Column("doc_num", BigInteger, primary_key=True),
    sqlite_with_rowid=False,
)

doc_places = Table(  # canonical documents by every place they mention and that place's city and province
    "doc_places", metadata,
    Column("code", String(16), primary_key=True),
    Column("doc_num", BigInteger, primary_key=True),
    sqlite_with_rowid=False,
)

doc_entities = Table(  # canonical documents by every entity they mention
    "doc_entities", metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("doc_num", BigInteger, primary_key=True),
    sqlite_with_rowid=False,
)

edges = Table(  # the cooperation network: a pair of entities, a relation type, the canonical articles that state it
    "edges", metadata,
    Column("a", Integer, primary_key=True),
    Column("b", Integer, primary_key=True),
    Column("type", String(16), primary_key=True),
    Column("count", Integer, nullable=False, default=0),
    Column("last_date", String(40)),
    Column("topics", Text, nullable=False, default="[]"),  # JSON, the first ten seen
    Index("ix_edges_type_count", "type", "count"),
)

edge_docs = Table(
    "edge_docs", metadata,
    Column("a", Integer, primary_key=True),
    Column("b", Integer, primary_key=True),
    Column("type", String(16), primary_key=True),
    Column("doc_num", BigInteger, primary_key=True),
    Index("ix_edge_docs_doc", "doc_num"),
    sqlite_with_rowid=False,
)

counters = Table(  # totals the writer keeps: documents, duplicates, old_versions, facts:<kind>, publisher:<name>
    "counters", metadata,
    Column("name", String(250), primary_key=True),
    Column("value", BigInteger, nullable=False, default=0),
)

search_index = Table(  # PostgreSQL's full-text index (SQLite has the FTS5 table search_fts, made by the migration)
    "search_index", metadata,
    Column("doc_num", BigInteger, ForeignKey("documents.num", ondelete="CASCADE"), primary_key=True),
)

ingest_log = Table(
    "ingest_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("command", Text),
    Column("summary", Text),  # JSON: read / new / duplicates / failed by reason
)

# --- the observatory (issue 15): sources it polls, what it found in them, watchlists and their alerts ---------

sources = Table(  # a feed, a sitemap or a site's list page, polled on its schedule; its health is kept here
    "sources", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2000), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(10)),  # feed | sitemap | page; None until the first poll sniffs it
    Column("link_pattern", Text),  # a list page's article links (a regular expression over absolute URLs)
    Column("every_seconds", Integer, nullable=False),
    Column("allow_private", Boolean, nullable=False, default=False),
    Column("added_at", DateTime, nullable=False),
    Column("etag", String(400)),  # the last answer's validators, sent back as If-None-Match / If-Modified-Since
    Column("last_modified", String(100)),
    Column("last_polled_at", DateTime),
    Column("last_success_at", DateTime),
    Column("last_error", Text),
    Column("last_error_at", DateTime),
    Column("failures", Integer, nullable=False, default=0),  # consecutive failed polls (back-off grows with it)
    Column("next_due_at", DateTime),  # None: due now
    Column("items_seen", Integer, nullable=False, default=0),
    Column("items_stored", Integer, nullable=False, default=0),
)

source_items = Table(  # every item link a source listed, once: a link seen before is not fetched again
    "source_items", metadata,
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
    Column("url", String(2000), primary_key=True),
    Column("seen_at", DateTime, nullable=False, index=True),
    Column("doc_id", String(40)),  # the document it gave (None: not an article, or it failed)
    Column("status", String(16), nullable=False),  # stored | known | not_article | failed
    Column("error", Text),
)

watchlists = Table(  # what a user follows; every new fact that matches is one alert, delivered where they said
    "watchlists", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("place", String(6)),  # adcode; a city includes its counties
    Column("event_type", String(20)),
    Column("query", Text),
    Column("org", Text),
    Column("kind", String(20)),  # a fact kind (target, event, relation, project …)
    Column("webhook", Text),
    Column("email", Text),
    Column("file", Text),
    Column("created_at", DateTime, nullable=False),
    Column("checked_at", DateTime),  # documents ingested after this are the ones still to look at
)

alerts = Table(  # one fact that matched one watchlist: made once (unique), delivered once
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watchlist_id", Integer, ForeignKey("watchlists.id", ondelete="CASCADE"), nullable=False),
    Column("fact_key", String(120), nullable=False),  # doc id : kind : start : end
    Column("doc_id", String(40), nullable=False),
    Column("payload", Text, nullable=False),  # the JSON delivered: the fact, its evidence span, the document
    Column("created_at", DateTime, nullable=False),
    Column("delivered_at", DateTime),  # None: not delivered yet (a run that stopped before is finished next time)
    Column("error", Text),
    UniqueConstraint("watchlist_id", "fact_key", name="uq_alerts_watchlist_fact"),
    Index("ix_alerts_watchlist_created", "watchlist_id", "created_at"),
    Index("ix_alerts_undelivered", "id", sqlite_where=text("delivered_at IS NULL"),  # (0007)
          postgresql_where=text("delivered_at IS NULL")),
)

corrections = Table(  # an analyst's decisions about facts, kept apart from them: applied wherever facts are made
    "corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("action", String(10), nullable=False),  # reject | change | add | merge | block
    Column("doc_key", String(700)),  # the article (documents.key: its URL, else path#title), across its versions
    Column("doc_id", String(40)),  # the version the decision was made on
    Column("kind", String(20)),  # the fact kind
    Column("start", Integer),
    Column("end", Integer),
    Column("text", Text),  # the span's text when decided: a version where it differs no longer matches
    Column("value", Text),  # JSON: the fields changed or added; merge: the name merged into; block: the code
    Column("surface", Text),  # merge: the name merged away; block: the form that must not resolve
    Column("scope", String(10)),  # block: document | site | everywhere
    Column("site", String(200)),  # block within a site: its publisher or host
    Column("who", String(100), nullable=False),
    Column("why", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_corrections_doc_key", "doc_key"),
)
