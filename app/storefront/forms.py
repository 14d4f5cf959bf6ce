import uuid

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Regexp
from wtforms.widgets import HiddenInput

from app.loyalty.eligibility import MAX_QUANTITY
from app.loyalty.price_steps import Price
from app.web.fields import WholeNumberField
from app.web.forms import Form

PRICE_UNREAD = _l("The price on this page could not be read; look at the item again "
                  "before you redeem.")


class ShownPriceField(WholeNumberField):
    """A part of the price the member was shown, sent back hidden with the form: the page
    writes it beside the price it shows. Missing, or anything but digits (negative, too
    long), it is a page to look at again."""

    widget = HiddenInput()

    def __init__(self, label=None, **kwargs):
        super().__init__(label, validators=[InputRequired(PRICE_UNREAD)], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(PRICE_UNREAD) from None


class RedeemForm(Form):
    """One tap to redeem. The key makes a double tap or a resubmission one order; the price
    shown with it is the only one the redemption may charge."""

    quantity = WholeNumberField(_l("Quantity"), default=1, validators=[
        InputRequired(_l("Choose a quantity.")),
        NumberRange(1, MAX_QUANTITY, _l("Choose a quantity from 1 to %(max)s."))])
    key = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9-]{8,64}$")])
    points_price = ShownPriceField()
    cash_fen = ShownPriceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh key for a form being shown; a submitted form must bring its own, or a
        # resubmission without one would be a second order.
        if not self.is_submitted() and not self.key.data:
            self.key.data = uuid.uuid4().hex

    def shown_price(self) -> Price:
        """The price the member was shown (of a validated form)."""
        return Price(self.points_price.data, self.cash_fen.data)


class CancelForm(Form):
    """Cancel an order; the CSRF token is its only field."""


class RevealForm(Form):
    """Show a coupon code, which then counts as used; the CSRF token is its only field."""
