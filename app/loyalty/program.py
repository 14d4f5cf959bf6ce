"""The program's settings as the core sees them: what points are worth, how they expire,
what tasks earn. Each setting's default lives here, and only here; a Program that cannot be
followed is never built.

The core reads the running program through `running_program()`, from the source the application
installs at start-up (`use`); unit tests build a Program and pass it in, or install one.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .earning import DOUBLE, GIFT
from .models import ENTRY_KINDS

MONTHLY, ANNUAL, ACTIVITY = "monthly", "annual", "activity"   # expiry policies (expiry.py)
POLICIES = (MONTHLY, ANNUAL, ACTIVITY)
BIRTHDAY_BONUSES = (DOUBLE, GIFT)   # purchases in the birthday month earn double, or a gift


def _setting(default, minimum: int | None = None, name: str | None = None):
    """A program setting: its default, the least whole number it may be, and its name when
    that is not the field's name in capitals."""
    return field(default=default, metadata={"minimum": minimum, "name": name})


@dataclass(frozen=True)
class Program:
    points_per_yuan: int = _setting(100, minimum=1)   # what points are worth: 100 = ¥1
    # The earn rate, a ratio: EARN_POINTS points for every ¥EARN_PER_YUAN spent (1 per ¥2).
    earn_points: int = _setting(1, minimum=1)
    earn_per_yuan: int = _setting(1, minimum=1)
    expiry_months: int = _setting(12, minimum=1)
    expiry_policy: str = _setting(MONTHLY)             # one of POLICIES
    expiry_clearing_date: str = _setting("12-31")      # MM-DD, under the annual policy
    qualifying_kinds: tuple[str, ...] = _setting(("earn", "clawback"))  # count towards tiers
    refund_grace_days: int = _setting(30, minimum=0)
    cancel_window_hours: int = _setting(24, minimum=0)
    payment_window_minutes: int = _setting(15, minimum=0)
    expiry_soon_days: int = _setting(30, minimum=0)
    low_stock: int = _setting(10, minimum=0)
    adjust_approval_above: int = _setting(5000, minimum=0)  # larger adjustments wait
    timezone: str = _setting("Asia/Shanghai", name="MALL_TIMEZONE")
    purchase_hold_days: int = _setting(0, minimum=0)
    reminder_days: tuple[int, ...] = _setting((30, 7, 1))  # expiry reminders, local days ahead
    # Member tasks
    check_in_points: int = _setting(3, minimum=0)
    check_in_streak_days: int = _setting(7, minimum=1)
    check_in_streak_bonus: int = _setting(20, minimum=0)
    profile_points: int = _setting(30, minimum=0)
    birthday_bonus: str = _setting(DOUBLE)           # one of BIRTHDAY_BONUSES
    birthday_gift_points: int = _setting(200, minimum=0)
    referral_new_points: int = _setting(100, minimum=0)
    referral_inviter_points: int = _setting(200, minimum=0)
    referral_monthly_cap: int = _setting(5, minimum=0)
    referral_min_purchase_fen: int = _setting(2000, minimum=0)
    # Risk control: how long signals (address, device, till of each action) are kept.
    risk_signal_days: int = _setting(180, minimum=1)

    def __post_init__(self):
        for setting in fields(self):
            if setting.metadata["minimum"] is not None:
                _check_whole(setting_name(setting), getattr(self, setting.name),
                             setting.metadata["minimum"])
        _check_one_of("EXPIRY_POLICY", self.expiry_policy, POLICIES)
        _check_one_of("BIRTHDAY_BONUS", self.birthday_bonus, BIRTHDAY_BONUSES)
        parse_month_day(self.expiry_clearing_date)
        unknown = set(self.qualifying_kinds) - set(ENTRY_KINDS)
        if unknown:
            raise ValueError(f"QUALIFYING_KINDS may name only {', '.join(ENTRY_KINDS)}; "
                             f"unknown: {', '.join(sorted(unknown))}")
        for days in self.reminder_days:
            _check_whole("REMINDER_DAYS", days, 0)
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
            raise ValueError(f"MALL_TIMEZONE must be a time zone such as Asia/Shanghai; "
                             f"got {self.timezone!r}") from error

    @classmethod
    def from_settings(cls, settings: Mapping[str, object]) -> "Program":
        """The program that settings by name (EXPIRY_POLICY, ...) describe; a setting left
        out keeps its default. ValueError, naming the setting, for one it cannot follow."""
        given = {}
        for setting in fields(cls):
            name = setting_name(setting)
            if name not in settings:
                continue
            value = settings[name]
            if setting.name == "qualifying_kinds":
                value = kinds(value)
            elif setting.name == "reminder_days":
                value = lead_days(value)
            given[setting.name] = value
        return cls(**given)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def worth_fen(self, points: int) -> int:
        """What points are worth in the mall, in fen (rounded down)."""
        return points * 100 // self.points_per_yuan


def setting_name(setting) -> str:
    """A Program field's setting name, as the environment and the configuration spell it."""
    return setting.metadata["name"] or setting.name.upper()


def defaults() -> dict[str, object]:
    """Every program setting by name, with its default."""
    return {setting_name(s): s.default for s in fields(Program)}


def check_settings(settings: Mapping[str, object]) -> None:
    """Refuse, with a sentence naming the setting, settings the program cannot follow."""
    Program.from_settings(settings)


# The running program --------------------------------------------------------------------

_source: Callable[[], Program] = Program   # the defaults until an application installs its own


def use(source: Callable[[], Program]) -> None:
    """Read the running program from `source` from now on (the application installs one that
    reads its settings at start-up)."""
    global _source
    _source = source


def running_program() -> Program:
    """The running program's settings."""
    return _source()


# Reading settings ------------------------------------------------------------------------

def lead_days(setting: str | tuple | list) -> tuple[int, ...]:
    """Reminder lead times in days from a setting like "30,7,1", farthest first."""
    if isinstance(setting, str):
        setting = setting.split(",")
    try:
        days = {int(str(d).strip()) for d in setting if str(d).strip()}
    except (TypeError, ValueError) as error:
        raise ValueError(f"REMINDER_DAYS must be whole numbers of days separated by commas, "
                         f"like 30,7,1; got {setting!r}") from error
    return tuple(sorted(days, reverse=True))


# Kinds a setting may still spell the way they were once stored.
_FORMER_KINDS = {"refund": "return"}


def kinds(setting: str | tuple | list) -> tuple[str, ...]:
    """Ledger entry kinds from a comma-separated setting (or a list of them)."""
    if isinstance(setting, str):
        setting = setting.split(",")
    named = (str(k).strip().lower() for k in setting if str(k).strip())
    return tuple(_FORMER_KINDS.get(kind, kind) for kind in named)


def parse_month_day(month_day: str) -> tuple[int, int]:
    """"MM-DD" as (month, day); ValueError for anything that is not a day of the year."""
    try:
        month, day = (int(part) for part in month_day.strip().split("-"))
        date(2000, month, day)  # a leap year: 02-29 is a day of the year
    except (ValueError, AttributeError) as error:
        raise ValueError(f"EXPIRY_CLEARING_DATE must be a day of the year as MM-DD, "
                         f"like 12-31; got {month_day!r}") from error
    return month, day


def _check_whole(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        bound = "a whole number, 0 or more" if minimum == 0 else \
            f"at least {minimum}, a whole number"
        raise ValueError(f"{name} must be {bound}; got {value!r}")


def _check_one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
