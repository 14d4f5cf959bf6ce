"""The earn formula and refund clawbacks: exact integer math, rounded down once."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from app.loyalty.earning import (
    Earned,
    Line,
    birthday_bonus_pct,
    clawback,
    clawed_total,
    purchase_points,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def no_bonus(line: Line) -> int:
    return 100


def test_one_yuan_earns_one_point_at_the_default_rate():
    assert purchase_points([Line("coffee", 100)], 1, 1, 100, no_bonus) == Earned(1, 100, 0)


def test_points_are_rounded_down_once_over_the_whole_purchase_not_per_line():
    # 3 lines of ¥0.60: each alone earns 0 points, together ¥1.80 earns 1.
    lines = [Line("coffee", 60)] * 3
    assert purchase_points(lines, 1, 1, 100, no_bonus).points == 1
    # ¥1.99 at 1.5x = 2.985 points -> 2
    assert purchase_points([Line("coffee", 199)], 1, 1, 150, no_bonus).points == 2


def test_the_tier_multiplier_and_the_campaign_bonus_multiply():
    # ¥100 x Gold 1.5 x double = 300 points
    earned = purchase_points([Line("coffee", 10_000)], 1, 1, 150, lambda line: 200)
    assert earned == Earned(300, 200, 150)


def test_a_category_campaign_doubles_only_its_own_lines():
    lines = [Line("coffee", 5_000), Line("bakery", 3_000)]
    earned = purchase_points(lines, 1, 1, 100,
                             lambda line: 200 if line.category == "coffee" else 100)
    assert earned == Earned(100 + 30, 200, 50)


def test_the_bonus_points_are_what_the_bonus_added_to_the_lines_each_rounded_down_once():
    # Tea ¥10.50 at double earns 21, coffee ¥10.50 without a bonus 10.5: 31.5 -> 31 points.
    # Without any bonus both earn 21 -> 21, so the bonus is 10 and base + bonus = points;
    # working it back from the best multiplier would give 31 - 31 x 100 / 200 = 16.
    lines = [Line("tea", 1_050), Line("coffee", 1_050)]
    earned = purchase_points(lines, 1, 1, 100, lambda line: 200 if line.category == "tea" else 100)
    assert earned == Earned(31, 200, 10)
    # At Gold 1.5 with uneven rounding: 3.33 x 1.5 x 2 = 9.99 -> 9; without 4.995 -> 4
    earned = purchase_points([Line("tea", 333)], 1, 1, 150, lambda line: 200)
    assert earned == Earned(9, 200, 5)
    assert purchase_points([Line("tea", 99)], 1, 1, 100, lambda line: 200) == Earned(1, 200, 1)


def test_the_earn_rate_scales_points():
    assert purchase_points([Line("coffee", 2_550)], 10, 1, 100, no_bonus).points == 255


@pytest.mark.parametrize("amount_fen, points", [(1_990, 9), (2_000, 10), (99, 0), (199, 0),
                                                (200, 1)])
def test_one_point_for_every_two_yuan_rounds_down_once(amount_fen, points):
    assert purchase_points([Line("snacks", amount_fen)], 1, 2, 100, no_bonus).points == points


def test_a_ratio_earn_rate_takes_the_tier_multiplier_and_the_campaign_bonus():
    # ¥19.90 at 1 per ¥2 x Gold 1.5 x double = 29.85 -> 29, rounded once
    assert purchase_points([Line("snacks", 1_990)], 1, 2, 150, lambda line: 200).points == 29
    # 3 points for every ¥5: ¥12 earns 7.2 -> 7
    assert purchase_points([Line("snacks", 1_200)], 3, 5, 100, no_bonus).points == 7


def test_a_bonus_below_100_never_takes_points_away():
    earned = purchase_points([Line("coffee", 1_000)], 1, 1, 100, lambda line: 50)
    assert earned == Earned(10, 100, 0)


@pytest.mark.parametrize("lines, points", [
    ([], 0),
    ([Line("coffee", 1)], 0),
    ([Line("coffee", 99)], 0),
    ([Line("coffee", 10_000_000)], 100_000),
])
def test_tiny_and_huge_amounts(lines, points):
    assert purchase_points(lines, 1, 1, 100, no_bonus).points == points


def test_huge_amounts_with_every_multiplier_stay_exact():
    earned = purchase_points([Line("coffee", 9_999_999)], 100, 1, 200, lambda line: 300)
    assert earned.points == 9_999_999 * 100 * 200 * 300 // 1_000_000 == 59_999_994


def test_the_birthday_bonus_doubles_in_the_local_birthday_month_only():
    born = date(1990, 7, 15)
    # 30 June 17:00 UTC is already 1 July 01:00 in Shanghai: the birthday month.
    assert birthday_bonus_pct(born, datetime(2026, 6, 30, 17, tzinfo=timezone.utc),
                              SHANGHAI, "double") == 200
    assert birthday_bonus_pct(born, datetime(2026, 6, 30, 15, tzinfo=timezone.utc),
                              SHANGHAI, "double") == 100
    assert birthday_bonus_pct(born, datetime(2026, 7, 31, 15, 59, tzinfo=timezone.utc),
                              SHANGHAI, "double") == 200
    assert birthday_bonus_pct(born, datetime(2026, 7, 31, 16, tzinfo=timezone.utc),
                              SHANGHAI, "double") == 100


@pytest.mark.parametrize("birthday, setting", [(None, "double"), (date(1990, 7, 1), "gift"),
                                               (date(1990, 7, 1), "")])
def test_no_birthday_bonus_without_a_birthday_or_when_the_program_gives_a_gift(birthday, setting):
    assert birthday_bonus_pct(birthday, datetime(2026, 7, 10, tzinfo=timezone.utc),
                              SHANGHAI, setting) == 100


def test_the_birthday_bonus_and_a_campaign_do_not_stack_the_best_wins():
    birthday = birthday_bonus_pct(date(1990, 7, 1), datetime(2026, 7, 10, tzinfo=timezone.utc),
                                  SHANGHAI, "double")
    earned = purchase_points([Line("coffee", 10_000)], 1, 1, 100, lambda line: max(birthday, 300))
    assert earned == Earned(300, 300, 200)


# Clawbacks

def test_a_full_refund_claws_back_every_point():
    assert clawback(points=137, amount_fen=13_700, refunded_before=0, refund_fen=13_700) == 137


def test_a_partial_refund_claws_back_its_share_rounded_down():
    assert clawback(points=100, amount_fen=3_000, refunded_before=0, refund_fen=1_000) == 33


def test_partial_refunds_adding_up_to_the_whole_purchase_claw_back_exactly_all_points():
    parts = [1_000, 1_000, 1_000]
    taken, before = [], 0
    for part in parts:
        taken.append(clawback(100, 3_000, before, part))
        before += part
    assert taken == [33, 33, 34] and sum(taken) == 100


@pytest.mark.parametrize("points, amount, parts", [
    (7, 999, [1, 1, 997]), (1, 3, [1, 1, 1]), (12_345, 1_000_000, [333_333, 333_333, 333_334]),
    (0, 500, [100, 400]),
])
def test_the_cumulative_clawback_never_exceeds_the_points_and_ends_at_all_of_them(points, amount,
                                                                                  parts):
    before, total = 0, 0
    for part in parts:
        total += clawback(points, amount, before, part)
        before += part
        assert 0 <= total == clawed_total(points, amount, before) <= points
    assert total == points
