"""Ledger operations on a locked member, inside the caller's write transaction.

Every movement writes one ledger entry and moves the cached balance in the same
transaction; credits open a lot, debits draw lots soonest-to-expire first and record
the draw, returns put points back into the lots they came from.
"""
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from app.extensions import db
from .errors import InsufficientPoints
from .lots import LotView, allocate, end_of_local_day
from .models import EXPIRE, RETURN, LedgerEntry, LotAllocation, Member, PointLot
from .program import Program

# The detail of a clawback that settles points owed from a refunded purchase.
OWED = "owed"


def credit(member: Member, points: int, *, kind: str, detail: str, now: datetime,
           expires_at: datetime | None, ref: tuple[str, str] | None = None) -> LedgerEntry:
    """Add points in a new lot."""
    if points <= 0:
        raise ValueError("a credit adds a positive number of points")
    lot = PointLot(member_id=member.id, points=points, remaining=points, earned_at=now,
                   expires_at=expires_at)
    db.session.add(lot)
    db.session.flush()
    return _write(member, kind, points, detail, ref, now, lot_id=lot.id)


def debit(member: Member, points: int, *, kind: str, detail: str, now: datetime,
          ref: tuple[str, str] | None = None) -> LedgerEntry:
    """Take points from the live lots, soonest to expire first; InsufficientPoints if short."""
    lots = {lot.id: lot for lot in _lots_to_spend(member.id, points, now)}
    views = [LotView(lot.id, lot.remaining, lot.earned_at, lot.expires_at) for lot in lots.values()]
    drawn = allocate(views, points, now)
    if not drawn:
        available = sum(v.remaining for v in views)
        raise InsufficientPoints(needed=points, balance=available, short=points - available)
    entry = _write(member, kind, -points, detail, ref, now)
    for lot_id, take in drawn:
        lots[lot_id].remaining -= take
        db.session.add(LotAllocation(entry_id=entry.id, lot_id=lot_id, points=take))
    return entry


def _lots_to_spend(member_id: int, points: int, now: datetime) -> list[PointLot]:
    """The live lots a debit of `points` draws from, read in spending order only as far as
    needed: a member with thousands of small lots does not load them all."""
    result = db.session.scalars(
        select(PointLot)
        .where(PointLot.member_id == member_id, PointLot.remaining > 0,
               or_(PointLot.expires_at.is_(None), PointLot.expires_at > now))
        .order_by(PointLot.expires_at.is_(None), PointLot.expires_at, PointLot.earned_at,
                  PointLot.id)
        .execution_options(yield_per=100))
    lots, covered = [], 0
    for lot in result:
        lots.append(lot)
        covered += lot.remaining
        if covered >= points:
            break
    result.close()
    return lots


def restore(member: Member, debit_entry: LedgerEntry, *, detail: str, now: datetime,
            program: Program, ref: tuple[str, str] | None = None) -> LedgerEntry:
    """Give back what a debit took, into the same lots; lapsed lots come back as a new
    lot that lives for the refund grace period."""
    draws = db.session.execute(
        select(LotAllocation, PointLot).join(PointLot, LotAllocation.lot_id == PointLot.id)
        .where(LotAllocation.entry_id == debit_entry.id)).all()
    total = sum(a.points for a, _ in draws)
    lapsed = sum(a.points for a, lot in draws if lot.expires_at and lot.expires_at <= now)
    grace_lot = None
    if lapsed:
        grace_day = now.astimezone(program.tz).date() + timedelta(days=program.refund_grace_days)
        grace_lot = PointLot(member_id=member.id, points=lapsed, remaining=lapsed,
                             earned_at=now, expires_at=end_of_local_day(grace_day, program.tz))
        db.session.add(grace_lot)
        db.session.flush()
    entry = _write(member, RETURN, total, detail, ref, now,
                   lot_id=grace_lot.id if grace_lot else None)
    for allocation, lot in draws:
        if lot.expires_at and lot.expires_at <= now:
            continue
        lot.remaining += allocation.points
        db.session.add(LotAllocation(entry_id=entry.id, lot_id=lot.id, points=-allocation.points))
    return entry


def expire_lapsed(member: Member, now: datetime) -> list[LedgerEntry]:
    """Write an expire entry for each lot of this member that lapsed with points left."""
    lapsed = db.session.scalars(
        select(PointLot).where(PointLot.member_id == member.id, PointLot.remaining > 0,
                               PointLot.expires_at <= now).order_by(PointLot.expires_at,
                                                                     PointLot.id)).all()
    entries = []
    for lot in lapsed:
        amount, lot.remaining = lot.remaining, 0
        entry = _write(member, EXPIRE, -amount, "", ("lot", str(lot.id)), lot.expires_at,
                       lot_id=lot.id)
        db.session.add(LotAllocation(entry_id=entry.id, lot_id=lot.id, points=amount))
        entries.append(entry)
    return entries


def _write(member: Member, kind: str, points: int, detail: str,
           ref: tuple[str, str] | None, now: datetime, lot_id: int | None = None) -> LedgerEntry:
    balance = member.points_balance + points
    if balance < 0:
        raise InsufficientPoints(needed=-points, balance=member.points_balance,
                                 short=-balance)
    member.points_balance = balance
    ref_type, ref_id = ref or (None, None)
    entry = LedgerEntry(member_id=member.id, kind=kind, points=points, balance_after=balance,
                        detail=detail, ref_type=ref_type, ref_id=ref_id, lot_id=lot_id,
                        created_at=now)
    db.session.add(entry)
    db.session.flush()
    return entry
