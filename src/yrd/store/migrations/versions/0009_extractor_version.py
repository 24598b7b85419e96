"""the extractors' version each document's facts come from, so ``yrd reextract`` redoes only older ones

Documents stored before have none (NULL): an older release extracted them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE documents ADD COLUMN extractor VARCHAR(40)")


def downgrade() -> None:
    op.execute("ALTER TABLE documents DROP COLUMN extractor")
