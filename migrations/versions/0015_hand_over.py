"""orders: who handed an item over and at which store, and why staff cancelled an order

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("handed_over_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("handed_over_store_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key("fk_orders_handed_over_by", "staff",
                                    ["handed_over_by"], ["id"])
        batch_op.create_foreign_key("fk_orders_handed_over_store", "stores",
                                    ["handed_over_store_id"], ["id"])


def downgrade():
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_constraint("fk_orders_handed_over_store", type_="foreignkey")
        batch_op.drop_constraint("fk_orders_handed_over_by", type_="foreignkey")
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("handed_over_store_id")
        batch_op.drop_column("handed_over_by")
