"""Dates and times in the member's language, written exactly as Babel writes them, with each
language's pattern looked up and parsed once per process instead of on every call: a page of
fifty ledger rows shows a hundred dates.

A day's text depends on nothing but the language, the format and the day, and a clock's
(without a timezone's name) on the language, the format and the time of day: each is written
by Babel once and then kept for the process by the language's and timezone's `Writer` (a few
thousand short strings at most), which a page finds once and asks for each of its rows.
Whole numbers are written here too (`Numbers`, which a writer is), as the same rows show them
beside their dates."""
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
from babel.numbers import (
    get_group_symbol,
    get_minus_sign_symbol,
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


def date_text(day: date | datetime, format: str, locale: Locale, zone_name: str) -> str:
    """A day (of a time: its local day in `zone_name`) as a width ("medium") or a pattern."""
    return writer(locale, zone_name).day(day, format)


# The fields of a time of day alone: hour, minute, second, and the half of the day.
CLOCK_FIELDS = re.compile(r"%\((?:[hHkKms]{1,2}|a+)\)s")


@lru_cache(maxsize=128)
def _clock_alone(locale: Locale, format: str) -> bool:
    """Whether a width's time is written from the time of day alone (no timezone's name,
    no fraction of a second), so that its text can be kept by the time of day."""
    return not CLOCK_FIELDS.sub("", _time_template(locale, format)).count("%(")


def datetime_text(at: datetime, format: str, locale: Locale, zone_name: str) -> str:
    """A time on the clock of `zone_name`, as a width ("short") or a pattern."""
    return writer(locale, zone_name).moment(at, format)


DAYS_KEPT = 4096      # the most texts of days, and of times of day, a writer keeps
CLOCKS_KEPT = 8192


class Numbers:
    """Whole numbers in one language, as Babel's pattern `#,##0` writes them, with the
    language's symbols found once."""

    __slots__ = ("_group", "_minus")

    def __init__(self, locale: Locale):
        self._group, self._minus = get_group_symbol(locale), get_minus_sign_symbol(locale)

    def number(self, number: int) -> str:
        """A whole number with the thousands separator: 12345 -> 12,345."""
        text = f"{abs(number):,}"
        if self._group != ",":
            text = text.replace(",", self._group)
        return self._minus + text if number < 0 else text


@lru_cache(maxsize=16)
def numbers(locale: Locale) -> Numbers:
    """The process's writer of a language's numbers."""
    return Numbers(locale)


class Writer(Numbers):
    """Days, times and whole numbers in one language on one timezone's clock, as Babel writes
    them. A page finds its writer once and asks it for every row: each width's templates are
    found once, and the text of a day or a time of day once, then kept in the writer's own
    dicts (emptied when full), so that a row's texts cost no look-up by the locale."""

    __slots__ = ("locale", "zone", "_widths", "_days", "_clocks")

    def __init__(self, locale: Locale, zone_name: str):
        super().__init__(locale)
        self.locale = locale
        self.zone = zone(zone_name)
        # width -> (how date and time are joined, the time's template or None when the
        # time is written from its time of day alone)
        self._widths: dict[str, tuple[str, str | None]] = {}
        self._days: dict[tuple[str, date], str] = {}
        self._clocks: dict[tuple[str, time], str] = {}

    def local(self, at: datetime) -> datetime:
        """`at` on the writer's clock; a time without a zone is taken as UTC."""
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        return at.astimezone(self.zone)

    def day(self, day: date | datetime, format: str = "medium") -> str:
        """A day (of a time: its local day) as a width ("medium") or a pattern."""
        if isinstance(day, datetime):
            day = self.local(day).date()
        text = self._days.get((format, day))
        if text is None:
            text = _date_template(self.locale, format) % DateTimeFormat(day, self.locale)
            _keep(self._days, (format, day), text, DAYS_KEPT)
        return text

    def moment(self, at: datetime, format: str = "short") -> str:
        """A time on the writer's clock, as a width ("short") or a pattern."""
        if at.tzinfo is None:      # as `local`, without a call for each row
            at = at.replace(tzinfo=timezone.utc)
        local = at.astimezone(self.zone)
        if format not in WIDTHS:
            return _date_template(self.locale, format) % DateTimeFormat(local, self.locale)
        glue, time_template = self._widths.get(format) or self._width(format)
        day = local.date()
        if time_template is None:
            key = (format, local.time().replace(microsecond=0))
            clock = self._clocks.get(key)
            if clock is None:
                clock = _time_template(self.locale, format) % DateTimeFormat(key[1], self.locale)
                _keep(self._clocks, key, clock, CLOCKS_KEPT)
        else:
            clock = time_template % DateTimeFormat(local.timetz(), self.locale, day)
        day_text = self._days.get((format, day)) or self.day(day, format)
        return glue.replace("{0}", clock).replace("{1}", day_text)

    def _width(self, width: str) -> tuple[str, str | None]:
        found = self._widths[width] = (
            _glue(self.locale, width),
            None if _clock_alone(self.locale, width) else _time_template(self.locale, width))
        return found


def _keep(texts: dict, key, text: str, most: int) -> None:
    if len(texts) >= most:
        texts.clear()
    texts[key] = text


@lru_cache(maxsize=16)
def writer(locale: Locale, zone_name: str) -> Writer:
    """The process's writer for a language and a timezone."""
    return Writer(locale, zone_name)


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
