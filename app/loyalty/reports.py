"""The program's liability reports, read from the ledger, the lots and the orders.

Read-only and set-based: every figure is an aggregate the database computes, never a loop
over ledger rows here. Months are local months of the program's time zone; their bounds are
computed here (exact under any time zone). The sums of months that have ended are kept by
the report job (report_months.py); the open months, and every month's expiry, are index
range scans of the ledger (ix_ledger_entries_kind_created).

Where issued points come from, as the ledger records it:
  purchases    `earn` entries whose reference is a purchase, less their campaign bonus;
  campaigns    the bonus part of those entries: purchases.bonus_points, the points a
               campaign or the birthday month's double added beyond what the same lines earn
               at the tier without one, stored when the purchase earned (of an entry that
               refunds while pending lowered, its share: entry x bonus_points / points);
  tasks        every other `earn` entry: check-ins, the profile, birthday gifts, referrals;
  adjustments  `adjust` entries that add points (those that take points away are
               `adjusted_down`).
Redeemed are `redeem` entries, returned the points that come back from a cancelled or
lapsed order, expired `expire` entries (in the month of the lot's last day: the entry is
written at the local midnight after it), clawed back `clawback` entries (refunded purchases,
referral rewards taken back, points owed), whole: a refund's clawback is not split between
purchases and campaigns, which keep what the purchase earned. All figures are positive
numbers of points.
"""
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, literal_column, select

from app.extensions import db
from . import report_months
from .lots import expiry_day
from .models import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    COUNTED_STATUSES,
    EXPIRE,
    FULFILLED,
    LAPSED,
    RETURN,
    Item,
    LedgerEntry,
    Member,
    Order,
    PointLot,
    Tier,
)
from .models.ledger import LIVE
from .program import Program
from .report_periods import Month, Period


@dataclass(frozen=True)
class Issued:
    """Points issued, by source."""

    purchases: int = 0
    tasks: int = 0
    adjustments: int = 0
    campaigns: int = 0

    @property
    def total(self) -> int:
        return self.purchases + self.tasks + self.adjustments + self.campaigns


@dataclass(frozen=True)
class Flow:
    """Points moved in a month (or a whole period when `month` is None)."""

    month: Month | None
    issued: Issued = field(default_factory=Issued)
    redeemed: int = 0
    returned: int = 0
    expired: int = 0
    clawed_back: int = 0
    adjusted_down: int = 0

    @property
    def net(self) -> int:
        """What the balances rose by in the month (expiry on the lot's last day)."""
        return (self.issued.total - self.redeemed + self.returned - self.expired
                - self.clawed_back - self.adjusted_down)

    @property
    def redemption_rate(self) -> Fraction | None:
        """Points redeemed (less those returned) for each point issued; None when none was."""
        return ratio(self.redeemed - self.returned, self.issued.total)


@dataclass(frozen=True)
class Flows:
    """Each month of the period, and the period's totals."""

    period: Period
    months: list[Flow]
    total: Flow


def ratio(part: int, whole: int) -> Fraction | None:
    """part / whole, exact; None (not a division by zero) when whole is 0."""
    return Fraction(part, whole) if whole else None


def flows(period: Period, program: Program) -> Flows:
    """Points issued by source, redeemed, returned, expired and clawed back, per local month
    of the period. Ended months are read from their kept sums where the report job has
    written them (report_months.py), the others from the ledger; expiry always from the
    ledger."""
    months = period.months
    found = report_months.sums(months, program.tz, program.timezone)
    expired = _expired(months, program)
    rows = []
    for month in months:
        m = found[month]
        rows.append(Flow(month, Issued(purchases=m.purchased - m.campaign_bonus,
                                       tasks=m.earned - m.purchased, adjustments=m.adjusted_up,
                                       campaigns=m.campaign_bonus),
                         redeemed=m.redeemed, returned=m.returned, expired=expired[month],
                         clawed_back=m.clawed_back, adjusted_down=m.adjusted_down))
    return Flows(period, rows, _add_up(rows))


