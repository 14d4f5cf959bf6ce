"""The price steps not yet written onto their items, by the moment they start: a page asks
whether any is due before it shows prices

Revision ID: 0026
Revises: 0025
"""
from alembic import op
from sqlalchemy import text

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

NOT_WRITTEN = "applied_at IS NULL"


def upgrade():
    op.create_index("ix_item_price_steps_due", "item_price_steps", ["starts_at"],
                    sqlite_where=text(NOT_WRITTEN), postgresql_where=text(NOT_WRITTEN))


def downgrade():
    op.drop_index("ix_item_price_steps_due", table_name="item_price_steps")
