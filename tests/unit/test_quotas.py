"""The periods of an item's quota: local days and months of the program's time zone."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from app.loyalty.quotas import bounds

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_a_daily_quota_runs_from_local_midnight_to_the_next():
    # 23:30 UTC on 9 June is 07:30 on 10 June in Shanghai.
    assert bounds("day", utc(2026, 6, 9, 23, 30), SHANGHAI) == (
        utc(2026, 6, 9, 16, 0), utc(2026, 6, 10, 16, 0))


def test_a_monthly_quota_runs_from_the_first_local_midnight_of_the_month_to_the_next():
    assert bounds("month", utc(2026, 12, 31, 16, 30), SHANGHAI) == (
        utc(2026, 12, 31, 16, 0), utc(2027, 1, 31, 16, 0))
    assert bounds("month", utc(2026, 12, 31, 15, 59), SHANGHAI) == (
        utc(2026, 11, 30, 16, 0), utc(2026, 12, 31, 16, 0))


def test_a_period_that_is_neither_a_day_nor_a_month_is_an_error():
    with pytest.raises(ValueError):
        bounds("week", utc(2026, 6, 1, 0, 0), SHANGHAI)
