"""What the mall offers: categories and items."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from .members import Tier
from .types import UTCDateTime, utcnow

PICKUP, COUPON, SERVICE = "pickup", "coupon", "service"
DAY, MONTH = "day", "month"           # the periods of an item's quota
QUOTA_PERIODS = (DAY, MONTH)


class Category(db.Model):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(default=0)


class Item(db.Model):
    """A catalog item, priced in points or points plus cash (fen)."""

    __tablename__ = "items"
    __table_args__ = (CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
                      CheckConstraint("points_price > 0 AND cash_fen >= 0",
                                      name="price_positive"),
                      # The catalog's count and pages, and the suggestions, in price order.
                      Index("ix_items_on_show", "active", "points_price", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(12), default=PICKUP)
    points_price: Mapped[int]
    cash_fen: Mapped[int] = mapped_column(default=0)
    stock: Mapped[int | None]  # None: unlimited
    per_member_limit: Mapped[int | None]
    min_tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id"))
    sale_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sale_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    # What one of it costs the brand, in fen (its points price is what members pay).
    cost_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    # At most `quota` redeemed by all members together in each local day or month.
    quota: Mapped[int | None]
    quota_period: Mapped[str] = mapped_column(String(8), default=MONTH, server_default=MONTH)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category: Mapped[Category] = relationship(lazy="joined")
    min_tier: Mapped[Tier | None] = relationship(lazy="joined")
