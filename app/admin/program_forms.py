"""The forms of the campaigns and stores pages."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app.loyalty import campaigns
from app.web.fields import LocalTimeField, WholeNumberField
from app.web.forms import Form
from app.web.i18n import localized

DESCRIPTION_MAX = 500
# The core's refusals, by the field it names, in staff's words.
REFUSALS = {
    "name": _l("Enter a name of at most 60 characters, in Chinese and in English."),
    "multiplier": _l("Enter a multiplier from 101 to 1,000 percent: 200 doubles points."),
    "ends": _l("The campaign must end after it starts."),
    "monthly_day": _l("Enter a day from 1 to 28: every month has it."),
    "tier": _l("Choose a tier from the list."),
    "category": _l("Enter a category of at most 40 characters."),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CampaignForm(Form):
    name = StringField(_l("Name in Chinese"), filters=[_strip], validators=[
        DataRequired(_l("Enter the name members read in Chinese.")),
        Length(max=campaigns.NAME_MAX)], render_kw={"maxlength": campaigns.NAME_MAX})
    name_en = StringField(_l("Name in English"), filters=[_strip], validators=[
        DataRequired(_l("Enter the name members read in English.")),
        Length(max=campaigns.NAME_MAX)], render_kw={"maxlength": campaigns.NAME_MAX})
    description = TextAreaField(_l("Description in Chinese"), filters=[_strip], validators=[
        Optional(), Length(max=DESCRIPTION_MAX)], render_kw={"rows": 2})
    description_en = TextAreaField(_l("Description in English"), filters=[_strip], validators=[
        Optional(), Length(max=DESCRIPTION_MAX)], render_kw={"rows": 2})
    multiplier = WholeNumberField(_l("Points multiplier (%)"), validators=[
        InputRequired(REFUSALS["multiplier"]),
        NumberRange(min=101, max=campaigns.MULTIPLIER_MAX, message=REFUSALS["multiplier"])],
        default=200, render_kw={"inputmode": "numeric"})
    starts = LocalTimeField(_l("Starts"), validators=[
        InputRequired(_l("Enter when the campaign starts."))])
    ends = LocalTimeField(_l("Ends"), validators=[
        InputRequired(_l("Enter when the campaign ends."))])
    monthly_day = WholeNumberField(_l("Only on this day of each month"), validators=[
        Optional(), NumberRange(min=1, max=28, message=REFUSALS["monthly_day"])],
        render_kw={"inputmode": "numeric"})
    tier = SelectField(_l("Members"), validate_choice=False, default="")
    category = StringField(_l("Only purchases of this category"), filters=[_strip], validators=[
        Optional(), Length(max=campaigns.CATEGORY_MAX, message=REFUSALS["category"])],
        render_kw={"maxlength": campaigns.CATEGORY_MAX})

    def __init__(self, tiers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tier.choices = [("", _l("Every tier"))] + [(t.code, localized(t, "name"))
                                                         for t in tiers]

    def validate_tier(self, field):
        if field.data not in {code for code, _label in field.choices}:
            raise ValidationError(REFUSALS["tier"])

    def validate_ends(self, field):
        if field.data and self.starts.data and field.data <= self.starts.data:
            raise ValidationError(REFUSALS["ends"])

    def values(self) -> dict:
        """The campaign's details as the core takes them."""
        return {"name": self.name.data, "name_en": self.name_en.data,
                "description": self.description.data or "",
                "description_en": self.description_en.data or "",
                "multiplier_pct": self.multiplier.data, "starts_at": self.starts.utc(),
                "ends_at": self.ends.utc(), "monthly_day": self.monthly_day.data,
                "tier_code": self.tier.data or None, "category": self.category.data or None}

    def fill(self, campaign, tier) -> None:
        """Show a campaign's details in the form."""
        for field in ("name", "name_en", "description", "description_en", "monthly_day",
                      "category"):
            getattr(self, field).data = getattr(campaign, field)
        self.multiplier.data = campaign.multiplier_pct
        self.starts.show(campaign.starts_at)
        self.ends.show(campaign.ends_at)
        self.tier.data = tier.code if tier else ""

    def refuse(self, field: str) -> bool:
        """Put the core's refusal of `field` beside it; False when no field shows it."""
        target = {"name": self.name, "multiplier": self.multiplier, "ends": self.ends,
                  "monthly_day": self.monthly_day, "tier": self.tier,
                  "category": self.category}.get(field)
        if target is None:
            return False
        target.errors = list(target.errors) + [REFUSALS[field]]
        return True


class StoreForm(Form):
    code = StringField(_l("Store code"), id="store-code", filters=[_strip], validators=[
        DataRequired(_l("Enter the store's code, such as SH001.")),
        Regexp(r"^[A-Za-z0-9_-]{1,20}$", message=_l(
            "Use 1 to 20 letters, digits, - or _ for the code, such as SH001."))],
        render_kw={"maxlength": 20, "autocapitalize": "characters", "placeholder": "SH001"})
    name = StringField(_l("Store name"), filters=[_strip], validators=[
        DataRequired(_l("Enter the store's name.")),
        Length(max=80, message=_l("Enter a name of at most 80 characters."))],
        render_kw={"maxlength": 80})


class ActionForm(Form):
    """A button that writes: a CSRF token and nothing else."""


class KioskForm(Form):
    """A new kiosk: its name and the store it stands in (the store's choices are set by the
    view; an unknown one is refused by the core, in the page's words)."""

    name = StringField(_l("Kiosk name"), id="kiosk-name", filters=[_strip], validators=[
        DataRequired(_l("Enter the kiosk's name, such as Entrance.")),
        Length(max=60, message=_l("Enter a name of at most 60 characters."))],
        render_kw={"maxlength": 60, "autocomplete": "off"})
    store = SelectField(_l("Store"), id="kiosk-store", choices=[], validate_choice=False)
