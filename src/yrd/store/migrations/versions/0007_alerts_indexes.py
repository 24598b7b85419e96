"""alerts: documents by the time they were stored, and the alerts still to deliver

A watchlist looks at the documents ingested after it was last checked: without an index on ``ingested_at`` that
is a scan of every document on each check. The undelivered alerts are few; a partial index finds them at once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_ingested_at", "documents", ["ingested_at"])
    op.create_index("ix_alerts_undelivered", "alerts", ["id"], sqlite_where=sa.text("delivered_at IS NULL"),
                    postgresql_where=sa.text("delivered_at IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_alerts_undelivered", "alerts")
    op.drop_index("ix_documents_ingested_at", "documents")
