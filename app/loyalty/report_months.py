"""Each local month's points by kind and source, read from the ledger, and kept for the
months that have ended.

The ledger is append-only and its entries are dated when they are written, so a month that
has ended never changes: `close_months` (the `report-months` job, and `flask reports
close-months`) writes each ended month's sums once into report_months, and the reports read
those and only the open months from the ledger. A month is closed a day after it ends
(CLOSE_AFTER), so an entry written by a server whose clock runs a little behind, or
committed a moment late, still counts. Expiry is the exception: its entries are dated at
the lapse, whenever the expiry job writes them, so it is never kept and always read live.
Sums are kept per time zone: a program that changes its zone reads its months afresh.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, case, cast, func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from .models import (
    ADJUST,
    CLAWBACK,
    EARN,
    REDEEM,
    RETURN,
    LedgerEntry,
    Purchase,
    ReportMonth,
    utcnow,
)
from .program import running_program
from .report_periods import Month

PURCHASE_REF = "purchase"        # the reference type of a purchase's earn entry
CLOSE_AFTER = timedelta(days=1)
CHUNK = 24                       # months read from the ledger in one query


@dataclass(frozen=True)
class MonthSums:
    """A month's points by kind and source, all positive, expiry aside."""

    earned: int = 0             # every earn entry
    purchased: int = 0          # earn entries of purchases, campaign bonus included
    campaign_bonus: int = 0     # the bonus part of those
    adjusted_up: int = 0
    adjusted_down: int = 0
    redeemed: int = 0
    returned: int = 0
    clawed_back: int = 0


FIELDS = tuple(MonthSums.__dataclass_fields__)


def sums(months: list[Month], tz: ZoneInfo, zone: str) -> dict[Month, MonthSums]:
    """Each month's sums: kept ones from report_months, the others from the ledger."""
    kept = stored(months, zone)
    live = [m for m in months if m not in kept]
    return {**kept, **read_ledger(live, tz)}


def stored(months: list[Month], zone: str) -> dict[Month, MonthSums]:
    if not months:
        return {}
    rows = db.session.scalars(select(ReportMonth).where(
        ReportMonth.timezone == zone,
        ReportMonth.month.between(str(min(months)), str(max(months))))).all()
    return {Month.parse(row.month): MonthSums(*(int(getattr(row, f)) for f in FIELDS))
            for row in rows}


def _sum(*conditions):
    return (select(func.coalesce(func.sum(LedgerEntry.points), 0))
            .where(*conditions).scalar_subquery())


def read_ledger(months: list[Month], tz: ZoneInfo) -> dict[Month, MonthSums]:
    """The months' sums from the ledger itself: each an index range scan
    (ix_ledger_entries_kind_created)."""
    found = {}
    for start in range(0, len(months), CHUNK):
        chunk = months[start:start + CHUNK]
        bounds = [(m.starts_at(tz), m.plus(1).starts_at(tz)) for m in chunk]
        columns = []
        for begin, end in bounds:
            when = (LedgerEntry.created_at >= begin, LedgerEntry.created_at < end)
            columns += [
                _sum(LedgerEntry.kind == EARN, *when),
                _sum(LedgerEntry.kind == EARN, LedgerEntry.ref_type == PURCHASE_REF, *when),
                _sum(LedgerEntry.kind == ADJUST, LedgerEntry.points > 0, *when),
                _sum(LedgerEntry.kind == ADJUST, LedgerEntry.points < 0, *when),
                _sum(LedgerEntry.kind == REDEEM, *when),
                _sum(LedgerEntry.kind == RETURN, *when),
                _sum(LedgerEntry.kind == CLAWBACK, *when),
            ]
        row = db.session.execute(select(*columns)).one()
        bonus = _campaign_bonus(bounds)
        for n, month in enumerate(chunk):
            earned, purchased, up, down, redeemed, returned, clawed = (
                int(v) for v in row[n * 7:n * 7 + 7])
            found[month] = MonthSums(earned, purchased, bonus.get(n, 0), up, -down, -redeemed,
                                     returned, -clawed)
    return found


def _campaign_bonus(bounds: list[tuple[datetime, datetime]]) -> dict[int, int]:
    """The bonus part of purchase points credited in each month (by index in `bounds`, which
    need not follow one another):
    the purchases' bonus_points (what a campaign or the birthday month's double added, stored
    when the purchase earned). When refunds while it was pending lowered the credit, the entry
    carries the bonus's share of it, rounded down: entry points x bonus_points / points.
    Read from the few purchases that earned a bonus (ix_purchases_bonus), each entry found
    by its key: the month is a CASE, not a filter on the ledger, so that the database does
    not walk the ledger's purchases of the months instead."""
    if not bounds:
        return {}
    # Every purchase entry of these months comes at or after the first one's key: the
    # bonus purchases are read from there on (ix_purchases_bonus), not from the beginning.
    first = db.session.scalar(select(func.min(LedgerEntry.id)).where(
        LedgerEntry.kind == EARN, LedgerEntry.created_at >= min(b[0] for b in bounds),
        LedgerEntry.created_at < max(b[1] for b in bounds),
        LedgerEntry.ref_type == PURCHASE_REF))
    if first is None:
        return {}
    month = case(*[(and_(LedgerEntry.created_at >= start, LedgerEntry.created_at < end), n)
                   for n, (start, end) in enumerate(bounds)], else_=None)
    bonus = cast(LedgerEntry.points, BigInteger) * Purchase.bonus_points // Purchase.points
    rows = db.session.execute(
        select(month, func.sum(bonus))
        .select_from(Purchase).join(LedgerEntry, LedgerEntry.id == Purchase.entry_id)
        .where(Purchase.multiplier_pct > 100, Purchase.entry_id >= first)  # all with a bonus
        .group_by(month)).all()
    return {n: int(points) for n, points in rows if n is not None}


def last_closed(now: datetime, tz: ZoneInfo) -> Month:
    """The latest month that ended at least CLOSE_AFTER before `now`."""
    return Month.of(now - CLOSE_AFTER, tz).plus(-1)


def close_months(now: datetime, tz: ZoneInfo | None = None, zone: str | None = None) -> int:
    """Keep the sums of every closed month not kept yet, from the ledger's first month;
    the number of months written. Safe to run twice, or on two hosts at once."""
    if tz is None or zone is None:
        program = running_program()
        tz, zone = program.tz, program.timezone
    first_at = db.session.scalar(select(func.min(LedgerEntry.created_at)))
    db.session.rollback()
    if first_at is None:
        return 0
    first, last = Month.of(first_at, tz), last_closed(now, tz)
    if last < first:
        return 0
    months = [first.plus(n) for n in range(last.index - first.index + 1)]
    missing = [m for m in months if m not in stored(months, zone)]
    if not missing:
        db.session.rollback()
        return 0
    found = read_ledger(missing, tz)
    written_at = utcnow()
    db.session.add_all(ReportMonth(timezone=zone, month=str(m), written_at=written_at,
                                   **found[m].__dict__) for m in missing)
    try:
        db.session.commit()
    except IntegrityError:        # another host kept them first
        db.session.rollback()
        return 0
    return len(missing)
