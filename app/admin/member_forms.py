"""The forms of the member pages and approvals."""
import re

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.loyalty import adjustments, members
from app.web.forms import Form

SIGNED_WHOLE = re.compile(r"[+-]?[0-9]{1,9}\Z")


class MemberSearchForm(Form):
    """Find members (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Phone or member number"), validators=[
        DataRequired(_l("Enter a phone number or a member number.")),
        Regexp(r"^[0-9]{%d,16}$" % members.PREFIX_MIN,
               message=_l("Enter at least 4 digits of a phone number, or a member number."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16},
        filters=[lambda v: v.replace(" ", "") if isinstance(v, str) else v])


class AdjustForm(Form):
    points = StringField(_l("Points (+ to add, − to take)"), validators=[
        DataRequired(_l("Enter the points to add (e.g. 500) or take (e.g. -500)."))],
        render_kw={"inputmode": "text", "autocomplete": "off", "maxlength": 10,
                   "placeholder": "500 / -500"},
        filters=[lambda v: v.strip().replace("−", "-") if isinstance(v, str) else v])
    reason = StringField(_l("Reason (the member reads it)"), validators=[
        DataRequired(_l("Enter a reason: the member reads it in their points history.")),
        Length(max=adjustments.REASON_MAX,
               message=_l("Keep the reason to 200 characters."))],
        render_kw={"maxlength": adjustments.REASON_MAX, "autocomplete": "off"})
    token = HiddenField()

    def validate_points(self, field):
        if not SIGNED_WHOLE.match(field.data or ""):
            raise ValidationError(_l("Enter a whole number of points, like 500 or -500."))
        value = int(field.data)
        if value == 0:
            raise ValidationError(_l("An adjustment of 0 points changes nothing."))
        if abs(value) > adjustments.MAX_POINTS:
            raise ValidationError(_l("At most %(most)s points either way in one adjustment.",
                                     most=f"{adjustments.MAX_POINTS:,}"))

    def validate_token(self, field):
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", field.data or ""):
            raise ValidationError(_l("This form has expired. Open the page again."))


class FreezeForm(Form):
    reason = StringField(_l("Reason"), validators=[
        DataRequired(_l("Enter a reason.")),
        Length(max=members.REASON_MAX, message=_l("Keep the reason to 200 characters."))],
        render_kw={"maxlength": members.REASON_MAX, "autocomplete": "off"})


class ShowPhoneForm(Form):
    """Show a member's full phone number (recorded in the audit log)."""


class DecideForm(Form):
    note = StringField(_l("Note"), validators=[
        Optional(), Length(max=200, message=_l("Keep the note to 200 characters."))],
        render_kw={"maxlength": 200, "autocomplete": "off"})
