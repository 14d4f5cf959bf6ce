"""Form fields every blueprint uses."""
import re
from datetime import datetime, timezone
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, StringField

from app.loyalty.program import running_program
from app.loyalty.report_periods import FIRST_YEAR, LAST_YEAR
from .routing import ID_MAX, numbers_up_to

ASCII_DIGITS = re.compile(r"[0-9]{1,9}\Z")
SIGNED = re.compile(r"-?[0-9]{1,9}\Z")
YUAN = re.compile(r"[0-9]{1,7}(\.[0-9]{1,2})?\Z")
YUAN_BIG = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?\Z")  # a year's budget
RECORD_ID = re.compile(numbers_up_to(ID_MAX) + r"\Z")


def record_id(value) -> int:
    """A form's coerce for the id of a row, as an address takes one: ASCII digits up to the
    largest id a table holds; ValueError for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= ID_MAX:
        return value
    if not isinstance(value, str) or not RECORD_ID.match(value):
        raise ValueError(value)
    return int(value)


def stripped(value):
    """A form filter: the text typed without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """A whole number typed as ASCII digits and nothing else. Python's int() also takes
    "1_0", "+10", " 10 " and other scripts' digits (full-width, Arabic-Indic); none of them
    is what a member meant to type, so each is refused with a message."""

    pattern = ASCII_DIGITS
    strip = False

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        value = stripped(valuelist[0]) if self.strip else valuelist[0]
        if value == "":   # nothing typed: the field's own validators say what is needed
            self.data = None
            return
        if not isinstance(value, str) or not self.pattern.match(value):
            self.data = None
            raise ValueError(_l("Enter a whole number using the digits 0 to 9."))
        self.data = int(value)


class SignedNumberField(WholeNumberField):
    """A whole number, possibly negative, in ASCII digits; spaces around it are dropped."""

    pattern = SIGNED
    strip = True


class YuanField(StringField):
    """An amount of yuan with at most two decimals; `data` in fen (blank: 0)."""

    pattern = YUAN
    blank: int | None = 0

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        value = (valuelist[0] or "").strip() if isinstance(valuelist[0], str) else None
        if value == "":
            self.data = self.blank
            return
        if value is None or not self.pattern.match(value):
            self.data = None
            raise ValueError(_l("Enter an amount in yuan, like 9.90."))
        self.data = int(Decimal(value) * 100)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data / 100:.2f}" if isinstance(self.data, int) else ""


class LocalTimeField(DateTimeLocalField):
    """A date and time in the program's time zone, typed or picked as the browser's picker
    writes it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date and time like 2026-01-31 09:00.")) from None
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None  # the first and last years Python has do not convert to UTC
            raise ValueError(_l("Enter a date and time between the years 2000 and 2999."))

    def utc(self) -> datetime:
        """The moment typed, in UTC."""
        return self.data.replace(tzinfo=running_program().tz).astimezone(timezone.utc)

    def show(self, at: datetime) -> None:
        """Fill the field with a UTC moment, in local time."""
        self.data = at.astimezone(running_program().tz).replace(tzinfo=None)
