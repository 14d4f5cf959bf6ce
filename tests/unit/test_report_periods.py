"""Report periods: local months written YYYY-MM, from one to another, both included."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from app.loyalty.report_periods import InvalidPeriod, Month, Period, period

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 4, 15, 4, 0, tzinfo=timezone.utc)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("given, reason", [
    (("2026-13", None), "from 2000"), (("26-03", None), "YYYY"), (("", "2026-1"), "YYYY"),
    (("2026-05", "2026-04"), "ends before"), (("2000-01", "2026-04"), "at most"),
    (("1999-12", None), "from 2000"), (("<script>", None), "YYYY"), (("2026-03\n", "x" * 999),
                                                                    "YYYY"),
])
def test_a_period_that_cannot_be_read_is_refused_with_a_reason(given, reason):
    with pytest.raises(InvalidPeriod) as refused:
        period(*given, now=NOW, tz=SHANGHAI)
    assert reason in refused.value.details["reason"]


def test_a_period_defaults_to_the_twelve_local_months_up_to_now():
    tz = SHANGHAI
    assert period(None, None, now=utc(2026, 3, 31, 17), tz=tz) == \
        Period(Month(2025, 5), Month(2026, 4))
    assert period("2026-01", None, now=NOW, tz=tz) == Period(Month(2026, 1), Month(2026, 4))
    assert period(None, "2026-02", now=NOW, tz=tz) == Period(Month(2025, 3), Month(2026, 2))
    assert len(period("2017-01", "2026-12", now=NOW, tz=tz).months) == 120


def test_a_local_month_starts_at_its_first_local_midnight_in_utc():
    assert Month(2026, 4).starts_at(SHANGHAI) == utc(2026, 3, 31, 16)
    assert Month.of(utc(2026, 3, 31, 16), SHANGHAI) == Month(2026, 4)
    assert Month.of(utc(2026, 3, 31, 15, 59, 59), SHANGHAI) == Month(2026, 3)
    assert Month(2026, 12).plus(1) == Month(2027, 1) and Month(2026, 1).plus(-1) == Month(2025, 12)
    assert str(Month.parse(" 2026-03 ")) == "2026-03"


def test_month_bounds_follow_summer_time_where_the_zone_has_it():
    berlin = ZoneInfo("Europe/Berlin")
    start, end = Period(Month(2026, 3), Month(2026, 3)).bounds(berlin)
    assert (start, end) == (utc(2026, 2, 28, 23), utc(2026, 3, 31, 22))
