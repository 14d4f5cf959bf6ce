"""The months reports are read by: local months of the program's time zone, and a period
from one month to another, both included."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from .errors import DomainError

MAX_MONTHS = 120        # ten years: a longer period is refused, not read
FIRST_YEAR, LAST_YEAR = 2000, 2999
DEFAULT_MONTHS = 12
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


# Why a period is refused: the `reason` of InvalidPeriod (its `field` is "from" or "to").
NOT_A_MONTH = "not_a_month"             # not written YYYY-MM
OUT_OF_RANGE = "out_of_range"           # a month before FIRST_YEAR or after LAST_YEAR
ENDS_BEFORE_START = "ends_before_start"
TOO_LONG = "too_long"                   # more than MAX_MONTHS months


class InvalidPeriod(DomainError):
    """A month that is not YYYY-MM, a period that ends before it starts, or one too long.
    Details: `field` ("from" or "to"), `reason` (one of the codes above), `value`."""

    code = "invalid_period"


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month in the program's time zone."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str, field: str = "from") -> "Month":
        """"2026-03" as a Month; InvalidPeriod (naming `field`) for anything else."""
        found = _MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
        if found is None:
            raise InvalidPeriod(field=field, value=str(text)[:20], reason=NOT_A_MONTH)
        year, month = int(found.group(1)), int(found.group(2))
        if not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidPeriod(field=field, value=text.strip(), reason=OUT_OF_RANGE)
        return cls(year, month)

    @classmethod
    def of(cls, instant: datetime, tz: ZoneInfo) -> "Month":
        """The local month `instant` falls in."""
        local = instant.astimezone(tz)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    def plus(self, months: int) -> "Month":
        year, month = divmod(self.index + months, 12)
        return Month(year, month + 1)

    def starts_at(self, tz: ZoneInfo) -> datetime:
        """The UTC instant of the month's first local midnight."""
        return datetime.combine(date(self.year, self.month, 1), time.min,
                                tzinfo=tz).astimezone(timezone.utc)


@dataclass(frozen=True)
class Period:
    """Months `first` to `last`, both included."""

    first: Month
    last: Month

    @property
    def months(self) -> list[Month]:
        return [self.first.plus(n) for n in range(self.last.index - self.first.index + 1)]

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC."""
        return self.first.starts_at(tz), self.last.plus(1).starts_at(tz)

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"


def period(from_month: str | None, to_month: str | None, now: datetime,
           tz: ZoneInfo) -> Period:
    """The period a report asks for: the months given (either may be left out), by default
    the twelve local months up to this one. InvalidPeriod, changing nothing, for a month
    that is not YYYY-MM, a period that ends before it starts or spans over ten years."""
    from_month = (from_month or "").strip() or None
    to_month = (to_month or "").strip() or None
    first = Month.parse(from_month, "from") if from_month else None
    last = Month.parse(to_month, "to") if to_month else None
    if last is None:
        last = max(Month.of(now, tz), first) if first else Month.of(now, tz)
    if first is None:
        first = last.plus(-(DEFAULT_MONTHS - 1))
    if last < first:
        raise InvalidPeriod(field="to", value=str(last), reason=ENDS_BEFORE_START)
    if last.index - first.index + 1 > MAX_MONTHS:
        raise InvalidPeriod(field="to", value=str(last), reason=TOO_LONG)
    return Period(first, last)
