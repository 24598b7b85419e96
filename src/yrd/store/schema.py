"""The knowledge base's schema, once, for SQLite and PostgreSQL (SQLAlchemy Core).

Documents keep their full fact sheet; every fact is also a row of ``facts``
with its evidence span, so questions across articles are SQL. Entities
(places by code, organisations and projects by normalised name, people by
name) link the facts of many documents. Search and near-duplicate detection
have their own tables (``minhash``, ``lsh_bands``; the full-text index is
created per dialect by the migration).
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String,
    Table, Text, UniqueConstraint,
)

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", String(40), primary_key=True),
    Column("key", String(700), nullable=False, index=True),  # identity across versions: URL, else path#part
    Column("version", Integer, nullable=False, default=1),
    Column("is_current", Boolean, nullable=False, default=True, index=True),
    Column("source_path", Text),
    Column("source_url", Text),
    Column("format", String(16), nullable=False),
    Column("publisher", String(200), index=True),
    Column("author", String(200)),
    Column("title", Text, nullable=False),
    Column("published_at", String(40)),
    Column("published_date", Date, index=True),
    Column("script", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("original_text", Text),  # only when it differs from text (traditional originals)
    Column("raw", LargeBinary),  # zlib-compressed bytes of the input
    Column("encoding", String(80)),
    Column("duplicate_of", String(40), index=True),
    Column("similarity", Float),  # to the canonical document, for duplicates
    Column("factsheet", Text, nullable=False),  # JSON, FACTSHEET.md shape
    Column("ingested_at", DateTime, nullable=False),
)

facts = Table(
    "facts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # place, person, organization, amount, target, event, relation
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),  # the evidence: doc.text[start:end]
    Column("label", String(300)),  # name, event type, target metric …
    Column("code", String(16)),  # adcode of a place
    Column("event_type", String(16)),
    Column("date", String(20)),  # event date or target deadline (ISO, at its precision)
    Column("value", Float),
    Column("unit", String(24)),
    Column("entity_id", Integer, ForeignKey("entities.id"), index=True),
    Column("data", Text, nullable=False),  # the fact as in the fact sheet (JSON)
    Index("ix_facts_kind_label", "kind", "label"),
    Index("ix_facts_kind_code", "kind", "code"),
    Index("ix_facts_kind_type", "kind", "event_type"),
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
    Column("aliases", Text, nullable=False, default="[]"),  # JSON list of other names seen
    UniqueConstraint("kind", "key", name="uq_entities_kind_key"),
)

links = Table(  # an entity's role in a sentence-level fact: event participant, relation party, target subject, project amount
    "links", metadata,
    Column("fact_id", Integer, ForeignKey("facts.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id"), primary_key=True),
    Column("role", String(16), primary_key=True),
    Index("ix_links_entity", "entity_id", "role"),
)

minhash = Table(
    "minhash", metadata,
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

lsh_bands = Table(
    "lsh_bands", metadata,
    Column("band", Integer, primary_key=True),
    Column("bucket", BigInteger, primary_key=True),
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_lsh_bands_bucket", "bucket"),
)

search_terms = Table(  # the bigram-tokenised title and text the full-text index is built on
    "search_terms", metadata,
    Column("doc_id", String(40), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("terms", Text, nullable=False),
)

ingest_log = Table(
    "ingest_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("command", Text),
    Column("summary", Text),  # JSON: read / new / duplicates / failed by reason
)
