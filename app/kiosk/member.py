"""The member's screens on a kiosk: balance, expiry, tier, the store's catalog, redeeming
with a tap and a confirm tap, and the order's code to collect at this store's counter."""
from functools import wraps

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.loyalty import member_catalog, reads, redemption
from app.loyalty.errors import DomainError, NotFound
from app.loyalty.models import PICKUP, Order, utcnow
from app.loyalty.program import running_program
from app.storefront.forms import RedeemForm
from app.web.errors import refusal_status
from app.web.messages import describe
from app.web.paging import page_number
from app.web.prices import current_prices
from .blueprint import bp, kiosk_required
from .forms import DoneForm
from .session import current_kiosk, kiosk_member

RESULT_SECONDS = 10  # the result stays this long, then the session ends
PAGE_SIZE = 8        # large touch cards, two to a row


def masked(name: str) -> str:
    """A name as a kiosk shows it: first and last character, the middle hidden (王*明)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def member_required(view):
    """The view needs a member's kiosk session; without one, back to the attract screen."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        person = kiosk_member()
        if person is None:
            flash(_("Your session has ended. Scan your member code to start again."), "info")
            return redirect(url_for("kiosk.attract"))
        return view(person, *args, **kwargs)

    return kiosk_required(wrapped)


def _looking(person):
    """The time, the program and the member's wallet, read once for a page."""
    now, program = utcnow(), running_program()
    return now, program, reads.wallet(person.id, now, program)


def _page(template: str, person, looking=None, **context):
    now, program, wallet = looking or _looking(person)
    return render_template(template, person=person, masked_name=masked(person.name), now=now,
                           wallet=wallet, standing=reads.standing(person, now, program),
                           done_form=DoneForm(), store=current_kiosk().store, **context)


@bp.get("/member")
@member_required
@current_prices
def member(person):
    """What this kiosk's store hands out at its counter: the pickup items, a page at a time."""
    looking = now, program, wallet = _looking(person)
    shown = member_catalog.page(person, wallet.balance, now, program, kind=PICKUP,
                                number=page_number(), size=PAGE_SIZE)
    return _page("kiosk/member.html", person, looking, shown=shown, offers=shown.offers)


@bp.get("/items/<int:item_id>")
@member_required
@current_prices
def confirm(person, item_id: int):
    looking = _looking(person)
    offer = _offer(person, item_id, looking)
    return _page("kiosk/confirm.html", person, looking, offer=offer, form=RedeemForm())


@bp.post("/items/<int:item_id>")
@member_required
@current_prices
def redeem(person, item_id: int):
    offer = _offer(person, item_id)
    form = RedeemForm()
    if not form.validate_on_submit():
        return _page("kiosk/confirm.html", person, offer=offer, form=form,
                     message=_("Please tap the item again.")), 422
    try:
        order = redemption.redeem(person.id, item_id, form.key.data, 1,
                                  expected_price=form.shown_price())
    except NotFound:
        abort(404)
    except DomainError as error:
        return _page("kiosk/confirm.html", person, offer=offer, form=RedeemForm(),
                     message=describe(error, offer.item)), refusal_status(error)
    return redirect(url_for("kiosk.result", code=order.code))


@bp.get("/orders/<code>")
@member_required
def result(person, code: str):
    order = db.session.scalar(select(Order).where(Order.code == code[:40],
                                                  Order.member_id == person.id))
    if order is None:
        abort(404)
    return _page("kiosk/result.html", person, order=order, reset_after=RESULT_SECONDS)


def _offer(person, item_id: int, looking=None):
    """One pickup item on show, as the member sees it; any other is not found."""
    now, program, wallet = looking or _looking(person)
    shown = member_catalog.on_show(person, item_id, wallet.balance, now, program)
    if shown is None or shown.item.kind != PICKUP:
        abort(404)
    return shown
