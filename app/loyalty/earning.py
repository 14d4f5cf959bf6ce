"""Pure earning rules: points for a purchase, the birthday bonus and refund clawbacks.

All integer math: amounts in fen, multipliers in percent, rounded down once at the end.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

NO_BONUS = 100          # a multiplier of 1x, in percent
# BIRTHDAY_BONUS setting: purchases in the birthday month earn double, or a gift is claimed
DOUBLE, GIFT = "double", "gift"


@dataclass(frozen=True)
class Line:
    """One line of a purchase: what kind of thing was bought, and for how much."""

    category: str
    amount_fen: int


@dataclass(frozen=True)
class Earned:
    points: int
    multiplier_pct: int     # the best bonus that applied to any line (100 when none did)
    bonus_points: int       # of `points`, those earned beyond the same lines without a bonus


def purchase_points(lines: Sequence[Line], earn_points: int, earn_per_yuan: int,
                    tier_multiplier_pct: int, bonus_pct: Callable[[Line], int]) -> Earned:
    """floor(sum of amount_fen * earn_points * tier % * line bonus % / (earn_per_yuan *
    1,000,000)): the rate is `earn_points` for every `earn_per_yuan` yuan (100 fen each) and
    both multipliers are percentages, so the exact sum is divided once.
    The bonus points are the points less what the same lines earn at the tier without any
    bonus (campaign or birthday month), rounded down the same way: base + bonus = points."""
    total, base, best = 0, 0, NO_BONUS
    for line in lines:
        bonus = max(NO_BONUS, bonus_pct(line))
        best = max(best, bonus)
        total += line.amount_fen * earn_points * tier_multiplier_pct * bonus
        base += line.amount_fen * earn_points * tier_multiplier_pct * NO_BONUS
    points = total // (earn_per_yuan * 1_000_000)
    return Earned(points, best, points - base // (earn_per_yuan * 1_000_000))


def birthday_bonus_pct(birthday: date | None, at: datetime, tz: ZoneInfo, setting: str) -> int:
    """200 when the program doubles birthday-month purchases and `at` falls in the member's
    birthday month (local time); otherwise no bonus."""
    if setting != DOUBLE or birthday is None:
        return NO_BONUS
    return 200 if at.astimezone(tz).month == birthday.month else NO_BONUS


def clawed_total(points: int, amount_fen: int, refunded_fen: int) -> int:
    """Points taken back once `refunded_fen` of the purchase has been refunded, rounded down:
    a full refund takes back every point."""
    return points * refunded_fen // amount_fen


def clawback(points: int, amount_fen: int, refunded_before: int, refund_fen: int) -> int:
    """What one refund takes back: the rise in the cumulative clawback it causes, so partial
    refunds adding up to the whole purchase take back exactly its points."""
    return (clawed_total(points, amount_fen, refunded_before + refund_fen)
            - clawed_total(points, amount_fen, refunded_before))
