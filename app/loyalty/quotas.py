"""Item quotas: at most `item.quota` of an item redeemed by all members together in each
local day or month of the program's time zone. Orders count while they stand (awaiting
payment, confirmed or fulfilled); a cancelled or lapsed one gives its place back."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from app.extensions import db
from .models import COUNTED_STATUSES, DAY, MONTH, Item, Order
from .report_periods import Month


@dataclass(frozen=True)
class QuotaUse:
    """How many of an item the period's orders hold, and when the next period begins."""

    used: int
    resumes_at: datetime


def bounds(period: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local day or month `now` falls in."""
    if period == DAY:
        today = now.astimezone(tz).date()
        return _midnight(today, tz), _midnight(today + timedelta(days=1), tz)
    if period == MONTH:
        month = Month.of(now, tz)
        return month.starts_at(tz), month.plus(1).starts_at(tz)
    raise ValueError(f"unknown quota period {period!r}")


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(timezone.utc)


def uses(items: list[Item], now: datetime, tz: ZoneInfo) -> dict[int, QuotaUse]:
    """The quota use of every item with a quota among `items`, in one query (none when no
    item has a quota)."""
    limited = [item for item in items if item.quota is not None]
    if not limited:
        return {}
    day_start, day_end = bounds(DAY, now, tz)
    month_start, month_end = bounds(MONTH, now, tz)
    in_day = (Order.created_at >= day_start) & (Order.created_at < day_end)
    rows = db.session.execute(
        select(Order.item_id, func.sum(case((in_day, Order.quantity), else_=0)),
               func.sum(Order.quantity))
        .where(Order.item_id.in_([item.id for item in limited]),
               Order.status.in_(COUNTED_STATUSES),
               Order.created_at >= month_start, Order.created_at < month_end)
        .group_by(Order.item_id)).all()
    found = {item_id: (int(day or 0), int(month or 0)) for item_id, day, month in rows}
    result = {}
    for item in limited:
        day, month = found.get(item.id, (0, 0))
        if item.quota_period == DAY:
            result[item.id] = QuotaUse(day, day_end)
        else:
            result[item.id] = QuotaUse(month, month_end)
    return result


def use(item: Item, now: datetime, tz: ZoneInfo) -> QuotaUse | None:
    """The quota use of one item, or None when it has no quota."""
    return uses([item], now, tz).get(item.id)
