"""Store kiosks, for administrators: make one at a store, give it a fresh enrolment code
(shown in full once, on the answer to the request that issued it), revoke one. Every
change is audited by the core."""
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.loyalty import kiosks, stores
from app.loyalty.errors import NotFound
from app.loyalty.kiosks import InvalidKiosk
from app.web.messages import describe
from .console import address, bp
from .program_forms import ActionForm, KioskForm


def _form(blank: bool = False) -> KioskForm:
    form = KioskForm(formdata=None) if blank else KioskForm()
    form.store.choices = [(store.code, f"{store.code} {store.name}")
                          for store, _keys in stores.listing()]
    return form


def _page(form: KioskForm | None = None, status: int = 200, issued=None,
          message: str = ""):
    return render_template("admin/kiosks.html", form=form or _form(blank=True),
                           action_form=ActionForm(), listing=kiosks.listing(), issued=issued,
                           message=message), status


@bp.get("/kiosks", endpoint="kiosks")
def kiosks_page():
    return _page()


@bp.post("/kiosks")
def create_kiosk():
    form = _form()
    if form.validate_on_submit():
        try:
            issued = kiosks.create(form.name.data, form.store.data or "",
                                   actor_id=g.staff.id, address=address())
        except InvalidKiosk as error:
            field = form.name if error.details.get("field") == "name" else form.store
            field.errors = [describe(error)]
        else:
            return _page(issued=issued)
    return _page(form, 422)


@bp.post("/kiosks/<int:kiosk_id>/code")
def issue_kiosk_code(kiosk_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        issued = kiosks.new_code(kiosk_id, actor_id=g.staff.id, address=address())
    except NotFound:
        abort(404)
    except InvalidKiosk:
        return _page(status=409, message=_("A revoked kiosk cannot be enrolled again. Make "
                                           "a new kiosk instead."))
    return _page(issued=issued)


@bp.post("/kiosks/<int:kiosk_id>/revoke")
def revoke_kiosk(kiosk_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        kiosk = kiosks.revoke(kiosk_id, actor_id=g.staff.id, address=address())
    except NotFound:
        abort(404)
    flash(_("Kiosk %(name)s revoked: its screen stops working at its next touch.",
            name=kiosk.name), "info")
    return redirect(url_for("admin.kiosks"), 303)
