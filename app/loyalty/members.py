"""Staff's side of members: finding them, showing a phone, freezing and unfreezing.

A frozen member can sign in and look, but cannot redeem, check in or earn from tasks; a
till's purchase points wait as pending while the account is frozen and are credited when
it is unfrozen.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from app.extensions import db
from . import audit_log, member_numbers, phones, purchases
from .errors import DomainError
from .models import LedgerEntry, Member, Order, PointLot, utcnow
from .transaction import lock_member, write_transaction

SEARCH_LIMIT = 20
PREFIX_MIN = 4       # the fewest digits of a phone that find members by its start
PHONE_LENGTH = 11
REASON_MAX = 200


class InvalidSearch(DomainError):
    code = "invalid_member_search"


class InvalidFreeze(DomainError):
    """No reason, or the account is already in the state asked for: `problem` says which."""

    code = "invalid_freeze"


def search(query: str) -> list[Member]:
    """Members by an exact phone or member number, or by the first PREFIX_MIN or more digits
    of the phone; at most SEARCH_LIMIT of them."""
    query = query.strip().replace(" ", "")
    if not (query.isascii() and query.isdigit()) or len(query) < PREFIX_MIN:
        raise InvalidSearch(minimum=PREFIX_MIN)
    if member_numbers.is_valid(query):
        where = Member.member_no == query
    elif len(query) == PHONE_LENGTH:
        where = Member.phone == query
    elif len(query) < PHONE_LENGTH:
        where = Member.phone.startswith(query, autoescape=True)
    else:
        return []
    return db.session.scalars(select(Member).where(where).order_by(Member.phone)
                              .limit(SEARCH_LIMIT)).all()


def by_number(member_no: str) -> Member:
    """The member with this number; NotFound for none or a malformed number."""
    return purchases.member_by_no(member_no)


def show_phone(member_no: str, *, actor_id: int, address: str,
               now: datetime | None = None) -> str:
    """The member's full phone number, for staff: recorded in the audit log."""
    now = now or utcnow()
    with write_transaction():
        member = by_number(member_no)
        audit_log.record(actor_id, audit_log.PHONE_SHOWN, f"member {member.member_no}",
                         address, after={"phone": phones.mask(member.phone)}, now=now)
        return member.phone


def freeze(member_no: str, reason: str, *, actor_id: int, address: str,
           now: datetime | None = None) -> Member:
    """Freeze a member's account with a reason."""
    return _set_frozen(member_no, True, reason, actor_id, address, now or utcnow())


def unfreeze(member_no: str, reason: str, *, actor_id: int, address: str,
             now: datetime | None = None) -> Member:
    """Unfreeze a member's account with a reason: purchase points held meanwhile are
    credited now (those still inside the program's hold period wait for it as before)."""
    return _set_frozen(member_no, False, reason, actor_id, address, now or utcnow())


def _set_frozen(member_no: str, frozen: bool, reason: str, actor_id: int, address: str,
                now: datetime) -> Member:
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidFreeze(problem="reason", maximum=REASON_MAX)
    with write_transaction():
        member = lock_member(by_number(member_no).id)
        if member.frozen == frozen:
            raise InvalidFreeze(problem="already_frozen" if frozen else "not_frozen")
        before = {"frozen": member.frozen, "reason": member.frozen_reason}
        member.frozen_at, member.frozen_reason = (now, reason) if frozen else (None, "")
        released = 0 if frozen else purchases.release_due_locked(member, now)
        after = {"frozen": frozen, "reason": reason}
        if released:
            after["purchases_released"] = released
        audit_log.record(actor_id, audit_log.FREEZE if frozen else audit_log.UNFREEZE,
                         f"member {member.member_no}", address, before=before, after=after,
                         now=now)
        return member


@dataclass(frozen=True)
class LedgerPage:
    entries: list[LedgerEntry]
    number: int
    more: bool


def ledger_page(member_id: int, page: int, size: int = 50) -> LedgerPage:
    """A page of the member's ledger, newest first."""
    page = max(1, page)
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member_id)
                              .order_by(LedgerEntry.id.desc())
                              .limit(size + 1).offset((page - 1) * size)).all()
    return LedgerPage(list(rows[:size]), page, len(rows) > size)


def live_lots(member_id: int, now: datetime) -> list[PointLot]:
    """Lots with points left that have not lapsed, soonest to expire first."""
    return db.session.scalars(
        select(PointLot).where(PointLot.member_id == member_id, PointLot.remaining > 0,
                               or_(PointLot.expires_at.is_(None), PointLot.expires_at > now))
        .order_by(PointLot.expires_at.is_(None), PointLot.expires_at, PointLot.id)).all()


def recent_orders(member_id: int, limit: int = 50) -> list[Order]:
    return db.session.scalars(select(Order).where(Order.member_id == member_id)
                              .order_by(Order.id.desc()).limit(limit)).all()
