"""When points expire (the program's expiry policy) and the job that writes their expiry.

Three policies, chosen by the EXPIRY_POLICY setting:
  monthly   a lot expires at the end of the local month EXPIRY_MONTHS after it was earned;
  annual    a local calendar year's points expire together at the end of the clearing day
            (EXPIRY_CLEARING_DATE, MM-DD) of the following year;
  activity  like monthly, and every purchase moves all the member's live lots to
            EXPIRY_MONTHS from that purchase.

What expiry writes: one `expire` entry for each member and each moment their lots lapsed at
(dated at that moment, no lot of its own), so a member whose 30 lots lapse at the end of
December reads one row of their sum; one allocation per lapsed lot names the lot and its
remainder, so expiry still knows exactly what lapsed. The job and the per-member expiry
(ledger.expire_lapsed) write the same rows, whichever comes first.

A lot expires once because, as a redemption draws, both re-read the lapsed lots (remaining
> 0) under the member's lock and set their remainder to 0: a second run finds nothing. The
unique index of expire entries by (member, moment) stands behind that: a second writer that
somehow got past the lock could not write a moment twice, and the job finds each lot's
entry through it. A guard on the allocations themselves would need a column telling expiry
draws from the others, and one more index write per lot.
"""
from datetime import date, datetime

from sqlalchemy import (
    String,
    bindparam,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    update,
)

from app.extensions import db
from . import day_totals, expiring_points
from .lots import add_months, end_of_local_day
from .models import EXPIRE, LedgerEntry, LotAllocation, Member, PointLot
from .models.ledger import LAPSE_ENTRY, LIVE
from .program import ACTIVITY, ANNUAL, MONTHLY, Program, parse_month_day
from .statements import built_once
from .transaction import write_transaction


def lot_expiry(earned_at: datetime, program: Program) -> datetime | None:
    """The instant a lot earned at `earned_at` lapses under the program's policy."""
    local = earned_at.astimezone(program.tz).date()
    if program.expiry_policy == ANNUAL:
        return end_of_local_day(clearing_day(local.year + 1, program.expiry_clearing_date),
                                program.tz)
    if program.expiry_policy in (MONTHLY, ACTIVITY):
        return end_of_local_day(add_months(local, program.expiry_months), program.tz)
    raise ValueError(f"unknown expiry policy {program.expiry_policy!r}")


def clearing_day(year: int, month_day: str) -> date:
    """The clearing day (积分清零日) in `year`; 29 February falls on the 28th in other years."""
    month, day = parse_month_day(month_day)
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, day - 1)


def on_activity(member: Member, now: datetime, program: Program) -> int:
    """A purchase, under the activity policy: every live lot of the (locked) member now
    expires EXPIRY_MONTHS from `now`; lapsed lots stay lapsed. Returns the lots moved."""
    if program.expiry_policy != ACTIVITY:
        return 0
    until = lot_expiry(now, program)
    result = db.session.execute(_moved_lots(), {"member": member.id, "now": now,
                                                "until": until})
    if result.rowcount:
        expiring_points.recount([member.id])
    return result.rowcount


@built_once
def _moved_lots():
    moment = PointLot.expires_at.type
    return (update(PointLot)
            .where(PointLot.member_id == bindparam("member"),
                   PointLot.expires_at > bindparam("now", type_=moment),
                   PointLot.expires_at < bindparam("until", type_=moment))
            .values(expires_at=bindparam("until", type_=moment))
            .execution_options(synchronize_session=False))


def expire_all(now: datetime, batch_size: int = 1000) -> int:
    """Write the expiry of every lapsed lot, set-based, `batch_size` members per
    transaction; returns the points expired. Safe to run twice or on two hosts at once:
    each batch re-reads what is lapsed under its lock, and a lot can expire only once."""
    total, after = 0, 0
    while True:
        with write_transaction():
            last = _batch_end(after, now, batch_size)
            if last is not None:
                total += _expire_batch(after, last, now)
            # The range's expiring points whose moment has passed are never read again. On
            # PostgreSQL this takes no member's lock: whoever writes such a row meanwhile (a
            # draw or a return racing the moment) writes what nobody reads, and no moment
            # still ahead is touched.
            expiring_points.forget_passed_between(after, last, now)
            if last is None:
                return total
        after = last


