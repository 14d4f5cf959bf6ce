"""ledger_day_totals: a member's entries of one kind on one UTC day, summed, kept in the same
transaction as the entries, so that the qualifying points of a rolling year read a row a day
and not every entry

Revision ID: 0031
Revises: 0030
"""
import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

# The UTC date of an entry: created_at is stored as naive UTC, as text on SQLite.
DAY = {"sqlite": "date(created_at)", "postgresql": "CAST(created_at AS DATE)"}


def upgrade():
    op.create_table(
        "ledger_day_totals",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.PrimaryKeyConstraint("member_id", "day", "kind"),
        sqlite_with_rowid=False,
    )
    day = DAY[op.get_bind().dialect.name]
    op.execute(f"INSERT INTO ledger_day_totals (member_id, day, kind, points) "
               f"SELECT member_id, {day}, kind, sum(points) FROM ledger_entries "
               f"GROUP BY member_id, {day}, kind")


def downgrade():
    op.drop_table("ledger_day_totals")
