"""Use cases of membership: joining, changing the password or phone, being awarded points."""
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from . import expiry, ledger, member_numbers, reads
from .errors import DomainError
from .models import CLAWBACK, EARN, UPGRADE, LedgerEntry, Member, Tier, TierChange, utcnow
from .program import program
from .tiers import one_year_on, tier_for

REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
from .transaction import lock_member, write_transaction


NUMBER_ATTEMPTS = 5  # two random member numbers alike is a one-in-10^12 event; five is plenty


def register(phone: str, name: str, password: str, now: datetime | None = None,
             referred_by_id: int | None = None) -> Member:
    """A new member in the entry tier, with a random member number and an invite code.
    A member number that someone already has (the unique key says so) is drawn again."""
    now = now or utcnow()
    attempts_left = NUMBER_ATTEMPTS
    while True:
        try:
            return _register(phone, name, password, now, referred_by_id)
        except IntegrityError as error:
            attempts_left -= 1
            if "member_no" not in str(error.orig) or not attempts_left:
                raise


def _register(phone: str, name: str, password: str, now: datetime,
              referred_by_id: int | None) -> Member:
    with write_transaction():
        entry_tier = db.session.scalars(select(Tier).order_by(Tier.rank)).first()
        member = Member(phone=phone, name=name, tier_id=entry_tier.id, tier_since=now,
                        tier_review_at=one_year_on(now), created_at=now,
                        member_no=member_numbers.new(), referral_code=new_referral_code(),
                        referred_by_id=referred_by_id)
        member.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
        db.session.add(member)
        db.session.flush()
        return member


def end_sessions(member_id: int) -> None:
    """Sign the member out everywhere: sessions and remember cookies issued so far stop
    working."""
    with write_transaction():
        lock_member(member_id).session_epoch += 1


class WrongPassword(DomainError):
    status = 422
    code = "wrong_password"


class SamePhone(DomainError):
    status = 422
    code = "same_phone"


class PhoneInUse(DomainError):
    status = 409
    code = "phone_in_use"


def change_password(member_id: int, current_password: str, new_password: str) -> Member:
    """A new password, given the current one; every other session and remember cookie of the
    member stops working."""
    with write_transaction():
        member = _locked_with_password(member_id, current_password)
        member.set_password(new_password, current_app.config["PASSWORD_HASH_METHOD"])
        member.session_epoch += 1
        return member


def change_phone(member_id: int, password: str, new_phone: str) -> Member:
    """A new phone number to sign in with, given the password, unless another member has it;
    every other session and remember cookie of the member stops working."""
    try:
        with write_transaction():
            member = _locked_with_password(member_id, password)
            if new_phone == member.phone:
                raise SamePhone()
            if db.session.scalar(select(Member.id).where(Member.phone == new_phone)) is not None:
                raise PhoneInUse()
            member.phone = new_phone
            member.session_epoch += 1
            db.session.flush()
            return member
    except IntegrityError:  # another member took the number a moment ago
        raise PhoneInUse() from None


def _locked_with_password(member_id: int, password: str) -> Member:
    member = lock_member(member_id)
    if not member.check_password(password):
        raise WrongPassword()
    return member


def new_referral_code() -> str:
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(8))


def award(member_id: int, points: int, detail: str, kind: str = EARN,
          now: datetime | None = None, ref: tuple[str, str] | None = None) -> LedgerEntry:
    """Credit points in a new lot that expires by the program's policy."""
    now = now or utcnow()
    with write_transaction():
        member = lock_member(member_id)
        return credit_locked(member, points, detail=detail, kind=kind, now=now, ref=ref)


def credit_locked(member: Member, points: int, *, detail: str, kind: str, now: datetime,
                  ref: tuple[str, str] | None = None) -> LedgerEntry:
    """Every earning path ends here, inside its own transaction on a locked member:
    lapsed lots expire first, the credit opens a lot, points owed from an earlier refund
    are settled from it, and a member whose qualifying points reach a higher tier moves up."""
    settings = program()
    ledger.expire_lapsed(member, now)
    entry = ledger.credit(member, points, kind=kind, detail=detail, now=now, ref=ref,
                          expires_at=expiry.lot_expiry(now, settings))
    settle_owed(member, now)
    move_up_if_qualified(member, now)
    return entry


def settle_owed(member: Member, now: datetime) -> LedgerEntry | None:
    """Take points owed from a refund out of the balance, as far as it goes."""
    take = min(member.points_owed, member.points_balance)
    if take <= 0:
        return None
    member.points_owed -= take
    return ledger.debit(member, take, kind=CLAWBACK, detail="owed", now=now,
                        ref=("member", str(member.id)))


def move_up_if_qualified(member: Member, now: datetime) -> None:
    """A member moves up the moment their qualifying points reach a higher threshold;
    the change is recorded and the next review is a year away."""
    views = reads.tier_views(db.session.scalars(select(Tier)).all())
    qualifying = reads.qualifying_points(member.id, now)
    reached = tier_for(list(views.values()), qualifying)
    if reached.rank > views[member.tier_id].rank:
        db.session.add(TierChange(member_id=member.id, from_tier_id=member.tier_id,
                                  to_tier_id=reached.id, reason=UPGRADE,
                                  qualifying=qualifying, created_at=now))
        member.tier_id, member.tier_since = reached.id, now
        member.tier_review_at = one_year_on(now)


def expire(member_id: int, now: datetime | None = None) -> int:
    """Write expire entries for the member's lapsed lots; returns the points expired."""
    now = now or utcnow()
    with write_transaction():
        member = lock_member(member_id)
        return -sum(e.points for e in ledger.expire_lapsed(member, now))
