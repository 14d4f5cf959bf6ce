"""stock_movements and coupon_codes: every change of stock recorded, coupon codes in pools

Every item with limited stock is given an `opening` movement of the stock it holds, so that
its stock is the sum of its movements from here on. A coupon item hands out codes from its
pool, and its stock is the number of unused codes: with an empty pool it is sold out until
codes are added.

Revision ID: 0013
Revises: 0012
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

items = sa.table("items", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                 sa.column("stock", sa.Integer))


def upgrade():
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id"), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("stock_after", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_stock_movements_item_id", "stock_movements", ["item_id", "id"])
    op.create_table(
        "coupon_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id"), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False, unique=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), nullable=True),
    )
    op.create_index("ix_coupon_codes_item_unused", "coupon_codes",
                    ["item_id", "order_id", "id"])

    bind = op.get_bind()
    bind.execute(items.update().where(items.c.kind == "coupon").values(stock=0))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    limited = bind.execute(sa.select(items.c.id, items.c.stock)
                           .where(items.c.stock.is_not(None)).order_by(items.c.id)).all()
    movements = sa.table("stock_movements", *(sa.column(name) for name in (
        "item_id", "change", "reason", "note", "stock_after", "created_at")))
    if limited:
        bind.execute(movements.insert(), [
            {"item_id": item_id, "change": stock, "reason": "opening", "note": "",
             "stock_after": stock, "created_at": now} for item_id, stock in limited])


def downgrade():
    op.drop_index("ix_coupon_codes_item_unused", table_name="coupon_codes")
    op.drop_table("coupon_codes")
    op.drop_index("ix_stock_movements_item_id", table_name="stock_movements")
    op.drop_table("stock_movements")
