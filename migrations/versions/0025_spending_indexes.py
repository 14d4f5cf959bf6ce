"""Indexes the write path reads: a member's live lots in spending order, their qualifying
entries read from the index alone, their unpaid orders and their orders of one item

Revision ID: 0025
Revises: 0022
"""
from alembic import op
from sqlalchemy import text

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

LIVE = "remaining > 0"


def upgrade():
    op.create_index("ix_point_lots_live", "point_lots",
                    ["member_id", "expires_at", "earned_at", "id"],
                    sqlite_where=text(LIVE), postgresql_where=text(LIVE))
    op.create_index("ix_ledger_entries_member_qualifying", "ledger_entries",
                    ["member_id", "created_at", "kind", "points"])
    op.drop_index("ix_ledger_entries_member_created", table_name="ledger_entries")
    op.create_index("ix_orders_member_status", "orders", ["member_id", "status", "pay_by"])
    op.create_index("ix_orders_member_item", "orders", ["member_id", "item_id", "status"])


def downgrade():
    op.drop_index("ix_orders_member_item", table_name="orders")
    op.drop_index("ix_orders_member_status", table_name="orders")
    op.create_index("ix_ledger_entries_member_created", "ledger_entries",
                    ["member_id", "created_at"])
    op.drop_index("ix_ledger_entries_member_qualifying", table_name="ledger_entries")
    op.drop_index("ix_point_lots_live", table_name="point_lots")
