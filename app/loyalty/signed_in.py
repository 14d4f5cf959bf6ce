"""The signed-in member as a request sees them: their row's columns and their tier's, read
in one statement when the request begins, as values rather than a model object.

A page only reads the member (their name, tier, birthday, review date); loading a model
object for that cost about twice the read, and every request pays it. Whatever changes a
member loads and locks the model object itself, in its own transaction (`lock_member`), so
nothing is ever written through this; and what a page shows that a write changes (the
balance, the wallet) is read again, never taken from here.
"""
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select

from .models import Member, Tier
from .statements import built_once, read


class MemberTier(NamedTuple):
    """The member's tier, by the model's attribute names."""

    id: int
    code: str
    name: str
    name_en: str
    rank: int
    threshold: int
    multiplier_pct: int


class SignedInMember(NamedTuple):
    """A member's columns by the model's attribute names, and their tier; what Flask-Login
    asks of a user, as `Member` answers it. Left out: the PIN's columns, and the balance and
    points owed, which a write in the request changes (the wallet reads the balance)."""

    id: int
    member_no: str
    phone: str
    name: str
    email: str | None
    birthday: date | None
    password_hash: str
    tier_id: int
    tier_since: datetime
    tier_review_at: datetime | None
    referral_code: str | None
    session_epoch: int
    created_at: datetime
    frozen_at: datetime | None
    tier: MemberTier

    # The model's own answers, from the same columns: whether the account is frozen, the
    # password check, and the four attributes Flask-Login reads.
    frozen = Member.frozen
    check_password = Member.check_password
    get_id = Member.get_id
    is_authenticated, is_active, is_anonymous = (
        Member.is_authenticated, Member.is_active, Member.is_anonymous)


_MEMBER_COLUMNS = SignedInMember._fields[:-1]


@built_once
def _signed_in():
    return (select(*(getattr(Member, name) for name in _MEMBER_COLUMNS),
                   *(getattr(Tier, name) for name in MemberTier._fields))
            .join(Tier, Tier.id == Member.tier_id)
            .where(Member.id == bindparam("member_id")))


def signed_in(member_id: int, session_epoch: int) -> SignedInMember | None:
    """The member with this id, if their sessions of this epoch still stand (no sign-out
    and no password or phone change since); None otherwise."""
    row = read(_signed_in(), {"member_id": member_id}).first()
    if row is None:
        return None
    values = tuple(row)
    member = SignedInMember(*values[:len(_MEMBER_COLUMNS)],
                            MemberTier(*values[len(_MEMBER_COLUMNS):]))
    return member if member.session_epoch == session_epoch else None