def _lapsed(after: int, last: int, now: datetime) -> tuple:
    """The lapsed lots of the members after `after` up to `last`, read from the index of
    live lots alone."""
    return (PointLot.member_id > after, PointLot.member_id <= last, literal_column(LIVE),
            PointLot.expires_at <= now)


def _batch_end(after: int, now: datetime, limit: int) -> int | None:
    """The last of the next `limit` members with lapsed lots after `after`: a batch is a
    range of member ids, so its statements read ranges of the indexes, not lists of ids."""
    members = (select(PointLot.member_id).distinct()
               .where(PointLot.member_id > after, literal_column(LIVE),
                      PointLot.expires_at <= now)
               .order_by(PointLot.member_id).limit(limit).subquery())
    return db.session.scalar(select(func.max(members.c.member_id)))


def _expire_batch(after: int, last: int, now: datetime) -> int:
    """What ledger.expire_lapsed does for each member after `after` up to `last`, as six
    statements for them all (and the lock of their rows on PostgreSQL), however many lots
    they hold."""
    session = db.session
    if session.get_bind().dialect.name != "sqlite":  # SQLite: BEGIN IMMEDIATE already holds
        # Only the range's members with lapsed lots: the others may redeem meanwhile.
        session.execute(select(Member.id)
                        .where(Member.id.in_(select(PointLot.member_id)
                                             .where(*_lapsed(after, last, now))))
                        .order_by(Member.id).with_for_update())
    lapsed = _lapsed(after, last, now)
    points = session.scalar(select(func.coalesce(func.sum(PointLot.remaining), 0))
                            .where(*lapsed))
    if not points:
        return 0

    # One expire entry per member and moment their lots lapsed at, dated at that moment, in
    # the order the per-member expiry writes them: each entry's balance_after is the member's
    # balance less the running sum of their lapsed remainders so far.
    moment_sum = func.sum(PointLot.remaining)
    running = func.sum(moment_sum).over(partition_by=PointLot.member_id,
                                        order_by=PointLot.expires_at, rows=(None, 0))
    entries = (
        select(PointLot.member_id, literal(EXPIRE, String(12)), -moment_sum,
               Member.points_balance - running, literal("", String(200)), PointLot.expires_at)
        .join(Member, Member.id == PointLot.member_id).where(*lapsed)
        .group_by(PointLot.member_id, PointLot.expires_at, Member.points_balance)
        .order_by(PointLot.member_id, PointLot.expires_at))
    session.execute(insert(LedgerEntry).from_select(
        ["member_id", "kind", "points", "balance_after", "detail", "created_at"], entries))
    day = day_totals.utc_day(PointLot.expires_at)
    day_totals.add_from(select(PointLot.member_id, day, literal(EXPIRE, String(12)),
                               -func.sum(PointLot.remaining))
                        .where(*lapsed).group_by(PointLot.member_id, day))

    # Each lapsed lot draws its remainder for its member's entry of its moment, found through
    # the unique index of those entries (its condition written out so that SQLite uses it).
    moment_entry = (select(LedgerEntry.id)
                    .where(LedgerEntry.member_id == PointLot.member_id,
                           LedgerEntry.created_at == PointLot.expires_at,
                           literal_column(LAPSE_ENTRY))
                    .scalar_subquery())
    session.execute(insert(LotAllocation).from_select(
        ["entry_id", "lot_id", "points"],
        select(moment_entry, PointLot.id, PointLot.remaining).where(*lapsed)))

    lapsed_sum = (select(func.sum(PointLot.remaining))
                  .where(PointLot.member_id == Member.id, literal_column(LIVE),
                         PointLot.expires_at <= now).scalar_subquery())
    has_lapsed = exists().where(PointLot.member_id == Member.id, literal_column(LIVE),
                                PointLot.expires_at <= now)
    session.execute(update(Member).where(Member.id > after, Member.id <= last, has_lapsed)
                    .values(points_balance=Member.points_balance - lapsed_sum)
                    .execution_options(synchronize_session=False))
    session.execute(update(PointLot).where(*lapsed).values(remaining=0)
                    .execution_options(synchronize_session=False))
    return points
