"""Members and the tiers they belong to."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from .types import UTCDateTime, utcnow


class Tier(db.Model):
    """A level of the program: a qualifying-points threshold and an earn multiplier."""

    __tablename__ = "tiers"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(40))
    rank: Mapped[int] = mapped_column(unique=True)
    threshold: Mapped[int]
    multiplier_pct: Mapped[int] = mapped_column(default=100)


class Member(db.Model):
    """A member of the program: signs in with phone and password, holds points."""

    __tablename__ = "members"
    __table_args__ = (CheckConstraint("points_balance >= 0", name="balance_not_negative"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    points_balance: Mapped[int] = mapped_column(default=0)
    tier_id: Mapped[int] = mapped_column(ForeignKey("tiers.id"))
    tier_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tier: Mapped[Tier] = relationship(lazy="joined")

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # The four attributes Flask-Login reads, so the core needs no web mixin.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)
