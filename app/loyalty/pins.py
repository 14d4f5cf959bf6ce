"""A member's kiosk PIN: six digits, set on the member's phone with their password, and
signing in with phone number and PIN at a store kiosk.

The PIN is hashed like the password. Five wrong PINs in a row lock PIN sign-in for that member
for 15 minutes; the count lives on the member, so every process and kiosk sees it. An unknown
phone, a member without a PIN, a wrong PIN and a locked member all get the same refusal after
the same work (one hash check), so the answer never tells whether a phone is registered."""
import logging
import re
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from . import accounts
from .errors import DomainError
from .models import Member, utcnow
from .phones import is_mobile
from .transaction import lock_member, write_transaction

log = logging.getLogger(__name__)

PIN_LENGTH = 6
MAX_WRONG_PINS = 5
LOCK_FOR = timedelta(minutes=15)
_PIN = re.compile(r"[0-9]{6}\Z")   # ASCII digits only: \d would take any script's digits

# Why a PIN is refused when a member chooses it.
FORMAT, REPEATED, RUN, PHONE = "format", "repeated", "run", "phone"


class WeakPin(DomainError):
    """A PIN a member may not choose: `reason` is format (not 6 digits), repeated (one digit
    six times), run (digits in a row up or down, like 123456) or phone (the phone's end)."""

    code = "weak_pin"

    @property
    def reason(self) -> str:
        return self.details["reason"]


class PinRefused(DomainError):
    """No sign-in with this phone and PIN: one refusal for every reason."""

    code = "pin_refused"


def is_pin(value: object) -> bool:
    """Whether `value` is written as a PIN: six ASCII digits."""
    return isinstance(value, str) and _PIN.match(value) is not None


def pin_problem(pin: object, phone: str | None = None) -> str | None:
    """Why `pin` cannot be chosen (a WeakPin reason), or None if it can."""
    if not is_pin(pin):
        return FORMAT
    digits = [int(c) for c in pin]
    if len(set(digits)) == 1:
        return REPEATED
    steps = {(b - a) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    if steps in ({1}, {9}):   # 123456, 654321, and the same across 9 to 0 (789012)
        return RUN
    if phone and pin == phone[-PIN_LENGTH:]:
        return PHONE
    return None


def has_pin(member_id: int) -> bool:
    """Whether the member has set a PIN."""
    return db.session.scalar(select(Member.pin_hash).where(Member.id == member_id)) is not None


def set_pin(member_id: int, pin: str, password: str) -> Member:
    """A new PIN for the member, given their password; WeakPin for one that is easy to guess,
    accounts.WrongPassword for a wrong password. A new PIN ends any lock of PIN sign-in."""
    problem = pin_problem(pin)
    if problem:
        raise WeakPin(reason=problem)
    with write_transaction():
        member = lock_member(member_id)
        if not member.check_password(password):
            raise accounts.WrongPassword()
        if pin_problem(pin, member.phone):
            raise WeakPin(reason=PHONE)
        member.pin_hash = generate_password_hash(pin, method=accounts.password_hash_method())
        member.pin_failures, member.pin_locked_until = 0, None
        return member


def sign_in_with_pin(phone: str, pin: str, kiosk_id: int | None,
                     now: datetime | None = None) -> Member:
    """The member whose phone and PIN these are, signing in at kiosk `kiosk_id`; PinRefused
    otherwise. A wrong PIN is counted (and committed) before the refusal; a right one resets
    the count."""
    now = now or utcnow()
    if not is_mobile(phone) or not is_pin(pin):
        raise PinRefused()   # the same for every phone: it says nothing about members
    with write_transaction():
        member_id = db.session.scalar(select(Member.id).where(Member.phone == phone))
        member = lock_member(member_id) if member_id is not None else None
        stored = member.pin_hash if member is not None and member.pin_hash else None
        right = check_password_hash(stored or _no_pin_hash(accounts.password_hash_method()), pin)
        if stored is None:
            signed_in = None
        elif member.pin_locked_until is not None and member.pin_locked_until > now:
            signed_in = None   # locked: even the right PIN waits for the lock to end
        elif right:
            member.pin_failures, member.pin_locked_until = 0, None
            signed_in = member
        else:
            _count_wrong_pin(member, kiosk_id, now)
            signed_in = None
    if signed_in is None:
        raise PinRefused()
    return signed_in


def _count_wrong_pin(member: Member, kiosk_id: int | None, now: datetime) -> None:
    member.pin_failures += 1
    if member.pin_failures >= MAX_WRONG_PINS:
        member.pin_failures, member.pin_locked_until = 0, now + LOCK_FOR
        log.warning("PIN sign-in locked for member %s until %s after %s wrong PINs "
                    "(the last at kiosk %s)", member.id, member.pin_locked_until.isoformat(),
                    MAX_WRONG_PINS, kiosk_id)


@cache
def _no_pin_hash(method: str) -> str:
    """Checked when there is no PIN to check, so that answer takes as long as a wrong PIN."""
    return generate_password_hash("no member has this PIN", method=method)
