"""an index on documents (canonical, ingested_at): what arrived since a time (the digest, the dashboard's "what
is new", /api/documents?since=) is a range on it, and its count reads the index alone. (On ingested_at alone,
SQLite's planner preferred (canonical, num) and scanned every document: 200 ms at 210,000 documents, 0.3 ms now.)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_canonical_ingested_at", "documents", ["canonical", "ingested_at"])


def downgrade() -> None:
    op.drop_index("ix_documents_canonical_ingested_at", table_name="documents")
