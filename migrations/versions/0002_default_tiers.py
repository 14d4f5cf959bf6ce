"""default tiers: Silver, Gold, Platinum

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

tiers = sa.table("tiers", sa.column("code", sa.String), sa.column("name", sa.String),
                 sa.column("name_en", sa.String), sa.column("rank", sa.Integer),
                 sa.column("threshold", sa.Integer), sa.column("multiplier_pct", sa.Integer))


def upgrade():
    op.bulk_insert(tiers, [
        {"code": "silver", "name": "银卡", "name_en": "Silver", "rank": 1, "threshold": 0,
         "multiplier_pct": 100},
        {"code": "gold", "name": "金卡", "name_en": "Gold", "rank": 2, "threshold": 2000,
         "multiplier_pct": 150},
        {"code": "platinum", "name": "白金卡", "name_en": "Platinum", "rank": 3,
         "threshold": 8000, "multiplier_pct": 200},
    ])


def downgrade():
    op.execute(tiers.delete())