def _expired(months: list[Month], program: Program) -> dict[Month, int]:
    """Points expired in each month. A lot lapses at the local midnight after its last
    day and its entry is dated then: its expiry belongs to the month of that day,
    (start, end]."""
    tz = program.tz
    columns = []
    for month in months:
        start, end = month.starts_at(tz), month.plus(1).starts_at(tz)
        columns.append(select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
            LedgerEntry.kind == EXPIRE, LedgerEntry.created_at > start,
            LedgerEntry.created_at <= end).scalar_subquery())
    values = db.session.execute(select(*columns)).one() if columns else ()
    return {month: -int(value) for month, value in zip(months, values, strict=True)}


def _add_up(rows: list[Flow]) -> Flow:
    def total(name):
        return sum(getattr(row, name) for row in rows)

    def issued(name):
        return sum(getattr(row.issued, name) for row in rows)

    return Flow(None, Issued(*(issued(n) for n in ("purchases", "tasks", "adjustments",
                                                    "campaigns"))),
                *(total(n) for n in ("redeemed", "returned", "expired", "clawed_back",
                                     "adjusted_down")))


# Outstanding points: the liability ------------------------------------------------------

@dataclass(frozen=True)
class ExpiryBucket:
    """Outstanding points that expire in a local month (never, when `month` is None).
    `lapsed`: the month's points have passed their expiry and wait for the expiry job."""

    month: Month | None
    points: int
    value_fen: int
    lapsed: bool = False


@dataclass(frozen=True)
class Breakage:
    """Of the points issued in lots that have run their course, how many expired unspent.
    Lots that points came back into after their own lot lapsed are not issued again."""

    issued: int
    expired: int

    @property
    def rate(self) -> Fraction | None:
        return ratio(self.expired, self.issued)


@dataclass(frozen=True)
class Liability:
    """Every point members hold now, by the month it expires, and what it may cost.
    `expected_cost_fen`: never-expiring points at full value, points still live at full
    value less the expected breakage, lapsed points at nothing."""

    buckets: list[ExpiryBucket]
    points: int
    value_fen: int
    breakage: Breakage
    expected_cost_fen: int


def liability(now: datetime, program: Program) -> Liability:
    """Outstanding points and their worth, split by local month of expiry, with breakage
    and the expected cost after it."""
    held = db.session.execute(
        select(PointLot.expires_at, func.sum(PointLot.remaining))
        .where(literal_column(LIVE)).group_by(PointLot.expires_at)).all()
    by_month: dict[tuple[Month | None, bool], int] = {}
    never = live = 0
    for expires_at, points in held:   # one row per expiry instant, not per lot
        points = int(points)
        if expires_at is None:
            key, never = (None, False), never + points
        else:
            key = (expiry_month(expires_at, program), expires_at <= now)
            live += 0 if key[1] else points
        by_month[key] = by_month.get(key, 0) + points
    buckets = [ExpiryBucket(month, points, program.worth_fen(points), lapsed)
               for (month, lapsed), points in sorted(
                   by_month.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or Month(0, 1),
                                                     not kv[0][1]))]
    total = sum(b.points for b in buckets)
    lapsed = breakage(now)
    kept = 1 - (lapsed.rate or 0)
    expected = program.worth_fen(never) + _round(program.worth_fen(live) * kept)
    return Liability(buckets, total, program.worth_fen(total), lapsed, expected)


def expiry_month(expires_at: datetime, program: Program) -> Month:
    """The local month of a lot's last day: a lot lapses at the local midnight after it."""
    day = expiry_day(expires_at, program.tz)
    return Month(day.year, day.month)


def breakage(now: datetime) -> Breakage:
    """Expired ÷ issued over lots whose expiry has passed by `now` (points lapsed but not yet
    written by the expiry job count as expired)."""
    # Two reads, each from an index alone: the lapsed lots' points, and what is left in them.
    issued = db.session.scalar(select(func.coalesce(func.sum(PointLot.points), 0))
                               .where(PointLot.expires_at <= now))
    waiting = db.session.scalar(select(func.coalesce(func.sum(PointLot.remaining), 0))
                                .where(literal_column(LIVE), PointLot.expires_at <= now))
    returned_into = db.session.scalar(
        select(func.coalesce(func.sum(PointLot.points), 0))
        .select_from(LedgerEntry).join(PointLot, PointLot.id == LedgerEntry.lot_id)
        .where(LedgerEntry.kind == RETURN, PointLot.expires_at <= now))
    written = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                                .where(LedgerEntry.kind == EXPIRE))
    return Breakage(issued=int(issued) - int(returned_into),
                    expired=int(waiting) - int(written))


