from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from app.loyalty.phones import PHONE_PATTERN
from app.web.forms import Form


class LoginForm(Form):
    phone = StringField(_l("Phone number"), validators=[
        DataRequired(_l("Enter your phone number.")),
        Regexp(PHONE_PATTERN, message=_l("Enter the 11-digit mobile number you joined with."))],
        render_kw={"inputmode": "tel", "autocomplete": "username", "maxlength": 11})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=128)],
        render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in"))
