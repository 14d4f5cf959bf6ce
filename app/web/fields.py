"""Form fields every blueprint uses."""
import re
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField

from app.loyalty.program import running_program

ASCII_DIGITS = re.compile(r"[0-9]{1,9}\Z")


class WholeNumberField(IntegerField):
    """A whole number typed as ASCII digits and nothing else. Python's int() also takes
    "1_0", "+10", " 10 " and other scripts' digits (full-width, Arabic-Indic); none of them
    is what a member meant to type, so each is refused with a message."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        value = valuelist[0]
        if value == "":   # nothing typed: the field's own validators say what is needed
            self.data = None
            return
        if not isinstance(value, str) or not ASCII_DIGITS.match(value):
            self.data = None
            raise ValueError(_l("Enter a whole number using the digits 0 to 9."))
        self.data = int(value)


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

    def utc(self) -> datetime:
        """The moment typed, in UTC."""
        return self.data.replace(tzinfo=running_program().tz).astimezone(timezone.utc)

    def show(self, at: datetime) -> None:
        """Fill the field with a UTC moment, in local time."""
        self.data = at.astimezone(running_program().tz).replace(tzinfo=None)
