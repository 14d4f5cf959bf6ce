"""Six-digit codes sent by SMS: joining, signing in without a password and choosing a new
password all start by proving the phone is at hand.

A code lives five minutes, is used once, and dies after five wrong tries; asking for a new
one replaces the last of the same phone and purpose. How many codes a phone or an address
asked for recently is read from the codes themselves, so the limits hold across every
process of an installation. Each use case owns its transaction; a wrong try is counted and
committed before the refusal is raised."""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from . import accounts, referrals
from .errors import DomainError
from .models import CODE_PURPOSES, JOIN, RESET_PASSWORD, SIGN_IN, Member, PhoneCode, utcnow
from .models.risk import JOIN_SIGNAL
from .phones import require_mobile
from .risk import blocklist, guard
from .risk.signals import NOWHERE, Origin
from .transaction import lock_member, write_transaction

CODE_LIFETIME = timedelta(minutes=5)
MAX_WRONG_ATTEMPTS = 5
KEEP_FOR = timedelta(days=1)   # a phone's older codes are dropped when it asks for a new one


@dataclass(frozen=True)
class SendLimits:
    """How often codes may be sent: to one phone, and at the request of one address."""

    phone_gap: timedelta = timedelta(minutes=1)
    phone_per_hour: int = 5
    address_per_hour: int = 20


class TooSoon(DomainError):
    """Too many codes asked for; `seconds` says how long until the next may be sent."""

    code = "too_soon"

    @property
    def seconds(self) -> int:
        return self.details["seconds"]


class CodeRefused(DomainError):
    """The code given is not the phone's current one. `reason` is wrong, expired, used or
    dead (too many wrong tries); `tries_left` how many more a wrong code allows."""

    code = "code_refused"

    @property
    def reason(self) -> str:
        return self.details["reason"]


class DetailsNeeded(DomainError):
    """The join code is right and the phone is new: a name and password are needed."""

    code = "details_needed"


WRONG, EXPIRED, USED, DEAD = "wrong", "expired", "used", "dead"


@dataclass(frozen=True)
class IssuedCode:
    code: str
    member_id: int | None   # the member who has this phone, if any: it picks the SMS text


def issue(phone: str, purpose: str, address: str, now: datetime | None = None,
          limits: SendLimits = SendLimits()) -> IssuedCode:
    """A new code for `phone` and `purpose`, asked for from `address`, replacing the last one;
    TooSoon when the phone or the address has asked too often. The same work is done whether
    or not a member has the phone, so the answer takes the same time either way."""
    require_mobile(phone)
    if purpose not in CODE_PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    now = now or utcnow()
    address = (address or "-")[:64]
    with write_transaction():
        _take_turns(phone, address)
        wait = _wait(phone, address, now, limits)
        if wait:
            raise TooSoon(seconds=wait)
        db.session.execute(PhoneCode.__table__.delete().where(
            PhoneCode.phone == phone, PhoneCode.created_at < now - KEEP_FOR))
        code = f"{secrets.randbelow(10 ** 6):06d}"
        member_id = db.session.scalar(select(Member.id).where(Member.phone == phone))
        db.session.add(PhoneCode(phone=phone, purpose=purpose, code_hash=hash_code(code),
                                 address=address, created_at=now,
                                 expires_at=now + CODE_LIFETIME))
        return IssuedCode(code, member_id)


def sign_in(phone: str, code: str, now: datetime | None = None) -> Member:
    """The member whose phone received `code` for signing in; CodeRefused otherwise."""
    now = now or utcnow()
    with write_transaction():
        row, refusal = _check(phone, SIGN_IN, code, now)
        member = None
        if refusal is None:
            row.used_at = now
            member = db.session.scalar(select(Member).where(Member.phone == phone))
            if member is None:   # no code was sent: the text said to join instead
                refusal = CodeRefused(reason=WRONG, tries_left=0)
    if refusal:
        raise refusal
    return member


@dataclass(frozen=True)
class NewMember:
    """What joining asks besides the code."""

    name: str
    password: str
    referral_code: str | None = None


@dataclass(frozen=True)
class Joined:
    member: Member
    new: bool   # False: the phone was already a member's, who is signed in instead


def join(phone: str, code: str, details: NewMember | None,
         now: datetime | None = None, origin: Origin = NOWHERE) -> Joined:
    """A new member for a phone that received `code` to join. A phone that is already a
    member's gets that member back (the code signs them in). DetailsNeeded when the code is
    right but the new member's details are missing; the code then stays usable. A blocked
    phone, device or address may not join; the risk rules look at every join."""
    now = now or utcnow()
    try:
        with write_transaction():
            referrer_id = _referrer_id(phone, details)
            row, refusal = _check(phone, JOIN, code, now)
            joined = None
            if refusal is None:
                member = db.session.scalar(select(Member).where(Member.phone == phone))
                if member is not None:
                    row.used_at = now
                    joined = Joined(member, new=False)
                elif details is not None:
                    blocklist.refuse_blocked(phone=phone, origin=origin)
                    row.used_at = now
                    joined = Joined(accounts.add_member(phone, details.name, details.password,
                                                        now, referred_by_id=referrer_id), True)
                    guard.note(guard.observe(JOIN_SIGNAL, joined.member, origin, now),
                               joined.member, now, "join")
    except IntegrityError:   # the phone joined a moment ago: the code is still there
        raise accounts.PhoneInUse() from None
    if refusal:
        raise refusal
    if joined is None:
        raise DetailsNeeded()
    return joined


