"""Program settings that staff set in the console, over the configuration's."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow


class ProgramSetting(db.Model):
    """One value staff gave a program setting (EARN_POINTS, EXPIRY_POLICY, ...). Rows are
    added, never changed: a setting's newest row is its value, and the highest id is the
    version of the settings as a whole, which each process compares to know when to read
    them again."""

    __tablename__ = "program_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
