"""Signing in and out."""
from functools import cache

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db, limiter
from app.loyalty import accounts
from app.loyalty.models import Member
from app.web.reauth import mark_authenticated
from app.web.redirects import local_path
from .forms import LoginForm

bp = Blueprint("auth", __name__)


@cache
def _unknown_member_hash() -> str:
    """Checked when the phone is unknown, so a wrong phone takes as long as a wrong password."""
    return generate_password_hash("no member has this password")


def wrong_guess() -> None:
    """This request's password was wrong: the one mistake the sign-in limits count."""
    g.wrong_guess = True


def _failed(response) -> bool:
    """Only wrong passwords count: a member who signs in, or who gets something else in a
    form wrong while giving the right password, is never slowed down."""
    return g.get("wrong_guess", False)


def _phone_from_address() -> str:
    return f"{request.remote_addr}|{request.form.get('phone', '')[:20]}"


def password_guesses_limited(phone_from_address):
    """The sign-in limits, shared by every form that checks a member's password, so each
    form is no fresh allowance of guesses. Guessing one member's password from one address
    is slowed to a crawl, while the member, signing in from their own phone, is not locked
    out by someone else's guesses. `phone_from_address` gives "address|phone"."""

    def limited(view):
        view = limiter.shared_limit(lambda: current_app.config["SIGN_IN_LIMITS_PER_ADDRESS"],
                                    scope="sign-in-address", methods=["POST"],
                                    deduct_when=_failed)(view)
        return limiter.shared_limit(lambda: current_app.config["SIGN_IN_LIMITS"],
                                    scope="sign-in", key_func=phone_from_address,
                                    methods=["POST"], deduct_when=_failed)(view)

    return limited


@bp.route("/login", methods=["GET", "POST"])
@password_guesses_limited(_phone_from_address)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("mall.home"))
    form = LoginForm()
    if form.validate_on_submit():
        member = db.session.scalar(select(Member).where(Member.phone == form.phone.data))
        if member and member.check_password(form.password.data):
            start_session(member, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        if member is None:
            Member(password_hash=_unknown_member_hash()).check_password(form.password.data)
        wrong_guess()
        form.password.errors.append(_("Phone number or password is incorrect."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def start_session(member: Member, remember: bool = False) -> None:
    """A fresh session for a member who just gave their password (signing in or joining),
    keeping only the language they chose."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(member, remember=remember)
    mark_authenticated()


@bp.post("/logout")
@login_required
def logout():
    accounts.end_sessions(current_user.id)
    logout_user()
    session.clear()
    flash(_("You have signed out on all your devices."), "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("mall.home")


from . import account, codes, credentials  # noqa: E402,F401  (joining, profile, passwords, codes)
