"""The reports' totals of closed months, kept so the reports page need not re-read them."""
from datetime import datetime

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow


class ReportMonth(db.Model):
    """A closed local month's points by kind and source (as positive numbers), read from
    the ledger once the month had ended; months are those of the time zone named. Expired
    points are not kept here: their entries are written when the expiry job runs, dated
    at the lapse, so a closed month's expiry may still grow."""

    __tablename__ = "report_months"
    __table_args__ = (UniqueConstraint("timezone", "month", name="uq_report_months_zone_month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))       # YYYY-MM
    earned: Mapped[int] = mapped_column(BigInteger)
    purchased: Mapped[int] = mapped_column(BigInteger)
    campaign_bonus: Mapped[int] = mapped_column(BigInteger)
    adjusted_up: Mapped[int] = mapped_column(BigInteger)
    adjusted_down: Mapped[int] = mapped_column(BigInteger)
    redeemed: Mapped[int] = mapped_column(BigInteger)
    returned: Mapped[int] = mapped_column(BigInteger)
    clawed_back: Mapped[int] = mapped_column(BigInteger)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
