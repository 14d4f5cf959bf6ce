"""The append-only ledger, the lots credits open and the allocations debits draw."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow

# RETURN: points coming back from a cancelled or lapsed order. A purchase refunded at the
# till is a CLAWBACK with ref_type "refund" (see PurchaseRefund).
EARN, REDEEM, RETURN, EXPIRE, ADJUST, CLAWBACK = (
    "earn", "redeem", "return", "expire", "adjust", "clawback")
ENTRY_KINDS = (EARN, REDEEM, RETURN, EXPIRE, ADJUST, CLAWBACK)
LIVE = "remaining > 0"  # a lot with points left, to spend or to expire
# The entry that expired a member's points lapsing at one moment (dated at that moment, no
# lot of its own: its allocations name the lots): one a member a moment. Expire entries
# written one per lot, before, keep their lot_id and stay outside this condition.
LAPSE_ENTRY = "kind = 'expire' AND lot_id IS NULL"


class PointLot(db.Model):
    """Points credited together, spent and expiring together."""

    __tablename__ = "point_lots"
    __table_args__ = (
        Index("ix_point_lots_member_expiry", "member_id", "expires_at"),
        # A debit reads a member's live lots in spending order, only as far as it needs;
        # the expiry skips spent lots; both read `remaining` from the index alone (queries
        # say `remaining > 0` in words, as SQLite matches a partial index only on the same
        # text).
        Index("ix_point_lots_live", "member_id", "expires_at", "earned_at", "id", "remaining",
              sqlite_where=text(LIVE), postgresql_where=text(LIVE)),
        # Reports: live points by expiry, from an index a lot leaves once spent or expired
        # (member_id keeps the lots one expiry batch empties side by side), and lapsed lots'
        # points from one that spending and expiry never touch.
        Index("ix_point_lots_live_expiry", "expires_at", "member_id", "remaining",
              sqlite_where=text(LIVE), postgresql_where=text(LIVE)),
        Index("ix_point_lots_expiry_points", "expires_at", "points"),
        CheckConstraint("remaining >= 0 AND remaining <= points", name="remaining_within_lot"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    points: Mapped[int]
    remaining: Mapped[int]
    earned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExpiringPointsRow(db.Model):
    """A member's expiring points at one moment: the sum of the remainders of their live lots
    that expire then, kept in the same transaction as every change of those lots, so that
    the wallet reads a few rows and not every lot. A row whose moment has passed is never
    read again (lapsed points are read from the lots) and the expiry job removes it."""

    __tablename__ = "expiring_points"
    # On SQLite the rows are stored in the order of their key: one b-tree to write, not a
    # table and its key's index.
    __table_args__ = {"sqlite_with_rowid": False}
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    points: Mapped[int]


class LedgerDayTotal(db.Model):
    """A member's ledger entries of one kind on one UTC day (the date of their created_at),
    summed: kept in the same transaction as every entry, so that a sum over a rolling year
    reads a row a day and kind, not every entry. Every kind is kept, whichever ones qualify."""

    __tablename__ = "ledger_day_totals"
    __table_args__ = {"sqlite_with_rowid": False}  # one b-tree to write, as expiring_points
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    points: Mapped[int]


class LedgerEntry(db.Model):
    """One movement of points. Rows are written once and never changed."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        # Qualifying points of the rolling year, summed from the index alone.
        Index("ix_ledger_entries_member_qualifying", "member_id", "created_at", "kind", "points"),
        Index("ix_ledger_entries_member_id", "member_id", "id"),  # history, newest first
        # Reports: a month's sum of one kind is a range of this index, read alone.
        Index("ix_ledger_entries_kind_created", "kind", "created_at", "ref_type", "points"),
        # A member's points lapsing at one moment expire once: a second expiry job, on this
        # host or another, cannot repeat it; the job finds each lot's entry through it.
        Index("ux_ledger_entries_member_lapse", "member_id", "created_at", unique=True,
              sqlite_where=text(LAPSE_ENTRY), postgresql_where=text(LAPSE_ENTRY)),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(12))
    points: Mapped[int]
    balance_after: Mapped[int]
    detail: Mapped[str] = mapped_column(String(200), default="")
    ref_type: Mapped[str | None] = mapped_column(String(20))
    ref_id: Mapped[str | None] = mapped_column(String(40))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("point_lots.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LotAllocation(db.Model):
    """How much of a lot one entry moved: positive when drawn, negative when returned."""

    __tablename__ = "lot_allocations"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("point_lots.id"), index=True)
    points: Mapped[int]
