"""Cash: every movement of a member's money, captured or refunded, with the provider's
reference. A capture is written when a provider reports a payment; a refund is written in
the same transaction as what caused it, then sent to the provider after commit."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow

CAPTURED, REFUND = "captured", "refund"
REQUESTED, REFUNDED = "requested", "refunded"


class CashMovement(db.Model):
    """One movement of cash for an order. Captures are recorded once per provider
    reference; a refund carries our own refund id, which the provider is idempotent on."""

    __tablename__ = "cash_movements"
    __table_args__ = (
        UniqueConstraint("provider", "reference"),
        CheckConstraint("amount_fen > 0", name="cash_amount_positive"),
        Index("ix_cash_movements_pending", "status", "next_attempt_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int]
    provider: Mapped[str] = mapped_column(String(20))
    # The provider's reference: of the payment for a capture, of the refund once it is done.
    reference: Mapped[str | None] = mapped_column(String(64))
    # Refunds only: our id for the refund, and the capture it gives back.
    refund_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    refund_of_id: Mapped[int | None] = mapped_column(ForeignKey("cash_movements.id"),
                                                     unique=True)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while a sender has the refund in hand; the provider is called outside any
    # database transaction.
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
