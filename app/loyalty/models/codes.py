"""Codes sent by SMS to prove a phone is in the hands of whoever types the number."""
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow

JOIN, SIGN_IN, RESET_PASSWORD = "join", "sign_in", "reset_password"
CODE_PURPOSES = (JOIN, SIGN_IN, RESET_PASSWORD)


class PhoneCode(db.Model):
    """One code sent to a phone for one purpose. Only a salted hash of the code is kept.
    The newest code of a phone and purpose is the only one that can be used; rows are also
    the record of how many codes a phone or an address asked for recently."""

    __tablename__ = "phone_codes"
    __table_args__ = (Index("ix_phone_codes_phone_created", "phone", "created_at"),
                      Index("ix_phone_codes_address_created", "address", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(64))   # where the request came from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wrong_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
