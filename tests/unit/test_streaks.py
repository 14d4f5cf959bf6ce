"""Check-in streaks on the program's local days (Asia/Shanghai), and the bonus days."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from app.loyalty.streaks import (
    alive_streak,
    check_in_points,
    days_to_bonus,
    is_bonus_day,
    local_day,
    next_streak,
    streak_state,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_check_in_the_day_after_the_last_one_continues_the_streak():
    assert next_streak(date(2026, 6, 1), 4, date(2026, 6, 2)) == 5


def test_a_missed_day_starts_the_streak_again_at_one():
    assert next_streak(date(2026, 6, 1), 4, date(2026, 6, 3)) == 1


def test_the_first_check_in_ever_is_day_one():
    assert next_streak(None, 0, date(2026, 6, 3)) == 1


@pytest.mark.parametrize("last, today", [
    (date(2026, 1, 31), date(2026, 2, 1)),
    (date(2026, 2, 28), date(2026, 3, 1)),
    (date(2028, 2, 29), date(2028, 3, 1)),
    (date(2025, 12, 31), date(2026, 1, 1)),
], ids=["month-end", "february-end", "leap-day", "year-end"])
def test_a_streak_runs_on_across_month_and_year_ends(last, today):
    assert next_streak(last, 9, today) == 10


def test_a_check_in_at_23_59_and_one_at_00_01_local_time_fall_on_two_days():
    before = datetime(2026, 6, 1, 23, 59, tzinfo=SHANGHAI)
    after = datetime(2026, 6, 2, 0, 1, tzinfo=SHANGHAI)

    first, second = local_day(before, SHANGHAI), local_day(after, SHANGHAI)

    assert (first, second) == (date(2026, 6, 1), date(2026, 6, 2))
    assert next_streak(first, 1, second) == 2


def test_23_00_utc_is_already_the_next_local_day_in_shanghai():
    at = datetime(2026, 6, 1, 23, 0, tzinfo=timezone.utc)

    assert local_day(at, SHANGHAI) == date(2026, 6, 2)
    assert at.date() == date(2026, 6, 1)


def test_two_utc_instants_on_one_utc_day_can_be_two_local_days():
    morning = datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc)   # 18:00 in Shanghai
    night = datetime(2026, 6, 1, 16, 30, tzinfo=timezone.utc)    # 00:30 the next day

    assert next_streak(local_day(morning, SHANGHAI), 1, local_day(night, SHANGHAI)) == 2


@pytest.mark.parametrize("streak, bonus", [
    (1, False), (6, False), (7, True), (8, False), (13, False), (14, True), (21, True), (0, False)])
def test_the_bonus_comes_on_every_seventh_day_in_a_row(streak, bonus):
    assert is_bonus_day(streak, 7) is bonus
    assert check_in_points(streak, 3, 7, 20) == (23 if bonus else 3)


@pytest.mark.parametrize("streak, to_go", [(0, 7), (1, 6), (4, 3), (6, 1), (7, 7), (8, 6)])
def test_days_to_the_bonus_count_down_to_the_next_seventh_day(streak, to_go):
    assert days_to_bonus(streak, 7) == to_go


def test_yesterdays_streak_still_counts_today_and_an_older_one_does_not():
    today = date(2026, 6, 10)
    assert alive_streak(date(2026, 6, 9), 5, today) == 5
    assert alive_streak(date(2026, 6, 10), 6, today) == 6
    assert alive_streak(date(2026, 6, 8), 5, today) == 0


def test_the_strip_after_checking_in_on_day_four_shows_four_done_and_today_as_the_fourth():
    state = streak_state(date(2026, 6, 10), 4, date(2026, 6, 10), 7)

    assert state.checked_in_today and state.streak == 4 and state.to_bonus == 3
    assert [d.done for d in state.strip] == [True] * 4 + [False] * 3
    assert [d.number for d in state.strip if d.today] == [4]
    assert [d.number for d in state.strip if d.bonus] == [7]


def test_the_strip_before_checking_in_marks_the_next_day_as_today():
    state = streak_state(date(2026, 6, 9), 6, date(2026, 6, 10), 7)

    assert not state.checked_in_today and state.streak == 6 and state.to_bonus == 1
    assert [d.done for d in state.strip] == [True] * 6 + [False]
    assert [d.number for d in state.strip if d.today] == [7]


def test_after_a_bonus_day_the_strip_starts_a_new_cycle():
    done_today = streak_state(date(2026, 6, 10), 7, date(2026, 6, 10), 7)
    next_day = streak_state(date(2026, 6, 10), 7, date(2026, 6, 11), 7)

    assert all(d.done for d in done_today.strip) and done_today.to_bonus == 7
    assert not any(d.done for d in next_day.strip) and next_day.streak == 7
    assert [d.number for d in next_day.strip] == list(range(8, 15))
    assert [d.number for d in next_day.strip if d.today] == [8]


def test_a_broken_streak_shows_an_empty_strip_starting_today():
    state = streak_state(date(2026, 6, 1), 5, date(2026, 6, 10), 7)

    assert state.streak == 0 and not any(d.done for d in state.strip)
    assert [d.number for d in state.strip if d.today] == [1]
