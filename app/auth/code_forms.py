"""Forms of the steps that go through a code sent by SMS: the phone, then the code."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.loyalty.phones import PHONE_PATTERN
from app.web.forms import Form
from app.web.validators import name_rules
from .account_forms import NewPasswordForm, password_rules, strip


def phone_field(label=_l("Phone number")) -> StringField:
    return StringField(label, filters=[strip], validators=[
        DataRequired(_l("Enter your phone number.")),
        Regexp(PHONE_PATTERN, message=_l("Enter an 11-digit mainland mobile number, "
                                         "e.g. 13800138000."))],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 11})


def referral_code_field() -> StringField:
    """A friend's referral code, posted as `invite` like the links members share."""
    return StringField(_l("Invite code (optional)"), filters=[strip], validators=[
        Optional(), Length(max=16, message=_l("This invite code is not valid. Check it, or "
                                              "leave it empty."))],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": 16})


def code_field() -> StringField:
    return StringField(_l("Code from the SMS"), filters=[strip], validators=[
        DataRequired(_l("Enter the 6-digit code from the SMS.")),
        Regexp(r"^[0-9]{6}\Z", message=_l("The code is 6 digits, 0 to 9."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6,
                   "pattern": "[0-9]{6}"})


class PhoneForm(Form):
    """The phone a code is sent to."""

    phone = phone_field()


class JoinPhoneForm(PhoneForm):
    """Joining, step one: the phone, and the referral code a friend's link brought."""

    invite = referral_code_field()


class CodeForm(Form):
    """The code, and nothing else: signing in without a password."""

    code = code_field()


class JoinCodeForm(Form):
    """Joining, step two: the code, the new member's name and password. `phone` is the one
    the code went to, which the password may not be."""

    code = code_field()
    name = StringField(_l("Your name"), filters=[strip], validators=name_rules(),
                       render_kw={"autocomplete": "name", "maxlength": 60})
    password = PasswordField(_l("Password"), validators=password_rules(lambda form: form.phone),
                             render_kw={"autocomplete": "new-password", "minlength": 8})
    invite = referral_code_field()

    def __init__(self, *args, phone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.phone = phone

    def only_details_missing(self) -> bool:
        """The code is well formed and only the new member's fields have errors: enough
        for a phone that turns out to be a member's already."""
        return bool(self.errors) and "code" not in self.errors and "csrf_token" not in self.errors


class ResetForm(NewPasswordForm):
    """A forgotten password: the code, and the new password twice."""

    code = code_field()
