"""Where points come from: stores and their API keys, purchases, refunds and campaigns."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from .types import UTCDateTime, utcnow

PENDING, CREDITED = "pending", "credited"
# Held by risk control until a review credits the points, or rejects them.
HELD, WITHHELD = "held", "rejected"


class Store(db.Model):
    """A shop whose tills post purchases to the API."""

    __tablename__ = "stores"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(db.Model):
    """A store's API key. Only a hash is kept; the key itself is shown once."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # finds the row
    key_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    store: Mapped[Store] = relationship(lazy="joined")


class ApiRequest(db.Model):
    """The first answer to an Idempotency-Key, replayed for every retry of it."""

    __tablename__ = "api_requests"
    __table_args__ = (UniqueConstraint("store_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    key: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Purchase(db.Model):
    """A purchase at a till and the points it earned (held as pending until available_at)."""

    __tablename__ = "purchases"
    __table_args__ = (
        UniqueConstraint("store_id", "reference"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen",
                        name="refund_within_amount"),
        CheckConstraint("points_clawed >= 0 AND points_clawed <= points",
                        name="clawback_within_points"),
        Index("ix_purchases_bonus", "multiplier_pct", "entry_id"),  # reports: campaign points
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    reference: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    amount_fen: Mapped[int]
    refunded_fen: Mapped[int] = mapped_column(default=0)
    lines: Mapped[list] = mapped_column(JSON)
    points: Mapped[int]                   # what the purchase earned
    points_clawed: Mapped[int] = mapped_column(default=0)
    multiplier_pct: Mapped[int] = mapped_column(default=100)  # the best bonus that applied
    bonus_points: Mapped[int] = mapped_column(default=0, server_default="0")  # of points, what
    # a campaign or the birthday month added: the reports' campaign points
    status: Mapped[str] = mapped_column(String(12), index=True)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    store: Mapped[Store] = relationship(lazy="joined")


class PurchaseRefund(db.Model):
    """Part or all of a purchase refunded at the till, and the points clawed back for it."""

    __tablename__ = "purchase_refunds"
    __table_args__ = (UniqueConstraint("purchase_id", "reference"),
                      CheckConstraint("amount_fen > 0", name="amount_positive"))
    id: Mapped[int] = mapped_column(primary_key=True)
    purchase_id: Mapped[int] = mapped_column(ForeignKey("purchases.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int]
    points_clawed: Mapped[int]            # taken from the balance now
    points_owed: Mapped[int] = mapped_column(default=0)  # already spent: owed from next earn
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Campaign(db.Model):
    """A bonus multiplier for a time window, for everyone, one tier or one category.
    With `monthly_day` set it runs on that local day of every month inside the window."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("multiplier_pct > 100", name="multiplier_is_a_bonus"),
        CheckConstraint("ends_at > starts_at", name="window_not_empty"),
        CheckConstraint("monthly_day IS NULL OR (monthly_day >= 1 AND monthly_day <= 28)",
                        name="monthly_day_in_every_month"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    multiplier_pct: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    monthly_day: Mapped[int | None]
    tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id"))
    category: Mapped[str | None] = mapped_column(String(40))  # a purchase line's category
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
