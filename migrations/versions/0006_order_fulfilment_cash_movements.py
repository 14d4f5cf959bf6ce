"""orders.fulfilled_at and cash_movements: fulfilment, and a record of every cash movement

Revision ID: 0006
Revises: 0005
Orders already fulfilled take their closing time as the time they were fulfilled. Orders
already paid get the capture that paid them, under the reference the sandbox (the only
provider so far) gives a payment, so that cancelling one refunds its cash.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("fulfilled_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE orders SET fulfilled_at = COALESCE(closed_at, created_at) "
               "WHERE status = 'fulfilled'")

    op.create_table(
        "cash_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("refund_id", sa.String(length=40), nullable=True),
        sa.Column("refund_of_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("amount_fen > 0", name="cash_amount_positive"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["refund_of_id"], ["cash_movements.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "reference"),
        sa.UniqueConstraint("refund_id"),
        sa.UniqueConstraint("refund_of_id"),
    )
    with op.batch_alter_table("cash_movements") as batch_op:
        batch_op.create_index("ix_cash_movements_order_id", ["order_id"], unique=False)
        batch_op.create_index("ix_cash_movements_pending", ["status", "next_attempt_at"],
                              unique=False)

    op.execute(
        "INSERT INTO cash_movements (order_id, kind, amount_fen, provider, reference, status, "
        "attempts, last_error, created_at, done_at) "
        "SELECT id, 'captured', cash_fen, 'sandbox', 'SBX-P-' || code, 'captured', 0, '', "
        "paid_at, paid_at FROM orders WHERE paid_at IS NOT NULL AND cash_fen > 0")


def downgrade():
    with op.batch_alter_table("cash_movements") as batch_op:
        batch_op.drop_index("ix_cash_movements_pending")
        batch_op.drop_index("ix_cash_movements_order_id")
    op.drop_table("cash_movements")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("fulfilled_at")
