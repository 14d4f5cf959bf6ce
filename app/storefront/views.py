"""The storefront: the member's home, catalog, redemption, orders, points history, rules."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.loyalty import (
    campaigns,
    cash,
    expiry,
    member_catalog,
    purchases,
    reads,
    redemption,
    tasks,
)
from app.loyalty.errors import DomainError, NotFound, PriceChanged
from app.loyalty.models import AWAITING_PAYMENT, CONFIRMED, COUPON, Item, utcnow
from app.loyalty.program import running_program
from app.loyalty.risk import cases as risk_cases
from app.payments.providers import provider
from app.payments.refunds import send_for
from app.web import devices
from app.web.errors import refusal_status
from app.web.fragments import wants_fragment
from app.web.layout import current_wallet
from app.web.messages import describe
from app.web.paging import page_number
from app.web.pickup import pickup_qr_svg
from app.web.prices import current_prices
from app.web.reauth import needs_reauth, recently_authenticated
from .forms import CancelForm, RedeemForm, RevealForm

bp = Blueprint("storefront", __name__)

@bp.get("/")
@login_required
@current_prices
def home():
    now, program, wallet = utcnow(), running_program(), current_wallet()
    next_expiring = wallet.next_expiring
    member = _member()
    suggestions = member_catalog.suggestions(member, wallet.balance, now, program,
                                             next_expiring.points if next_expiring else 0)
    running, _upcoming = campaigns.listing(now, program, member.tier)
    return render_template(
        "storefront/home.html", standing=reads.standing(member, now, program),
        next_expiring=next_expiring, suggestions=suggestions,
        now=now,
        check_in=tasks.check_in_card(member.id, now, program), running=running)


@bp.get("/catalog")
@login_required
@current_prices
def catalog():
    args = request.args
    category = args.get("category") or None
    affordable = args.get("affordable") == "1"
    sort = args.get("sort", "points")
    if sort not in member_catalog.SORTS:
        sort = "points"
    shown = member_catalog.page(_member(), current_wallet().balance, utcnow(),
                                running_program(), category=category, affordable=affordable,
                                sort=sort, number=page_number())
    template = "storefront/_catalog_grid.html" if wants_fragment() else "storefront/catalog.html"
    # The pager's links keep the filters: only those set, in the order the form sends them.
    kept = {"category": category, "affordable": "1" if affordable else None, "sort": sort}
    return render_template(template, shown=shown, offers=shown.offers,
                           categories=reads.categories(), category=category,
                           affordable=affordable, sort=sort,
                           kept={name: value for name, value in kept.items() if value})


@bp.get("/catalog/<int:item_id>")
@login_required
@current_prices
def item(item_id: int):
    # Idle, the redeem component is a link to the confirm step: the page has no form.
    return render_template("storefront/item.html", offer=_offer(item_id))


@bp.get("/catalog/<int:item_id>/redeem")
@login_required
@current_prices
def confirm(item_id: int):
    """The inline confirm step (a fragment for htmx, a page without JavaScript)."""
    offer = _offer(item_id)
    state = "idle" if request.args.get("back") else "confirm"
    if state == "confirm" and offer.available and needs_reauth(offer.item.points_price):
        return _reauth_first(url_for("storefront.confirm", item_id=item_id))
    if wants_fragment():
        return render_template("storefront/_redeem.html", offer=offer, form=RedeemForm(),
                               state=state)
    return render_template("storefront/confirm.html", offer=offer, form=RedeemForm())


@bp.post("/catalog/<int:item_id>/redeem")
@login_required
@current_prices
def redeem(item_id: int):
    form = RedeemForm()
    if not form.validate():
        return _redeem_refused(item_id, form, message=_first_error(form), status=422)
    if not recently_authenticated():   # else the price need not be read here
        item = db.session.get(Item, item_id)
        if item is not None and needs_reauth(item.points_price * form.quantity.data):
            return _reauth_first(url_for("storefront.item", item_id=item_id))
    try:
        order = redemption.redeem(current_user.id, item_id, form.key.data, form.quantity.data,
                                  origin=devices.origin(), expected_price=form.shown_price())
    except NotFound:
        abort(404)
    except DomainError as error:
        # Given the item, the message names the tier it needs, as the card does.
        message = describe(error, db.session.get(Item, item_id))
        return _redeem_refused(item_id, form, message=message, status=refusal_status(error),
                               again=isinstance(error, PriceChanged))
    if order.status == AWAITING_PAYMENT:
        target = provider().checkout_url(order.code)
        if wants_fragment():
            return Response(status=204, headers={"HX-Redirect": target})
        return redirect(target)
    if wants_fragment():
        # The result and the header's wallet, read now, after the redemption.
        return render_template("storefront/_redeem_done.html", order=order)
    flash(_("Redeemed! Your order code is %(code)s.", code=order.code), "success")
    return redirect(url_for("storefront.order", code=order.code))


@bp.get("/orders")
@login_required
def orders():
    page = page_number()
    rows, more = reads.orders(current_user.id, page)
    return render_template("storefront/orders.html", orders=rows, page=page, more=more)


@bp.get("/orders/<code>")
@login_required
def order(code: str):
    found = reads.order(current_user.id, code) or abort(404)
    return render_template("storefront/order.html", order=found, form=CancelForm(),
                           reveal_form=RevealForm(), refunds=cash.refunds(found.id),
                           cancellable=redemption.cancellable(found, utcnow()),
                           cancel_until=redemption.cancel_deadline(found))


@bp.post("/orders/<code>/reveal")
@login_required
def reveal(code: str):
    """Show a coupon order's code: from then on it counts as used."""
    if not RevealForm().validate():
        abort(400)
    try:
        found = redemption.reveal(current_user.id, code)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(describe(error), "error")
        return _to_order(code)
    if wants_fragment():
        # The code in place, and the status and cancel button beside it brought up to date.
        return render_template("storefront/_coupon.html", order=found, form=RevealForm(), oob=True)
    return _to_order(code)


