"""Signing in to the console (a password, then a two-step code when enrolled), and out."""
import time

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from app.auth.sessions import password_guesses_limited, wrong_guess
from app.loyalty import staff as staff_accounts
from app.loyalty.models import ADMIN, CLERK
from .console import (
    address,
    bp,
    end_staff_session,
    for_roles,
    public,
    safe_next,
    start_staff_session,
)
from .forms import CodeForm, StaffLoginForm

PENDING_SECONDS = 5 * 60   # from a right password to the two-step code


def _username_from_address() -> str:
    username = request.form.get("username", "")[:40].strip().lower()
    return f"{request.remote_addr}|staff:{username}"


def _pending_from_address() -> str:
    pending = session.get("staff_pending") or {}
    return f"{request.remote_addr}|staff-code:{pending.get('id', '')}"


def _pending() -> dict | None:
    """The account whose password was right a moment ago and whose code is awaited."""
    pending = session.get("staff_pending")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop("staff_pending", None)
        return None
    return pending


@bp.route("/login", methods=["GET", "POST"])
@public
@password_guesses_limited(_username_from_address)
def login():
    if g.staff is not None:
        return redirect(safe_next(request.args.get("next")))
    form = StaffLoginForm()
    if form.validate_on_submit():
        signed = staff_accounts.sign_in(form.username.data, form.password.data, address())
        if signed is None:
            wrong_guess()
            form.password.errors.append(_("Username or password is incorrect."))
        elif signed.needs_code:
            end_staff_session()
            session["staff_pending"] = {"id": signed.staff.id, "epoch": signed.staff.session_epoch,
                                        "at": int(time.time())}
            return redirect(url_for("admin.login_code", next=request.args.get("next")))
        else:
            start_staff_session(signed.staff)
            return redirect(safe_next(request.args.get("next")))
    return render_template("admin/login.html", form=form), 422 if form.errors else 200


@bp.route("/login/code", methods=["GET", "POST"])
@public
@password_guesses_limited(_pending_from_address)
def login_code():
    pending = _pending()
    if pending is None:
        flash(_("Sign in with your username and password first."), "info")
        return redirect(url_for("admin.login", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        staff = staff_accounts.sign_in_with_code(pending["id"], pending["epoch"],
                                                 form.code.data, address())
        if staff is not None:
            start_staff_session(staff)
            return redirect(safe_next(request.args.get("next")))
        wrong_guess()
        form.code.errors.append(_("That code is wrong or has been used already. "
                                  "Wait for the next code and try again."))
    return render_template("admin/login_code.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@for_roles(ADMIN, CLERK)
def logout():
    staff_accounts.sign_out(g.staff.id, address())
    end_staff_session()
    flash(_("You have signed out of the console."), "info")
    return redirect(url_for("admin.login"))
