"""Cost control: an item's scheduled price steps and the yearly redemption-cost budget."""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow


class ItemPriceStep(db.Model):
    """From `starts_at` on, the item costs `points_price` (plus `cash_fen`). The step is
    written onto the item when its time comes (`applied_at`); orders keep their own price."""

    __tablename__ = "item_price_steps"
    __table_args__ = (
        UniqueConstraint("item_id", "starts_at", name="uq_item_price_steps_at"),
        # Whether any step is due, asked before a page shows prices.
        Index("ix_item_price_steps_due", "starts_at", sqlite_where=text("applied_at IS NULL"),
              postgresql_where=text("applied_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    points_price: Mapped[int]
    cash_fen: Mapped[int] = mapped_column(default=0)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CostBudget(db.Model):
    """An administrator's redemption-cost budget for a calendar year, in fen. Rows are
    added, never changed: a year's newest row is its budget."""

    __tablename__ = "cost_budgets"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
