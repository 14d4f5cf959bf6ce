"""Dates and times in the member's language, written exactly as Babel writes them, with each
language's pattern looked up and parsed once per process instead of on every call: a page of
fifty ledger rows shows a hundred dates.

A day's text depends on nothing but the language, the format and the day, and a clock's
(without a timezone's name) on the language, the format and the time of day: each is written
by Babel once and then kept for the process (a few thousand short strings at most)."""
import re
from datetime import date, datetime, time, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import (
    DateTimeFormat,
    get_date_format,
    get_datetime_format,
    get_time_format,
    parse_pattern,
)

from .request_babel import request_locale, request_zone_name

WIDTHS = ("full", "long", "medium", "short")


@lru_cache(maxsize=16)
def zone(name: str) -> ZoneInfo:
    """A timezone by its name (the standard library's, which converts a time far faster than
    pytz and agrees with it)."""
    return ZoneInfo(name)


@lru_cache(maxsize=128)
def _date_template(locale: Locale, format: str) -> str:
    if format in WIDTHS:
        format = get_date_format(format, locale=locale).pattern
    return parse_pattern(format).format


@lru_cache(maxsize=128)
def _time_template(locale: Locale, format: str) -> str:
    return parse_pattern(get_time_format(format, locale=locale).pattern).format


@lru_cache(maxsize=128)
def _glue(locale: Locale, width: str) -> str:
    """How a width's date and time are joined ("{1} {0}"), its quotes taken out as Babel does."""
    return get_datetime_format(width, locale=locale).replace("'", "")


@lru_cache(maxsize=128)
def _skeleton_template(locale: Locale, skeleton: str) -> str:
    return parse_pattern(locale.datetime_skeletons[skeleton]).format


def local_time(at: datetime, zone_name: str) -> datetime:
    """`at` on the clock of `zone_name`; a time without a zone is taken as UTC."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(zone(zone_name))


def date_text(day: date | datetime, format: str, locale: Locale, zone_name: str) -> str:
    """A day (of a time: its local day in `zone_name`) as a width ("medium") or a pattern."""
    if isinstance(day, datetime):
        day = local_time(day, zone_name).date()
    return _day_text(locale, format, day)


@lru_cache(maxsize=4096)
def _day_text(locale: Locale, format: str, day: date) -> str:
    return _date_template(locale, format) % DateTimeFormat(day, locale)


# The fields of a time of day alone: hour, minute, second, and the half of the day.
CLOCK_FIELDS = re.compile(r"%\((?:[hHkKms]{1,2}|a+)\)s")


@lru_cache(maxsize=128)
def _clock_alone(locale: Locale, format: str) -> bool:
    """Whether a width's time is written from the time of day alone (no timezone's name,
    no fraction of a second), so that its text can be kept by the time of day."""
    return not CLOCK_FIELDS.sub("", _time_template(locale, format)).count("%(")


@lru_cache(maxsize=8192)
def _clock_text(locale: Locale, format: str, clock: time) -> str:
    return _time_template(locale, format) % DateTimeFormat(clock, locale)


def datetime_text(at: datetime, format: str, locale: Locale, zone_name: str) -> str:
    """A time on the clock of `zone_name`, as a width ("short") or a pattern."""
    local = local_time(at, zone_name)
    if format not in WIDTHS:
        return _date_template(locale, format) % DateTimeFormat(local, locale)
    day = local.date()
    if _clock_alone(locale, format):
        clock = _clock_text(locale, format, local.time().replace(microsecond=0))
    else:
        clock = _time_template(locale, format) % DateTimeFormat(local.timetz(), locale, day)
    return (_glue(locale, format).replace("{0}", clock)
            .replace("{1}", _day_text(locale, format, day)))


@lru_cache(maxsize=4096)
def skeleton_text(day: date, skeleton: str, locale: Locale) -> str:
    """A day written by one of the locale's skeletons ("MMMd"), as Babel's format_skeleton."""
    return _skeleton_template(locale, skeleton) % DateTimeFormat(day, locale)


def format_date(day: date | datetime, format: str = "medium") -> str:
    """A day in the member's language (a time: its day in the program's timezone)."""
    return date_text(day, format, request_locale(), request_zone_name())


def format_datetime(at: datetime, format: str = "medium") -> str:
    """A time in the member's language, on the program's clock."""
    return datetime_text(at, format, request_locale(), request_zone_name())
