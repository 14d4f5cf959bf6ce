"""The member card's sign-in tokens: a 6-digit code (shown as digits and as a QR) that
signs the member in on a kiosk, or finds them at the counter, once, within VALID_SECONDS.

Only the code's SHA-256 is kept. A new token ends the member's earlier ones, and no two
live tokens share a code, so a code names one member. Using one is a single conditional
update: of two kiosks using the same code at once, one wins.
"""
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.extensions import db
from . import audit_log
from .errors import DomainError
from .models import CardToken, Member, utcnow
from .transaction import write_transaction

VALID_SECONDS = 120
CODE = re.compile(r"[0-9]{6}")
_TRIES = 20


class CardCodeRefused(DomainError):
    """A card code that is malformed, unknown, used or expired: one refusal for all."""

    code = "card_code_refused"


@dataclass(frozen=True)
class Issued:
    code: str
    expires_at: datetime


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normal_code(text: str) -> str | None:
    """The code as a scanner or a member typed it (spaces and dashes allowed), else None."""
    code = re.sub(r"[\s-]", "", text or "")
    return code if CODE.fullmatch(code) else None


def issue(member_id: int, now: datetime | None = None) -> Issued:
    """A new token for the member's card; the member's earlier tokens stop working."""
    now = now or utcnow()
    with write_transaction():
        db.session.execute(update(CardToken).where(
            CardToken.member_id == member_id, CardToken.used_at.is_(None),
            CardToken.expires_at > now).values(expires_at=now))
        for _ in range(_TRIES):
            code = f"{secrets.randbelow(1_000_000):06d}"
            taken = db.session.scalar(select(CardToken.id).where(
                CardToken.code_hash == _digest(code), CardToken.used_at.is_(None),
                CardToken.expires_at > now))
            if taken is None:
                break
        else:  # a million codes cannot all be live; this is only a guard
            raise RuntimeError("no free card code")
        expires_at = now + timedelta(seconds=VALID_SECONDS)
        db.session.add(CardToken(member_id=member_id, code_hash=_digest(code), created_at=now,
                                 expires_at=expires_at))
        return Issued(code, expires_at)


def use(code_text: str, kiosk_id: int, now: datetime | None = None) -> Member:
    """Use a card code on a kiosk: the member it signs in. CardCodeRefused for a malformed,
    unknown, used or expired code; nothing changes then."""
    now = now or utcnow()
    with write_transaction():
        return _used_up(code_text, now, kiosk_id=kiosk_id)


def find_at_counter(code_text: str, staff_id: int, address: str = "",
                    now: datetime | None = None) -> Member:
    """Use a card code at the counter: the member it names, the look-up written to the audit
    log. CardCodeRefused for a malformed, unknown, used or expired code; nothing changes then."""
    now = now or utcnow()
    with write_transaction():
        member = _used_up(code_text, now)
        audit_log.record(staff_id, audit_log.MEMBER_FOUND_BY_CARD,
                         subject=f"member {member.member_no}", address=address, now=now)
        return member


def _used_up(code_text: str, now: datetime, kiosk_id: int | None = None) -> Member:
    """Mark the live token of the code used, in the caller's transaction: its member."""
    code = normal_code(code_text)
    if code is None:
        raise CardCodeRefused()
    token_id = db.session.execute(
        update(CardToken).where(
            CardToken.code_hash == _digest(code), CardToken.used_at.is_(None),
            CardToken.expires_at > now)
        .values(used_at=now, kiosk_id=kiosk_id)
        .returning(CardToken.id)).scalar()
    if token_id is None:
        raise CardCodeRefused()
    token = db.session.get(CardToken, token_id)
    return db.session.get(Member, token.member_id)
