"""The signed-in staff member's own account: enrolling two-step sign-in."""
import segno
from flask import flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.loyalty import staff as staff_accounts
from app.loyalty.models import ADMIN, CLERK
from .console import address, bp, for_roles
from .forms import CodeForm


def _secret() -> str:
    """The secret being enrolled: kept in the session until a code confirms it, so that
    showing the page writes nothing."""
    secret = session.get("staff_enrol_secret")
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session["staff_enrol_secret"] = staff_accounts.new_secret()
    return secret


def _page(form: CodeForm, status: int = 200):
    if g.staff.two_step_enrolled:
        return render_template("admin/account.html", form=None), status
    secret = _secret()
    uri = staff_accounts.provisioning_uri(secret, g.staff.username)
    qr = Markup(segno.make(uri, error="m").svg_inline(scale=5, border=2, omitsize=False))
    return render_template("admin/account.html", form=form, secret=secret, qr=qr), status


@bp.get("/account")
@for_roles(ADMIN, CLERK)
def account():
    return _page(CodeForm())


@bp.post("/account")
@for_roles(ADMIN, CLERK)
def enrol_two_step():
    form = CodeForm()
    if g.staff.two_step_enrolled:
        return redirect(url_for("admin.account"))
    if form.validate_on_submit():
        if staff_accounts.enrol_two_step(g.staff.id, _secret(), form.code.data, address()):
            session.pop("staff_enrol_secret", None)
            flash(_("Two-step sign-in is on. Each sign-in now asks for a code."), "info")
            return redirect(url_for("admin.account"))
        form.code.errors.append(_("That code does not match. Check the time on your phone "
                                  "and enter the code it shows now."))
    return _page(form, 422)
