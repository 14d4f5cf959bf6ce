"""Stock: every change of an item's stock, and the pools of codes coupon items hand out."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow

# Why stock moved: staff restocked or corrected it, a redemption took it, a cancelled or
# lapsed order returned it, codes were added to a coupon item's pool, or the item was listed.
RESTOCK, CORRECTION, REDEMPTION, RETURNED, CODES_ADDED, OPENING = (
    "restock", "correction", "redemption", "returned", "codes_added", "opening")
STOCK_REASONS = (RESTOCK, CORRECTION, REDEMPTION, RETURNED, CODES_ADDED, OPENING)
CODE_MAX_LENGTH = 24  # orders.coupon_code holds the code a member is given


class StockMovement(db.Model):
    """One change of an item's stock, written in the same transaction as the change.
    An item with limited stock holds exactly the sum of its movements."""

    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_item_id", "item_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    change: Mapped[int]
    reason: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    staff_id: Mapped[int | None]  # who on the staff made it; none for members' orders
    note: Mapped[str] = mapped_column(String(200), default="")
    stock_after: Mapped[int | None]  # None: the item became unlimited
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CouponCode(db.Model):
    """A partner's code in a coupon item's pool: unused until an order takes it. A code is
    unique across all items, so that no code is ever handed out for two items."""

    __tablename__ = "coupon_codes"
    __table_args__ = (Index("ix_coupon_codes_item_unused", "item_id", "order_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    code: Mapped[str] = mapped_column(String(CODE_MAX_LENGTH), unique=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
