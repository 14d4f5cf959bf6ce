"""Codes sent by SMS: asking for one, and the pages that take it — signing in without a
password (/login/code) and choosing a new password when it is forgotten (/password/forgot).

Asking for a code answers the same way, in the same time, whether or not a member has the
phone: what differs is only the text the phone receives."""
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import sms
from app.loyalty import phone_codes
from app.loyalty.models import RESET_PASSWORD, SIGN_IN
from app.loyalty.risk import guard
from app.loyalty.risk.errors import Blocked
from app.web import devices
from app.web.messages import describe
from app.web.reauth import AUTHENTICATED_AT
from app.web.redirects import local_path
from . import bp
from .code_forms import CodeForm, PhoneForm, ResetForm
from .sessions import password_guesses_limited, start_session, wrong_guess
from .sms_words import code_text

PENDING = "code_sent"   # session: the purpose and phone of the last code sent, and what to carry


def send_code(purpose: str, phone: str, **carry: str) -> str | None:
    """Send a new code for `purpose` to `phone` and remember it in the session; the reason
    it was not sent, as a sentence, otherwise."""
    try:
        issued = phone_codes.issue(phone, purpose, request.remote_addr or "")
    except phone_codes.TooSoon as error:
        return describe(error)
    try:
        sms.sender().send(phone, code_text(purpose, issued))
    except sms.SmsFailed:
        return _("The SMS could not be sent. Try again in a minute.")
    session[PENDING] = {"purpose": purpose, "phone": phone, **carry}
    return None


def pending(purpose: str) -> dict | None:
    """The code this session last asked for with `purpose`, if any."""
    sent = session.get(PENDING)
    if isinstance(sent, dict) and sent.get("purpose") == purpose and \
            isinstance(sent.get("phone"), str):
        return sent
    return None


def sent_phone_from_address() -> str:
    """The key wrong codes count under: the sign-in limits' "address|phone", shared with
    wrong passwords for the same phone."""
    sent = session.get(PENDING)
    phone = sent.get("phone", "") if isinstance(sent, dict) else ""
    return f"{request.remote_addr}|{phone if isinstance(phone, str) else ''}"


def start_code_session(member) -> None:
    """A fresh session for a member who proved their phone, not their password: a big
    redemption still asks for the password."""
    start_session(member)
    session.pop(AUTHENTICATED_AT, None)


def ask_for_code(template: str, form, purpose: str, then: str, carry: dict[str, str],
                 **context):
    """A step that asks for a code: sent, it goes on to the page `then`; refused, the form
    comes back saying why (429 when the code was not sent)."""
    status = 200
    if form.validate_on_submit():
        problem = send_code(purpose, form.phone.data, **carry)
        if problem is None:
            return redirect(url_for(then), 303)
        form.phone.errors.append(problem)
        status = 429
    status = 422 if form.errors and status == 200 else status
    return render_template(template, form=form, **context), status


def code_page(template: str, form, purpose: str, **context):
    """A step that takes a code: the form, or a page saying to ask for a code first."""
    sent = pending(purpose)
    status = 422 if form.errors else 200
    if sent is None:
        return render_template("auth/code_missing.html", purpose=purpose, **context), status
    return render_template(template, form=form, phone=sent["phone"], **context), status


def _next() -> str:
    return local_path(request.args.get("next")) or ""


# Signing in with a code ------------------------------------------------------------------

@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("storefront.home"))
    return ask_for_code("auth/login_code.html", PhoneForm(), SIGN_IN,
                        "auth.login_code_verify", {"next": _next()}, next=_next())


@bp.route("/login/code/verify", methods=["GET", "POST"])
@password_guesses_limited(sent_phone_from_address)
def login_code_verify():
    if current_user.is_authenticated:
        return redirect(url_for("storefront.home"))
    form = CodeForm()
    sent = pending(SIGN_IN)
    if sent and form.validate_on_submit():
        try:
            member = phone_codes.sign_in(sent["phone"], form.code.data)
        except phone_codes.CodeRefused as error:
            wrong_guess()
            form.code.errors.append(describe(error))
        else:
            try:
                guard.signed_in(member.id, devices.origin())
            except Blocked as error:
                form.code.errors.append(describe(error))
                return code_page("auth/login_code_verify.html", form, SIGN_IN)
            start_code_session(member)
            return redirect(local_path(sent.get("next")) or url_for("storefront.home"), 303)
    return code_page("auth/login_code_verify.html", form, SIGN_IN)


# A forgotten password --------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = PhoneForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.phone.data = current_user.phone
    return ask_for_code("auth/forgot.html", form, RESET_PASSWORD, "auth.reset_password",
                        {"next": _next()}, next=_next())


@bp.route("/password/reset", methods=["GET", "POST"])
@password_guesses_limited(sent_phone_from_address)
def reset_password():
    sent = pending(RESET_PASSWORD)
    form = ResetForm(phone=sent["phone"] if sent else "")
    if sent and form.validate_on_submit():
        try:
            member = phone_codes.reset_password(sent["phone"], form.code.data,
                                                form.new_password.data)
        except phone_codes.CodeRefused as error:
            wrong_guess()
            form.code.errors.append(describe(error))
        else:
            start_session(member)   # the new password was just entered
            flash(_("Password changed: you're signed in. Other devices have been signed out."),
                  "success")
            return redirect(local_path(sent.get("next")) or url_for("storefront.home"), 303)
    return code_page("auth/reset.html", form, RESET_PASSWORD)