@bp.get("/orders/<code>/pickup.svg")
@login_required
def pickup_qr(code: str):
    """The code a clerk scans, only while there is something to collect. Never cached: it
    must not outlive signing out on a shared device."""
    found = reads.order(current_user.id, code) or abort(404)
    if found.item.kind == COUPON or found.status != CONFIRMED:
        abort(404)
    return Response(pickup_qr_svg(found.code), mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@bp.post("/orders/<code>/cancel")
@login_required
def cancel(code: str):
    if not CancelForm().validate():
        abort(400)
    try:
        cancelled = redemption.cancel(current_user.id, code)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(describe(error), "error")
        return redirect(url_for("storefront.order", code=code), 303)
    send_for(cancelled.id)
    if cancelled.paid_at:
        flash(_("Order cancelled. Your points are back and your payment is being refunded."),
              "success")
    else:
        flash(_("Order cancelled. Your points are back."), "success")
    return redirect(url_for("storefront.order", code=code), 303)


@bp.get("/points")
@login_required
def points():
    page = page_number()
    current_wallet(never_expiring=True)     # the header's wallet, with what never expires
    member_id = current_user.id
    rows, more = reads.history(member_id, page)
    changes = reads.tier_changes(member_id) if page == 1 else []
    pending = purchases.pending_points(member_id) if page == 1 else None
    held = risk_cases.holds_of(member_id) if page == 1 else []
    return render_template("storefront/points.html", rows=rows, page=page, more=more,
                           tier_changes=changes, pending=pending, held=held)


@bp.get("/rules")
def rules():
    program = running_program()
    return render_template("storefront/rules.html", tiers=reads.tiers(),
                           expires_today_on=expiry.lot_expiry(utcnow(), program))


def _to_order(code: str):
    target = url_for("storefront.order", code=code)
    if wants_fragment():
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, 303)


def _reauth_first(then: str):
    """A big redemption without a recent sign-in: the password first, then back to `then`."""
    target = url_for("auth.reauth", next=then)
    if wants_fragment():
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, 303)


def _member():
    """The signed-in member itself rather than its proxy: the core reads it for each item."""
    return current_user._get_current_object()


def _offer(item_id: int) -> reads.Offer:
    found = member_catalog.on_show(_member(), item_id, current_wallet().balance, utcnow(),
                                   running_program())
    if found is None:
        abort(404)
    return found


def _redeem_refused(item_id: int, form: RedeemForm, message: str, status: int,
                    again: bool = False):
    """The refusal on the item; `again` (the price changed) asks to confirm at the new
    price, shown beside the message."""
    offer = _offer(item_id)
    if wants_fragment():
        return render_template("storefront/_redeem.html", offer=offer, form=RedeemForm(),
                               state="confirm" if again else "error", message=message), status
    page = "storefront/confirm.html" if again else "storefront/item.html"
    return render_template(page, offer=offer, form=RedeemForm(), message=message), status


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return _("That could not be done.")
