"""Confirming it's the member (/reauth), and changing the password and phone number."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from werkzeug.exceptions import HTTPException

from app.loyalty import accounts, pins
from app.web.errors import refusal_status
from app.web.messages import describe
from app.web.reauth import mark_authenticated
from app.web.redirects import local_path
from . import bp
from .account_forms import PasswordForm, PhoneForm, PinForm, ReauthForm
from .sessions import password_guesses_limited, wrong_guess

# Where a big redemption sends the member after confirming: the reauth page then says why.
REDEMPTION_PAGES = ("storefront.item", "storefront.confirm")


def _member_from_address() -> str:
    """The signed-in member's phone from this address: the key sign-in failures count under."""
    return f"{request.remote_addr}|{getattr(current_user, 'phone', '')}"


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
@password_guesses_limited(_member_from_address)
def reauth():
    target = local_path(request.args.get("next")) or url_for("storefront.home")
    form = ReauthForm()
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            mark_authenticated()
            return redirect(target)
        wrong_guess()
        form.password.errors.append(_("That password is not right. Try again."))
    status = 422 if form.errors else 200
    endpoint, args = _route(target)
    for_redemption = endpoint in REDEMPTION_PAGES
    back = (url_for("storefront.item", item_id=args["item_id"]) if for_redemption
            else url_for("storefront.home"))
    return render_template("auth/reauth.html", form=form, next=target, back=back,
                           for_redemption=for_redemption), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@password_guesses_limited(_member_from_address)
def change_password():
    form = PasswordForm(phone=current_user.phone)
    if form.validate_on_submit():
        try:
            member = accounts.change_password(current_user.id, form.current_password.data,
                                              form.new_password.data)
        except accounts.WrongPassword:
            wrong_guess()
            form.current_password.errors.append(_("Your current password is not right."))
        else:
            _signed_in_again(member)
            flash(_("Password changed. Other devices have been signed out."), "success")
            return redirect(url_for("auth.profile"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status


@bp.route("/account/phone", methods=["GET", "POST"])
@login_required
@password_guesses_limited(_member_from_address)
def change_phone():
    form = PhoneForm()
    status = 200
    if form.validate_on_submit():
        try:
            member = accounts.change_phone(current_user.id, form.password.data, form.phone.data)
        except accounts.WrongPassword as error:
            wrong_guess()
            form.password.errors.append(describe(error))
            status = refusal_status(error)
        except accounts.SamePhone as error:
            form.phone.errors.append(describe(error))
            status = refusal_status(error)
        except accounts.PhoneInUse as error:
            form.phone.errors.append(describe(error))
            status = refusal_status(error)
        else:
            _signed_in_again(member)
            flash(_("Phone number changed. Sign in with it from now on. Other devices have "
                    "been signed out."), "success")
            return redirect(url_for("auth.profile"), 303)
    if form.errors and status == 200:
        status = 422
    return render_template("auth/phone.html", form=form), status


@bp.route("/account/pin", methods=["GET", "POST"])
@login_required
@password_guesses_limited(_member_from_address)
def change_pin():
    """The PIN that signs the member in at a store kiosk with their phone number."""
    form = PinForm()
    if form.validate_on_submit():
        try:
            pins.set_pin(current_user.id, form.pin.data, form.password.data)
        except accounts.WrongPassword as error:
            wrong_guess()
            form.password.errors.append(describe(error))
        except pins.WeakPin as error:
            form.pin.errors.append(describe(error))
        else:
            flash(_("PIN saved. Sign in at a store kiosk with your phone number and this PIN."),
                  "success")
            return redirect(url_for("auth.profile"), 303)
    status = 422 if form.errors else 200
    return render_template("auth/pin.html", form=form, has_pin=pins.has_pin(current_user.id)), \
        status


def _signed_in_again(member) -> None:
    """This session carries on under the member's new session epoch (every other one has
    ended), kept signed in on this device if it was."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    login_user(member, remember=remember)
    mark_authenticated()


def _route(path: str) -> tuple[str | None, dict]:
    """The endpoint a local path leads to and its arguments, if any."""
    try:
        return current_app.url_map.bind_to_environ(request.environ).match(
            path.partition("?")[0], method="GET")
    except HTTPException:
        return None, {}
