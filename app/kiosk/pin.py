"""Signing in at a kiosk with phone number and PIN (/kiosk/pin), on an on-screen keypad.

Without JavaScript every key is a submit button and the digits so far travel in the form,
so nothing of the number or PIN is kept anywhere between pages; static/js/kiosk-pin.js
fills the field in the page instead. A refused sign-in is counted against the kiosk and
the phone number, so a kiosk that tries many numbers, or one number tried from many kiosks,
is slowed; the words never say whether a phone number is registered."""
import re
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from app.extensions import limiter
from app.loyalty import pins
from app.loyalty.phones import is_mobile
from app.web.messages import describe
from .blueprint import bp, kiosk_required
from .session import begin_member_session, current_kiosk, kiosk_member

PHONE_STEP, PIN_STEP = "phone", "pin"
PHONE_LENGTH = 11
_DIGITS = re.compile(r"[0-9]*\Z")


@dataclass
class Entry:
    """What is on the keypad screen: the step, and the digits typed so far."""

    step: str = PHONE_STEP
    phone: str = ""
    pin: str = ""


def _digits(value: str, most: int) -> str | None:
    """`value` if it is at most `most` ASCII digits, else None (something else was typed)."""
    return value if len(value) <= most and _DIGITS.match(value) else None


def _this_kiosk() -> str:
    kiosk = current_kiosk()
    return f"kiosk:{kiosk.id}" if kiosk is not None else f"address:{request.remote_addr}"


def _this_phone() -> str:
    return f"phone:{request.form.get('phone', '')[:PHONE_LENGTH]}"


def _refused(response) -> bool:
    """Only refused sign-ins count: a busy kiosk signing members in is never slowed."""
    return g.get("pin_refused", False)


def _slowed(view):
    """Past the limits, the keypad screen says to wait, in the kiosk's words and layout."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except RateLimitExceeded:
            message = _("Too many tries on this kiosk. Please wait a minute, then try again.")
            return _screen(Entry(), message), 429

    return wrapped


@bp.route("/pin", methods=["GET", "POST"])
@kiosk_required
@_slowed
@limiter.limit(lambda: current_app.config["KIOSK_PIN_LIMITS"], key_func=_this_kiosk,
               scope="kiosk-pin", methods=["POST"], deduct_when=_refused)
@limiter.limit(lambda: current_app.config["KIOSK_PIN_LIMITS_PER_PHONE"], key_func=_this_phone,
               scope="kiosk-pin-phone", methods=["POST"], deduct_when=_refused)
def pin():
    """Phone number, then PIN, on the keypad; the right pair begins the member's session."""
    if kiosk_member() is not None:
        return redirect(url_for("kiosk.member"))
    if request.method == "GET":
        return _screen(Entry())
    phone = _digits(request.form.get("phone", ""), PHONE_LENGTH)
    typed = _digits(request.form.get("pin", ""), pins.PIN_LENGTH)
    step = PIN_STEP if request.form.get("step") == PIN_STEP and phone and is_mobile(phone) \
        else PHONE_STEP
    if phone is None or (step == PIN_STEP and typed is None):
        return _screen(Entry(), _("Use the keypad to enter your phone number.")), 422
    entry = Entry(step, phone, typed or "")
    key, action = request.form.get("key", ""), request.form.get("action", "")
    if key:
        return _screen(_pressed(entry, key))
    if action == "restart":
        return _screen(Entry())
    if action == "submit" and step == PIN_STEP:
        return _sign_in(entry)
    if action == "next" and step == PHONE_STEP and is_mobile(phone):
        return _screen(Entry(PIN_STEP, phone))
    message = (_("Enter the 11-digit mobile number you joined with.") if step == PHONE_STEP
               else _("Enter your 6-digit PIN."))
    return _screen(entry, message), 422


def _pressed(entry: Entry, key: str) -> Entry:
    """The entry after one key of the keypad: a digit, "back" or "clear"."""
    field, most = ("pin", pins.PIN_LENGTH) if entry.step == PIN_STEP else ("phone", PHONE_LENGTH)
    value = getattr(entry, field)
    if key == "back":
        value = value[:-1]
    elif key == "clear":
        value = ""
    elif len(key) == 1 and key in "0123456789":
        value = (value + key)[:most]
    setattr(entry, field, value)
    return entry


def _sign_in(entry: Entry):
    if not pins.is_pin(entry.pin):
        return _screen(Entry(PIN_STEP, entry.phone, entry.pin),
                       _("Enter your 6-digit PIN.")), 422
    try:
        member = pins.sign_in_with_pin(entry.phone, entry.pin, current_kiosk().id)
    except pins.PinRefused as error:
        g.pin_refused = True
        return _screen(Entry(PIN_STEP, entry.phone), describe(error)), 422
    begin_member_session(member.id)
    return redirect(url_for("kiosk.member"), 303)


def _screen(entry: Entry, message: str | None = None) -> str:
    return render_template("kiosk/pin.html", entry=entry, message=message,
                           pin_length=pins.PIN_LENGTH, phone_length=PHONE_LENGTH)
