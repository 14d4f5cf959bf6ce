"""Pure rules for lots: when they expire and which ones a debit draws from."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class LotView:
    id: int
    remaining: int
    earned_at: datetime
    expires_at: datetime | None


def end_of_local_day(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant a lot expiring on `day` lapses: the next local midnight."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).astimezone(timezone.utc)


def expiry_day(expires_at: datetime, tz: ZoneInfo) -> date:
    """The last local day on which points expiring at `expires_at` can be spent."""
    return (expires_at.astimezone(tz) - timedelta(microseconds=1)).date()


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, kept at the end of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return _last_day_of_month(year, month + 1)


def _last_day_of_month(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def spending_order(lot: LotView) -> tuple:
    """Soonest to expire first, lots that never expire last, then oldest, then id."""
    far = datetime.max.replace(tzinfo=timezone.utc)
    return (lot.expires_at is None, lot.expires_at or far, lot.earned_at, lot.id)


def allocate(lots: list[LotView], amount: int, now: datetime) -> list[tuple[int, int]]:
    """(lot id, points) drawn for a debit of `amount`; empty if the live lots fall short."""
    if amount <= 0:
        raise ValueError("a debit draws a positive amount")
    live = [lot for lot in lots if lot.remaining > 0
            and (lot.expires_at is None or lot.expires_at > now)]
    drawn, left = [], amount
    for lot in sorted(live, key=spending_order):
        take = min(lot.remaining, left)
        drawn.append((lot.id, take))
        left -= take
        if left == 0:
            return drawn
    return []
