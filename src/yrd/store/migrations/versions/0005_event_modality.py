"""an event's modality (happened, planned, quoted): the timeline shows what happened by default

Events stored before were all told as happened (the first extractors dropped plans): NULL reads as happened.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE facts ADD COLUMN modality VARCHAR(10)")


def downgrade() -> None:
    op.execute("ALTER TABLE facts DROP COLUMN modality")
