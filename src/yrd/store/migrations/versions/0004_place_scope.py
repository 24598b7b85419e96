"""a place's scope: in the delta (上海, 江苏, 浙江, 安徽 and everything in them), elsewhere in China, or abroad

Every view lists the delta's places by default, with a switch for the rest. Places stored before get their scope
from their code (a unit's adcode, a zone's host county) or their level (countries are abroad); a region without a
code but 长三角 is taken for China's until its documents are read again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_DELTA = "(code LIKE '31%' OR code LIKE '32%' OR code LIKE '33%' OR code LIKE '34%' OR parent LIKE '31%' OR " \
         "parent LIKE '32%' OR parent LIKE '33%' OR parent LIKE '34%')"


def upgrade() -> None:
    op.execute("ALTER TABLE entities ADD COLUMN scope VARCHAR(8)")
    op.execute(f"UPDATE entities SET scope = CASE WHEN subkind = 'foreign' THEN 'foreign' WHEN {_DELTA} THEN 'delta' "
               "WHEN name IN ('长三角', '泛长三角', '皖江城市带') THEN 'delta' ELSE 'china' END WHERE kind = 'place'")
    op.execute("CREATE INDEX ix_entities_kind_scope ON entities (kind, scope)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_entities_kind_scope")
    op.execute("ALTER TABLE entities DROP COLUMN scope")
