"""Cost control: an item's cost to the brand and its quota, an order's cost, an item's
scheduled price steps, and the yearly redemption-cost budget

Revision ID: 0024
Revises: 0022
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("items") as batch_op:
        batch_op.add_column(sa.Column("cost_fen", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("quota", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quota_period", sa.String(8), nullable=False,
                                      server_default="month"))
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("cost_fen", sa.Integer(), nullable=False,
                                      server_default="0"))
    op.create_table(
        "item_price_steps",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id"), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("points_price", sa.Integer(), nullable=False),
        sa.Column("cash_fen", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("item_id", "starts_at", name="uq_item_price_steps_at"),
    )
    op.create_index("ix_item_price_steps_item_id", "item_price_steps", ["item_id"])
    op.create_table(
        "cost_budgets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("set_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_cost_budgets_year", "cost_budgets", ["year"])


def downgrade():
    op.drop_index("ix_cost_budgets_year", table_name="cost_budgets")
    op.drop_table("cost_budgets")
    op.drop_index("ix_item_price_steps_item_id", table_name="item_price_steps")
    op.drop_table("item_price_steps")
    # Dropped in place (SQLite 3.35+ and PostgreSQL): copying these tables, as a batch would
    # on SQLite, cannot drop them while other tables refer to their rows.
    op.drop_column("orders", "cost_fen")
    for column in ("quota_period", "quota", "cost_fen"):
        op.drop_column("items", column)
