"""Day totals: a member's ledger entries of one kind on one UTC day, summed (table
`ledger_day_totals`), written in the same transaction as every entry, as the balance is.

The qualifying points of a rolling year read the whole days inside the window from here, a
row a day and kind however many entries a day holds, and only the window's two edge days
from the entries themselves. Every kind is kept, so a change of the qualifying kinds needs
no recount. What holds, and what the ledger check checks, is: for every member, day and
kind, the row's points equal the sum of the member's entries of that kind dated that UTC
day (a row of 0 points and no row read alike).

Every writer of an entry holds the member's lock (transaction.lock_member), so one
transaction at a time adds to a member's rows; the expiry job writes a batch of members'
rows at once, under their locks.
"""
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from sqlalchemy import (
    Date,
    bindparam,
    delete,
    false,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.extensions import db
from .models import LedgerDayTotal, LedgerEntry, Member
from .statements import built_once, read

WINDOW = timedelta(days=365)  # the rolling year of the qualifying points


class utc_day(FunctionElement):
    """The UTC date of a stored instant (stored as naive UTC: as text on SQLite)."""

    type = Date()
    inherit_cache = True
    name = "utc_day"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day)
def _utc_day(element, compiler, **kw):
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


def day_of(moment: datetime) -> date:
    """The UTC day an entry written at `moment` is counted in."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given where UTC was expected")
    return moment.astimezone(timezone.utc).date()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.utc)


class Window(NamedTuple):
    """The rolling year (since, now] cut into its first day's entries after `since`, the
    whole days from `first_whole` to `last_whole` (read from the day totals) and its last
    day's entries up to `now`."""

    since: datetime
    first_day_end: datetime     # the first whole day's midnight: (since, first_day_end)
    first_whole: date
    last_whole: date
    last_day_start: datetime    # now's day's midnight: [last_day_start, now]
    now: datetime


def window(now: datetime) -> Window:
    """The rolling year up to `now`, cut at UTC midnights."""
    since = now - WINDOW
    first, last = day_of(since), day_of(now)
    return Window(since, _midnight(first + timedelta(days=1)), first + timedelta(days=1),
                  last - timedelta(days=1), _midnight(last), now)


@built_once
def _add():
    # Written out as expiring_points._add is: both databases say it alike.
    table = LedgerDayTotal.__table__
    return text(f"INSERT INTO {table.name} (member_id, day, kind, points) "
                "VALUES (:member_id, :day, :kind, :points) "
                "ON CONFLICT (member_id, day, kind) "
                f"DO UPDATE SET points = {table.name}.points + excluded.points"
                ).bindparams(bindparam("day", type_=Date()))


def add(member_id: int, kind: str, points: int, at: datetime) -> None:
    """Add an entry of `kind` and `points` written at `at` to its day's total: one
    statement."""
    db.session.connection().execute(_add(), {"member_id": member_id, "day": day_of(at),
                                             "kind": kind, "points": points})


def add_from(sums) -> None:
    """Add, in one statement, the points of a select of (member_id, day, kind, points) rows,
    one row per member, day and kind: for entries written in bulk by one statement."""
    table = LedgerDayTotal.__table__
    dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
    upsert = dialect.insert(table).from_select(["member_id", "day", "kind", "points"], sums)
    db.session.execute(upsert.on_conflict_do_update(
        index_elements=["member_id", "day", "kind"],
        set_={"points": table.c.points + upsert.excluded.points}))


@built_once
def _kind_names(count: int) -> tuple[str, ...]:
    return tuple(f"kind_{n}" for n in range(count))


@built_once
def _qualifying(less_owed: bool, kind_count: int):
    # Whole days from their totals, the two edge days from their entries (the covering index
    # ix_ledger_entries_member_qualifying), in one statement on the tables' columns. One
    # statement for each number of kinds, each kind a value of its own: the SQL text is the
    # same at every run, with no list written into it.
    entries, totals = LedgerEntry.__table__.c, LedgerDayTotal.__table__.c
    member = bindparam("member_id")
    kinds = [bindparam(name, type_=entries.kind.type) for name in _kind_names(kind_count)]
    created = entries.created_at

    def moment(name):
        return bindparam(name, type_=created.type)

    def of_kinds(column):
        return column.in_(kinds) if kinds else false()

    def entries_sum(*between):
        return (select(func.coalesce(func.sum(entries.points), 0))
                .where(entries.member_id == member, of_kinds(entries.kind), *between)
                .scalar_subquery())

    days = (select(func.coalesce(func.sum(totals.points), 0))
            .where(totals.member_id == member, of_kinds(totals.kind),
                   totals.day >= bindparam("first_whole", type_=Date()),
                   totals.day <= bindparam("last_whole", type_=Date()))
            .scalar_subquery())
    total = (days + entries_sum(created > moment("since"), created < moment("first_day_end"))
             + entries_sum(created >= moment("last_day_start"), created <= moment("now")))
    if less_owed:
        owed = (select(Member.__table__.c.points_owed)
                .where(Member.__table__.c.id == member).scalar_subquery())
        total = total - func.coalesce(owed, 0)
    return select(total)


def qualifying_sum(member_id: int, now: datetime, kinds: tuple[str, ...],
                   less_owed: bool) -> int:
    """The sum of the member's entries of `kinds` in the rolling year up to `now` (less their
    points owed when `less_owed`), as the entries themselves add up."""
    values = dict(zip(_kind_names(len(kinds)), kinds, strict=True), member_id=member_id)
    values.update(window(now)._asdict())
    return read(_qualifying(less_owed, len(kinds)), values).scalar()


def _summed_entries():
    entries = LedgerEntry.__table__.c
    day = utc_day(entries.created_at)
    return (select(entries.member_id, day, entries.kind, func.sum(entries.points))
            .group_by(entries.member_id, day, entries.kind))


def recount(member_ids: list[int] | None = None) -> None:
    """Write the rows of these members (every member when None) afresh from their entries:
    for entries written in bulk."""
    table = LedgerDayTotal.__table__
    wipe, sums = delete(table), _summed_entries()
    if member_ids is not None:
        wipe = wipe.where(table.c.member_id.in_(member_ids))
        sums = sums.where(LedgerEntry.__table__.c.member_id.in_(member_ids))
    db.session.execute(wipe.execution_options(synchronize_session=False))
    db.session.execute(table.insert().from_select(["member_id", "day", "kind", "points"], sums))


def mismatches() -> list[tuple[int, str]]:
    """(member id, what) wherever a member's day total disagrees with their entries."""
    totals, entries = LedgerDayTotal.__table__.c, LedgerEntry.__table__.c
    day = utc_day(entries.created_at)
    both = union_all(
        select(totals.member_id, totals.day, totals.kind, totals.points.label("kept"),
               literal(0).label("summed")),
        select(entries.member_id, day, entries.kind, literal(0), entries.points)).subquery()
    kept, summed = func.sum(both.c.kept), func.sum(both.c.summed)
    rows = db.session.execute(
        select(both.c.member_id, both.c.day, both.c.kind, kept, summed)
        .group_by(both.c.member_id, both.c.day, both.c.kind).having(kept != summed)
        .order_by(both.c.member_id, both.c.day, both.c.kind)).all()
    return [(member_id, f"{kind} entries on {day}: day total {kept} != entries {summed}")
            for member_id, day, kind, kept, summed in rows]
