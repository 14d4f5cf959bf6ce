"""Use cases of adjustments: staff add or take points with a reason the member reads.

An adjustment up to the program's approval limit (absolute points) posts as it is made; a
larger one waits as pending until a second administrator approves or rejects it, once.
Each use case is one write transaction on the locked member, with its audit entry in it.
"""
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from . import accounts, audit_log, ledger
from .errors import DomainError, NotFound
from .models import ADJUST, APPROVED, AWAITING, REJECTED, AdjustmentRequest, Member, utcnow
from .program import running_program
from .transaction import lock_member, write_transaction

MAX_POINTS = 1_000_000   # the most one adjustment may add or take
REASON_MAX = 200


class InvalidAdjustment(DomainError):
    """Points of 0 or beyond MAX_POINTS, or no reason: `field` says which."""

    code = "invalid_adjustment"


class BelowZero(DomainError):
    """Taking this many would leave the balance below zero; `most` can be taken."""

    code = "adjustment_below_zero"


class OwnAdjustment(DomainError):
    """Nobody approves or rejects an adjustment they asked for themselves."""

    code = "own_adjustment"


class AlreadyDecided(DomainError):
    code = "adjustment_decided"


def check(points: int, reason: str) -> None:
    """Refuse a zero, huge or reasonless adjustment before anything is read or written."""
    if isinstance(points, bool) or not isinstance(points, int) or points == 0 \
            or abs(points) > MAX_POINTS:
        raise InvalidAdjustment(field="points", maximum=MAX_POINTS)
    if not reason.strip() or len(reason) > REASON_MAX:
        raise InvalidAdjustment(field="reason", maximum=REASON_MAX)


def needs_approval(points: int) -> bool:
    return abs(points) > running_program().adjust_approval_above


def adjust(member_id: int, points: int, reason: str, form_token: str, *, actor_id: int,
           address: str, now: datetime | None = None) -> AdjustmentRequest:
    """Add (points > 0) or take points with a reason: posted at once up to the approval
    limit, otherwise kept as pending. The same form token gives the same request."""
    now = now or utcnow()
    reason = reason.strip()
    check(points, reason)
    try:
        with write_transaction():
            member = lock_member(member_id)
            before = member.points_balance
            existing = _by_token(form_token)
            if existing is not None:
                return existing
            request = AdjustmentRequest(
                member_id=member.id, points=points, reason=reason, requested_by_id=actor_id,
                requested_at=now, status=AWAITING, form_token=form_token)
            _check_balance(member, points, now)
            db.session.add(request)
            db.session.flush()
            if not needs_approval(points):
                _post(member, request, now)
                request.status, request.decided_at = APPROVED, now
            audit_log.record(actor_id, audit_log.ADJUSTMENT, _subject(member), address,
                             before={"balance": before},
                             after=_audited(request, member), now=now)
            return request
    except IntegrityError:   # the same form, submitted twice at once: the first one won
        existing = _by_token(form_token)
        if existing is None:
            raise
        return existing


def approve(request_id: int, *, actor_id: int, address: str, note: str = "",
            now: datetime | None = None) -> AdjustmentRequest:
    """A second administrator approves a pending adjustment: it posts now (a negative one
    only if the balance still allows it)."""
    return _decide(request_id, APPROVED, actor_id, address, note, now or utcnow())


def reject(request_id: int, *, actor_id: int, address: str, note: str = "",
           now: datetime | None = None) -> AdjustmentRequest:
    """A second administrator rejects a pending adjustment: nothing is posted."""
    return _decide(request_id, REJECTED, actor_id, address, note, now or utcnow())


def _decide(request_id: int, status: str, actor_id: int, address: str, note: str,
            now: datetime) -> AdjustmentRequest:
    with write_transaction():
        request = db.session.get(AdjustmentRequest, request_id)
        if request is None:
            raise NotFound(adjustment=request_id)
        if request.requested_by_id == actor_id:
            raise OwnAdjustment()
        member = lock_member(request.member_id)
        before = member.points_balance
        # Decided once only: of two approvers, the second finds it no longer pending.
        won = db.session.execute(
            update(AdjustmentRequest)
            .where(AdjustmentRequest.id == request_id, AdjustmentRequest.status == AWAITING)
            .values(status=status, decided_by_id=actor_id, decided_at=now,
                    decision_note=note.strip()[:REASON_MAX])
            .execution_options(synchronize_session=False)).rowcount
        if won != 1:
            raise AlreadyDecided()
        db.session.refresh(request)
        if status == APPROVED:
            _check_balance(member, request.points, now)
            _post(member, request, now)
        action = audit_log.APPROVAL if status == APPROVED else audit_log.REJECTION
        audit_log.record(actor_id, action, _subject(member), address,
                         before={"status": AWAITING, "balance": before},
                         after=_audited(request, member), now=now)
        return request


def pending() -> list[AdjustmentRequest]:
    """Adjustments waiting for a second administrator, oldest first."""
    return db.session.scalars(select(AdjustmentRequest)
                              .where(AdjustmentRequest.status == AWAITING)
                              .order_by(AdjustmentRequest.requested_at,
                                        AdjustmentRequest.id)).all()


def of_member(member_id: int, limit: int = 20) -> list[AdjustmentRequest]:
    return db.session.scalars(select(AdjustmentRequest)
                              .where(AdjustmentRequest.member_id == member_id)
                              .order_by(AdjustmentRequest.id.desc()).limit(limit)).all()


def _check_balance(member: Member, points: int, now: datetime) -> None:
    if points < 0:
        ledger.expire_lapsed(member, now)
        if -points > member.points_balance:
            raise BelowZero(most=member.points_balance)


def _post(member: Member, request: AdjustmentRequest, now: datetime) -> None:
    ref = ("adjustment", str(request.id))
    if request.points > 0:
        entry = accounts.credit_locked(member, request.points, detail=request.reason,
                                       kind=ADJUST, now=now, ref=ref)
    else:
        entry = ledger.debit(member, -request.points, kind=ADJUST, detail=request.reason,
                             now=now, ref=ref)
    request.entry_id = entry.id
    db.session.flush()


def _audited(request: AdjustmentRequest, member: Member) -> dict:
    return {"request": request.id, "points": request.points, "reason": request.reason,
            "status": request.status, "balance": member.points_balance}


def _subject(member: Member) -> str:
    return f"member {member.member_no}"


def _by_token(form_token: str) -> AdjustmentRequest | None:
    return db.session.scalar(select(AdjustmentRequest)
                             .where(AdjustmentRequest.form_token == form_token))
