"""no overloaded fact columns: an event's or relation's ``type`` (was ``event_type``), a target's ``deadline``

``facts.event_type`` held a relation's type too; it becomes ``type`` (the type of the fact within its kind).
A target's deadline year was kept in ``date`` as text; it moves to its own integer column ``deadline``, and
``date`` is an event's date only. The partial indexes follow.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_facts_event_type_day")
    op.execute("DROP INDEX IF EXISTS ix_facts_target")
    op.execute('ALTER TABLE facts RENAME COLUMN event_type TO "type"')
    op.execute("ALTER TABLE facts ADD COLUMN deadline INTEGER")
    op.execute("UPDATE facts SET deadline = CAST(date AS INTEGER), date = NULL WHERE kind = 'target' AND date IS NOT NULL")
    op.execute("CREATE INDEX ix_facts_event_type_day ON facts (\"type\", day) WHERE kind = 'event'")
    op.execute("CREATE INDEX ix_facts_target ON facts (deadline, label) WHERE kind = 'target'")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_facts_event_type_day")
    op.execute("DROP INDEX IF EXISTS ix_facts_target")
    op.execute("UPDATE facts SET date = CAST(deadline AS TEXT) WHERE kind = 'target' AND deadline IS NOT NULL")
    op.execute("ALTER TABLE facts DROP COLUMN deadline")
    op.execute('ALTER TABLE facts RENAME COLUMN "type" TO event_type')
    op.execute("CREATE INDEX ix_facts_event_type_day ON facts (event_type, day) WHERE kind = 'event'")
    op.execute("CREATE INDEX ix_facts_target ON facts (date, label) WHERE kind = 'target'")
