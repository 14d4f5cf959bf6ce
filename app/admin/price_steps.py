"""An item's scheduled price steps, for administrators: the steps, one added, one removed.
The core checks and audits each change."""
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import InputRequired

from app.extensions import db
from app.loyalty import price_steps
from app.loyalty.errors import InvalidItem, NotFound
from app.loyalty.program import running_program
from app.web.fields import LocalTimeField
from app.web.forms import Form
from .catalog import item_or_404
from .catalog_forms import cash_part_field, points_price_field, problems_beside_fields
from .console import address, bp


class PriceStepForm(Form):
    starts_at = LocalTimeField(_l("From"), validators=[
        InputRequired(_l("Enter a date and time like 2026-01-31 09:00."))])
    points_price = points_price_field()
    cash_fen = cash_part_field()


def _page(item, form, status=200):
    return render_template("admin/item_prices.html", item=item, form=form,
                           steps=price_steps.steps(item.id), remove=Form(),
                           program_tz=running_program().timezone), status


@bp.get("/items/<int:item_id>/prices")
def item_prices(item_id: int):
    return _page(item_or_404(item_id), PriceStepForm())


@bp.post("/items/<int:item_id>/prices")
def add_price_step(item_id: int):
    item = item_or_404(item_id)
    form = PriceStepForm()
    if form.validate_on_submit():
        try:
            price_steps.add_step(item.id, form.starts_at.utc(), form.points_price.data,
                                 form.cash_fen.data, actor_id=g.staff.id, address=address())
        except InvalidItem as refused:
            db.session.rollback()
            problems_beside_fields(form, refused, "starts_at")
        else:
            flash(_("The price step is scheduled."), "info")
            return redirect(url_for("admin.item_prices", item_id=item.id))
    return _page(item_or_404(item_id), form, 422)


@bp.post("/items/<int:item_id>/prices/<int:step_id>/removed")
def remove_price_step(item_id: int, step_id: int):
    item = item_or_404(item_id)
    if not Form().validate_on_submit():
        abort(400)
    try:
        price_steps.remove_step(item.id, step_id, actor_id=g.staff.id, address=address())
    except NotFound:
        abort(404)
    except InvalidItem:
        db.session.rollback()
        flash(_("A step whose time has come stays, as the item's price history."), "error")
    else:
        flash(_("The price step is removed."), "info")
    return redirect(url_for("admin.item_prices", item_id=item.id))
