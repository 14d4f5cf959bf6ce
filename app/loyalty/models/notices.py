"""What the mall tells members: the in-app inbox, reminders sent, and the email outbox."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow

INBOX, EMAIL = "inbox", "email"


class Notice(db.Model):
    """A message in a member's inbox; unread until read_at is set."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_member_unread", "member_id", "read_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(200), default="")  # a path inside the mall
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reminder(db.Model):
    """An expiry reminder sent for one member's expiring points, at one lead time, on one
    channel: never twice."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("member_id", "expires_at", "days_before", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    days_before: Mapped[int]
    channel: Mapped[str] = mapped_column(String(10))
    points: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxEmail(db.Model):
    """An email waiting to be sent by `flask notify send`, kept after sending."""

    __tablename__ = "outbox_emails"
    __table_args__ = (Index("ix_outbox_emails_unsent", "sent_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    to_address: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while a sender has the email in hand, so that no other sender takes it meanwhile;
    # the email is sent outside any database transaction.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
