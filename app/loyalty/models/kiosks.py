"""Store kiosks (enrolled touch screens) and the member card's sign-in tokens."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from .earning import Store
from .types import UTCDateTime, utcnow


class Kiosk(db.Model):
    """A touch screen in a store. Enrolled once with a one-time code; from then on its browser
    holds a long-lived credential, of which only a hash is kept here."""

    __tablename__ = "kiosks"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    # The one-time enrolment code: its hash and when it stops working (None once used).
    enrol_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrol_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The credential of the enrolled browser: the hash of its random secret.
    credential_hash: Mapped[str | None] = mapped_column(String(64))
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    store: Mapped[Store] = relationship(lazy="joined")


class CardToken(db.Model):
    """A short-lived, single-use sign-in token behind the member card's QR and 6-digit code."""

    __tablename__ = "card_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id"))  # where it was used
