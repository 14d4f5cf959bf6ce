"""Members and the tiers they belong to."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from .. import member_numbers
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
    __table_args__ = (CheckConstraint("points_balance >= 0", name="balance_not_negative"),
                      CheckConstraint("points_owed >= 0", name="owed_not_negative"),
                      UniqueConstraint("member_no", name="uq_members_member_no"),
                      UniqueConstraint("referral_code", name="uq_members_referral_code"))
    id: Mapped[int] = mapped_column(primary_key=True)
    # 15 digits, random, with a check digit (member_numbers.py): not guessable from another.
    # Drawn at insert; accounts.join draws again on the rare clash with the unique key.
    member_no: Mapped[str] = mapped_column(String(16), default=lambda: member_numbers.new())
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(120))
    birthday: Mapped[date | None]
    password_hash: Mapped[str] = mapped_column(String(255))
    points_balance: Mapped[int] = mapped_column(default=0)
    # Points clawed back for a refund after the member had spent them: taken from the
    # next points earned, since the balance never goes below zero.
    points_owed: Mapped[int] = mapped_column(default=0)
    tier_id: Mapped[int] = mapped_column(ForeignKey("tiers.id"))
    tier_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    tier_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    referral_code: Mapped[str | None] = mapped_column(String(16))
    # Raised at sign-out and on a password or phone change: every session and remember
    # cookie made before then stops working, wherever it was copied to.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    referred_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", name="fk_members_referred_by"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Frozen by staff: the member can sign in and look, but not redeem or earn
    # (purchase points wait as pending until the account is unfrozen).
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frozen_reason: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The 6-digit PIN for signing in at a store kiosk, hashed like the password (None: no PIN
    # yet). Five wrong PINs in a row lock PIN sign-in until `pin_locked_until`.
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    pin_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    pin_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tier: Mapped[Tier] = relationship(lazy="joined")

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    @validates("member_no")
    def _well_formed_number(self, _key: str, number: str) -> str:
        if not member_numbers.is_valid(number):
            raise ValueError(f"not a member number ({member_numbers.DESCRIPTION})")
        return number

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # The four attributes Flask-Login reads, so the core needs no web mixin.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"


UPGRADE, DOWNGRADE, KEPT = "upgrade", "downgrade", "kept"
# An upgrade undone because the points that paid for it were taken back (a refund).
UNDONE = "undone"


class TierChange(db.Model):
    """A member's tier moved up, down, or was kept at a review: the record members see."""

    __tablename__ = "tier_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    from_tier_id: Mapped[int | None] = mapped_column(ForeignKey("tiers.id"))
    to_tier_id: Mapped[int] = mapped_column(ForeignKey("tiers.id"))
    reason: Mapped[str] = mapped_column(String(12))
    qualifying: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An upgrade: the member's tier_since and tier_review_at before it, given back if the
    # upgrade is undone.
    since_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_before: Mapped[datetime | None] = mapped_column(UTCDateTime)

    from_tier: Mapped[Tier | None] = relationship(foreign_keys=[from_tier_id], lazy="joined")
    to_tier: Mapped[Tier] = relationship(foreign_keys=[to_tier_id], lazy="joined")
