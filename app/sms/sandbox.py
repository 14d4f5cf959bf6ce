"""The sandbox sender: nothing leaves the machine. Each message is logged (phone masked)
and kept in a table for the development inbox, which every server process reads alike."""
import logging
from datetime import datetime, timedelta

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.loyalty.models import UTCDateTime, utcnow
from app.loyalty.transaction import write_transaction
from app.web.requestlog import mask_phones, to_standard_error

log = logging.getLogger("mall.sms")
KEEP_FOR = timedelta(days=1)


class SandboxMessage(db.Model):
    """A message the sandbox would have sent."""

    __tablename__ = "sandbox_sms"
    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SandboxSms:
    """The SmsSender that sends nothing."""

    name = "sandbox"

    def send(self, phone: str, text: str) -> None:
        """Log the message and keep it for the development inbox (a day)."""
        now = utcnow()
        log.info("SMS (sandbox) to %s: %s", mask_phones(phone), text)
        with write_transaction():
            db.session.execute(SandboxMessage.__table__.delete().where(
                SandboxMessage.created_at < now - KEEP_FOR))
            db.session.add(SandboxMessage(phone=phone, text=text[:500], created_at=now))


def latest(limit: int = 50) -> list[SandboxMessage]:
    """The newest messages first."""
    return list(db.session.scalars(select(SandboxMessage).order_by(SandboxMessage.id.desc())
                                   .limit(limit)))


def setup_log() -> None:
    """Sandbox messages go to standard error, like the request log."""
    to_standard_error(log)
