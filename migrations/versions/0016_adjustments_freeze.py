"""adjustment_requests and frozen members: staff adjust points, large ones wait for a second
administrator; a member can be frozen with a reason

Every adjustment made in the console is a row of adjustment_requests: one at or below the
approval limit is approved as it is made, a larger one waits (pending) until another
administrator approves or rejects it. `form_token` makes a resubmitted form post once.

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "adjustment_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("ledger_entries.id"), nullable=True),
        sa.Column("form_token", sa.String(length=64), nullable=False, unique=True),
        sa.CheckConstraint("points <> 0", name="adjustment_not_zero"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')",
                           name="adjustment_status_known"),
    )
    op.create_index("ix_adjustment_requests_status", "adjustment_requests",
                    ["status", "requested_at"])
    op.create_index("ix_adjustment_requests_member_id", "adjustment_requests", ["member_id"])
    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(sa.Column("frozen_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("frozen_reason", sa.String(length=200), nullable=False,
                                      server_default=""))


def downgrade():
    op.drop_index("ix_adjustment_requests_member_id", table_name="adjustment_requests")
    op.drop_index("ix_adjustment_requests_status", table_name="adjustment_requests")
    op.drop_table("adjustment_requests")
    # Dropped in place (SQLite 3.35+ and PostgreSQL): copying the members table, as a batch
    # would on SQLite, cannot drop it while the ledger and orders refer to its rows.
    op.drop_column("members", "frozen_reason")
    op.drop_column("members", "frozen_at")
