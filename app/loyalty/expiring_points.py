"""Expiring points kept per member and moment (table `expiring_points`), written in the same
transaction as every change of a lot's remainder, as the balance is with every entry.

The wallet reads its soonest moments ahead from here, a few rows, instead of summing every
live lot. Only rows whose moment is still ahead are ever read: once a moment has passed the
wallet reads its points (lapsed, awaiting the expiry job) from the lots, and the row is left
alone until the expiry job, or the member's own expiry, removes it. So what holds, and what
the ledger check checks, is: for every member and every moment after now, the row's points
equal the sum of the remainders of the member's live lots expiring then (a row of 0 points
and no row read alike).

Every writer of a moment ahead holds the member's lock (transaction.lock_member): one
transaction at a time adds to or takes from a member's rows.
"""
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, delete, func, literal_column, select, text, update

from app.extensions import db
from .models import ExpiringPointsRow, PointLot
from .models.ledger import LIVE
from .statements import built_once

Moments = Iterable[tuple[datetime | None, int]]   # (expires_at, points) of lots


def by_moment(lots: Moments) -> dict[datetime, int]:
    """Points summed by the moment they expire; lots that never expire and zeros left out."""
    sums: dict[datetime, int] = defaultdict(int)
    for expires_at, points in lots:
        if expires_at is not None:
            sums[expires_at] += points
    return {moment: points for moment, points in sums.items() if points}


@built_once
def _add():
    # Written out: both databases say it alike, and SQLAlchemy builds its own ON CONFLICT
    # afresh at every call (its statement has no cache key), a third of a millisecond.
    table = ExpiringPointsRow.__table__
    return text(f"INSERT INTO {table.name} (member_id, expires_at, points) "
                "VALUES (:member_id, :expires_at, :points) "
                "ON CONFLICT (member_id, expires_at) "
                f"DO UPDATE SET points = {table.name}.points + excluded.points"
                ).bindparams(bindparam("expires_at", type_=table.c.expires_at.type))


def add(member_id: int, lots: Moments) -> None:
    """Add points that lots expiring at these moments gained: one statement."""
    sums = by_moment(lots)
    if sums:
        db.session.connection().execute(
            _add(),
            [{"member_id": member_id, "expires_at": at, "points": points}
             for at, points in sums.items()])


@built_once
def _take():
    table = ExpiringPointsRow.__table__
    return (update(table).where(table.c.member_id == bindparam("member"),
                                table.c.expires_at == bindparam("moment"))
            .values(points=table.c.points - bindparam("taken")))


def take(member_id: int, lots: Moments) -> None:
    """Take the points drawn from lots expiring at these moments: one statement."""
    sums = by_moment(lots)
    if sums:
        db.session.connection().execute(
            _take(), [{"member": member_id, "moment": at, "taken": points}
                      for at, points in sums.items()])


@built_once
def _passed():
    table = ExpiringPointsRow.__table__
    now = bindparam("now", type_=table.c.expires_at.type)
    return delete(table).where(table.c.member_id == bindparam("member_id"),
                               table.c.expires_at <= now)


def forget_passed(member_id: int, now: datetime) -> None:
    """Remove the member's rows whose moment has passed: they are never read again."""
    db.session.connection().execute(_passed(), {"member_id": member_id, "now": now})


def forget_passed_between(after: int, last: int | None, now: datetime) -> None:
    """Remove the rows whose moment has passed of the members after `after` up to `last`
    (or every member after `after`), read along the table's key."""
    table = ExpiringPointsRow.__table__
    members = table.c.member_id > after
    if last is not None:
        members &= table.c.member_id <= last
    db.session.execute(delete(table).where(members, table.c.expires_at <= now)
                       .execution_options(synchronize_session=False))


def recount(member_ids: list[int] | None = None) -> None:
    """Write the rows of these members (every member when None) afresh from their live lots:
    for lots written in bulk, and for a change of many lots' expiry at once."""
    table = ExpiringPointsRow.__table__
    lots = PointLot.__table__
    wipe = delete(table)
    sums = (select(lots.c.member_id, lots.c.expires_at, func.sum(lots.c.remaining))
            .where(literal_column(LIVE), lots.c.expires_at.is_not(None))
            .group_by(lots.c.member_id, lots.c.expires_at))
    if member_ids is not None:
        wipe = wipe.where(table.c.member_id.in_(member_ids))
        sums = sums.where(lots.c.member_id.in_(member_ids))
    db.session.execute(wipe.execution_options(synchronize_session=False))
    db.session.execute(table.insert().from_select(["member_id", "expires_at", "points"], sums))


def mismatches(now: datetime) -> list[tuple[int, str]]:
    """(member id, what) wherever a member's rows ahead of `now` disagree with their lots."""
    table = ExpiringPointsRow.__table__
    lots = PointLot.__table__
    kept = {(m, at): points for m, at, points in db.session.execute(
        select(table.c.member_id, table.c.expires_at, table.c.points)
        .where(table.c.expires_at > now, table.c.points != 0))}
    live = {(m, at): points for m, at, points in db.session.execute(
        select(lots.c.member_id, lots.c.expires_at, func.sum(lots.c.remaining))
        .where(literal_column(LIVE), lots.c.expires_at > now)
        .group_by(lots.c.member_id, lots.c.expires_at))}
    return [(member_id, f"expiring points at {at.isoformat()}: kept {kept.get((member_id, at), 0)}"
                        f" != live lots {live.get((member_id, at), 0)}")
            for member_id, at in sorted(kept.keys() | live.keys())
            if kept.get((member_id, at), 0) != live.get((member_id, at), 0)]
