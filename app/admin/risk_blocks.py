"""The block list in the console: phones, devices and addresses refused, with a reason."""
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.loyalty.risk import blocklist
from app.web.messages import describe
from .console import address, bp
from .decisions import decide
from .risk_forms import BlockForm, RemoveForm


@bp.get("/risk/blocklist")
def risk_blocklist():
    return _page()


@bp.post("/risk/blocklist")
def risk_block_add():
    form = BlockForm()
    if not form.validate_on_submit():
        return _page(form), 422
    try:
        blocklist.add(form.kind.data, form.value.data, form.reason.data, actor_id=g.staff.id,
                      address=address())
    except blocklist.InvalidBlock as error:
        field = {"kind": form.kind, "reason": form.reason}.get(error.details.get("problem"),
                                                              form.value)
        field.errors = [describe(error)]
        return _page(form), 422
    flash(_("Added to the block list."), "success")
    return redirect(url_for("admin.risk_blocklist"), 303)


@bp.post("/risk/blocklist/<int:entry_id>/remove")
def risk_block_remove(entry_id: int):
    if not RemoveForm().validate_on_submit():
        abort(400)
    return decide(lambda: blocklist.remove(entry_id, actor_id=g.staff.id, address=address()),
                  done=_("Taken off the block list."), page=_page, back="admin.risk_blocklist")


def _page(form=None):
    return render_template("admin/risk_blocklist.html", entries=blocklist.entries(),
                           form=form or BlockForm(formdata=None),
                           remove_form=RemoveForm(formdata=None), shown=blocklist.shown)
