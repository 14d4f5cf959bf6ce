"""Signing in and out."""
from functools import cache

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.loyalty import accounts
from app.loyalty.models import Member
from app.loyalty.risk import guard
from app.loyalty.risk.errors import Blocked
from app.web import devices
from app.web.messages import describe
from app.web.redirects import local_path
from . import bp
from .forms import LoginForm
from .sessions import password_guesses_limited, start_session, wrong_guess


@cache
def _unknown_member_hash() -> str:
    """Checked when the phone is unknown, so a wrong phone takes as long as a wrong password."""
    return generate_password_hash("no member has this password")


def _phone_from_address() -> str:
    return f"{request.remote_addr}|{request.form.get('phone', '')[:20]}"


@bp.route("/login", methods=["GET", "POST"])
@password_guesses_limited(_phone_from_address)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("storefront.home"))
    form = LoginForm()
    if form.validate_on_submit():
        member = db.session.scalar(select(Member).where(Member.phone == form.phone.data))
        if member and member.check_password(form.password.data):
            try:
                guard.signed_in(member.id, devices.origin())
            except Blocked as error:
                form.password.errors.append(describe(error))
                return render_template("auth/login.html", form=form), 422
            start_session(member, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        if member is None:
            Member(password_hash=_unknown_member_hash()).check_password(form.password.data)
        wrong_guess()
        form.password.errors.append(_("Phone number or password is incorrect."))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    accounts.end_sessions(current_user.id)
    logout_user()
    session.clear()
    flash(_("You have signed out on all your devices."), "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("storefront.home")