def _round(value: Fraction | int) -> int:
    """To the nearest whole fen, halves up."""
    value = Fraction(value)
    return (value.numerator * 2 + value.denominator) // (2 * value.denominator)


# Orders, items and members ----------------------------------------------------------------

@dataclass(frozen=True)
class ItemRank:
    """An item's orders in the period (cancelled and lapsed ones left out)."""

    item_id: int
    name: str
    name_en: str
    orders: int
    quantity: int
    points: int


@dataclass(frozen=True)
class StatusCount:
    status: str
    orders: int
    points: int
    cash_fen: int


@dataclass(frozen=True)
class TierCount:
    code: str
    name: str
    name_en: str
    members: int
    points: int


TOP_BY = ("points", "orders")


def top_items(period: Period, program: Program, by: str = "points",
              limit: int = 10) -> list[ItemRank]:
    """The items with the most points (or orders) redeemed in the period."""
    if by not in TOP_BY:
        raise ValueError(f"top items are ranked by one of {TOP_BY}; got {by!r}")
    start, end = period.bounds(program.tz)
    orders, points = func.count(Order.id), func.sum(Order.points)
    first, second = (points, orders) if by == "points" else (orders, points)
    rows = db.session.execute(
        select(Order.item_id, orders, func.sum(Order.quantity), points)
        .where(Order.status.in_(COUNTED_STATUSES), Order.created_at >= start,
               Order.created_at < end)
        .group_by(Order.item_id).order_by(first.desc(), second.desc(), Order.item_id)
        .limit(max(0, min(limit, 100)))).all()
    names = dict((i.id, i) for i in db.session.scalars(
        select(Item).where(Item.id.in_([r[0] for r in rows])))) if rows else {}
    return [ItemRank(item_id, names[item_id].name, names[item_id].name_en, int(count),
                     int(quantity), int(total)) for item_id, count, quantity, total in rows]


ORDER_STATUSES = (AWAITING_PAYMENT, CONFIRMED, FULFILLED, CANCELLED, LAPSED)


def orders_by_status(period: Period, program: Program) -> list[StatusCount]:
    """Orders placed in the period, by where they stand now; every status, even at zero."""
    start, end = period.bounds(program.tz)
    found = {status: (count, points, cash) for status, count, points, cash in
             db.session.execute(
                 select(Order.status, func.count(Order.id), func.sum(Order.points),
                        func.sum(Order.cash_fen))
                 .where(Order.created_at >= start, Order.created_at < end)
                 .group_by(Order.status)).all()}
    return [StatusCount(status, *(int(v or 0) for v in found.get(status, (0, 0, 0))))
            for status in ORDER_STATUSES]


def members_by_tier() -> list[TierCount]:
    """Members in each tier now and the points they hold, lowest tier first."""
    counts = (select(Member.tier_id, func.count(Member.id).label("members"),
                     func.sum(Member.points_balance).label("points"))
              .group_by(Member.tier_id).subquery())
    rows = db.session.execute(
        select(Tier.code, Tier.name, Tier.name_en, counts.c.members, counts.c.points)
        .outerjoin(counts, counts.c.tier_id == Tier.id).order_by(Tier.rank)).all()
    return [TierCount(code, name, name_en, int(members or 0), int(points or 0))
            for code, name, name_en, members, points in rows]


# The whole page ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    period: Period
    at: datetime
    flows: Flows
    liability: Liability
    top_items: list[ItemRank]
    orders_by_status: list[StatusCount]
    members_by_tier: list[TierCount]


def report(period: Period, now: datetime, program: Program, top: int = 10) -> Report:
    """Every figure of the reports page for a period, as of `now`."""
    return Report(period, now, flows(period, program), liability(now, program),
                  top_items(period, program, limit=top), orders_by_status(period, program),
                  members_by_tier())
