"""Paying the cash part of an order: the sandbox's own checkout page, and the
notification endpoint every provider calls back."""
import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import csrf
from app.loyalty import cash, reads, redemption
from app.loyalty.errors import DomainError
from app.loyalty.models import AWAITING_PAYMENT, CONFIRMED
from app.web.errors import refusal_status
from app.web.forms import Form
from app.web.guards import own_body_rules
from .providers import provider
from .refunds import send_for

bp = Blueprint("payments", __name__)
log = logging.getLogger(__name__)


@bp.app_template_global()
def checkout_url(code: str) -> str:
    """Where a member pays an order's cash, on every page (the order page's "Pay now")."""
    return provider().checkout_url(code)


@bp.route("/pay/sandbox/<code>", methods=["GET", "POST"])
@login_required
def sandbox_checkout(code: str):
    """The sandbox provider's payment page: approve or decline."""
    order = reads.order(current_user.id, code) or abort(404)
    form = Form()
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
        elif cash.refunds(order.id):
            flash(_("The payment came in after the order had lapsed. Your points are back "
                    "and the payment is being refunded."), "error")
        else:
            flash(_("The payment did not go through. Your points are back."), "error")
        return redirect(url_for("storefront.order", code=code), 303)
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
        # Not acknowledged, so the provider keeps telling us: nothing was recorded.
        log.warning("payment notification from %s refused: %s %s", name, error.code,
                    error.details)
        return {"ok": False, "error": error.code}, refusal_status(error)
    return {"ok": True}


def _settle(fields: dict):
    """Record a notification (the payment, and its refund if it came too late), then send
    any refund it caused once that is committed."""
    payments = provider()
    note = payments.verify(fields, fields.get("signature", ""))
    order = redemption.settle_payment(note.order_code, note.approved, note.amount_fen,
                                      provider=payments.name, reference=note.reference)
    send_for(order.id)
    return order
