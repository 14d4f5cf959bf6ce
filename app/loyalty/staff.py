"""Staff accounts: creating them, passwords, two-step sign-in (TOTP), signing in and out.

Usernames are case-insensitive and kept in lower case. A session of staff carries the
account's `session_epoch`; a new password or a deactivation raises it, and every session
made before then ends. A two-step code is accepted at most once: the time step it was made
for is kept, and a code for that step or an earlier one is refused.
"""
import hmac
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import pyotp
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.extensions import db
from . import audit_log
from .accounts import password_hash_method
from .errors import DomainError
from .models import ADMIN, CLERK, ROLES, Staff, Store, utcnow
from .transaction import write_transaction

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
PASSWORD_LENGTH = (10, 128)
NAME_LENGTH = 60
CODE = re.compile(r"[0-9]{6}")
ISSUER = "Points Mall"


class InvalidStaff(DomainError):
    """A staff account that cannot be made or changed so: `field` and `reason` say why."""

    code = "invalid_staff"


@dataclass(frozen=True)
class SignIn:
    """A right password: `staff`, and whether a two-step code must follow."""

    staff: Staff
    needs_code: bool


def normal_username(username: str) -> str:
    return (username or "").strip().lower()


def by_username(username: str) -> Staff | None:
    return db.session.scalar(select(Staff).where(Staff.username == normal_username(username)))


def create_staff(username: str, name: str, password: str, role: str,
                 store_code: str | None = None, now: datetime | None = None) -> Staff:
    """A new staff account; InvalidStaff (nothing written) for any bad value."""
    username = normal_username(username)
    if not USERNAME.fullmatch(username):
        raise InvalidStaff(field="username", reason="2 to 40 lower-case letters, digits, "
                           ". _ or -, starting with a letter or digit")
    name = (name or "").strip() or username
    if len(name) > NAME_LENGTH or not name.isprintable():
        raise InvalidStaff(field="name", reason=f"1 to {NAME_LENGTH} printable characters")
    if role not in ROLES:
        raise InvalidStaff(field="role", reason=f"one of {', '.join(ROLES)}")
    if role == CLERK and not store_code:
        raise InvalidStaff(field="store", reason="a clerk works at a store: give its code")
    if role == ADMIN and store_code:
        raise InvalidStaff(field="store", reason="an administrator belongs to no one store")
    _check_password(password)
    with write_transaction():
        store = None
        if store_code:
            store = db.session.scalar(select(Store).where(Store.code == store_code))
            if store is None:
                raise InvalidStaff(field="store", reason=f"no store has the code {store_code}")
        if by_username(username) is not None:
            raise InvalidStaff(field="username", reason=f"{username} is already taken")
        staff = Staff(username=username, name=name, role=role, store=store,
                      created_at=now or utcnow())
        staff.set_password(password, password_hash_method())
        db.session.add(staff)
        db.session.flush()
        return staff


def change_password(username: str, password: str) -> Staff:
    """A new password; every session of the account ends."""
    _check_password(password)
    with write_transaction():
        staff = _locked(username)
        staff.set_password(password, password_hash_method())
        staff.session_epoch += 1
        return staff


def deactivate(username: str) -> Staff:
    """The account can no longer sign in, and its sessions end at once."""
    with write_transaction():
        staff = _locked(username)
        if staff.active:
            staff.active = False
            staff.session_epoch += 1
        return staff


def listing() -> list[Staff]:
    return list(db.session.scalars(select(Staff).order_by(Staff.username)))


def unenrolled_admins() -> list[str]:
    """Usernames of active administrators who have not enrolled two-step sign-in."""
    return list(db.session.scalars(
        select(Staff.username).where(Staff.role == ADMIN, Staff.active.is_(True),
                                     Staff.totp_enrolled_at.is_(None))
        .order_by(Staff.username)))


def active_in_session(staff_id: int, epoch: int) -> Staff | None:
    """The account of a session, unless it was deactivated or its epoch has moved on."""
    staff = db.session.get(Staff, staff_id)
    if staff is None or not staff.active or staff.session_epoch != epoch:
        return None
    return staff


# Signing in ----------------------------------------------------------------------------

