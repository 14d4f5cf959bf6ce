"""The ledger invariant, checked for every member in a few set-based queries.

balance = sum of entries = sum of lot remainders, every lot's remainder = its points
minus what allocations drew from it, the last entry's balance_after = balance, >= 0; the
expiring points kept for each moment after now = the remainders of the live lots expiring
then; every day total = the sum of the member's entries of its kind on its UTC day.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from . import day_totals, expiring_points
from .models import LedgerEntry, LotAllocation, Member, PointLot, utcnow


@dataclass(frozen=True)
class Mismatch:
    member_id: int
    what: str


def check_ledger(now: datetime | None = None) -> list[Mismatch]:
    """Every way the ledger disagrees with itself (as of `now`, for the expiring points
    ahead); empty when all is well."""
    entries = dict(db.session.execute(
        select(LedgerEntry.member_id, func.sum(LedgerEntry.points))
        .group_by(LedgerEntry.member_id)).all())
    lots = dict(db.session.execute(
        select(PointLot.member_id, func.sum(PointLot.remaining))
        .group_by(PointLot.member_id)).all())
    last_id = (select(func.max(LedgerEntry.id)).group_by(LedgerEntry.member_id)).subquery()
    last = dict(db.session.execute(
        select(LedgerEntry.member_id, LedgerEntry.balance_after)
        .where(LedgerEntry.id.in_(select(last_id)))).all())
    drawn = (select(LotAllocation.lot_id, func.sum(LotAllocation.points).label("drawn"))
             .group_by(LotAllocation.lot_id).subquery())
    bad_lots = db.session.execute(
        select(PointLot.member_id, PointLot.id)
        .outerjoin(drawn, drawn.c.lot_id == PointLot.id)
        .where((PointLot.remaining < 0) | (PointLot.remaining > PointLot.points) |
               (PointLot.points - func.coalesce(drawn.c.drawn, 0) != PointLot.remaining))).all()

    problems = [Mismatch(m, f"lot {lot} remainder disagrees with its allocations")
                for m, lot in bad_lots]
    problems += [Mismatch(m, what) for m, what in expiring_points.mismatches(now or utcnow())]
    problems += [Mismatch(m, what) for m, what in day_totals.mismatches()]
    for member_id, balance in db.session.execute(select(Member.id, Member.points_balance)):
        if balance < 0:
            problems.append(Mismatch(member_id, f"balance {balance} is negative"))
        if entries.get(member_id, 0) != balance:
            problems.append(Mismatch(member_id, f"balance {balance} != sum of entries "
                                                f"{entries.get(member_id, 0)}"))
        if lots.get(member_id, 0) != balance:
            problems.append(Mismatch(member_id, f"balance {balance} != sum of lot remainders "
                                                f"{lots.get(member_id, 0)}"))
        if last.get(member_id, 0) != balance:
            problems.append(Mismatch(member_id, f"balance {balance} != last balance_after "
                                                f"{last.get(member_id, 0)}"))
    return problems
