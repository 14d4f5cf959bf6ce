"""The counter's forms: the scan, cash taken for an order, and a cancel with its reason."""
import re
import secrets
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from app.loyalty import card_tokens, counter
from app.loyalty.redemption import REASON_LENGTH
from app.web.forms import Form

YUAN = re.compile(r"[0-9]{1,7}(\.[0-9]{1,2})?\Z")


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class ScanForm(Form):
    """A pickup code or a member card code, scanned or typed. The form is posted (a card
    code is used up); the app's CSRF protection checks every post, so the form does not."""

    class Meta:
        csrf = False

    code = StringField(_l("Pickup code or member card"), validators=[
        DataRequired(_l("Scan or type the pickup code or the member card."))],
        render_kw={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters",
                   "spellcheck": "false", "enterkeyhint": "go"})

    def validate_code(self, field):
        # 6 digits are a card code (full-width ones from a Chinese keyboard too): a pickup
        # code has 10 letters and digits
        self.card_code = card_tokens.normal_code(
            unicodedata.normalize("NFKC", (field.data or "")[:counter.MAX_TYPED]))
        self.pickup_code = None if self.card_code else counter.pickup_code(field.data)
        if self.card_code is None and self.pickup_code is None:
            raise ValidationError(_l("That is not a pickup code (10 letters and digits, like "
                                     "ABCD 2345 XY) or a member card code (6 digits)."))


class HandOverForm(Form):
    pass


class CashForm(Form):
    """Cash paid at the counter: the amount the clerk took, which must be what is due. The
    key makes one confirmation of a twice-submitted form."""

    amount = StringField(_l("Cash taken (¥)"), validators=[
        DataRequired(_l("Enter the cash you took, in yuan."))], filters=[_stripped],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00"})
    key = HiddenField(validators=[Regexp(r"^[A-Za-z0-9_-]{16,40}$")],
                      default=lambda: secrets.token_urlsafe(16))

    def __init__(self, due_fen: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.due_fen = due_fen

    def validate_amount(self, field):
        if not YUAN.match(field.data or ""):
            raise ValidationError(_l("Enter an amount in yuan, like 9.90."))
        whole, _, cents = field.data.partition(".")
        self.amount_fen = int(whole) * 100 + int((cents + "00")[:2])
        if self.amount_fen != self.due_fen:
            raise ValidationError(_l("The amount due is ¥%(due)s: take exactly that.",
                                due=f"{self.due_fen // 100:,}.{self.due_fen % 100:02d}"))


class StaffCancelForm(Form):
    reason = TextAreaField(_l("Reason (the member reads it)"), validators=[
        DataRequired(_l("Give a reason for cancelling: the member reads it.")),
        Length(max=REASON_LENGTH, message=_l("Keep the reason under %(max)d characters."))],
        filters=[_stripped], render_kw={"rows": 2, "maxlength": REASON_LENGTH})
