"""The redemption-cost forecast's arithmetic: the rate, the cost per point, the issuance
still to come and the forecast itself."""
from fractions import Fraction

from app.loyalty.cost_plan import (
    DEFAULT_RATE,
    cost_per_point,
    expected_issuance,
    forecast_fen,
    redemption_rate,
    round_fen,
)


def test_the_redemption_rate_is_redeemed_over_issued_with_a_full_year_of_history():
    assert redemption_rate(30_000, 100_000, 12) == Fraction(3, 10)


def test_the_redemption_rate_is_twenty_percent_with_less_history_or_nothing_issued():
    assert redemption_rate(90_000, 100_000, 11) == DEFAULT_RATE == Fraction(1, 5)
    assert redemption_rate(0, 0, 12) == DEFAULT_RATE


def test_the_rate_stays_between_zero_and_one():
    assert redemption_rate(-10, 100, 12) == 0        # more returned than redeemed
    assert redemption_rate(150, 100, 12) == 1        # points of earlier years redeemed


def test_the_cost_per_point_is_the_orders_cost_over_their_points_or_a_points_worth():
    assert cost_per_point(5_000, 10_000, Fraction(1)) == Fraction(1, 2)
    assert cost_per_point(0, 0, Fraction(1)) == 1


def test_expected_issuance_is_the_monthly_average_times_the_months_left():
    assert expected_issuance(120_000, 12, Fraction(3)) == 30_000
    assert expected_issuance(30_000, 3, Fraction(5, 2)) == 25_000   # three months of history
    assert expected_issuance(30_000, 0, Fraction(6)) == 0
    assert expected_issuance(30_000, 40, Fraction(1)) == 2_500       # at most a year counted


def test_the_forecast_adds_the_expected_cost_of_outstanding_and_coming_points():
    # ¥1,000 so far; (60,000 + 40,000) points x 30% x 0.5 fen = 15,000 fen.
    assert forecast_fen(100_000, 60_000, Fraction(40_000), Fraction(3, 10),
                        Fraction(1, 2)) == 115_000


def test_fen_round_halves_up():
    assert (round_fen(Fraction(5, 2)), round_fen(Fraction(7, 3)), round_fen(0)) == (3, 2, 0)
