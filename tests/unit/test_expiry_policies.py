"""Expiry policies: when a lot earned at a given instant lapses, and which settings start."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.loyalty.expiry import clearing_day, lot_expiry
from app.loyalty.program import Program, check_settings, kinds

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def midnight_after(year, month, day) -> datetime:
    """The end of local day (year, month, day): the next local midnight, in UTC."""
    return (local(year, month, day) + timedelta(days=1)).astimezone(timezone.utc)


MONTHLY = Program(expiry_policy="monthly", expiry_months=12)
ANNUAL = Program(expiry_policy="annual", expiry_clearing_date="12-31")
ACTIVITY = Program(expiry_policy="activity", expiry_months=12)


@pytest.mark.parametrize("earned, expires_on", [
    (local(2026, 5, 14, 10), (2027, 5, 31)),
    (local(2026, 1, 31, 23, 59), (2027, 1, 31)),
    (local(2026, 2, 1, 0, 1), (2027, 2, 28)),      # 16:01 UTC on 31 January: local February
    (local(2024, 2, 29, 12), (2025, 2, 28)),       # earned on 29 February, a year on has none
    (local(2027, 2, 28, 12), (2028, 2, 29)),       # ... and a leap year's February ends on the 29th
    (local(2026, 12, 31, 23, 59), (2027, 12, 31)),
])
def test_monthly_points_last_until_the_end_of_the_month_twelve_months_on(earned, expires_on):
    assert lot_expiry(earned, MONTHLY) == midnight_after(*expires_on)


def test_monthly_points_follow_the_number_of_months_set():
    six = Program(expiry_policy="monthly", expiry_months=6)
    assert lot_expiry(local(2026, 8, 31, 9), six) == midnight_after(2027, 2, 28)


def test_monthly_expiry_is_the_end_of_a_local_day_in_utc():
    assert lot_expiry(local(2026, 5, 14, 10), MONTHLY) == datetime(2027, 5, 31, 16,
                                                                   tzinfo=timezone.utc)


@pytest.mark.parametrize("earned, expires_on", [
    (local(2026, 1, 1, 0, 1), (2027, 12, 31)),
    (local(2026, 7, 15, 12), (2027, 12, 31)),
    (local(2026, 12, 31, 23, 59), (2027, 12, 31)),  # the last minute of 2026, local
    (local(2027, 1, 1, 0, 1), (2028, 12, 31)),      # the first minute of 2027: a year longer
])
def test_annual_points_of_a_calendar_year_clear_together_the_next_year(earned, expires_on):
    assert lot_expiry(earned, ANNUAL) == midnight_after(*expires_on)


def test_the_annual_year_is_the_local_year_not_the_utc_year():
    # 2026-12-31T16:30Z is already 1 January 2027 in Shanghai.
    earned = datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)
    assert lot_expiry(earned, ANNUAL) == midnight_after(2028, 12, 31)


def test_annual_points_clear_on_the_clearing_date_set():
    june = Program(expiry_policy="annual", expiry_clearing_date="06-30")
    assert lot_expiry(local(2026, 7, 1, 9), june) == midnight_after(2027, 6, 30)


def test_a_clearing_date_of_29_february_falls_on_the_28th_in_other_years():
    leap = Program(expiry_policy="annual", expiry_clearing_date="02-29")
    assert lot_expiry(local(2026, 3, 1), leap) == midnight_after(2027, 2, 28)
    assert lot_expiry(local(2027, 3, 1), leap) == midnight_after(2028, 2, 29)
    assert clearing_day(2028, "02-29").day == 29


def test_under_the_activity_policy_a_new_lot_lasts_as_long_as_a_monthly_one():
    earned = local(2026, 5, 14, 10)
    assert lot_expiry(earned, ACTIVITY) == lot_expiry(earned, MONTHLY)


def test_an_unknown_policy_has_no_expiry_to_give():
    with pytest.raises(ValueError):
        lot_expiry(local(2026, 5, 14), Program(expiry_policy="weekly"))


@pytest.mark.parametrize("setting", [
    {"EXPIRY_POLICY": "monthly"}, {"EXPIRY_POLICY": "annual", "EXPIRY_CLEARING_DATE": "02-29"},
    {"EXPIRY_POLICY": "activity"}, {"QUALIFYING_KINDS": "earn, clawback, adjust"},
    {"REFERRAL_MIN_PURCHASE_FEN": 0}, {"REFERRAL_MIN_PURCHASE_FEN": 10**12},
])
def test_settings_the_program_can_follow_start(setting):
    check_settings(setting)


@pytest.mark.parametrize("setting, complaint", [
    ({"EXPIRY_POLICY": "weekly"}, "EXPIRY_POLICY must be one of monthly, annual, activity"),
    ({"EXPIRY_CLEARING_DATE": "31-12"}, "EXPIRY_CLEARING_DATE must be a day of the year"),
    ({"EXPIRY_CLEARING_DATE": "02-30"}, "EXPIRY_CLEARING_DATE must be a day of the year"),
    ({"EXPIRY_CLEARING_DATE": "Dec 31"}, "EXPIRY_CLEARING_DATE must be a day of the year"),
    ({"EXPIRY_MONTHS": 0}, "EXPIRY_MONTHS must be at least 1"),
    ({"QUALIFYING_KINDS": "earn,bonus"}, "unknown: bonus"),
    ({"REFERRAL_MIN_PURCHASE_FEN": -1}, "REFERRAL_MIN_PURCHASE_FEN must be a whole number"),
    ({"REFERRAL_MIN_PURCHASE_FEN": "20"}, "REFERRAL_MIN_PURCHASE_FEN must be a whole number"),
    ({"REFERRAL_MIN_PURCHASE_FEN": 19.5}, "REFERRAL_MIN_PURCHASE_FEN must be a whole number"),
    ({"REFERRAL_MIN_PURCHASE_FEN": True}, "REFERRAL_MIN_PURCHASE_FEN must be a whole number"),
])
def test_a_setting_the_program_cannot_follow_stops_it_with_a_clear_message(setting,
                                                                          complaint):
    with pytest.raises(ValueError, match=complaint):
        check_settings(setting)


def test_qualifying_kinds_are_read_from_a_comma_separated_setting():
    assert kinds(" earn, Clawback,,return ") == ("earn", "clawback", "return")


def test_a_qualifying_kinds_setting_naming_refund_still_means_points_returned_from_orders():
    assert kinds("earn,refund") == ("earn", "return")
    check_settings({"QUALIFYING_KINDS": "earn,clawback,refund"})
