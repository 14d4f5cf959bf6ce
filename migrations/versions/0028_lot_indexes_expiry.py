"""point_lots: the reports read live points by expiry from a partial index, and lapsed lots'
points from one without `remaining`; the live lots' index carries `remaining`, so that the
expiry job and a debit read it from the index alone

Revision ID: 0028
Revises: 0027
"""
from alembic import op
from sqlalchemy import text

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

LIVE = "remaining > 0"


def upgrade():
    op.drop_index("ix_point_lots_expiry", table_name="point_lots")
    op.create_index("ix_point_lots_expiry_points", "point_lots", ["expires_at", "points"])
    op.create_index("ix_point_lots_live_expiry", "point_lots",
                    ["expires_at", "member_id", "remaining"],
                    sqlite_where=text(LIVE), postgresql_where=text(LIVE))
    op.drop_index("ix_point_lots_live", table_name="point_lots")
    op.create_index("ix_point_lots_live", "point_lots",
                    ["member_id", "expires_at", "earned_at", "id", "remaining"],
                    sqlite_where=text(LIVE), postgresql_where=text(LIVE))


def downgrade():
    op.drop_index("ix_point_lots_live", table_name="point_lots")
    op.create_index("ix_point_lots_live", "point_lots",
                    ["member_id", "expires_at", "earned_at", "id"],
                    sqlite_where=text(LIVE), postgresql_where=text(LIVE))
    op.drop_index("ix_point_lots_live_expiry", table_name="point_lots")
    op.drop_index("ix_point_lots_expiry_points", table_name="point_lots")
    op.create_index("ix_point_lots_expiry", "point_lots", ["expires_at", "remaining", "points"])
