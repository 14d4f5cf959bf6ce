"""Form fields every blueprint uses."""
import re

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField

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
