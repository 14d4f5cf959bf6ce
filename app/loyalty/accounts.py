"""Use cases of membership: joining, changing the password or phone, being awarded points."""
import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from . import expiry, ledger, reads
from .errors import DomainError
from .models import CLAWBACK, EARN, UNDONE, UPGRADE, LedgerEntry, Member, Tier, TierChange, utcnow
from .phones import require_mobile
from .program import Program, running_program
from .tiers import next_review, tier_for
from .transaction import lock_member, write_transaction

REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread

NUMBER_ATTEMPTS = 5  # two random member numbers alike is a one-in-10^12 event; five is plenty


def join(phone: str, name: str, password: str, now: datetime | None = None,
         referred_by_id: int | None = None) -> Member:
    """A new member in the entry tier, with a random member number and a referral code.
    A member number that someone already has (the unique key says so) is drawn again."""
    now = now or utcnow()
    attempts_left = NUMBER_ATTEMPTS
    while True:
        try:
            return _join_once(phone, name, password, now, referred_by_id)
        except IntegrityError as error:
            attempts_left -= 1
            if "member_no" not in str(error.orig) or not attempts_left:
                raise


def _join_once(phone: str, name: str, password: str, now: datetime,
               referred_by_id: int | None) -> Member:
    with write_transaction():
        return add_member(phone, name, password, now, referred_by_id)


def add_member(phone: str, name: str, password: str, now: datetime,
               referred_by_id: int | None = None) -> Member:
    """The new member of `join`, inside a write transaction the caller owns."""
    require_mobile(phone)
    entry_tier = db.session.scalars(select(Tier).order_by(Tier.rank)).first()
    member = Member(phone=phone, name=name, tier_id=entry_tier.id, tier_since=now,
                    tier_review_at=next_review(now), created_at=now,
                    referral_code=new_referral_code(), referred_by_id=referred_by_id)
    set_password(member, password)
    db.session.add(member)
    db.session.flush()
    return member


def end_sessions(member_id: int) -> None:
    """Sign the member out everywhere: sessions and remember cookies issued so far stop
    working."""
    with write_transaction():
        lock_member(member_id).session_epoch += 1


class WrongPassword(DomainError):
    code = "wrong_password"


class SamePhone(DomainError):
    code = "same_phone"


class PhoneInUse(DomainError):
    code = "phone_in_use"


def change_password(member_id: int, current_password: str, new_password: str) -> Member:
    """A new password, given the current one; every other session and remember cookie of the
    member stops working."""
    with write_transaction():
        member = _locked_with_password(member_id, current_password)
        set_password(member, new_password)
        member.session_epoch += 1
        return member


def change_phone(member_id: int, password: str, new_phone: str) -> Member:
    """A new phone number to sign in with, given the password, unless another member has it;
    every other session and remember cookie of the member stops working."""
    require_mobile(new_phone)
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


def _werkzeug_default() -> str:
    """werkzeug's default password hashing method."""
    return "scrypt"


_hash_method: Callable[[], str] = _werkzeug_default


def use_password_hashing(method: Callable[[], str]) -> None:
    """Hash new passwords with the method `method` names (a werkzeug method, e.g. "scrypt")
    from now on; the application installs its PASSWORD_HASH_METHOD."""
    global _hash_method
    _hash_method = method


def password_hash_method() -> str:
    """The werkzeug method new passwords (members' and staff's) are hashed with."""
    return _hash_method()


def set_password(member: Member, password: str) -> None:
    """Hash and keep a member's new password, with the installation's hashing method."""
    member.set_password(password, _hash_method())


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
    program = running_program()
    ledger.expire_lapsed(member, now)
    entry = ledger.credit(member, points, kind=kind, detail=detail, now=now, ref=ref,
                          expires_at=expiry.lot_expiry(now, program))
    settle_owed(member, now)
    move_up_if_qualified(member, now)
    return entry