def reset_password(phone: str, code: str, new_password: str,
                   now: datetime | None = None) -> Member:
    """A new password for the member whose phone received `code` for it; every session and
    remember cookie of the member stops working."""
    now = now or utcnow()
    with write_transaction():
        row, refusal = _check(phone, RESET_PASSWORD, code, now)
        member = None
        if refusal is None:
            row.used_at = now
            member_id = db.session.scalar(select(Member.id).where(Member.phone == phone))
            if member_id is None:   # no code was sent: the text said to join instead
                refusal = CodeRefused(reason=WRONG, tries_left=0)
            else:
                member = lock_member(member_id)
                accounts.set_password(member, new_password)
                member.session_epoch += 1
    if refusal:
        raise refusal
    return member


def hash_code(code: str, salt: str | None = None) -> str:
    """A salted SHA-256 of the code: the table never holds a code that could be used."""
    salt = salt or secrets.token_hex(8)
    return f"{salt}${hashlib.sha256(f'{salt}:{code}'.encode()).hexdigest()}"


def code_matches(code: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(hash_code(code, salt), stored)


def _check(phone: str, purpose: str, code: str, now: datetime
           ) -> tuple[PhoneCode | None, CodeRefused | None]:
    """The phone's current code for `purpose`, locked, if `code` is it; otherwise the
    refusal, with a wrong try counted."""
    row = db.session.scalar(
        select(PhoneCode).where(PhoneCode.phone == phone, PhoneCode.purpose == purpose)
        .order_by(PhoneCode.id.desc()).limit(1).with_for_update()
        .execution_options(populate_existing=True))
    if row is None:
        return None, CodeRefused(reason=WRONG, tries_left=0)
    if row.used_at is not None:
        return None, CodeRefused(reason=USED, tries_left=0)
    if row.wrong_attempts >= MAX_WRONG_ATTEMPTS:
        return None, CodeRefused(reason=DEAD, tries_left=0)
    if row.expires_at <= now:
        return None, CodeRefused(reason=EXPIRED, tries_left=0)
    if not (isinstance(code, str) and code_matches(code, row.code_hash)):
        row.wrong_attempts += 1
        left = MAX_WRONG_ATTEMPTS - row.wrong_attempts
        return None, CodeRefused(reason=WRONG if left else DEAD, tries_left=left)
    return row, None


def _referrer_id(phone: str, details: NewMember | None) -> int | None:
    if details is None or not referrals.normalize_code(details.referral_code):
        return None
    referrer = referrals.referrer_by_code(details.referral_code)
    if referrer is None or referrer.phone == phone:
        raise referrals.UnknownReferral()
    return referrer.id


def _take_turns(phone: str, address: str) -> None:
    """Requests for one phone or one address take turns, so two at once cannot both slip
    under a limit. SQLite's BEGIN IMMEDIATE already serializes every writer; PostgreSQL
    takes a lock for the phone, then one for the address, until the transaction ends."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in (f"phone:{phone}", f"address:{address}"):
        lock = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})


def _wait(phone: str, address: str, now: datetime, limits: SendLimits) -> int:
    """Seconds until `phone` may be sent another code at the request of `address` (0: now)."""
    hour_ago = now - timedelta(hours=1)
    to_phone = db.session.scalars(
        select(PhoneCode.created_at).where(PhoneCode.phone == phone,
                                           PhoneCode.created_at > hour_ago)
        .order_by(PhoneCode.created_at.desc())).all()
    waits = []
    if to_phone:
        waits.append(to_phone[0] + limits.phone_gap - now)
    if len(to_phone) >= limits.phone_per_hour:
        waits.append(to_phone[limits.phone_per_hour - 1] + timedelta(hours=1) - now)
    asked = db.session.scalar(select(func.count()).select_from(PhoneCode).where(
        PhoneCode.address == address, PhoneCode.created_at > hour_ago))
    if asked >= limits.address_per_hour:
        oldest = db.session.scalars(
            select(PhoneCode.created_at).where(PhoneCode.address == address,
                                               PhoneCode.created_at > hour_ago)
            .order_by(PhoneCode.created_at.desc())
            .offset(limits.address_per_hour - 1).limit(1)).first()
        waits.append(oldest + timedelta(hours=1) - now)
    longest = max(waits, default=timedelta(0))
    return max(0, -int(-longest.total_seconds() // 1))   # whole seconds, rounded up
