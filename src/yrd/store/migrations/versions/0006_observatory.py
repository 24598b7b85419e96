"""the observatory: sources and the items they listed, watchlists and their alerts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2000), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(10)),
        sa.Column("link_pattern", sa.Text),
        sa.Column("every_seconds", sa.Integer, nullable=False),
        sa.Column("allow_private", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("etag", sa.String(400)),
        sa.Column("last_modified", sa.String(100)),
        sa.Column("last_polled_at", sa.DateTime),
        sa.Column("last_success_at", sa.DateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", sa.DateTime),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_due_at", sa.DateTime),
        sa.Column("items_seen", sa.Integer, nullable=False, server_default="0"),
        sa.Column("items_stored", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "source_items",
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("seen_at", sa.DateTime, nullable=False),
        sa.Column("doc_id", sa.String(40)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_source_items_seen_at", "source_items", ["seen_at"])
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("place", sa.String(6)),
        sa.Column("event_type", sa.String(20)),
        sa.Column("query", sa.Text),
        sa.Column("org", sa.Text),
        sa.Column("kind", sa.String(20)),
        sa.Column("webhook", sa.Text),
        sa.Column("email", sa.Text),
        sa.Column("file", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("checked_at", sa.DateTime),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("watchlist_id", sa.Integer, sa.ForeignKey("watchlists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fact_key", sa.String(120), nullable=False),
        sa.Column("doc_id", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("delivered_at", sa.DateTime),
        sa.Column("error", sa.Text),
        sa.UniqueConstraint("watchlist_id", "fact_key", name="uq_alerts_watchlist_fact"),
    )
    op.create_index("ix_alerts_watchlist_created", "alerts", ["watchlist_id", "created_at"])


def downgrade() -> None:
    for table in ("alerts", "watchlists", "source_items", "sources"):
        op.drop_table(table)
