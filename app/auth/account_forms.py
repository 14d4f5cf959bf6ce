"""Forms to keep a profile and change the password or phone, and the password rules."""
from collections.abc import Callable
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from app.loyalty.phones import PHONE_PATTERN
from app.web.forms import Form
from app.web.validators import email_rules, name_rules

# The passwords people pick first; a sign-up with one of them is refused.
COMMON_PASSWORDS = frozenset("""
12345678 123456789 1234567890 87654321 11111111 00000000 88888888 66666666 12341234
11223344 12344321 123123123 147258369 123qweasd 1qaz2wsx qwertyui qwerty123 qwertyuiop
password password1 password123 passw0rd iloveyou abc12345 abcd1234 a1234567 aa123456
woaini1314 5201314520 asdfghjk zxcvbnm1 admin123 welcome1 11112222
""".split())


def strip(value):
    return value.strip() if isinstance(value, str) else value


def password_rules(phone_of: Callable[[Form], str | None]) -> list:
    """The rules for a password a member chooses, as field validators: 8 to 128 characters,
    not one people pick first, not the phone number `phone_of(form)` gives."""

    def hard_to_guess(form, field):
        if field.data.lower() in COMMON_PASSWORDS or len(set(field.data)) == 1:
            raise ValidationError(_l("This password is too easy to guess. Choose another."))
        if field.data == phone_of(form):
            raise ValidationError(_l("Don't use your phone number as your password."))

    return [DataRequired(_l("Choose a password.")),
            Length(min=8, max=128, message=_l("Use 8 to 128 characters.")), hard_to_guess]


class BirthdayField(DateField):
    """A date field whose message for a date it cannot read is the mall's own."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date like 1990-03-04.")) from None


class ProfileForm(Form):
    name = StringField(_l("Name"), filters=[strip], validators=name_rules(),
                       render_kw={"autocomplete": "name", "maxlength": 60})
    email = StringField(_l("Email"), filters=[strip], validators=email_rules(),
                        render_kw={"inputmode": "email", "autocomplete": "email", "maxlength": 120})
    birthday = BirthdayField(_l("Birthday"), validators=[Optional()],
                         render_kw={"autocomplete": "bday"})

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.birthday.render_kw = {**self.birthday.render_kw, "max": today.isoformat()}

    def validate_birthday(self, field):
        from app.loyalty.tasks import birthday_problem
        if field.data is None:
            return
        problem = birthday_problem(field.data, self.today)
        if problem == "future":
            raise ValidationError(_l("Your birthday can't be in the future."))
        if problem == "too_old":
            raise ValidationError(_l("Check the year of your birthday."))


class NewPasswordForm(Form):
    """A new password typed twice; `phone` is the member's, which it may not be."""

    new_password = PasswordField(_l("New password"),
                                 validators=password_rules(lambda form: form.phone),
                                 render_kw={"autocomplete": "new-password", "minlength": 8})
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("new_password", message=_l("The two new passwords don't match."))],
        render_kw={"autocomplete": "new-password"})

    def __init__(self, *args, phone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.phone = phone


class PasswordForm(NewPasswordForm):
    """A new password, given the current one."""

    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"})


class PhoneForm(Form):
    """A new phone number to sign in with, given the password."""

    phone = StringField(_l("New phone number"), filters=[strip], validators=[
        DataRequired(_l("Enter your new phone number.")),
        Regexp(PHONE_PATTERN,
               message=_l("Enter an 11-digit mainland mobile number, e.g. 13800138000."))],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 11})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"})


class ReauthForm(Form):
    """The password once more, before something that needs a recent sign-in."""

    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"})


class PinForm(Form):
    """A new 6-digit PIN for store kiosks, given the password; the core judges the PIN."""

    pin = PasswordField(_l("New PIN"), validators=[
        DataRequired(_l("Choose a 6-digit PIN.")), Length(max=32)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 6})
    confirm = PasswordField(_l("New PIN again"), validators=[
        DataRequired(_l("Enter the new PIN again.")),
        EqualTo("pin", message=_l("The two PINs don't match."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 6})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"})