def restore_locked(member: Member, debit_entry: LedgerEntry, *, detail: str, now: datetime,
                   program: Program, ref: tuple[str, str] | None = None) -> LedgerEntry:
    """Points that come back (a cancelled or lapsed order) are credited like any others:
    lapsed lots expire first, the debit's points return to its lots, and points owed from
    an earlier refund are settled from them."""
    ledger.expire_lapsed(member, now)
    entry = ledger.restore(member, debit_entry, detail=detail, now=now, program=program,
                           ref=ref)
    settle_owed(member, now)
    return entry


def claw_back_locked(member: Member, points: int, *, detail: str, now: datetime,
                     ref: tuple[str, str]) -> tuple[int, LedgerEntry | None]:
    """Take back points given for something undone (a refunded purchase, the referral
    rewards it paid), inside the caller's transaction on a locked member: from the balance
    as far as it goes; what the member already spent is owed and settled from the next
    credit. Returns the points owed and the clawback entry (None if nothing was taken)."""
    ledger.expire_lapsed(member, now)
    taken = min(points, member.points_balance)
    member.points_owed += points - taken
    entry = None
    if taken:
        entry = ledger.debit(member, taken, kind=CLAWBACK, detail=detail, now=now, ref=ref)
    return points - taken, entry


def settle_owed(member: Member, now: datetime) -> LedgerEntry | None:
    """Take points owed from a refund out of the balance, as far as it goes."""
    take = min(member.points_owed, member.points_balance)
    if take <= 0:
        return None
    member.points_owed -= take
    return ledger.debit(member, take, kind=CLAWBACK, detail=ledger.OWED, now=now,
                        ref=("member", str(member.id)))


def move_up_if_qualified(member: Member, now: datetime) -> None:
    """A member moves up the moment their qualifying points reach a higher threshold;
    the change is recorded and the next review is a year away."""
    views = reads.running_tiers()
    if all(view.rank <= views[member.tier_id].rank for view in views.values()):
        return  # no tier above theirs: the year's points need not be counted
    qualifying = reads.qualifying_points(member.id, now)
    reached = tier_for(list(views.values()), qualifying)
    if reached.rank > views[member.tier_id].rank:
        db.session.add(TierChange(member_id=member.id, from_tier_id=member.tier_id,
                                  to_tier_id=reached.id, reason=UPGRADE,
                                  qualifying=qualifying, created_at=now,
                                  since_before=member.tier_since,
                                  review_before=member.tier_review_at))
        member.tier_id, member.tier_since = reached.id, now
        member.tier_review_at = next_review(now)


def undo_unpaid_upgrades(member: Member, now: datetime) -> None:
    """After points are clawed back, the upgrades they paid for are undone: the member drops
    to the tier their remaining qualifying points reach, never below the tier they held
    before the upgrades made since their last review (or since joining), and gets that
    tier's dates back. The change is recorded."""
    views = reads.running_tiers()
    current = views[member.tier_id]
    upgrades, floor = [], current
    for change in db.session.scalars(
            select(TierChange).where(TierChange.member_id == member.id)
            .order_by(TierChange.created_at.desc(), TierChange.id.desc())):
        if change.reason == UNDONE:
            continue
        if change.reason != UPGRADE:
            break  # a review: the tier it left the member in is theirs until the next one
        upgrades.append(change)
        floor = views.get(change.from_tier_id) or min(views.values(), key=lambda t: t.rank)
    qualifying = reads.qualifying_points(member.id, now)
    reached = tier_for(list(views.values()), qualifying)
    target = reached if reached.rank > floor.rank else floor
    if target.rank >= current.rank:
        return
    db.session.add(TierChange(member_id=member.id, from_tier_id=current.id,
                              to_tier_id=target.id, reason=UNDONE, qualifying=qualifying,
                              created_at=now))
    member.tier_id = target.id
    left = next((u for u in upgrades if u.from_tier_id == target.id and u.since_before), None)
    if left is not None:  # the upgrade that took the member out of this tier
        member.tier_since, member.tier_review_at = left.since_before, left.review_before


def expire(member_id: int, now: datetime | None = None) -> int:
    """Write expire entries for the member's lapsed lots; returns the points expired."""
    now = now or utcnow()
    with write_transaction():
        member = lock_member(member_id)
        return -sum(e.points for e in ledger.expire_lapsed(member, now))
