"""The yearly redemption-cost budget and the forecast it is held against (定量计划).

Administrators set a budget in fen for a calendar year of the program's time zone (a row
added each time, the newest wins, audited). The plan of a year reads, month by month, the
recorded cost of its orders that stand (not cancelled or lapsed), and forecasts the year's
cost as cost_plan.py describes, from the reports' sums (report months and the liability)."""
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, select

from app.extensions import db
from . import audit_log, cost_plan, reports
from .errors import DomainError
from .models import COUNTED_STATUSES, CostBudget, LedgerEntry, Order, utcnow
from .program import Program
from .report_periods import FIRST_YEAR, LAST_YEAR, Month, Period
from .transaction import write_transaction

MAX_BUDGET_FEN = 10**12          # ¥10,000,000,000
# Why a budget is refused: InvalidBudget's `problem` (its `field` is "year" or "budget").
NOT_POSITIVE, TOO_LARGE, OUT_OF_RANGE = "not_positive", "too_large", "out_of_range"


class InvalidBudget(DomainError):
    """A budget that is not a whole number of fen above 0 and at most MAX_BUDGET_FEN, or a
    year out of range. Details: `field`, `problem`."""

    code = "invalid_budget"


def set_budget(year: int, budget_fen: int, *, actor_id: int | None = None,
               address: str = "", now: datetime | None = None) -> CostBudget:
    """Set the year's budget; InvalidBudget, with nothing changed, for a bad one."""
    now = now or utcnow()
    if isinstance(year, bool) or not isinstance(year, int) or not (
            FIRST_YEAR <= year <= LAST_YEAR):
        raise InvalidBudget(field="year", problem=OUT_OF_RANGE)
    if isinstance(budget_fen, bool) or not isinstance(budget_fen, int) or budget_fen <= 0:
        raise InvalidBudget(field="budget", problem=NOT_POSITIVE)
    if budget_fen > MAX_BUDGET_FEN:
        raise InvalidBudget(field="budget", problem=TOO_LARGE)
    with write_transaction():
        before = budget_for(year)
        row = CostBudget(year=year, budget_fen=budget_fen, set_by=actor_id, set_at=now)
        db.session.add(row)
        db.session.flush()
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.BUDGET_SET, f"budget {year}", address,
                             before={"budget_fen": before}, after={"budget_fen": budget_fen},
                             now=now)
        return row


def budget_for(year: int) -> int | None:
    """The year's budget in fen, or None when none was set."""
    return db.session.scalar(select(CostBudget.budget_fen).where(CostBudget.year == year)
                             .order_by(CostBudget.id.desc()).limit(1))


@dataclass(frozen=True)
class MonthCost:
    month: Month
    cost_fen: int               # orders placed in the month that stand, at their cost
    cumulative_fen: int
    budget_to_date_fen: int | None  # an even twelfth of the budget a month, added up
    ahead: bool                 # the month has not begun


@dataclass(frozen=True)
class CostPlan:
    year: int
    at: datetime
    budget_fen: int | None
    months: list[MonthCost]
    cost_so_far_fen: int
    outstanding: int            # points members hold that have not lapsed
    expected_issuance: int      # points expected to be issued in the rest of the year
    months_left: Fraction
    rate: Fraction
    rate_is_default: bool
    cost_per_point: Fraction    # fen
    cost_per_point_is_default: bool
    forecast_fen: int

    @property
    def over_budget(self) -> bool:
        return self.budget_fen is not None and self.forecast_fen > self.budget_fen


def plan(year: int, now: datetime, program: Program) -> CostPlan:
    """The year's cost month by month and its forecast, as of `now`. A year that has ended
    forecasts what it cost; one not begun yet forecasts from everything outstanding now."""
    tz = program.tz
    months = [Month(year, m) for m in range(1, 13)]
    costs = _month_costs(months, tz)
    budget = budget_for(year)
    rows, running = [], 0
    for n, month in enumerate(months, start=1):
        running += costs[month]
        rows.append(MonthCost(month, costs[month], running,
                              cost_plan.round_fen(Fraction(budget * n, 12))
                              if budget is not None else None, month.starts_at(tz) > now))
    so_far = running
    this_month = Month.of(now, tz)
    window = Period(this_month.plus(-12), this_month.plus(-1))
    total = reports.flows(window, program).total
    history = _months_of_history(window, tz)
    rate = cost_plan.redemption_rate(total.redeemed - total.returned, total.issued.total,
                                     history)
    per_point, default_cost = _cost_per_point(window.first.starts_at(tz), now, program)
    left = _months_left(year, now, tz)
    expected = cost_plan.expected_issuance(total.issued.total, history, left)
    outstanding = _outstanding(now, program) if left > 0 else 0
    forecast = cost_plan.forecast_fen(so_far, outstanding, expected, rate, per_point) \
        if left > 0 else so_far
    default_rate = history < cost_plan.HISTORY_MONTHS or total.issued.total <= 0
    return CostPlan(year, now, budget, rows, so_far, outstanding, cost_plan.round_fen(expected),
                    left, rate, default_rate, per_point, default_cost, forecast)


def _month_costs(months: list[Month], tz) -> dict[Month, int]:
    columns = []
    for month in months:
        columns.append(select(func.coalesce(func.sum(Order.cost_fen), 0)).where(
            Order.status.in_(COUNTED_STATUSES), Order.created_at >= month.starts_at(tz),
            Order.created_at < month.plus(1).starts_at(tz)).scalar_subquery())
    values = db.session.execute(select(*columns)).one()
    return {month: int(value) for month, value in zip(months, values, strict=True)}


def _months_of_history(window: Period, tz) -> int:
    """How many months of the window the ledger covers, from its first entry's month."""
    first_at = db.session.scalar(select(func.min(LedgerEntry.created_at)))
    if first_at is None:
        return 0
    first = max(Month.of(first_at, tz), window.first)
    return max(0, window.last.index - first.index + 1)


def _cost_per_point(since: datetime, now: datetime, program: Program) -> tuple[Fraction, bool]:
    """The average recorded cost per point of the orders that stand, placed from `since`
    to `now`; a point's worth (and True) when there are none."""
    cost, points = db.session.execute(
        select(func.coalesce(func.sum(Order.cost_fen), 0), func.coalesce(func.sum(Order.points), 0))
        .where(Order.status.in_(COUNTED_STATUSES), Order.created_at >= since,
               Order.created_at < now)).one()
    worth = Fraction(100, program.points_per_yuan)
    return cost_plan.cost_per_point(int(cost), int(points), worth), int(points) <= 0


def _months_left(year: int, now: datetime, tz) -> Fraction:
    """Months of the year still to come: whole months after this one, and the share of this
    month not yet gone (12 for a year not begun, 0 for one that has ended)."""
    start, end = Month(year, 1).starts_at(tz), Month(year + 1, 1).starts_at(tz)
    if now >= end:
        return Fraction(0)
    if now < start:
        return Fraction(12)
    month = Month.of(now, tz)
    begins, ends = month.starts_at(tz), month.plus(1).starts_at(tz)
    share = Fraction(int((ends - now).total_seconds()), int((ends - begins).total_seconds()))
    return (12 - month.month) + share


def _outstanding(now: datetime, program: Program) -> int:
    """Points members hold now, less those whose expiry has passed."""
    held = reports.liability(now, program)
    return held.points - sum(b.points for b in held.buckets if b.lapsed)
