import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Regexp

from app.loyalty.eligibility import MAX_QUANTITY
from app.web.fields import WholeNumberField


class RedeemForm(FlaskForm):
    """One tap to redeem. The key makes a double tap or a resubmission one order."""

    quantity = WholeNumberField(_l("Quantity"), default=1, validators=[
        InputRequired(_l("Choose a quantity.")),
        NumberRange(1, MAX_QUANTITY, _l("Choose a quantity from 1 to %(max)s."))])
    key = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9-]{8,64}$")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh key for a form being shown; a submitted form must bring its own, or a
        # resubmission without one would be a second order.
        if not self.is_submitted() and not self.key.data:
            self.key.data = uuid.uuid4().hex


class CancelForm(FlaskForm):
    """Cancel an order; the CSRF token is its only field."""


class RevealForm(FlaskForm):
    """Show a coupon code, which then counts as used; the CSRF token is its only field."""
