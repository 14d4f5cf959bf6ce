"""members.pin_hash, pin_failures, pin_locked_until: the PIN members sign in with at a
store kiosk, and its lock after too many wrong tries

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("members") as batch_op:
        batch_op.add_column(sa.Column("pin_hash", sa.String(255), nullable=True))
        batch_op.add_column(sa.Column("pin_failures", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("pin_locked_until", sa.DateTime(), nullable=True))


def downgrade():
    # Dropped in place (SQLite 3.35+ and PostgreSQL): copying the members table, as a batch
    # would on SQLite, cannot drop it while the ledger and orders refer to its rows.
    op.drop_column("members", "pin_locked_until")
    op.drop_column("members", "pin_failures")
    op.drop_column("members", "pin_hash")
