"""ledger_entries: one expire entry for a member's points lapsing at one moment, its
allocations naming the lots; a member's moment expires once (was: each lot once)

Revision ID: 0027
Revises: 0026
"""
from alembic import op
from sqlalchemy import text

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# Entries written one per lot keep their lot_id, so they stay outside the new condition.
LAPSE_ENTRY = "kind = 'expire' AND lot_id IS NULL"
LOT_EXPIRY = "kind = 'expire'"


def upgrade():
    op.drop_index("ux_ledger_entries_lot_expiry", table_name="ledger_entries")
    op.create_index("ux_ledger_entries_member_lapse", "ledger_entries",
                    ["member_id", "created_at"], unique=True,
                    sqlite_where=text(LAPSE_ENTRY), postgresql_where=text(LAPSE_ENTRY))


def downgrade():
    op.drop_index("ux_ledger_entries_member_lapse", table_name="ledger_entries")
    op.create_index("ux_ledger_entries_lot_expiry", "ledger_entries", ["lot_id"], unique=True,
                    sqlite_where=text(LOT_EXPIRY), postgresql_where=text(LOT_EXPIRY))
