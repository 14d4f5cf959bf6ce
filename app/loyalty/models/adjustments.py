"""Adjustments staff make to a member's points, and the second look large ones wait for."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from .members import Member
from .staff import Staff
from .types import UTCDateTime, utcnow

AWAITING, APPROVED, REJECTED = "pending", "approved", "rejected"
ADJUSTMENT_STATUSES = (AWAITING, APPROVED, REJECTED)


class AdjustmentRequest(db.Model):
    """An adjustment (+ or -) with its reason: approved as it is made up to the program's
    approval limit, above it pending until a second administrator decides, once."""

    __tablename__ = "adjustment_requests"
    __table_args__ = (
        CheckConstraint("points <> 0", name="adjustment_not_zero"),
        CheckConstraint("status IN ('pending', 'approved', 'rejected')",
                        name="adjustment_status_known"),
        Index("ix_adjustment_requests_status", "status", "requested_at"),
        Index("ix_adjustment_requests_member_id", "member_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    points: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    # The adjust form's one-time token: a resubmitted form finds its first request.
    form_token: Mapped[str] = mapped_column(String(64), unique=True)

    member: Mapped[Member] = relationship(lazy="joined")
    requested_by: Mapped[Staff] = relationship(foreign_keys=[requested_by_id], lazy="joined")
    decided_by: Mapped[Staff | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
