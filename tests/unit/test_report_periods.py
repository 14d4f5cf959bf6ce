"""Report periods: local months written YYYY-MM, from one to another, both included."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from app.loyalty.report_periods import (
    ENDS_BEFORE_START,
    NOT_A_MONTH,
    OUT_OF_RANGE,
    TOO_LONG,
    InvalidPeriod,
    Month,
    Period,
    period,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 4, 15, 4, 0, tzinfo=timezone.utc)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("given, field, reason", [
    (("2026-13", None), "from", OUT_OF_RANGE), (("26-03", None), "from", NOT_A_MONTH),
    (("", "2026-1"), "to", NOT_A_MONTH), (("2026-05", "2026-04"), "to", ENDS_BEFORE_START),
    (("2000-01", "2026-04"), "to", TOO_LONG), (("1999-12", None), "from", OUT_OF_RANGE),
    (("<script>", None), "from", NOT_A_MONTH), (("2026-03", "x" * 999), "to", NOT_A_MONTH),
    (("2026-03", "-2026-03"), "to", NOT_A_MONTH), (("2026-03", "3000-01"), "to", OUT_OF_RANGE),
    (("２０２６-０３", None), "from", NOT_A_MONTH),
])
def test_a_period_that_cannot_be_read_is_refused_naming_the_field_and_a_reason_code(
        given, field, reason):
    with pytest.raises(InvalidPeriod) as refused:
        period(*given, now=NOW, tz=SHANGHAI)
    assert refused.value.details["field"] == field
    assert refused.value.details["reason"] == reason
    assert len(refused.value.details["value"]) <= 20


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
