"""expiring_points: a member's live points by the moment they expire, kept in the same
transaction as the lots, so that the wallet reads a few rows and not every lot

Revision ID: 0030
Revises: 0029
"""
import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "expiring_points",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("member_id", "expires_at"),
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO expiring_points (member_id, expires_at, points) "
               "SELECT member_id, expires_at, sum(remaining) FROM point_lots "
               "WHERE remaining > 0 AND expires_at IS NOT NULL GROUP BY member_id, expires_at")


def downgrade():
    op.drop_table("expiring_points")
