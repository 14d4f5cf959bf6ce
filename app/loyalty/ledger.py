"""Ledger operations on a locked member, inside the caller's write transaction.

Every movement writes one ledger entry and moves the cached balance in the same
transaction; credits open a lot, debits draw lots soonest-to-expire first and record
the draw, returns put points back into the lots they came from.
"""
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import bindparam, insert, literal_column, select, update

from app.extensions import db
from . import day_totals, expiring_points
from .errors import InsufficientPoints
from .lots import LotView, allocate, end_of_local_day
from .models import EXPIRE, RETURN, LedgerEntry, LotAllocation, Member, PointLot
from .models.ledger import LIVE
from .program import Program
from .statements import built_once, insert_attached, insert_row, read, update_attached

# The detail of a clawback that settles points owed from a refunded purchase.
OWED = "owed"
# Live lots a debit reads at first; most debits draw from one or two lots.
FIRST_PAGE = 8


def credit(member: Member, points: int, *, kind: str, detail: str, now: datetime,
           expires_at: datetime | None, ref: tuple[str, str] | None = None) -> LedgerEntry:
    """Add points in a new lot."""
    if points <= 0:
        raise ValueError("a credit adds a positive number of points")
    lot = insert_attached(PointLot(member_id=member.id, points=points, remaining=points,
                                   earned_at=now, expires_at=expires_at))
    expiring_points.add(member.id, [(expires_at, points)])
    return _write(member, kind, points, detail, ref, now, lot_id=lot.id)


def debit(member: Member, points: int, *, kind: str, detail: str, now: datetime,
          ref: tuple[str, str] | None = None) -> LedgerEntry:
    """Take points from the live lots, soonest to expire first; InsufficientPoints if short."""
    views = _lots_to_spend(member.id, points, now)
    drawn = allocate(views, points, now)
    if not drawn:
        available = sum(v.remaining for v in views)
        raise InsufficientPoints(needed=points, balance=available, short=points - available)
    entry = _write(member, kind, -points, detail, ref, now)
    _draw(entry.id, drawn)
    expires = {view.id: view.expires_at for view in views}
    expiring_points.take(member.id, [(expires[lot_id], take) for lot_id, take in drawn])
    return entry


@built_once
def _take_from_lots():
    lots = PointLot.__table__
    return (update(lots).where(lots.c.id == bindparam("lot"))
            .values(remaining=lots.c.remaining - bindparam("take")))


@built_once
def _record_draws():
    return insert(LotAllocation.__table__)


def _draw(entry_id: int, drawn: list[tuple[int, int]]) -> None:
    """Take `drawn` (lot id, points) from the lots and record each draw for the entry: one
    statement for the lots and one for the allocations, however many lots it spans."""
    connection = db.session.connection()
    connection.execute(_take_from_lots(), [{"lot": lot_id, "take": take}
                                           for lot_id, take in drawn])
    connection.execute(_record_draws(), [{"entry_id": entry_id, "lot_id": lot_id,
                                          "points": take} for lot_id, take in drawn])
    # A lot loaded earlier in this transaction reads afresh: the few objects the session
    # holds are looked over once (an identity key is (class, primary key, token)), rather
    # than a key made and looked up for each lot drawn.
    identity_map, taken = db.session.identity_map, {lot_id for lot_id, _take in drawn}
    for key in [key for key in identity_map.keys()
                if key[0] is PointLot and key[1][0] in taken]:
        loaded = identity_map.get(key)
        if loaded is not None:
            db.session.expire(loaded, ["remaining"])


@built_once
def _live_lots(expiring: bool):
    """A page of a member's live lots in spending order: those that expire after `now`, or
    those that never do."""
    lots = (select(PointLot.id, PointLot.remaining, PointLot.earned_at, PointLot.expires_at)
            .where(PointLot.member_id == bindparam("member_id"), literal_column(LIVE)))
    if expiring:
        lots = (lots.where(PointLot.expires_at > bindparam("now", type_=PointLot.expires_at.type))
                .order_by(PointLot.expires_at, PointLot.earned_at, PointLot.id))
    else:
        lots = lots.where(PointLot.expires_at.is_(None)).order_by(PointLot.earned_at, PointLot.id)
    return lots.offset(bindparam("skip")).limit(bindparam("size"))


def _lots_to_spend(member_id: int, points: int, now: datetime) -> list[LotView]:
    """The live lots a debit of `points` draws from, read in spending order only as far as
    needed: those that expire (soonest first), then those that never do, a few rows at a time
    from the index of live lots, so a member with thousands of lots does not load them all."""
    found, covered = [], 0
    for expiring in (True, False):
        offset, page = 0, FIRST_PAGE
        while True:
            rows = read(_live_lots(expiring), {
                "member_id": member_id, "now": now, "skip": offset, "size": page}).all()
            for row in rows:
                found.append(LotView(*row))
                covered += row.remaining
                if covered >= points:
                    return found
            if len(rows) < page:
                break
            offset, page = offset + page, page * 4
    return found


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
    back = [(grace_lot.expires_at, lapsed)] if grace_lot else []
    for allocation, lot in draws:
        if lot.expires_at and lot.expires_at <= now:
            continue
        lot.remaining += allocation.points
        db.session.add(LotAllocation(entry_id=entry.id, lot_id=lot.id, points=-allocation.points))
        back.append((lot.expires_at, allocation.points))
    expiring_points.add(member.id, back)
    return entry


def expire_lapsed(member: Member, now: datetime) -> list[LedgerEntry]:
    """Write one expire entry for each moment at which lots of this member lapsed with points
    left, dated then, and the draw of each of those lots; the expiry job writes the same."""
    lapsed = read(_lapsed_lots(), {"member_id": member.id, "now": now}).all()
    entries = []
    for moment, lots in groupby(sorted(lapsed, key=lambda lot: (lot.expires_at, lot.id)),
                                key=lambda lot: lot.expires_at):
        drawn = [(lot.id, lot.remaining) for lot in lots]
        entry = _write(member, EXPIRE, -sum(take for _, take in drawn), "", None, moment)
        _draw(entry.id, drawn)
        entries.append(entry)
    if lapsed:
        expiring_points.forget_passed(member.id, now)
    return entries


def any_lapsed():
    """SQL for "the member (`member_id`) has lots lapsed by `now` with points left", for a
    write to ask with what else it reads first, before it calls expire_lapsed."""
    return _lapsed_lots().order_by(None).exists()


@built_once
def _lapsed_lots():
    # In the order of the index of live lots (the member's spent lots are not in it).
    return (select(PointLot.id, PointLot.remaining, PointLot.expires_at)
            .where(PointLot.member_id == bindparam("member_id"), literal_column(LIVE),
                   PointLot.expires_at <= bindparam("now", type_=PointLot.expires_at.type))
            .order_by(PointLot.expires_at, PointLot.earned_at, PointLot.id))


def _write(member: Member, kind: str, points: int, detail: str,
           ref: tuple[str, str] | None, now: datetime, lot_id: int | None = None) -> LedgerEntry:
    balance = member.points_balance + points
    if balance < 0:
        raise InsufficientPoints(needed=-points, balance=member.points_balance,
                                 short=-balance)
    # Written at once, not at the commit's flush of a changed member.
    update_attached(member, points_balance=balance)
    ref_type, ref_id = ref or (None, None)
    entry = LedgerEntry(member_id=member.id, kind=kind, points=points, balance_after=balance,
                        detail=detail, ref_type=ref_type, ref_id=ref_id, lot_id=lot_id,
                        created_at=now)
    insert_row(entry)
    day_totals.add(member.id, kind, points, now)
    return entry
