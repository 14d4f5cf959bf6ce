"""Indexes the liability reports read: a month's sum of one kind of ledger entry, lots by
expiry, purchases that earned a bonus, orders by when they were placed

Revision ID: 0014
Revises: 0013
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_ledger_entries_kind_created", "ledger_entries",
                    ["kind", "created_at", "ref_type", "points"])
    op.create_index("ix_point_lots_expiry", "point_lots", ["expires_at", "remaining", "points"])
    op.create_index("ix_purchases_bonus", "purchases", ["multiplier_pct", "entry_id"])
    op.create_index("ix_orders_created", "orders", ["created_at"])


def downgrade():
    op.drop_index("ix_orders_created", table_name="orders")
    op.drop_index("ix_purchases_bonus", table_name="purchases")
    op.drop_index("ix_point_lots_expiry", table_name="point_lots")
    op.drop_index("ix_ledger_entries_kind_created", table_name="ledger_entries")
