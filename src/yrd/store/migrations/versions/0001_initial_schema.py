"""initial schema: documents, facts, entities, links, near-duplicate bands and the full-text index

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=700), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('source_path', sa.Text(), nullable=True),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('published_at', sa.String(length=40), nullable=True),
    sa.Column('published_date', sa.Date(), nullable=True),
    sa.Column('script', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('original_text', sa.Text(), nullable=True),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('encoding', sa.String(length=80), nullable=True),
    sa.Column('duplicate_of', sa.String(length=40), nullable=True),
    sa.Column('similarity', sa.Float(), nullable=True),
    sa.Column('factsheet', sa.Text(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_duplicate_of'), ['duplicate_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_is_current'), ['is_current'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_published_date'), ['published_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_publisher'), ['publisher'], unique=False)

    op.create_table('entities',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('subkind', sa.String(length=200), nullable=True),
    sa.Column('code', sa.String(length=16), nullable=True),
    sa.Column('parent', sa.String(length=16), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('aliases', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'key', name='uq_entities_kind_key')
    )
    op.create_table('ingest_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('command', sa.Text(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('facts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('doc_id', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=True),
    sa.Column('code', sa.String(length=16), nullable=True),
    sa.Column('event_type', sa.String(length=16), nullable=True),
    sa.Column('date', sa.String(length=20), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(length=24), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facts_doc_id'), ['doc_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_facts_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index('ix_facts_kind_code', ['kind', 'code'], unique=False)
        batch_op.create_index('ix_facts_kind_label', ['kind', 'label'], unique=False)
        batch_op.create_index('ix_facts_kind_type', ['kind', 'event_type'], unique=False)

    op.create_table('lsh_bands',
    sa.Column('band', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.BigInteger(), nullable=False),
    sa.Column('doc_id', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('band', 'bucket', 'doc_id')
    )
    with op.batch_alter_table('lsh_bands', schema=None) as batch_op:
        batch_op.create_index('ix_lsh_bands_bucket', ['bucket'], unique=False)

    op.create_table('minhash',
    sa.Column('doc_id', sa.String(length=40), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_id')
    )
    op.create_table('search_terms',
    sa.Column('doc_id', sa.String(length=40), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_id')
    )
    op.create_table('links',
    sa.Column('fact_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], ),
    sa.ForeignKeyConstraint(['fact_id'], ['facts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('fact_id', 'entity_id', 'role')
    )
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.create_index('ix_links_entity', ['entity_id', 'role'], unique=False)

    _create_fulltext()


def _create_fulltext() -> None:
    """Bigram full-text index: FTS5 on SQLite, a tsvector with GIN on PostgreSQL (same tokens, same matches)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(terms, content='search_terms', content_rowid='rowid', "
                   "tokenize='unicode61 remove_diacritics 0')")
        op.execute("CREATE TRIGGER search_terms_ai AFTER INSERT ON search_terms BEGIN "
                   "INSERT INTO search_fts(rowid, terms) VALUES (new.rowid, new.terms); END")
        op.execute("CREATE TRIGGER search_terms_ad AFTER DELETE ON search_terms BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.rowid, old.terms); END")
        op.execute("CREATE TRIGGER search_terms_au AFTER UPDATE ON search_terms BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, terms) VALUES ('delete', old.rowid, old.terms); "
                   "INSERT INTO search_fts(rowid, terms) VALUES (new.rowid, new.terms); END")
    elif bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE search_terms ADD COLUMN tsv tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED")
        op.execute("CREATE INDEX ix_search_terms_tsv ON search_terms USING GIN (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    with op.batch_alter_table('links', schema=None) as batch_op:
        batch_op.drop_index('ix_links_entity')

    op.drop_table('links')
    op.drop_table('search_terms')
    op.drop_table('minhash')
    with op.batch_alter_table('lsh_bands', schema=None) as batch_op:
        batch_op.drop_index('ix_lsh_bands_bucket')

    op.drop_table('lsh_bands')
    with op.batch_alter_table('facts', schema=None) as batch_op:
        batch_op.drop_index('ix_facts_kind_type')
        batch_op.drop_index('ix_facts_kind_label')
        batch_op.drop_index('ix_facts_kind_code')
        batch_op.drop_index(batch_op.f('ix_facts_entity_id'))
        batch_op.drop_index(batch_op.f('ix_facts_doc_id'))

    op.drop_table('facts')
    op.drop_table('ingest_log')
    op.drop_table('entities')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_publisher'))
        batch_op.drop_index(batch_op.f('ix_documents_published_date'))
        batch_op.drop_index(batch_op.f('ix_documents_key'))
        batch_op.drop_index(batch_op.f('ix_documents_is_current'))
        batch_op.drop_index(batch_op.f('ix_documents_duplicate_of'))

    op.drop_table('documents')
