"""Stores and their till keys, for administrators. A new key is shown in full once, on the
answer to the request that issued it; after that only its prefix."""
from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.loyalty import stores
from app.loyalty.errors import NotFound
from app.loyalty.stores import InvalidStore
from .console import address, bp
from .program_forms import ActionForm, StoreForm


def _page(form: StoreForm | None = None, status: int = 200, new_key: str = "",
          key_store: str = ""):
    return render_template("admin/stores.html", form=form or StoreForm(formdata=None),
                           action_form=ActionForm(), listing=stores.listing(),
                           new_key=new_key, key_store=key_store), status


@bp.get("/stores", endpoint="stores")
def stores_page():
    return _page()


@bp.post("/stores")
def create_store():
    form = StoreForm()
    if form.validate_on_submit():
        try:
            store = stores.create_store(form.code.data, form.name.data, actor_id=g.staff.id,
                                        address=address())
        except InvalidStore as error:
            if error.details.get("field") == "name":
                form.name.errors = [_("Enter the store's name, at most 80 characters.")]
            elif error.details.get("taken"):
                form.code.errors = [_("A store with this code already exists.")]
            else:
                form.code.errors = [_("Use 1 to 20 letters, digits, - or _ for the code, "
                                      "such as SH001.")]
        else:
            flash(_("Store %(code)s saved.", code=store.code), "info")
            return redirect(url_for("admin.stores"), 303)
    return _page(form, 422)


@bp.post("/stores/<store_code>/keys")
def issue_till_key(store_code: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        key = stores.create_key(store_code, actor_id=g.staff.id, address=address())
    except NotFound:
        abort(404)
    return _page(new_key=key, key_store=store_code)


@bp.post("/stores/keys/<prefix>/revoke")
def revoke_till_key(prefix: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        stores.revoke_key(prefix, actor_id=g.staff.id, address=address())
    except NotFound:
        abort(404)
    flash(_("Key %(prefix)s revoked: tills using it are refused from now on.", prefix=prefix),
          "info")
    return redirect(url_for("admin.stores"), 303)
