"""Dates and times are written exactly as Babel writes them (as flask-babel calls it: the
time moved to the program's timezone first), for a spread of instants, zones and languages."""
from datetime import date, datetime, timedelta, timezone

import pytest
import pytz
from babel import Locale, dates
from babel import numbers as babel_numbers

from app.web import dates as dates_module
from app.web.dates import Writer, date_text, datetime_text, skeleton_text, writer
from app.web.i18n import parsed_locale

LANGUAGES = ["zh", "en"]
START = datetime(1990, 1, 1, 7, 13, tzinfo=timezone.utc)
ZONES = ["Asia/Shanghai", "UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe",
         "Asia/Kolkata"]
# Midnights, the last second of a year, a leap day, both sides of daylight saving changes,
# and instants spread over the years to 2037 (where pytz's tables of daylight saving end; past
# it the standard library's zones are right and pytz is not).
INSTANTS = [datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc),
            datetime(2025, 12, 31, 15, 59, 59, tzinfo=timezone.utc),
            datetime(2028, 2, 29, 12, 30, tzinfo=timezone.utc),
            datetime(2026, 3, 8, 6, 59, tzinfo=timezone.utc),
            datetime(2026, 3, 8, 7, 1, tzinfo=timezone.utc),
            datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc),
            datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc),
            datetime(2026, 7, 4, 23, 5, 7, 123456),          # no zone: taken as UTC
            *(START + timedelta(days=173 * n, hours=5 * n) for n in range(0, 100, 7))]
WIDTHS = ["short", "medium", "long", "full"]


def babel_datetime(at, format, locale, zone):
    return dates.format_datetime(at, format, tzinfo=pytz.timezone(zone), locale=locale)


def babel_date(day, format, locale, zone):
    if isinstance(day, datetime):
        tz = pytz.timezone(zone)
        day = tz.normalize((day if day.tzinfo else day.replace(tzinfo=pytz.UTC)).astimezone(tz))
    return dates.format_date(day, format, locale=locale)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("zone", ZONES)
def test_times_are_written_as_babel_writes_them_in_each_width_and_pattern(code, zone):
    locale = parsed_locale(code)
    for format in [*WIDTHS, "yyyy-MM-dd HH:mm", "EEEE h:mm a"]:
        assert [datetime_text(at, format, locale, zone) for at in INSTANTS] == [
            babel_datetime(at, format, locale, zone) for at in INSTANTS], format


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("zone", ZONES)
def test_days_are_written_as_babel_writes_them_and_a_time_by_its_local_day(code, zone):
    locale = parsed_locale(code)
    days = [*INSTANTS, *(at.date() for at in INSTANTS)]
    for format in [*WIDTHS, "MMMM"]:
        assert [date_text(day, format, locale, zone) for day in days] == [
            babel_date(day, format, locale, zone) for day in days], format


@pytest.mark.parametrize("code", LANGUAGES)
def test_short_days_are_written_as_babel_writes_a_skeleton(code):
    locale = Locale.parse(code)
    for day in (date(2026, 1, 1), date(2028, 2, 29), date(1999, 12, 31)):
        for skeleton in ("MMMd", "yMMMd"):
            assert skeleton_text(day, skeleton, locale) == dates.format_skeleton(
                skeleton, day, locale=locale)


@pytest.mark.parametrize("code", [*LANGUAGES, "zh_CN"])
def test_days_and_clocks_kept_from_earlier_pages_read_as_babel_writes_them(code):
    locale = parsed_locale(code)
    # The same days at other times, the same times on other days, and microseconds apart.
    instants = [datetime(2026, 5, 1, h, m, s, us, tzinfo=timezone.utc)
                for h in (0, 11, 12, 23) for m in (0, 59) for s in (0, 30) for us in (0, 999999)]
    instants += [at + timedelta(days=400) for at in instants]
    for _ in range(2):   # the second time from what the first kept
        for format in WIDTHS:
            assert [datetime_text(at, format, locale, "Asia/Shanghai") for at in instants] == [
                babel_datetime(at, format, locale, "Asia/Shanghai") for at in instants], format
        instants.reverse()


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_a_pages_writer_writes_times_days_and_numbers_as_babel_writes_them(code, zone):
    locale = parsed_locale(code)
    write = Writer(locale, zone)
    for _ in range(2):   # the second time from what the writer kept
        for width in ("short", "medium"):
            assert [write.moment(at, width) for at in INSTANTS] == [
                babel_datetime(at, width, locale, zone) for at in INSTANTS], width
            assert [write.day(at, width) for at in INSTANTS] == [
                babel_date(at, width, locale, zone) for at in INSTANTS], width
    numbers = [0, 7, -7, 1000, -123_456, 10**12]
    assert [write.number(n) for n in numbers] == [
        babel_numbers.format_decimal(n, format="#,##0", locale=locale) for n in numbers]
    assert writer(locale, zone) is writer(locale, zone)


def test_a_writer_keeps_no_more_than_its_bound_of_days_and_times_of_day(monkeypatch):
    monkeypatch.setattr(dates_module, "DAYS_KEPT", 10)
    monkeypatch.setattr(dates_module, "CLOCKS_KEPT", 10)
    write = Writer(parsed_locale("en"), "UTC")
    moments = [START + timedelta(days=n, minutes=n) for n in range(25)]
    texts = [write.moment(at, "medium") for at in moments]
    assert len(write._days) <= 10 and len(write._clocks) <= 10
    assert texts == [babel_datetime(at, "medium", "en", "UTC") for at in moments]
