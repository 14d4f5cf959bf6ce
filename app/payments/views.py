"""Paying the cash part of an order: the sandbox's own checkout page, and the
notification endpoint every provider calls back."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.extensions import csrf
from app.loyalty import reads, redemption
from app.loyalty.errors import DomainError
from app.loyalty.models import AWAITING_PAYMENT, CONFIRMED
from app.web.guards import own_body_rules
from .providers import provider

bp = Blueprint("payments", __name__)


@bp.route("/pay/sandbox/<code>", methods=["GET", "POST"])
@login_required
def sandbox_checkout(code: str):
    """The sandbox provider's payment page: approve or decline."""
    order = reads.order(current_user.id, code) or abort(404)
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate() or request.form.get("decision") not in ("approve", "decline"):
            abort(400)
        if order.status == AWAITING_PAYMENT:
            sandbox = provider()
            fields = sandbox.notification(code, request.form["decision"] == "approve",
                                          order.cash_fen)
            # The sandbox calls back in-process what a real provider would POST to notify().
            order = _settle(fields)
        if order.status == CONFIRMED:
            flash(_("Payment received. Your order is confirmed."), "success")
        else:
            flash(_("The payment did not go through. Your points are back."), "error")
        return redirect(url_for("mall.order", code=code), 303)
    return render_template("payments/sandbox.html", order=order, form=form)


@bp.post("/payments/notify/<name>")
@csrf.exempt
@own_body_rules  # a provider's server posts here, never a member's form
def notify(name: str):
    """A provider's signed server-to-server notification."""
    if name != provider().name:
        abort(404)
    try:
        _settle(request.form.to_dict())
    except DomainError as error:
        return {"ok": False, "error": error.code}, error.status
    return {"ok": True}


def _settle(fields: dict):
    note = provider().verify(fields, fields.get("signature", ""))
    return redemption.settle_payment(note.order_code, note.approved, note.amount_fen)
