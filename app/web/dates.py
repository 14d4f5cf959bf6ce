"""Dates and times in the member's language, written exactly as Babel writes them, with each
language's pattern looked up and parsed once per process instead of on every call: a page of
fifty ledger rows shows a hundred dates."""
from datetime import date, datetime, timezone
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
    return _date_template(locale, format) % DateTimeFormat(day, locale)


def datetime_text(at: datetime, format: str, locale: Locale, zone_name: str) -> str:
    """A time on the clock of `zone_name`, as a width ("short") or a pattern."""
    local = local_time(at, zone_name)
    if format not in WIDTHS:
        return _date_template(locale, format) % DateTimeFormat(local, locale)
    day = local.date()
    clock = _time_template(locale, format) % DateTimeFormat(local.timetz(), locale, day)
    return (_glue(locale, format).replace("{0}", clock)
            .replace("{1}", _date_template(locale, format) % DateTimeFormat(day, locale)))


def skeleton_text(day: date, skeleton: str, locale: Locale) -> str:
    """A day written by one of the locale's skeletons ("MMMd"), as Babel's format_skeleton."""
    return _skeleton_template(locale, skeleton) % DateTimeFormat(day, locale)


def format_date(day: date | datetime, format: str = "medium") -> str:
    """A day in the member's language (a time: its day in the program's timezone)."""
    return date_text(day, format, request_locale(), request_zone_name())


def format_datetime(at: datetime, format: str = "medium") -> str:
    """A time in the member's language, on the program's clock."""
    return datetime_text(at, format, request_locale(), request_zone_name())
