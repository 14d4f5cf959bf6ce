"""The forms of the risk-control pages: a rule's values, a review decision, and the block
list."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.loyalty.models.risk import ADDRESS, BLOCK, DEVICE, FLAG, HOLD, PHONE
from app.loyalty.risk import blocklist, cases, review, settings
from app.web.fields import WholeNumberField, record_id, stripped
from app.web.forms import Form

THRESHOLD_MOST = 999_999_999
MINUTE, HOUR, DAY = 60, 3600, 86_400
UNITS = {"minutes": MINUTE, "hours": HOUR, "days": DAY}
WINDOW_MOST = {name: settings.WINDOW_MAX // seconds for name, seconds in UNITS.items()}


def _reason_field(label, most: int, *needed) -> StringField:
    """A reason typed by staff, of at most `most` characters."""
    return StringField(label, filters=[stripped], validators=[
        *needed, Length(max=most, message=_l("Keep the reason to 200 characters."))],
        render_kw={"maxlength": most, "autocomplete": "off"})


def window_parts(seconds: int) -> tuple[int, str]:
    """A window in the largest unit that measures it whole."""
    for name in ("days", "hours", "minutes"):
        if seconds % UNITS[name] == 0:
            return seconds // UNITS[name], name
    return max(1, seconds // MINUTE), "minutes"


class RuleForm(Form):
    threshold = WholeNumberField(_l("Threshold"), validators=[
        InputRequired(_l("Enter a whole number.")),
        NumberRange(min=0, max=THRESHOLD_MOST,
                    message=_l("Enter a whole number from %(min)s to %(max)s.",
                               min="0", max=f"{THRESHOLD_MOST:,}"))],
        render_kw={"inputmode": "numeric", "min": 0, "max": THRESHOLD_MOST})
    window = WholeNumberField(_l("Window"), validators=[
        InputRequired(_l("Enter a whole number.")),
        NumberRange(min=1, message=_l("Enter a window of at least 1."))],
        render_kw={"inputmode": "numeric", "min": 1})
    unit = SelectField(_l("Window unit"), choices=[
        SelectChoice("minutes", _l("minutes")), SelectChoice("hours", _l("hours")),
        SelectChoice("days", _l("days"))], validate_choice=True)
    action = SelectField(_l("Action"), choices=[
        SelectChoice(FLAG, _l("Flag: allow and review")),
        SelectChoice(HOLD, _l("Hold: keep the points for review")),
        SelectChoice(BLOCK, _l("Block: refuse"))], validate_choice=True)
    enabled = BooleanField(_l("On"))
    dry_run_only = BooleanField(_l("Dry run only (never acts)"))

    def validate_window(self, field):
        unit = self.unit.data if self.unit.data in UNITS else "days"
        if field.data is not None and field.data > WINDOW_MOST[unit]:
            raise ValidationError(_l("Enter a window of at most 366 days."))

    def window_seconds(self) -> int:
        return self.window.data * UNITS[self.unit.data]


class ApproveForm(Form):
    """Approve one case (nothing to type)."""


class RejectForm(Form):
    reason = _reason_field(_l("Reason (the member reads it)"), cases.REASON_MAX, DataRequired(
        _l("Enter a reason: the member reads it in their points history.")))


class BulkForm(Form):
    """Approve or reject the cases ticked, rejecting with one reason."""

    case_ids = SelectMultipleField(_l("Cases"), coerce=record_id, validate_choice=False,
                                   validators=[DataRequired(_l("Tick the cases to decide."))])
    decision = SelectField(choices=[SelectChoice("approve", "approve"),
                                    SelectChoice("reject", "reject")],
                           validate_choice=True)
    reason = _reason_field(_l("Reason for a rejection (the members read it)"),
                           cases.REASON_MAX, Optional())

    def validate_case_ids(self, field):
        if len(field.data) > review.BULK_MAX:
            raise ValidationError(_l("Tick at most %(most)s cases at once.",
                                     most=review.BULK_MAX))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.decision.data == "reject" and not self.reason.data:
            self.reason.errors = [_l("Enter a reason: the member reads it in their points "
                                     "history.")]
            return False
        return valid


class BlockForm(Form):
    kind = SelectField(_l("What to block"), choices=[
        SelectChoice(PHONE, _l("Phone")), SelectChoice(DEVICE, _l("Device")),
        SelectChoice(ADDRESS, _l("Address"))], validate_choice=True)
    value = StringField(_l("Phone, device identifier or address"), filters=[stripped],
                        validators=[DataRequired(_l(
                            "Enter the phone number, device identifier or address to block.")),
                            Length(max=blocklist.VALUE_MAX, message=_l(
                                "Enter the phone number, device identifier or address to "
                                "block."))],
                        render_kw={"maxlength": blocklist.VALUE_MAX, "autocomplete": "off"})
    reason = _reason_field(_l("Reason"), blocklist.REASON_MAX,
                           DataRequired(_l("Enter a reason.")))


class RemoveForm(Form):
    """Take an entry off the block list (nothing to type)."""
