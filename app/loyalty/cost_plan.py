"""The arithmetic of the redemption-cost forecast (定量计划), on plain numbers.

    forecast = cost so far this year
             + (outstanding points + expected issuance for the rest of the year)
               x redemption rate x average cost per point redeemed

The redemption rate is points redeemed (less those returned) ÷ points issued over the last
12 whole months (at most 1), or DEFAULT_RATE (20%) with less than 12 months of history or nothing
issued. Expected issuance is the average issued a month over the months of history among
those 12, times the months left in the year (the rest of this month counted as its share).
The average cost per point is the recorded cost of the orders ÷ their points; with no
order yet, a point is taken to cost what it is worth to members (the program's point value).
"""
from fractions import Fraction

DEFAULT_RATE = Fraction(1, 5)
HISTORY_MONTHS = 12


def redemption_rate(redeemed: int, issued: int, months_of_history: int) -> Fraction:
    """Redeemed ÷ issued over a full year of history, else the default 20%; from 0 to 1
    (points issued before the year and redeemed in it do not make more than every point
    redeemed)."""
    if months_of_history < HISTORY_MONTHS or issued <= 0:
        return DEFAULT_RATE
    return min(Fraction(1), max(Fraction(0), Fraction(redeemed, issued)))


def cost_per_point(cost_fen: int, points: int, point_worth_fen: Fraction) -> Fraction:
    """Fen of cost for each point redeemed; a point's worth when nothing was redeemed."""
    return Fraction(cost_fen, points) if points > 0 else Fraction(point_worth_fen)


def expected_issuance(issued: int, months_of_history: int, months_left: Fraction) -> Fraction:
    """Points expected to be issued in the months left, at the average of the history."""
    months = min(months_of_history, HISTORY_MONTHS)
    if months <= 0 or months_left <= 0:
        return Fraction(0)
    return Fraction(issued, months) * months_left


def forecast_fen(cost_so_far_fen: int, outstanding: int, expected: Fraction,
                 rate: Fraction, per_point: Fraction) -> int:
    """The year's expected redemption cost in whole fen (halves up)."""
    return cost_so_far_fen + round_fen((outstanding + expected) * rate * per_point)


def round_fen(value: Fraction | int) -> int:
    """To the nearest whole fen, halves up."""
    value = Fraction(value)
    return (value.numerator * 2 + value.denominator) // (2 * value.denominator)
