"""Items on show by price: the catalog's count and pages, and home's suggestions nearest a
points figure, read an index in price order instead of every item

Revision ID: 0029
Revises: 0028
"""
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_items_on_show", "items", ["active", "points_price", "id"])


def downgrade():
    op.drop_index("ix_items_on_show", table_name="items")
