"""Orders: what a member redeemed and where it stands."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from .catalog import Item
from .types import UTCDateTime, utcnow

AWAITING_PAYMENT, CONFIRMED, FULFILLED, CANCELLED, LAPSED = (
    "awaiting_payment", "confirmed", "fulfilled", "cancelled", "lapsed")
OPEN_STATUSES = (AWAITING_PAYMENT, CONFIRMED)
COUNTED_STATUSES = (AWAITING_PAYMENT, CONFIRMED, FULFILLED)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("member_id", "idempotency_key"),
                      Index("ix_orders_created", "created_at"),  # reports by period
                      # A redemption lapses the member's overdue unpaid orders and counts
                      # their orders of a limited item, whatever their history's length.
                      Index("ix_orders_member_status", "member_id", "status", "pay_by"),
                      Index("ix_orders_member_item", "member_id", "item_id", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    quantity: Mapped[int] = mapped_column(default=1)
    points: Mapped[int]
    cash_fen: Mapped[int] = mapped_column(default=0)
    # The item's cost to the brand when the order was placed, times the quantity.
    cost_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    redeem_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"))
    coupon_code: Mapped[str | None] = mapped_column(String(24))
    pay_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the item was handed over at the counter, or the coupon code first shown.
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who handed the item over at the counter, and at which store (none for an administrator).
    handed_over_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    handed_over_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    # Why staff cancelled the order; the member reads it on the order.
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship(lazy="joined")
    handed_over_staff: Mapped["Staff | None"] = relationship()  # noqa: F821
    handed_over_store: Mapped["Store | None"] = relationship()  # noqa: F821
