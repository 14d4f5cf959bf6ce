"""The rolling year of the qualifying points, cut at UTC midnights into its first day's
entries, its whole days (read from the day totals) and its last day's entries."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.loyalty.day_totals import day_of, window

SECOND = timedelta(seconds=1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def parts(instant: datetime, now: datetime) -> list[str]:
    """The parts of the window up to `now` that count an entry written at `instant`."""
    cut = window(now)
    found = []
    if cut.since < instant < cut.first_day_end:
        found.append("first day")
    if cut.first_whole <= day_of(instant) <= cut.last_whole:
        found.append("whole days")
    if cut.last_day_start <= instant <= cut.now:
        found.append("last day")
    return found


def test_a_window_is_cut_at_the_utc_midnights_after_its_start_and_before_its_end():
    cut = window(utc(2026, 6, 1, 4, 0))

    assert cut.since == utc(2025, 6, 1, 4, 0)
    assert cut.first_day_end == utc(2025, 6, 2)
    assert (cut.first_whole, cut.last_whole) == (date(2025, 6, 2), date(2026, 5, 31))
    assert cut.last_day_start == utc(2026, 6, 1)


def test_a_window_ending_at_a_utc_midnight_has_only_that_instant_on_its_last_day():
    cut = window(utc(2026, 6, 1))

    assert cut.since == utc(2025, 6, 1) and cut.first_day_end == utc(2025, 6, 2)
    assert cut.last_whole == date(2026, 5, 31) and cut.last_day_start == cut.now


def test_a_window_given_in_shanghai_time_is_cut_at_utc_midnights():
    cut = window(datetime(2026, 6, 1, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai")))

    assert cut.last_day_start == utc(2026, 5, 31) and cut.last_whole == date(2026, 5, 30)
    assert cut.first_whole == date(2025, 6, 1)


def test_the_year_after_a_29_february_spans_365_days():
    cut = window(utc(2029, 2, 28, 12, 0))

    assert cut.since == utc(2028, 2, 29, 12, 0) and cut.first_whole == date(2028, 3, 1)


@pytest.mark.parametrize("instant, counted", [
    (utc(2025, 6, 1, 3, 59, 59), []),
    (utc(2025, 6, 1, 4, 0), []),
    (utc(2025, 6, 1, 4, 0, 1), ["first day"]),
    (utc(2025, 6, 1, 23, 59, 59), ["first day"]),
    (utc(2025, 6, 2), ["whole days"]),
    (utc(2026, 5, 31, 23, 59, 59), ["whole days"]),
    (utc(2026, 6, 1), ["last day"]),
    (utc(2026, 6, 1, 4, 0), ["last day"]),
    (utc(2026, 6, 1, 4, 0, 1), []),
])
def test_an_entry_counts_once_after_the_years_start_and_up_to_now(instant, counted):
    assert parts(instant, utc(2026, 6, 1, 4, 0)) == counted


INSTANTS = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1),
                        timezones=st.just(timezone.utc))


@given(now=INSTANTS, offset=st.integers(-2 * 86_400, 368 * 86_400),
       micro=st.integers(-1, 1))
def test_every_entry_in_the_year_counts_in_exactly_one_part_and_no_other_in_any(
        now, offset, micro):
    instant = now - timedelta(seconds=offset, microseconds=micro)
    inside = now - timedelta(days=365) < instant <= now
    assert len(parts(instant, now)) == (1 if inside else 0)


@given(now=INSTANTS, cut=st.sampled_from(["since", "first_day_end", "last_day_start", "now"]),
       micro=st.integers(-1, 1))
def test_an_entry_at_a_cut_or_a_microsecond_beside_it_counts_once_if_in_the_year(
        now, cut, micro):
    instant = getattr(window(now), cut) + timedelta(microseconds=micro)
    inside = now - timedelta(days=365) < instant <= now
    assert len(parts(instant, now)) == (1 if inside else 0)


def test_a_naive_instant_has_no_day():
    with pytest.raises(ValueError):
        day_of(datetime(2026, 6, 1))
