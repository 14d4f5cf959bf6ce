"""Program settings staff set in the console: stored over the configuration's, each change
audited, and the program they make refused whole when it cannot be followed.

The running program is the configuration's settings with the stored ones over them
(app/program_source.py reads them again whenever their version moves). A change is a new
row per setting; past ledger entries never change with it.
"""
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from app.extensions import db
from . import audit_log
from .errors import DomainError
from .models import ProgramSetting, utcnow
from .program import Program
from .transaction import write_transaction

# The settings staff may set in the console; the rest come from the configuration alone.
EDITABLE = (
    "EARN_POINTS", "EARN_PER_YUAN", "POINTS_PER_YUAN",
    "EXPIRY_POLICY", "EXPIRY_MONTHS", "EXPIRY_CLEARING_DATE",
    "CANCEL_WINDOW_HOURS", "PAYMENT_WINDOW_MINUTES",
    "CHECK_IN_POINTS", "CHECK_IN_STREAK_DAYS", "CHECK_IN_STREAK_BONUS", "PROFILE_POINTS",
    "BIRTHDAY_BONUS", "BIRTHDAY_GIFT_POINTS", "REFERRAL_NEW_POINTS", "REFERRAL_INVITER_POINTS",
    "LOW_STOCK", "RISK_SIGNAL_DAYS",
)


class InvalidSettings(DomainError):
    """Settings the program cannot follow: `problem` says which and why."""

    code = "invalid_settings"


def version(connection: Connection | None = None) -> int:
    """The stored settings' version: it moves with every change, and only then."""
    return (connection or db.session).scalar(select(func.max(ProgramSetting.id))) or 0


def stored(connection: Connection | None = None) -> dict[str, object]:
    """Every setting staff have set, by name: its newest value."""
    newest = select(func.max(ProgramSetting.id)).group_by(ProgramSetting.name)
    rows = (connection or db.session).execute(
        select(ProgramSetting.name, ProgramSetting.value).where(ProgramSetting.id.in_(newest)))
    return {name: value for name, value in rows}


def change(changes: Mapping[str, object], configured: Mapping[str, object],
           actor_id: int | None, address: str = "",
           now: datetime | None = None) -> dict[str, tuple[object, object]]:
    """Store the settings in `changes` that differ from the running ones (the `configured`
    ones with the stored over them), one audit entry each. Returns {name: (before, after)}.
    InvalidSettings, and nothing stored, if the program they would make cannot be followed."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidSettings(problem=f"not set in the console: {', '.join(unknown)}")
    now = now or utcnow()
    with write_transaction():
        running = {**configured, **stored()}
        changed = {name: (running.get(name), value) for name, value in changes.items()
                   if running.get(name) != value}
        try:
            Program.from_settings({**running, **{n: v for n, (_, v) in changed.items()}})
        except ValueError as error:
            raise InvalidSettings(problem=str(error)) from None
        for name, (before, after) in changed.items():
            db.session.add(ProgramSetting(name=name, value=after, changed_at=now,
                                          changed_by=actor_id))
            audit_log.record(actor_id, audit_log.SETTING_CHANGE, name, address,
                             before={name: before}, after={name: after}, now=now)
    return changed


def history(limit: int = 20) -> list:
    """The latest changes of settings and tiers, newest first (audit entries)."""
    return audit_log.search(action=audit_log.SETTING_CHANGE, size=limit).entries
