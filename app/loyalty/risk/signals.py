"""Signals: each join, sign-in, check-in, task reward, redemption, purchase and refund,
recorded in the transaction of the action with where it came from; deleted after the
program's RISK_SIGNAL_DAYS by a job."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.extensions import db
from ..models import utcnow
from ..models.risk import RiskSignal
from ..program import running_program
from ..statements import insert_row
from ..transaction import write_transaction

ADDRESS_MAX, DEVICE_MAX, TILL_MAX = 45, 64, 40
PURGE_BATCH = 5000


@dataclass(frozen=True)
class Origin:
    """Where an action came from, as the edge knows it: the address, our device cookie's
    identifier, and the till (for a purchase)."""

    address: str | None = None
    device: str | None = None
    till: str | None = None


NOWHERE = Origin()


def record(kind: str, member_id: int | None, origin: Origin, now: datetime, *,
           points: int = 0, amount_fen: int = 0, item_id: int | None = None,
           store_id: int | None = None, other_member_id: int | None = None) -> RiskSignal:
    """Record a signal inside the caller's write transaction."""
    signal = RiskSignal(kind=kind, member_id=member_id,
                        address=_clip(origin.address, ADDRESS_MAX),
                        device=_clip(origin.device, DEVICE_MAX),
                        till=_clip(origin.till, TILL_MAX), store_id=store_id,
                        item_id=item_id, amount_fen=amount_fen, points=points,
                        other_member_id=other_member_id, occurred_at=now)
    return insert_row(signal)


def _clip(value: str | None, length: int) -> str | None:
    value = (value or "").strip()
    return value[:length] or None


def purge(now: datetime | None = None) -> int:
    """Delete signals older than the program's RISK_SIGNAL_DAYS, in batches; returns how
    many went. Running it twice, or on two hosts at once, deletes them once."""
    now = now or utcnow()
    before = now - timedelta(days=running_program().risk_signal_days)
    deleted = 0
    while True:
        with write_transaction():
            ids = select(RiskSignal.id).where(RiskSignal.occurred_at < before) \
                .order_by(RiskSignal.id).limit(PURGE_BATCH).scalar_subquery()
            gone = db.session.execute(delete(RiskSignal).where(RiskSignal.id.in_(ids))
                                      .execution_options(synchronize_session=False)).rowcount
        deleted += gone
        if gone < PURGE_BATCH:
            return deleted


def count() -> int:
    return db.session.scalar(select(func.count(RiskSignal.id)))
