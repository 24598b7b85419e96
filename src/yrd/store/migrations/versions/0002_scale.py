"""a store for a million documents: integer document numbers in date order, compact and counted tables

Documents get ``num`` (publication day << 24 | sequence), which facts, links,
signatures, LSH buckets and the full-text index refer to instead of the
40-character id; the fact sheet is stored compressed and without its text; the
full-text index no longer keeps a copy of its terms; LSH buckets and
signatures are half the size (uint32 MinHash, one bucket column); and the
tables the dashboard reads on every request are kept by the writer:
``entities.documents``/``mentions``, ``doc_places``, ``doc_entities``,
``edges``/``edge_docs`` and ``counters``.

An existing store keeps its documents in the old tables (``*_v1`` on SQLite, the
schema ``yrd_v1`` on PostgreSQL); once every migration has run, they are replayed, in
the order they were ingested, through the pipeline's finishing steps and the writer
of the running release (``yrd.upgrade``), and the old tables are dropped: the same
ids, texts, facts and versions; duplicate links are decided again with the new
signatures.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

V1_TABLES = ("documents", "facts", "entities", "links", "minhash", "lsh_bands", "search_terms")
V1_INDEXES = ("ix_documents_duplicate_of", "ix_documents_is_current", "ix_documents_key", "ix_documents_published_date",
              "ix_documents_publisher", "ix_facts_doc_id", "ix_facts_entity_id", "ix_facts_kind_code",
              "ix_facts_kind_label", "ix_facts_kind_type", "ix_lsh_bands_bucket", "ix_links_entity")


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        for stmt in ("DROP TRIGGER IF EXISTS search_terms_ai", "DROP TRIGGER IF EXISTS search_terms_ad",
                     "DROP TRIGGER IF EXISTS search_terms_au", "DROP TABLE IF EXISTS search_fts"):
            op.execute(stmt)
        for name in V1_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        for table in V1_TABLES:
            op.execute(f"ALTER TABLE {table} RENAME TO {table}_v1")
    else:
        op.execute("CREATE SCHEMA yrd_v1")
        for table in V1_TABLES:
            op.execute(f"ALTER TABLE {table} SET SCHEMA yrd_v1")
    _create_tables(sqlite)


def _create_tables(sqlite: bool) -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("num", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("key", sa.String(700), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("canonical", sa.Boolean(), nullable=False),
        sa.Column("source_path", sa.Text()),
        sa.Column("source_url", sa.Text()),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("publisher", sa.String(200)),
        sa.Column("author", sa.String(200)),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", sa.String(40)),
        sa.Column("published_date", sa.Date()),
        sa.Column("script", sa.String(8), nullable=False),
        sa.Column("junk", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("original_text", sa.Text()),
        sa.Column("raw", sa.LargeBinary()),
        sa.Column("encoding", sa.String(80)),
        sa.Column("duplicate_of", sa.String(40)),
        sa.Column("similarity", sa.Float()),
        sa.Column("sheet", sa.LargeBinary(), nullable=False),
        sa.Column("kinds", sa.Integer(), nullable=False),
        sa.Column("event_types", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_documents_key", "documents", ["key"])
    op.create_index("ix_documents_publisher", "documents", ["publisher"])
    op.create_index("ix_documents_published_date", "documents", ["published_date"])
    op.create_index("ix_documents_duplicate_of", "documents", ["duplicate_of"])
    op.create_index("ix_documents_canonical_num", "documents", ["canonical", "num"])
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("subkind", sa.String(200)),
        sa.Column("code", sa.String(16)),
        sa.Column("parent", sa.String(16)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.UniqueConstraint("kind", "key", name="uq_entities_kind_key"),
    )
    op.create_index("ix_entities_kind_documents", "entities", ["kind", "documents"])
    op.create_index("ix_entities_code", "entities", ["code"])
    op.create_table(
        "facts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("doc_num", sa.BigInteger(), sa.ForeignKey("documents.num", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.String(300)),
        sa.Column("code", sa.String(16)),
        sa.Column("event_type", sa.String(16)),
        sa.Column("date", sa.String(20)),
        sa.Column("day", sa.String(20)),
        sa.Column("value", sa.Float()),
        sa.Column("unit", sa.String(24)),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entities.id")),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_index("ix_facts_doc_num", "facts", ["doc_num"])
    op.create_index("ix_facts_entity_doc", "facts", ["entity_id", "doc_num"])
    for name, cols, kind in (("ix_facts_event_day", ["day"], "event"), ("ix_facts_event_type_day", ["event_type", "day"], "event"),
                             ("ix_facts_target", ["date", "label"], "target"), ("ix_facts_relation_doc", ["doc_num"], "relation")):
        where = sa.text(f"kind = '{kind}'")
        op.create_index(name, "facts", cols, sqlite_where=where, postgresql_where=where)
    op.create_table(
        "links",
        sa.Column("fact_id", sa.Integer(), sa.ForeignKey("facts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entities.id"), primary_key=True),
        sa.Column("role", sa.String(16), primary_key=True),
        sa.Column("doc_num", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.String(20)),
    )
    op.create_index("ix_links_entity_day", "links", ["entity_id", "day", "fact_id"])
    op.create_index("ix_links_doc", "links", ["doc_num"])
    op.create_table(
        "minhash",
        sa.Column("doc_num", sa.BigInteger(), sa.ForeignKey("documents.num", ondelete="CASCADE"), primary_key=True),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
    )
    op.create_table("lsh_bands", sa.Column("bucket", sa.BigInteger(), primary_key=True),
                    sa.Column("doc_num", sa.BigInteger(), primary_key=True), sqlite_with_rowid=False)
    op.create_table("doc_places", sa.Column("code", sa.String(16), primary_key=True),
                    sa.Column("doc_num", sa.BigInteger(), primary_key=True), sqlite_with_rowid=False)
    op.create_table("doc_entities", sa.Column("entity_id", sa.Integer(), primary_key=True),
                    sa.Column("doc_num", sa.BigInteger(), primary_key=True), sqlite_with_rowid=False)
    op.create_table(
        "edges",
        sa.Column("a", sa.Integer(), primary_key=True),
        sa.Column("b", sa.Integer(), primary_key=True),
        sa.Column("type", sa.String(16), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_date", sa.String(40)),
        sa.Column("topics", sa.Text(), nullable=False),
    )
    op.create_index("ix_edges_type_count", "edges", ["type", "count"])
    op.create_table(
        "edge_docs",
        sa.Column("a", sa.Integer(), primary_key=True),
        sa.Column("b", sa.Integer(), primary_key=True),
        sa.Column("type", sa.String(16), primary_key=True),
        sa.Column("doc_num", sa.BigInteger(), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_edge_docs_doc", "edge_docs", ["doc_num"])
    op.create_table("counters", sa.Column("name", sa.String(250), primary_key=True),
                    sa.Column("value", sa.BigInteger(), nullable=False))
    if sqlite:
        # contentless: the index alone, keyed by documents.num (the terms are made again from the text when needed)
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(terms, content='', "
                   "tokenize='unicode61 remove_diacritics 0')")
    else:
        op.create_table("search_index", sa.Column("doc_num", sa.BigInteger(),
                                                  sa.ForeignKey("documents.num", ondelete="CASCADE"), primary_key=True))
        op.execute("ALTER TABLE search_index ADD COLUMN tsv tsvector NOT NULL")
        op.execute("CREATE INDEX ix_search_index_tsv ON search_index USING GIN (tsv)")


def downgrade() -> None:
    raise NotImplementedError("0002 converts the store in place; restore a backup to go back to 0001")
