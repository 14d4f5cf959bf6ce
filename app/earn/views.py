"""The earn page: daily check-in, tasks (profile, birthday, referrals), campaigns."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.loyalty import campaigns, referrals, tasks
from app.loyalty.errors import DomainError
from app.loyalty.models import utcnow
from app.loyalty.program import running_program
from app.web import devices
from app.web.dates import format_date
from app.web.fragments import wants_fragment
from app.web.messages import describe
from .forms import CheckInForm, ClaimForm
from .words import check_in_message

bp = Blueprint("earn", __name__)


@bp.get("/earn")
@login_required
def page():
    now, program = utcnow(), running_program()
    card = tasks.check_in_card(current_user.id, now, program)
    if wants_fragment():
        return render_template("earn/_check_in.html", card=card, form=CheckInForm())
    running, upcoming = campaigns.listing(now, program, current_user.tier)
    return render_template(
        "earn/earn.html", card=card, form=CheckInForm(), claim_form=ClaimForm(),
        profile_done=tasks.profile_rewarded(current_user.id),
        birthday=tasks.birthday_offer(current_user, now, program),
        referral=referrals.stats(current_user, now, program),
        running=running, upcoming=upcoming)


@bp.post("/earn/check-in")
@login_required
def check_in():
    if not CheckInForm().validate():
        abort(400)
    try:
        outcome = tasks.check_in(current_user.id, origin=devices.origin())
    except DomainError as error:   # a frozen account, a blocked device
        outcome, message, category = None, describe(error), "error"
    else:
        message = check_in_message(outcome)
        category = "info" if outcome.already else "success"
    if wants_fragment():
        card = tasks.check_in_card(current_user.id, utcnow(), running_program())
        return render_template("earn/_check_in.html", card=card, form=CheckInForm(),
                               outcome=outcome, message=message, oob_wallet=True)
    flash(message, category)
    return redirect(url_for("earn.page"), 303)


@bp.post("/earn/birthday")
@login_required
def claim_birthday():
    if not ClaimForm().validate():
        abort(400)
    try:
        points = tasks.claim_birthday_gift(current_user.id)
    except DomainError as error:
        flash(describe(error), "error")
    else:
        flash(_("Happy birthday! %(points)s points are yours.", points=f"{points:,}"), "success")
    return redirect(url_for("earn.page"), 303)


@bp.app_template_filter("birthmonth")
def birth_month(day) -> str:
    """The month of a birthday in words: 六月, June."""
    return format_date(day, "MMMM")
