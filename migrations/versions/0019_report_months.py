"""report_months: each closed local month's points by kind and source, written once by the
report job, so the reports page reads only the open months from the ledger

Revision ID: 0019
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None

SUMS = ("earned", "purchased", "campaign_bonus", "adjusted_up", "adjusted_down", "redeemed",
        "returned", "clawed_back")


def upgrade():
    op.create_table(
        "report_months",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        *[sa.Column(name, sa.BigInteger(), nullable=False) for name in SUMS],
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("timezone", "month", name="uq_report_months_zone_month"),
    )


def downgrade():
    op.drop_table("report_months")
