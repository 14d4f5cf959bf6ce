"""The counter, for clerks and administrators: scan or type a pickup code, see the order,
hand the item over once, take the cash still due, or cancel it with a reason; or scan a
member card and go to the member's page.

One URL per action; each answers the whole page, or for htmx the counter's panel alone.
"""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.loyalty import card_tokens, counter, redemption
from app.loyalty.errors import DomainError, NotFound
from app.loyalty.models import ADMIN, CLERK, OPEN_STATUSES
from app.web.fragments import wants_fragment
from app.web.messages import describe
from .console import address, bp, for_roles
from .counter_forms import CashForm, HandOverForm, ScanForm, StaffCancelForm


@bp.get("/counter")
@for_roles(ADMIN, CLERK)
def counter_page():
    scan = ScanForm(formdata=request.args if "code" in request.args else None)
    found, code = None, None
    if "code" in request.args and scan.validate():
        if scan.card_code:  # a look-up that uses the card up is posted, never in a link
            scan.code.errors = [_("Press Look up to find the member with this card code.")]
            return _answer(scan, None, None)
        code = scan.pickup_code
        found = counter.look_up(code)
        scan = ScanForm(formdata=None)  # empty again for the next scan
    return _answer(scan, found, code)


@bp.post("/counter")
@for_roles(ADMIN, CLERK)
def counter_scan():
    scan = ScanForm()
    if not scan.validate():
        return _answer(scan, None, None, status=422)
    if scan.pickup_code:
        if not wants_fragment():
            return redirect(url_for("admin.counter_page", code=scan.pickup_code), 303)
        page, status = _answer(ScanForm(formdata=None), counter.look_up(scan.pickup_code),
                               scan.pickup_code)
        return page, status, {"HX-Push-Url": url_for("admin.counter_page", code=scan.pickup_code)}
    try:
        member = card_tokens.find_at_counter(scan.card_code, g.staff.id, address())
    except DomainError as error:
        scan.code.errors = [_counter_words(error)]
        return _answer(scan, None, None, status=422)
    target = url_for("admin.member_page", member_no=member.member_no)
    if wants_fragment():
        return "", 200, {"HX-Redirect": target}
    return redirect(target, 303)


@bp.post("/counter/<code>/hand-over")
@for_roles(ADMIN, CLERK)
def counter_hand_over(code: str):
    if not HandOverForm().validate():
        return _refused(code, _("The form had expired. Try again."))
    try:
        redemption.hand_over(code, actor_id=g.staff.id, store_id=g.staff.store_id,
                             address=address())
    except DomainError as error:
        return _refused(code, _counter_words(error))
    return _done(code, _("Handed over. Give the member their item."))


@bp.post("/counter/<code>/cash")
@for_roles(ADMIN, CLERK)
def counter_cash(code: str):
    found = counter.look_up(code)
    form = CashForm(found.order.cash_fen if found else 0)
    if found is None:
        return _refused(code, _counter_words(NotFound(code=code)))
    if not form.validate():
        return _answer(ScanForm(formdata=None), found, code, cash_form=form, status=422)
    try:
        redemption.settle_payment(code, True, form.amount_fen, provider="counter",
                                  reference=f"CTR-{form.key.data}", actor_id=g.staff.id,
                                  address=address())
    except DomainError as error:
        return _refused(code, _counter_words(error))
    return _done(code, _("Cash taken: the order is paid and can be handed over."))


@bp.post("/counter/<code>/cancel")
@for_roles(ADMIN, CLERK)
def counter_cancel(code: str):
    found = counter.look_up(code)
    form = StaffCancelForm()
    if found is None:
        return _refused(code, _counter_words(NotFound(code=code)))
    if not form.validate():
        return _answer(ScanForm(formdata=None), found, code, cancel_form=form, status=422)
    try:
        redemption.cancel_for_member(code, form.reason.data, g.staff.id, address())
    except DomainError as error:
        return _refused(code, _counter_words(error))
    return _done(code, _("Order cancelled: the member's points and the item are back."))


def _answer(scan, found, code, cash_form=None, cancel_form=None, message=None,
            message_kind="info", status=200):
    order = found.order if found else None
    context = dict(
        scan=scan, found=found, code=code, message=message, message_kind=message_kind,
        hand_over_form=HandOverForm(),
        cash_form=cash_form or CashForm(order.cash_fen if order else 0, formdata=None),
        cancel_form=cancel_form or StaffCancelForm(formdata=None),
        cancellable=order is not None and order.status in OPEN_STATUSES
        and order.fulfilled_at is None)
    template = "admin/_counter.html" if wants_fragment() else "admin/counter.html"
    return render_template(template, **context), status


def _done(code: str, message: str):
    if wants_fragment():
        return _answer(ScanForm(formdata=None), counter.look_up(code), code, message=message,
                       message_kind="success")
    flash(message, "success")
    return redirect(url_for("admin.counter_page", code=code))


def _refused(code: str, message: str):
    return _answer(ScanForm(formdata=None), counter.look_up(code), code, message=message,
                   message_kind="error", status=409)


def _counter_words(error: DomainError) -> str:
    """A refusal at the counter, in the clerk's words."""
    d = error.details
    match error.code:
        case "not_collectable" if d.get("kind") == "coupon":
            return _("A coupon order is used with its code: nothing is handed over here.")
        case "not_collectable" if d.get("status") == "awaiting_payment":
            return _("Take the cash due first.")
        case "not_collectable":
            return _("This order is closed: there is nothing to hand over.")
        case "payment_rejected":
            return _("That is not the amount due: nothing was taken.")
        case "not_cancellable" if d.get("status") == "fulfilled":
            return _("A handed-over order cannot be cancelled.")
        case "not_cancellable":
            return _("This order is already closed.")
        case "not_found":
            return _("No order has this pickup code.")
        case "card_code_refused":
            return _("That member card code is unknown, used or expired: ask the member to "
                     "open their card again.")
        case _:
            return describe(error)
