"""The forms of the program settings and the tiers."""
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from app.loyalty import tier_settings
from app.loyalty.program import ACTIVITY, ANNUAL, MONTHLY, parse_month_day
from app.web.fields import WholeNumberField
from app.web.forms import Form

POINTS_MAX = 1_000_000


def _whole(label, minimum: int, maximum: int = POINTS_MAX, **kwargs):
    """A whole-number setting between `minimum` and `maximum`, required."""
    return WholeNumberField(label, validators=[
        InputRequired(_l("Enter a whole number.")),
        NumberRange(min=minimum, max=maximum,
                    message=_l("Enter a whole number from %(min)s to %(max)s.",
                               min=f"{minimum:,}", max=f"{maximum:,}"))],
        render_kw={"inputmode": "numeric", "min": minimum, "max": maximum}, **kwargs)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ProgramSettingsForm(Form):
    """Every setting staff may set, named as the Program's field (EARN_POINTS: earn_points),
    in the sections of the page."""

    earn_points = _whole(_l("Points earned"), 1)
    earn_per_yuan = _whole(_l("For every ¥ spent"), 1, 100_000)
    points_per_yuan = _whole(_l("Points worth ¥1"), 1)
    expiry_policy = SelectField(_l("Expiry policy"), choices=[
        SelectChoice(MONTHLY, _l("Months after the month earned")),
        SelectChoice(ANNUAL, _l("Once a year, on a clearing date")),
        SelectChoice(ACTIVITY, _l("Months after the last purchase"))],
        validate_choice=True)
    expiry_months = _whole(_l("Months points last"), 1, 120)
    expiry_clearing_date = StringField(_l("Clearing date (MM-DD)"), filters=[_strip],
                                       validators=[InputRequired(_l("Enter a day like 12-31."))],
                                       render_kw={"maxlength": 5, "placeholder": "12-31"})
    cancel_window_hours = _whole(_l("Hours to cancel an order"), 0, 24 * 365)
    payment_window_minutes = _whole(_l("Minutes to pay a cash part"), 0, 24 * 60)
    check_in_points = _whole(_l("Points for a check-in"), 0)
    check_in_streak_days = _whole(_l("Days in a check-in streak"), 1, 365)
    check_in_streak_bonus = _whole(_l("Points for a streak"), 0)
    profile_points = _whole(_l("Points for completing a profile"), 0)
    birthday_bonus = SelectField(_l("Birthday reward"), choices=[
        SelectChoice("double", _l("Double points in the birthday month")),
        SelectChoice("gift", _l("A gift of points"))], validate_choice=True)
    birthday_gift_points = _whole(_l("Birthday gift points"), 0)
    referral_new_points = _whole(_l("Points for a friend who joins"), 0)
    referral_inviter_points = _whole(_l("Points for the member who invited them"), 0)
    low_stock = _whole(_l("Low-stock warning at"), 0)
    risk_signal_days = _whole(_l("Days risk signals are kept"), 1, 3660)

    SECTIONS = (
        (_l("Earning"), ("earn_points", "earn_per_yuan", "points_per_yuan")),
        (_l("Expiry"), ("expiry_policy", "expiry_months", "expiry_clearing_date")),
        (_l("Orders"), ("cancel_window_hours", "payment_window_minutes")),
        (_l("Member tasks"), ("check_in_points", "check_in_streak_days", "check_in_streak_bonus",
                              "profile_points", "birthday_bonus", "birthday_gift_points",
                              "referral_new_points", "referral_inviter_points")),
        (_l("Catalog"), ("low_stock",)),
        (_l("Risk control"), ("risk_signal_days",)),
    )

    def validate_expiry_clearing_date(self, field):
        try:
            parse_month_day(field.data or "")
        except ValueError:
            raise ValidationError(_l("Enter a day of the year like 12-31.")) from None

    def settings(self) -> dict[str, object]:
        """The settings by their names (EARN_POINTS, ...), as the form holds them."""
        return {name.upper(): self[name].data
                for _, names in self.SECTIONS for name in names}


_name_length = Length(max=tier_settings.NAME_MAX,
                      message=_l("Enter at most %(max)d characters."))


class TierRowForm(Form):
    """One tier's line of the tiers form (its CSRF token is the outer form's)."""

    class Meta:
        csrf = False

    id = HiddenField()
    name = StringField(_l("Name (Chinese)"), filters=[_strip], validators=[
        InputRequired(_l("Enter a name.")), _name_length],
        render_kw={"maxlength": tier_settings.NAME_MAX})
    name_en = StringField(_l("Name (English)"), filters=[_strip], validators=[
        InputRequired(_l("Enter a name.")), _name_length],
        render_kw={"maxlength": tier_settings.NAME_MAX})
    threshold = _whole(_l("Qualifying points"), 0, tier_settings.THRESHOLD_MAX)
    multiplier_pct = _whole(_l("Earn multiplier (%)"), tier_settings.MULTIPLIER_MIN,
                            tier_settings.MULTIPLIER_MAX)


class TiersForm(Form):
    tiers = FieldList(FormField(TierRowForm), min_entries=1)
