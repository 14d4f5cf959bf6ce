"""ledger_entries.kind: points coming back from an order are "return", not "refund"

"refund" is the till's refund of a purchase (purchase_refunds), which takes points away;
points coming back from a cancelled or lapsed order are a return. The column is a plain
string with no CHECK constraint or enum, so only the stored values change. The program's
QUALIFYING_KINDS setting still reads "refund" as "return".

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_entries = sa.table("ledger_entries", sa.column("kind", sa.String(12)))


def _rename(old: str, new: str) -> None:
    op.execute(_entries.update().where(_entries.c.kind == old).values(kind=new))


def upgrade():
    _rename("refund", "return")


def downgrade():
    _rename("return", "refund")
