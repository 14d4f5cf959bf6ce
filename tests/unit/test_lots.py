"""Lots: when they expire and which ones a debit draws from."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.loyalty.expiry import lot_expiry
from app.loyalty.lots import LotView, add_months, allocate, end_of_local_day, expiry_day
from app.loyalty.program import MONTHLY, Program

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


NEW_YEAR = utc(2026, 1, 1)


def monthly(months: int) -> Program:
    return Program(expiry_policy=MONTHLY, expiry_months=months, timezone="Asia/Shanghai")


def lot(id, remaining, expires_at, earned_at=NEW_YEAR) -> LotView:
    return LotView(id, remaining, earned_at, expires_at)


# allocate

def test_a_debit_draws_the_soonest_expiring_lot_first():
    lots = [lot(1, 100, utc(2027, 1, 1)), lot(2, 100, utc(2026, 7, 1)),
            lot(3, 100, utc(2026, 9, 1))]
    assert allocate(lots, 150, NOW) == [(2, 100), (3, 50)]


def test_lots_that_never_expire_are_drawn_last():
    lots = [lot(1, 100, None), lot(2, 100, utc(2030, 1, 1))]
    assert allocate(lots, 150, NOW) == [(2, 100), (1, 50)]


def test_lots_expiring_together_are_drawn_oldest_first():
    lots = [lot(1, 100, utc(2027, 1, 1), earned_at=utc(2026, 2, 1)),
            lot(2, 100, utc(2027, 1, 1), earned_at=utc(2026, 1, 1))]
    assert allocate(lots, 150, NOW) == [(2, 100), (1, 50)]


def test_lots_expiring_and_earned_together_are_drawn_by_id():
    lots = [lot(7, 100, utc(2027, 1, 1)), lot(3, 100, utc(2027, 1, 1))]
    assert allocate(lots, 150, NOW) == [(3, 100), (7, 50)]


def test_never_expiring_lots_are_drawn_oldest_first():
    lots = [lot(1, 100, None, earned_at=utc(2026, 3, 1)),
            lot(2, 100, None, earned_at=utc(2026, 2, 1))]
    assert allocate(lots, 120, NOW) == [(2, 100), (1, 20)]


def test_a_debit_skips_lapsed_lots():
    lots = [lot(1, 100, NOW), lot(2, 100, NOW - timedelta(days=1)), lot(3, 100, utc(2027, 1, 1))]
    assert allocate(lots, 80, NOW) == [(3, 80)]


def test_a_lot_still_counts_an_instant_before_it_lapses():
    lots = [lot(1, 100, NOW + timedelta(microseconds=1)), lot(2, 100, utc(2027, 1, 1))]
    assert allocate(lots, 80, NOW) == [(1, 80)]


def test_a_debit_skips_empty_lots():
    lots = [lot(1, 0, utc(2026, 7, 1)), lot(2, 100, utc(2027, 1, 1))]
    assert allocate(lots, 100, NOW) == [(2, 100)]


def test_a_debit_that_exactly_uses_up_the_lots_draws_all_of_them():
    lots = [lot(1, 30, utc(2026, 7, 1)), lot(2, 70, None)]
    assert allocate(lots, 100, NOW) == [(1, 30), (2, 70)]


def test_a_debit_larger_than_the_live_lots_draws_nothing():
    lots = [lot(1, 100, utc(2027, 1, 1)), lot(2, 500, NOW)]
    assert allocate(lots, 101, NOW) == []


def test_a_debit_with_no_lots_draws_nothing():
    assert allocate([], 1, NOW) == []


@pytest.mark.parametrize("amount", [0, -1, -100])
def test_a_debit_of_no_points_or_less_is_refused(amount):
    with pytest.raises(ValueError):
        allocate([lot(1, 100, None)], amount, NOW)


# lot_expiry

def test_a_lot_expires_at_the_end_of_the_local_month_a_year_after_it_was_earned():
    earned = datetime(2026, 3, 15, 10, 0, tzinfo=SHANGHAI)
    expires = lot_expiry(earned, monthly(12))
    assert expires == utc(2027, 3, 31, 16, 0)
    assert expires.astimezone(SHANGHAI) == datetime(2027, 4, 1, 0, 0, tzinfo=SHANGHAI)
    assert expires.tzinfo is not None and expires.utcoffset() == timedelta(0)


def test_a_lot_earned_late_in_the_utc_day_counts_in_the_local_day():
    # 2026-01-31T20:00Z is already 1 February in Shanghai: the lot belongs to February.
    assert lot_expiry(utc(2026, 1, 31, 20, 0), monthly(12)) == utc(2027, 2, 28, 16, 0)


def test_a_lot_earned_just_before_local_midnight_counts_in_that_local_month():
    # 2026-01-31T15:59Z is 23:59 on 31 January in Shanghai.
    assert lot_expiry(utc(2026, 1, 31, 15, 59), monthly(12)) == utc(2027, 1, 31, 16, 0)


@pytest.mark.parametrize("months, expires", [
    (1, utc(2026, 4, 30, 16)),
    (6, utc(2026, 9, 30, 16)),
    (11, utc(2027, 2, 28, 16)),
    (23, utc(2028, 2, 29, 16)),
    (24, utc(2028, 3, 31, 16)),
])
def test_a_lot_expires_the_stated_number_of_months_after_its_earning_month(months, expires):
    assert lot_expiry(utc(2026, 3, 1, 2, 0), monthly(months)) == expires


# add_months and the local day

@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 1, 1), 1, date(2026, 2, 28)),
    (date(2026, 3, 15), 12, date(2027, 3, 31)),
    (date(2026, 11, 30), 2, date(2027, 1, 31)),
    (date(2026, 12, 1), 0, date(2026, 12, 31)),
    (date(2026, 12, 31), 12, date(2027, 12, 31)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
])
def test_adding_months_lands_on_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_the_end_of_a_local_day_is_the_next_local_midnight_in_utc():
    assert end_of_local_day(date(2026, 12, 31), SHANGHAI) == utc(2026, 12, 31, 16, 0)


@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2026, 2, 28), date(2028, 2, 29),
                                 date(2026, 12, 31)])
def test_the_expiry_day_of_the_end_of_a_local_day_is_that_day(day):
    assert expiry_day(end_of_local_day(day, SHANGHAI), SHANGHAI) == day


def test_the_expiry_day_shown_for_a_lot_is_the_last_day_its_points_can_be_spent():
    expires = lot_expiry(datetime(2026, 3, 15, tzinfo=SHANGHAI), monthly(12))
    assert expiry_day(expires, SHANGHAI) == date(2027, 3, 31)
