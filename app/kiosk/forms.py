"""The kiosk's forms. Nothing is autocompleted or remembered by the browser."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.web.forms import Form


class EnrolForm(Form):
    """The one-time enrolment code staff got when they made the kiosk."""

    code = StringField(_l("Enrolment code"), validators=[
        DataRequired(_l("Enter the enrolment code.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters",
                   "spellcheck": "false"})


class ScanForm(Form):
    """What the scanner typed (or the member did): the member card's code."""

    code = StringField(_l("Member code"), validators=[Length(max=200)],
                       render_kw={"autocomplete": "off", "inputmode": "numeric",
                                  "spellcheck": "false", "autofocus": True,
                                  "placeholder": "000 000"})


class DoneForm(Form):
    """End the member's session; the CSRF token is its only field."""
