"""Use cases of membership: joining and being awarded points."""
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from . import ledger, reads
from .lots import lot_expiry
from .models import EARN, LedgerEntry, Member, Tier, utcnow
from .program import program
from .tiers import tier_for
from .transaction import lock_member, write_transaction


def register(phone: str, name: str, password: str, now: datetime | None = None) -> Member:
    """A new member in the entry tier."""
    with write_transaction():
        entry_tier = db.session.scalars(select(Tier).order_by(Tier.rank)).first()
        member = Member(phone=phone, name=name, tier_id=entry_tier.id,
                        tier_since=now or utcnow(), created_at=now or utcnow())
        member.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])
        db.session.add(member)
        db.session.flush()
        return member


def award(member_id: int, points: int, detail: str, kind: str = EARN,
          now: datetime | None = None, ref: tuple[str, str] | None = None) -> LedgerEntry:
    """Credit points in a new lot that expires by the program's policy."""
    now = now or utcnow()
    settings = program()
    with write_transaction():
        member = lock_member(member_id)
        ledger.expire_lapsed(member, now)
        entry = ledger.credit(member, points, kind=kind, detail=detail, now=now, ref=ref,
                              expires_at=lot_expiry(now, settings.expiry_months, settings.tz))
        _move_up_if_qualified(member, now)
        return entry


def _move_up_if_qualified(member: Member, now: datetime) -> None:
    """A member moves up the moment their qualifying points reach a higher threshold."""
    views = reads.tier_views(db.session.scalars(select(Tier)).all())
    reached = tier_for(list(views.values()), reads.qualifying_points(member.id, now))
    if reached.rank > views[member.tier_id].rank:
        member.tier_id, member.tier_since = reached.id, now


def expire(member_id: int, now: datetime | None = None) -> int:
    """Write expire entries for the member's lapsed lots; returns the points expired."""
    now = now or utcnow()
    with write_transaction():
        member = lock_member(member_id)
        return -sum(e.points for e in ledger.expire_lapsed(member, now))
