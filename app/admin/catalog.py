"""The catalog for administrators: the list of items, a new item, an item's details and
hiding or showing it. The catalog service checks and audits every change; an uploaded
image is stored only once the item's details are accepted."""
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.loyalty import catalog, catalog_listing
from app.loyalty.errors import InvalidItem
from app.loyalty.models import COUPON, Item
from app.loyalty.program import running_program
from app.media import images
from app.web.catalog_words import field_problem
from app.web.forms import Form
from app.web.guards import takes_uploads
from .catalog_forms import ItemFilterForm, ItemForm
from .console import address, bp


def item_or_404(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None:
        abort(404)
    return item


@bp.get("/items")
def items():
    form = ItemFilterForm(formdata=request.args)
    if request.args and not form.validate():
        return render_template("admin/items.html", form=form, page=None), 422
    found = catalog_listing.search(
        category_id=int(form.category.data) if form.category.data else None,
        state=form.state.data or None, low=bool(form.low.data), text=form.q.data or "",
        page=form.page.data or 1)
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/items.html", form=form, page=found, filters=filters,
                           is_low=catalog_listing.is_low, toggle=Form())


def _initial(item: Item) -> dict:
    tz = running_program().tz
    data = {name: getattr(item, name) for name in catalog.FIELDS if name != "image"}
    data["min_tier_id"] = str(item.min_tier_id) if item.min_tier_id else ""
    for name in ("sale_starts_at", "sale_ends_at"):
        when = getattr(item, name)
        data[name] = when.astimezone(tz).replace(tzinfo=None) if when else None
    return data


def _refused(form: ItemForm, refused: InvalidItem) -> None:
    """Each problem beside its field; one the form has no field for above the form."""
    for name, problem in refused.details.get("problems", {}).items():
        words = field_problem(name, problem)
        if name in form and name != "csrf_token":
            form[name].errors = [*form[name].errors, words]
        elif name == "stock" and "kind" in form:
            form.kind.errors = [*form.kind.errors, words]
        else:
            form.form_errors.append(words)


def _also_refused(form: ItemForm, item: Item | None) -> None:
    """What the catalog would also refuse, beside fields the form itself accepted, so that
    every problem shows at once."""
    if "csrf_token" in form.errors:
        return
    values = form.values(running_program().tz)
    try:
        if item is None:
            values = {**values, "image": ""}
            if values["kind"] == COUPON and not values.get("stock"):
                values["stock"] = 0
            found = catalog.problems(values)
            if values["kind"] == COUPON and values.get("stock"):
                found["stock"] = catalog.SET_BY_CODES
        else:
            found = catalog.edit_problems(item, values)
    except (TypeError, ValueError):
        return
    found = {name: problem for name, problem in found.items()
             if name not in form.errors and name in form}
    if found:
        _refused(form, InvalidItem(field=next(iter(found)), problems=found))


def _save(form: ItemForm, item: Item | None):
    """Check the form, then the catalog; store the image once both accept the item."""
    if not form.validate_on_submit():
        _also_refused(form, item)
        return None
    values = form.values(running_program().tz)
    upload = form.image.data
    data = upload.read() if upload and getattr(upload, "filename", "") else None
    if data:
        values["image"] = images.base_name(data)
    try:
        if item is None:
            change = catalog.create_item(values, actor_id=g.staff.id, address=address())
        else:
            change = catalog.edit_item(item.id, values, actor_id=g.staff.id,
                                       address=address())
    except InvalidItem as refused:
        db.session.rollback()
        _refused(form, refused)
        return None
    if data:
        images.store(data, current_app.instance_path)
    return change


@bp.route("/items/new", methods=["GET", "POST"])
@takes_uploads
def new_item():
    form = ItemForm()
    change = _save(form, None) if request.method == "POST" else None
    if change is not None:
        flash(_("The item is listed."), "info")
        return redirect(url_for("admin.edit_item", item_id=change.item_id))
    status = 422 if request.method == "POST" else 200
    return _form_page(form, None, status)


def _form_page(form: ItemForm, item: Item | None, status: int = 200):
    return render_template("admin/item_form.html", form=form, item=item, toggle=Form(),
                           program_tz=running_program().timezone), status


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@takes_uploads
def edit_item(item_id: int):
    item = item_or_404(item_id)
    coupon = item.kind == COUPON
    if request.method == "GET":
        return _form_page(ItemForm(data=_initial(item), coupon_stock=coupon), item)
    form = ItemForm(coupon_stock=coupon)
    if _save(form, item) is not None:
        flash(_("The item is saved."), "info")
        return redirect(url_for("admin.edit_item", item_id=item.id))
    return _form_page(form, item_or_404(item_id), 422)


@bp.post("/items/<int:item_id>/shown")
def show_item(item_id: int):
    return _set_active(item_id, True)


@bp.post("/items/<int:item_id>/hidden")
def hide_item(item_id: int):
    return _set_active(item_id, False)


def _set_active(item_id: int, active: bool):
    item_or_404(item_id)
    if not Form().validate_on_submit():
        abort(400)
    catalog.set_active(item_id, active, actor_id=g.staff.id, address=address())
    flash(_("The item is shown to members.") if active else
          _("The item is hidden from members."), "info")
    back = request.form.get("back", "")
    return redirect(url_for("admin.items") if back == "list" else
                    url_for("admin.edit_item", item_id=item_id))


@bp.teardown_request
def close_uploads(_error=None):
    """Uploads larger than memory holds are spooled to temporary files: close them."""
    if request.mimetype == "multipart/form-data":
        for upload in request.files.values():
            upload.close()
