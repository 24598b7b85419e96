"""corrections: an analyst's decisions about facts (reject, change, add, merge, block), who, when, why

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("doc_key", sa.String(700)),
        sa.Column("doc_id", sa.String(40)),
        sa.Column("kind", sa.String(20)),
        sa.Column("start", sa.Integer),
        sa.Column("end", sa.Integer),
        sa.Column("text", sa.Text),
        sa.Column("value", sa.Text),
        sa.Column("surface", sa.Text),
        sa.Column("scope", sa.String(10)),
        sa.Column("site", sa.String(200)),
        sa.Column("who", sa.String(100), nullable=False),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_corrections_doc_key", "corrections", ["doc_key"])


def downgrade() -> None:
    op.drop_table("corrections")
