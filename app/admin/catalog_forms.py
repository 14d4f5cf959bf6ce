"""The catalog pages' forms: an item, a stock change, codes for a pool, a catalog file,
and the list's filters."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.loyalty import catalog, catalog_listing, coupon_pools
from app.loyalty.errors import InvalidItem
from app.loyalty.models import CORRECTION, COUPON, DAY, MONTH, PICKUP, RESTOCK, SERVICE
from app.media import images
from app.web.catalog_words import field_problem, image_problem
from app.web.fields import (
    LocalTimeField,
    SignedNumberField,
    WholeNumberField,
    YuanField,
)
from app.web.forms import Form

IMAGE_TYPES = ("jpg", "jpeg", "png", "webp")


def problems_beside_fields(form, refused: InvalidItem, other: str) -> None:
    """Each problem the catalog found beside its field; one the form has no field for beside
    the field named `other`."""
    for name, problem in refused.details.get("problems", {}).items():
        target = form[name] if name in form and name != "csrf_token" else form[other]
        target.errors = [*target.errors, field_problem(name, problem)]


def real_image(form, field):
    """Our content check: an image we take, whatever its name says."""
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return
    data = upload.read(images.MAX_BYTES + 1)
    upload.seek(0)
    try:
        images.check(data)
    except images.ImageRefused as refused:
        raise ValidationError(image_problem(refused.reason)) from None


def points_price_field() -> WholeNumberField:
    """An item's points price, as the item and its price steps take it."""
    return WholeNumberField(_l("Points"), validators=[
        InputRequired(_l("Enter the points price."))], render_kw={"inputmode": "numeric"})


def cash_part_field() -> YuanField:
    """The yuan paid on top of the points (blank: none)."""
    return YuanField(_l("Cash part (yuan)"), default=0,
                     render_kw={"inputmode": "decimal", "placeholder": "0.00"})


def _kinds():
    return [(PICKUP, _l("Pickup in store")), (COUPON, _l("Coupon code")),
            (SERVICE, _l("Service"))]


class ItemForm(Form):
    name = StringField(_l("Name (Chinese)"), validators=[
        DataRequired(_l("Enter a name.")), Length(max=catalog.NAME_MAX)])
    name_en = StringField(_l("Name (English)"), validators=[
        DataRequired(_l("Enter a name.")), Length(max=catalog.NAME_MAX)])
    description = TextAreaField(_l("Description (Chinese)"), validators=[
        Length(max=catalog.DESCRIPTION_MAX)], render_kw={"rows": 3})
    description_en = TextAreaField(_l("Description (English)"), validators=[
        Length(max=catalog.DESCRIPTION_MAX)], render_kw={"rows": 3})
    category_id = SelectField(_l("Category"), coerce=int, validate_choice=True)
    kind = SelectField(_l("Kind"), default=PICKUP)
    points_price = points_price_field()
    cash_fen = cash_part_field()
    stock = SignedNumberField(_l("Stock"), validators=[Optional()],
                              render_kw={"inputmode": "numeric"})
    per_member_limit = SignedNumberField(_l("Limit per member"), validators=[Optional()],
                                         render_kw={"inputmode": "numeric"})
    min_tier_id = SelectField(_l("Minimum tier"), default="")
    cost_fen = YuanField(_l("Cost to the brand (yuan)"), default=0,
                         render_kw={"inputmode": "decimal", "placeholder": "0.00"})
    quota = WholeNumberField(_l("Quota"), validators=[Optional()],
                             render_kw={"inputmode": "numeric"})
    quota_period = SelectField(_l("Quota period"), default=MONTH)
    sale_starts_at = LocalTimeField(_l("Sale opens"), validators=[Optional()])
    sale_ends_at = LocalTimeField(_l("Sale ends"), validators=[Optional()])
    image = FileField(_l("Image"), validators=[
        FileAllowed(IMAGE_TYPES, _l("Upload a JPEG, PNG or WebP image.")), real_image],
        render_kw={"accept": "image/jpeg,image/png,image/webp"})

    def __init__(self, *args, coupon_stock: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [(c.id, f"{c.name} · {c.name_en}")
                                    for c in catalog_listing.categories()]
        self.kind.choices = _kinds()
        self.quota_period.choices = [(MONTH, _l("Each month")), (DAY, _l("Each day"))]
        self.min_tier_id.choices = [("", _l("Every tier"))] + [
            (str(t.id), f"{t.name} · {t.name_en}") for t in catalog_listing.tiers()]
        if coupon_stock:  # a coupon item's stock is its pool: no field
            del self.stock

    def values(self, tz) -> dict:
        """The item's details as the catalog service takes them (times in UTC)."""
        values = {name: self[name].data for name in (
            "name", "name_en", "description", "description_en", "category_id", "kind",
            "points_price", "cash_fen", "per_member_limit", "cost_fen", "quota",
            "quota_period")}
        values["name"] = (values["name"] or "").strip()
        values["name_en"] = (values["name_en"] or "").strip()
        values["description"] = values["description"] or ""
        values["description_en"] = values["description_en"] or ""
        if "stock" in self:
            values["stock"] = self.stock.data
        values["min_tier_id"] = int(self.min_tier_id.data) if self.min_tier_id.data else None
        for name in ("sale_starts_at", "sale_ends_at"):
            when: datetime | None = self[name].data
            values[name] = when.replace(tzinfo=tz) if when else None
        return values


class StockForm(Form):
    change = SignedNumberField(_l("Change"), validators=[
        InputRequired(_l("Enter a change other than 0."))],
        render_kw={"inputmode": "numeric", "placeholder": "+20 / -3"})
    reason = SelectField(_l("Reason"), default=RESTOCK)
    note = StringField(_l("Note"), validators=[Length(max=catalog.NOTE_MAX)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [(RESTOCK, _l("Restock")), (CORRECTION, _l("Correction"))]


class CodesForm(Form):
    codes = TextAreaField(_l("Paste codes, one a line"), render_kw={"rows": 8,
                                                                    "spellcheck": "false"})
    file = FileField(_l("Or upload a .txt or .csv file"), validators=[
        FileAllowed(("txt", "csv"), _l("Upload a .txt or .csv file."))],
        render_kw={"accept": ".txt,.csv,text/plain,text/csv"})

    def text(self) -> str | None:
        """The codes pasted or uploaded (None when the file is not UTF-8 text)."""
        upload = self.file.data
        if upload and getattr(upload, "filename", ""):
            data = upload.read(coupon_pools.MAX_CODES * 64)
            try:
                return data.decode("utf-8-sig")
            except UnicodeDecodeError:
                return None
        return self.codes.data or ""


class ImportForm(Form):
    file = FileField(_l("Catalog file (CSV)"), validators=[
        FileRequired(_l("Choose a CSV file.")),
        FileAllowed(("csv",), _l("Upload a .csv file."))],
        render_kw={"accept": ".csv,text/csv"})


class ItemFilterForm(Form):
    """The list's filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Item name"), validators=[Optional(), Length(max=80)])
    category = SelectField(_l("Category"), default="")
    state = SelectField(_l("State"), default="")
    low = BooleanField(_l("Low stock only"))
    page = WholeNumberField(validators=[Optional(), NumberRange(min=1, max=10**6)], default=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _l("Every category"))] + [
            (str(c.id), c.name) for c in catalog_listing.categories()]
        self.state.choices = [("", _l("Shown and hidden")),
                              (catalog_listing.SHOWN, _l("Shown")),
                              (catalog_listing.HIDDEN, _l("Hidden"))]
