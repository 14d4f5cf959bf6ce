"""Pure rules for daily check-ins: local days, streaks, and the bonus on every Nth day."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def local_day(at: datetime, tz: ZoneInfo) -> date:
    """The program's local calendar day of an instant (23:00 UTC is the next day in Shanghai)."""
    return at.astimezone(tz).date()


def alive_streak(last_day: date | None, last_streak: int, today: date) -> int:
    """The streak that still counts today: it survives only if the last check-in was
    today or yesterday; a missed local day breaks it."""
    if last_day is None:
        return 0
    if last_day in (today, today - timedelta(days=1)):
        return last_streak
    return 0


def next_streak(last_day: date | None, last_streak: int, today: date) -> int:
    """The streak a check-in today makes: one more after yesterday's, otherwise 1."""
    if last_day == today - timedelta(days=1):
        return last_streak + 1
    return 1


def is_bonus_day(streak: int, every: int) -> bool:
    """The bonus comes on the 7th day in a row, then the 14th, 21st, ..."""
    return every > 0 and streak > 0 and streak % every == 0


def check_in_points(streak: int, base: int, every: int, bonus: int) -> int:
    """Points a check-in earns: the daily points, plus the bonus on a bonus day."""
    return base + (bonus if is_bonus_day(streak, every) else 0)


def days_to_bonus(streak: int, every: int) -> int:
    """Check-ins still to go, counting a check-in today if not yet made, until the next
    bonus day: after 4 days in a row, 3 more (days 5, 6, 7)."""
    return every - streak % every


@dataclass(frozen=True)
class StripDay:
    """One day of the streak strip: which day of the streak it is, done, today, bonus."""

    number: int
    done: bool
    today: bool
    bonus: bool


@dataclass(frozen=True)
class StreakState:
    """A member's check-in state on a local day, as the check-in card shows it."""

    streak: int              # consecutive days so far, today included if checked in
    checked_in_today: bool
    to_bonus: int            # check-ins to go until the next bonus day
    strip: tuple[StripDay, ...]


def streak_state(last_day: date | None, last_streak: int, today: date,
                 every: int) -> StreakState:
    """Where a member stands today: the live streak and the strip of the current cycle."""
    streak = alive_streak(last_day, last_streak, today)
    checked = last_day == today
    if checked:
        done = (streak - 1) % every + 1
        position = done
    else:
        done = streak % every
        position = done + 1
    first = streak - done  # days in the streak before this cycle began
    strip = tuple(StripDay(first + n, n <= done, n == position, n == every)
                  for n in range(1, every + 1))
    return StreakState(streak, checked, days_to_bonus(streak, every), strip)
