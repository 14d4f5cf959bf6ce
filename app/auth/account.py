"""Joining the program (/join, then /join/code) and the member's profile (/profile)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.loyalty import accounts, phone_codes, referrals, tasks
from app.loyalty.models import JOIN, utcnow
from app.loyalty.program import running_program
from app.loyalty.risk.errors import Blocked
from app.loyalty.streaks import local_day
from app.web import devices
from app.web.messages import describe
from . import bp
from .account_forms import ProfileForm
from .code_forms import JoinCodeForm, JoinPhoneForm
from .codes import (
    ask_for_code,
    code_page,
    pending,
    sent_phone_from_address,
    start_code_session,
)
from .sessions import password_guesses_limited, start_session, wrong_guess


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Joining, step one: the phone gets a code; the page that follows is the same whether
    or not the phone is a member's already."""
    if current_user.is_authenticated:
        return redirect(url_for("storefront.home"))
    form = JoinPhoneForm()
    if request.method == "GET":
        form.invite.data = request.args.get("invite", "")[:16]   # links members shared
    return ask_for_code("auth/join.html", form, JOIN, "auth.join_code",
                        {"invite": form.invite.data or ""})


@bp.route("/join/code", methods=["GET", "POST"])
@password_guesses_limited(sent_phone_from_address)
def join_code():
    """Joining, step two: the code, a name and a password make the member. A code sent to a
    member's phone signs that member in instead, whatever the other fields hold."""
    if current_user.is_authenticated:
        return redirect(url_for("storefront.home"))
    sent = pending(JOIN)
    form = JoinCodeForm(phone=sent["phone"] if sent else "")
    if request.method == "GET" and sent:
        form.invite.data = sent.get("invite", "")
    if sent and form.is_submitted() and (form.validate() or form.only_details_missing()):
        details = None if form.errors else phone_codes.NewMember(
            form.name.data, form.password.data, form.invite.data)
        try:
            joined = phone_codes.join(sent["phone"], form.code.data, details,
                                      origin=devices.origin())
        except phone_codes.DetailsNeeded:
            pass   # the form already says which of them is missing
        except phone_codes.CodeRefused as error:
            wrong_guess()
            form.code.errors.append(describe(error))
        except referrals.UnknownReferral as error:
            form.invite.errors.append(describe(error))
        except accounts.PhoneInUse:
            form.code.errors.append(_("This phone number joined a moment ago. Sign in instead."))
        except Blocked as error:
            form.code.errors.append(describe(error))
        else:
            return _welcome(joined)
    return code_page("auth/join_code.html", form, JOIN)


def _welcome(joined: phone_codes.Joined):
    if not joined.new:
        start_code_session(joined.member)
        flash(_("You already have an account: you're signed in."), "info")
        return redirect(url_for("storefront.home"), 303)
    start_session(joined.member)
    flash(_("Welcome to the program! Your member number is %(number)s.",
            number=joined.member.member_no), "success")
    return redirect(url_for("storefront.home"), 303)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    today = local_day(utcnow(), running_program().tz)
    form = ProfileForm(obj=current_user if request.method == "GET" else None, today=today)
    locked = current_user.birthday is not None
    if form.validate_on_submit():
        birthday = None if locked else form.birthday.data
        try:
            points = tasks.save_profile(current_user.id, form.name.data, form.email.data, birthday)
        except tasks.BirthdayLocked as error:
            form.birthday.errors = [describe(error)]
        else:
            if points:
                flash(_("Profile complete: +%(points)s points!", points=points), "success")
            else:
                flash(_("Profile saved."), "success")
            return redirect(url_for("auth.profile"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/profile.html", form=form, locked=locked,
                           rewarded=tasks.profile_rewarded(current_user.id)), status
