"""An item's stock and pool of codes, and the catalog as a CSV file, for administrators."""
from flask import Response, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.loyalty import catalog, catalog_csv, catalog_listing, coupon_pools, stock
from app.loyalty.errors import InvalidCatalogFile, InvalidCodes, InvalidItem
from app.loyalty.models import utcnow
from app.loyalty.program import running_program
from app.web.catalog_words import code_problem, field_problem, file_problem, stock_reason
from app.web.csv_export import BOM
from app.web.guards import takes_uploads
from .catalog import item_or_404
from .catalog_forms import CodesForm, ImportForm, StockForm, problems_beside_fields
from .console import address, bp


def _stock_page(item, form, status=200):
    movements = stock.history(item.id)
    names = catalog_listing.staff_names(m.staff_id for m in movements)
    return render_template("admin/item_stock.html", item=item, form=form, movements=movements,
                           names=names, low=catalog_listing.is_low(item),
                           reason_words=stock_reason), status


@bp.get("/items/<int:item_id>/stock")
def item_stock(item_id: int):
    return _stock_page(item_or_404(item_id), StockForm())


@bp.post("/items/<int:item_id>/stock")
def change_stock(item_id: int):
    item = item_or_404(item_id)
    form = StockForm()
    if form.validate_on_submit():
        try:
            catalog.adjust_stock(item.id, form.change.data, form.reason.data,
                                 form.note.data or "", actor_id=g.staff.id, address=address())
        except InvalidItem as refused:
            db.session.rollback()
            problems_beside_fields(form, refused, "change")
        else:
            flash(_("The stock is changed."), "info")
            return redirect(url_for("admin.item_stock", item_id=item.id))
    return _stock_page(item_or_404(item_id), form, 422)


def _pool_page(item, form, problems=(), status=200):
    return render_template("admin/item_codes.html", item=item, form=form, problems=problems,
                           pool=coupon_pools.pool_status(item.id)), status


@bp.get("/items/<int:item_id>/codes")
def item_codes(item_id: int):
    return _pool_page(item_or_404(item_id), CodesForm())


@bp.post("/items/<int:item_id>/codes")
@takes_uploads
def add_codes(item_id: int):
    item = item_or_404(item_id)
    form = CodesForm()
    problems = []
    if form.validate_on_submit():
        text = form.text()
        if text is None:
            form.file.errors = [*form.file.errors, _("The file is not UTF-8 text.")]
        else:
            try:
                added = coupon_pools.add_codes(item.id, text, actor_id=g.staff.id,
                                               address=address())
            except InvalidCodes as refused:
                db.session.rollback()
                problems = [code_problem(*p) for p in refused.details.get("problems", ())]
            except InvalidItem as refused:
                db.session.rollback()
                problems = [field_problem(f, p) for f, p in refused.details["problems"].items()]
            else:
                flash(_("%(num)s codes added.", num=added.added), "info")
                return redirect(url_for("admin.item_codes", item_id=item.id))
    return _pool_page(item_or_404(item_id), form, problems, 422)


@bp.get("/items/export.csv")
def export_items():
    stamp = utcnow().astimezone(running_program().tz).strftime("%Y%m%d-%H%M")
    return Response((BOM + catalog_csv.export_items()).encode("utf-8"),
                    mimetype="text/csv", headers={
                        "Content-Disposition": f'attachment; filename="catalog-{stamp}.csv"'})


@bp.get("/items/import")
def import_page():
    return render_template("admin/items_import.html", form=ImportForm(), problems=())


@bp.post("/items/import")
@takes_uploads
def import_items():
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        data = form.file.data.read(catalog_csv.MAX_BYTES + 1)
        try:
            done = catalog_csv.import_items(data, actor_id=g.staff.id, address=address())
        except InvalidCatalogFile as refused:
            db.session.rollback()
            problems = [(line, field, file_problem(line, field, problem))
                        for line, field, problem in refused.details.get("problems", ())]
        else:
            flash(_("Catalog imported: %(created)s new, %(updated)s changed.",
                    created=len(done.created), updated=len(done.updated)), "info")
            return redirect(url_for("admin.import_page"))
    return render_template("admin/items_import.html", form=form,
                           problems=problems), 422
