"""The yearly tier review: a member keeps their tier with enough qualifying points at the
review date, otherwise moves down one level. Upgrades happen at once, when points are
earned (accounts.move_up_if_qualified); this is the other half."""
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from . import reads
from .models import DOWNGRADE, KEPT, Member, TierChange, utcnow
from .tiers import next_review, review
from .transaction import lock_member, write_transaction

BATCH = 500


def review_due(now: datetime | None = None) -> int:
    """Review every member whose review date has come; returns the members reviewed.
    Each member is reviewed in a transaction of its own, under the member's lock, so two
    hosts running this at once review each member once."""
    now = now or utcnow()
    reviewed, after = 0, 0
    while True:
        member_ids = db.session.scalars(
            select(Member.id).where(Member.tier_review_at <= now, Member.id > after)
            .order_by(Member.id).limit(BATCH)).all()
        if not member_ids:
            return reviewed
        reviewed += sum(review_member(member_id, now) for member_id in member_ids)
        after = member_ids[-1]


def review_member(member_id: int, now: datetime) -> bool:
    """Hold each review that has come due for one member; False if none had (any more)."""
    with write_transaction():
        member = lock_member(member_id)
        if member.tier_review_at is None or member.tier_review_at > now:
            return False  # reviewed meanwhile, by another run
        views = reads.running_tiers()
        while member.tier_review_at <= now:  # a review missed for years is held for each
            _review_once(member, views, now)
        return True


def _review_once(member: Member, views: dict, now: datetime) -> None:
    review_at = member.tier_review_at
    current = views[member.tier_id]
    qualifying = reads.qualifying_points(member.id, review_at)
    held = review(list(views.values()), current, qualifying)
    if held.id != current.id:
        db.session.add(TierChange(member_id=member.id, from_tier_id=current.id,
                                  to_tier_id=held.id, reason=DOWNGRADE,
                                  qualifying=qualifying, created_at=now))
        member.tier_id, member.tier_since = held.id, now
        member.tier_review_at = next_review(now)
        return
    if any(t.rank < current.rank for t in views.values()):  # the lowest tier has nothing to keep
        db.session.add(TierChange(member_id=member.id, from_tier_id=current.id,
                                  to_tier_id=current.id, reason=KEPT,
                                  qualifying=qualifying, created_at=now))
    member.tier_review_at = next_review(review_at)
