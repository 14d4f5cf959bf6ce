"""What members do to earn points besides buying: check-ins and one-off tasks."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow

PROFILE, BIRTHDAY, REFERRAL_NEW, REFERRAL_INVITER = (
    "profile", "birthday", "referral_new", "referral_inviter")
# What a check-in's ledger entry refers to: ("check_in", its local day in ISO form).
CHECK_IN = "check_in"


class CheckIn(db.Model):
    """One daily check-in; a second one on the same local day is refused by the key."""

    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("member_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    day: Mapped[date]                     # the program's local day
    streak: Mapped[int]                   # consecutive days, this one included
    points: Mapped[int]
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskReward(db.Model):
    """Points given once for a task in a period: the profile (once), the birthday gift
    (once a year), a referral (once per invited member, while it stands: a refund of the
    purchase that paid it takes it back and removes the row)."""

    __tablename__ = "task_rewards"
    __table_args__ = (UniqueConstraint("member_id", "task", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    task: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(20), default="")
    points: Mapped[int]
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    # A referral reward: the purchase that paid it.
    purchase_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchases.id", name="fk_task_rewards_purchase"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
