"""The console's forms."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.loyalty import audit_log
from app.web.fields import WholeNumberField
from app.web.forms import Form


class DayField(DateField):
    """A date typed as YYYY-MM-DD, with the console's own message for anything else."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date like 2026-01-31.")) from None


class StaffLoginForm(Form):
    username = StringField(_l("Username"), validators=[
        DataRequired(_l("Enter your username.")), Length(max=40)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "maxlength": 40})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"})


class CodeForm(Form):
    code = StringField(_l("6-digit code"), validators=[
        DataRequired(_l("Enter the 6-digit code from your authenticator app.")),
        Regexp(r"^[0-9]{6}$", message=_l("Enter the 6 digits your authenticator app shows."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6},
        filters=[lambda v: v.replace(" ", "") if isinstance(v, str) else v])


def _action_choices():
    return [("", _l("Every action"))] + [(action, action) for action in audit_log.ACTIONS]


class AuditFilterForm(Form):
    """The audit log's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    actor = SelectField(_l("Staff"), choices=[], validate_choice=True, default="")
    action = SelectField(_l("Action"), validate_choice=True, default="")
    since = DayField(_l("From"), validators=[Optional()],
                      render_kw={"placeholder": "2026-01-31"})
    until = DayField(_l("To"), validators=[Optional()],
                      render_kw={"placeholder": "2026-01-31"})
    page = WholeNumberField(validators=[Optional(), NumberRange(min=1, max=10**6)], default=1)

    def __init__(self, staff_choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor.choices = [("", _l("Everyone"))] + staff_choices
        self.action.choices = _action_choices()

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