@cache
def _unknown_hash() -> str:
    """Checked for an unknown username, so it takes as long as a wrong password."""
    return generate_password_hash("no staff account has this password")


def sign_in(username: str, password: str, address: str,
            now: datetime | None = None) -> SignIn | None:
    """The account if the password is right and the account active; else None, with the
    failure in the audit log. A right password without two-step is a sign-in, audited."""
    now = now or utcnow()
    with write_transaction():
        staff = by_username(username)
        right = staff.check_password(password) if staff else \
            Staff(password_hash=_unknown_hash()).check_password(password)
        if staff is None or not right or not staff.active:
            reason = "unknown username" if staff is None else (
                "wrong password" if not right else "account deactivated")
            audit_log.record(staff, audit_log.SIGN_IN_FAILED,
                             f"username {normal_username(username)[:60]}", address,
                             after={"reason": reason}, now=now)
            return None
        if not staff.two_step_enrolled:
            audit_log.record(staff, audit_log.SIGN_IN, f"staff {staff.username}", address,
                             now=now)
        return SignIn(staff, needs_code=staff.two_step_enrolled)


def sign_in_with_code(staff_id: int, epoch: int, code: str, address: str,
                      now: datetime | None = None) -> Staff | None:
    """The second step: the account if the code is right and unused; else None, audited."""
    now = now or utcnow()
    with write_transaction():
        staff = _locked_by_id(staff_id)
        if staff is None or not staff.active or staff.session_epoch != epoch \
                or not staff.two_step_enrolled:
            return None
        step = _accepted_step(staff.totp_secret, code, staff.totp_last_step, now)
        if step is None:
            audit_log.record(staff, audit_log.SIGN_IN_FAILED, f"staff {staff.username}",
                             address, after={"reason": "wrong or used two-step code"}, now=now)
            return None
        staff.totp_last_step = step
        audit_log.record(staff, audit_log.SIGN_IN, f"staff {staff.username}", address,
                         after={"two_step": True}, now=now)
        return staff


def sign_out(staff_id: int, address: str, now: datetime | None = None) -> None:
    with write_transaction():
        staff = db.session.get(Staff, staff_id)
        if staff is not None:
            audit_log.record(staff, audit_log.SIGN_OUT, f"staff {staff.username}", address,
                             now=now)


# Two-step enrolment --------------------------------------------------------------------

def new_secret() -> str:
    """A fresh TOTP secret (base32), kept by the caller until a code confirms it."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def enrol_two_step(staff_id: int, secret: str, code: str, address: str,
                   now: datetime | None = None) -> bool:
    """Keep `secret` once `code` shows the authenticator has it; audited. False (nothing
    written) for a wrong code."""
    now = now or utcnow()
    with write_transaction():
        staff = _locked_by_id(staff_id)
        step = _accepted_step(secret, code, None, now)
        if staff is None or step is None:
            return False
        before = {"two_step": staff.two_step_enrolled}
        staff.totp_secret, staff.totp_enrolled_at, staff.totp_last_step = secret, now, step
        audit_log.record(staff, audit_log.TWO_STEP_ENROLLED, f"staff {staff.username}",
                         address, before=before, after={"two_step": True}, now=now)
        return True


def _accepted_step(secret: str | None, code: str, last_step: int | None,
                   now: datetime) -> int | None:
    """The time step `code` was made for (this one or either neighbour), if it is later
    than `last_step`."""
    if not secret or not CODE.fullmatch(code or ""):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if (last_step is None or step > last_step) and \
                hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _check_password(password: str) -> None:
    low, high = PASSWORD_LENGTH
    if not password or not low <= len(password) <= high:
        raise InvalidStaff(field="password", reason=f"{low} to {high} characters")
    if len(set(password)) == 1:
        raise InvalidStaff(field="password", reason="too easy to guess")


def _locked(username: str) -> Staff:
    staff = db.session.scalar(select(Staff).where(Staff.username == normal_username(username))
                              .with_for_update(of=Staff))
    if staff is None:
        raise InvalidStaff(field="username", reason=f"no staff account is called {username}")
    return staff


def _locked_by_id(staff_id: int) -> Staff | None:
    return db.session.scalar(select(Staff).where(Staff.id == staff_id).with_for_update(of=Staff)
                             .execution_options(populate_existing=True))
