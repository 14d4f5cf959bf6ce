"""Cases: what a flag or hold puts in the review queue, and the decision on it.

Approving a hold posts the credit it kept back; rejecting it posts nothing and keeps the
reason the member reads. Rejecting a flagged credit claws it back through the ledger with
that reason, less what a refund took back already; points are taken back once, whichever
of the two comes first. A case is decided once: of two staff deciding at once, the second is told
it is decided already.
"""
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, or_, select, update

from app.extensions import db
from .. import accounts, audit_log
from ..errors import DomainError, NotFound
from ..models import (
    CHECK_IN,
    CREDITED,
    PENDING,
    REFERRAL_INVITER,
    REFERRAL_NEW,
    CheckIn,
    LedgerEntry,
    Member,
    Purchase,
    TaskReward,
    utcnow,
)
from ..models.risk import APPROVED, FLAG, HOLD, OPEN, REJECTED, RiskCase
from ..statements import built_once, insert_row, read
from ..transaction import lock_member, write_transaction

REASON_MAX = 200
QUEUE_SIZE = 100
# A purchase whose held points a review rejected: never credited, never released.
WITHHELD = "rejected"


class CaseDecided(DomainError):
    """The case was decided already (by someone else, a moment ago)."""

    code = "case_decided"


class ReasonNeeded(DomainError):
    code = "case_reason_needed"


def open_case(verdict, member: Member, now: datetime, *, subject: str, points: int = 0,
              detail: str = "", credit_kind: str = "", ref: tuple[str, str] = ("", ""),
              entry: LedgerEntry | None = None, purchase: Purchase | None = None) -> RiskCase:
    """A case for the rules a verdict tripped, inside the action's transaction."""
    from .rules import strongest
    top = strongest(verdict.hits)
    others = sorted({o for hit in verdict.hits for o in hit.others} - {member.id})
    row = RiskCase(
        rule_code=top.rule.code, action=HOLD if top.rule.action == HOLD else FLAG,
        status=OPEN, member_id=member.id, subject=subject[:60],
        evidence={"rules": [{"rule": h.rule.code, "measure": h.measure,
                             "threshold": h.rule.threshold,
                             "window_seconds": h.rule.window_seconds} for h in verdict.hits],
                  "signal": verdict.signal.id, "others": others},
        points=points, detail=detail[:200], credit_kind=credit_kind, ref_type=ref[0],
        ref_id=ref[1], entry_id=entry.id if entry else None,
        purchase_id=purchase.id if purchase else None, created_at=now)
    return insert_row(row)


def approve(case_id: int, *, actor_id: int, address: str = "",
            now: datetime | None = None) -> RiskCase:
    """Let the case through: a hold's credit is posted now."""
    return _decide(case_id, APPROVED, "", actor_id, address, now or utcnow())


def reject(case_id: int, reason: str, *, actor_id: int, address: str = "",
           now: datetime | None = None) -> RiskCase:
    """Refuse the case with a reason the member reads: a hold posts nothing, a flagged
    credit is clawed back (what was spent already is owed)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ReasonNeeded(maximum=REASON_MAX)
    return _decide(case_id, REJECTED, reason, actor_id, address, now or utcnow())


def _decide(case_id: int, status: str, reason: str, actor_id: int | None, address: str,
            now: datetime) -> RiskCase:
    with write_transaction():
        case = db.session.get(RiskCase, case_id)
        if case is None:
            raise NotFound(case=case_id)
        member = lock_member(case.member_id)
        before = member.points_balance
        won = db.session.execute(
            update(RiskCase).where(RiskCase.id == case_id, RiskCase.status == OPEN)
            .values(status=status, reason=reason, decided_by_id=actor_id, decided_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if won != 1:
            raise CaseDecided()
        db.session.refresh(case)
        if status == APPROVED and case.action == HOLD:
            _release(case, member, now)
        elif status == REJECTED:
            _withhold(case, member, reason, now)
        if actor_id is not None:
            action = audit_log.RISK_APPROVAL if status == APPROVED else audit_log.RISK_REJECTION
            audit_log.record(actor_id, action, f"case {case.id}", address,
                             before={"status": OPEN, "balance": before},
                             after={"status": status, "rule": case.rule_code,
                                    "member": member.member_no, "reason": reason,
                                    "balance": member.points_balance}, now=now)
        db.session.flush()
        return case


def _release(case: RiskCase, member: Member, now: datetime) -> None:
    if case.purchase_id is not None:
        purchase = db.session.get(Purchase, case.purchase_id, populate_existing=True)
        if member.frozen:   # a frozen member's purchase points wait for the unfreeze
            purchase.status, purchase.available_at = PENDING, now
            return
        purchase.status = CREDITED
        points = purchase.points - purchase.points_clawed
        if points > 0:
            purchase.entry_id = case.entry_id = accounts.credit_locked(
                member, points, detail=purchase.store.name, kind=case.credit_kind, now=now,
                ref=("purchase", str(purchase.id))).id
    elif case.points > 0:
        case.entry_id = accounts.credit_locked(
            member, case.points, detail=case.detail, kind=case.credit_kind, now=now,
            ref=(case.ref_type, case.ref_id)).id
        row = _credit_row(case)
        if row is not None and row.entry_id is None:
            row.entry_id = case.entry_id


def _credit_row(case: RiskCase) -> CheckIn | TaskReward | None:
    """The check-in or task reward whose credit the case is about (none for a purchase's, or
    once a refund took a referral reward back)."""
    if case.ref_type == CHECK_IN:
        return db.session.scalar(select(CheckIn).where(
            CheckIn.member_id == case.member_id, CheckIn.day == date.fromisoformat(case.ref_id)))
    # A reward's reference is its period, or (for a task given once) what it is given for.
    return db.session.scalar(select(TaskReward).where(
        TaskReward.member_id == case.member_id, TaskReward.task == case.ref_type,
        TaskReward.period.in_((case.ref_id, ""))).limit(1))


def _withhold(case: RiskCase, member: Member, reason: str, now: datetime) -> None:
    if case.action == HOLD:
        if case.purchase_id is not None:
            db.session.get(Purchase, case.purchase_id, populate_existing=True).status = WITHHELD
        return
    points = _flagged_points_left(case)
    if points > 0:
        _owed, entry = accounts.claw_back_locked(member, points, detail=reason, now=now,
                                                 ref=("risk_case", str(case.id)))
        case.clawback_entry_id = entry.id if entry else None
        accounts.undo_unpaid_upgrades(member, now)


def _flagged_points_left(case: RiskCase) -> int:
    """What rejecting a flagged credit takes back: of a purchase, what no refund took yet
    (and later refunds take nothing more; a purchase still pending is withheld instead, as
    a rejected hold is); of a referral reward, nothing once a refund took it back; else the
    points credited."""
    if case.ref_type == "purchase":
        purchase = db.session.get(Purchase, int(case.ref_id), populate_existing=True)
        if purchase.status != CREDITED:   # still pending: withheld, as a rejected hold is,
            purchase.status = WITHHELD    # and the member reads why beside it
            case.purchase_id = purchase.id
            return 0
        left = purchase.points - purchase.points_clawed
        purchase.points_clawed = purchase.points
        return left
    if case.entry_id is None:
        return 0
    if case.ref_type in (REFERRAL_NEW, REFERRAL_INVITER):
        row = db.session.scalar(select(TaskReward).where(TaskReward.entry_id == case.entry_id))
        return row.points if row is not None else 0
    return case.points


def taken_back(entry_id: int | None) -> bool:
    """Whether rejecting a flag took this credit back already."""
    return entry_id is not None and db.session.scalar(
        select(RiskCase.id).where(RiskCase.entry_id == entry_id, RiskCase.action == FLAG,
                                  RiskCase.status == REJECTED).limit(1)) is not None


def posted_after_review(ref: tuple[str, str], reason: str, now: datetime) -> bool:
    """For a held credit that is no longer owed (a refund took back what it was for),
    inside the caller's transaction: an open hold is withdrawn (nothing posted, the reason
    stays); True if a review had posted the credit already, so it is to be taken back."""
    where = (RiskCase.ref_type == ref[0], RiskCase.ref_id == ref[1], RiskCase.action == HOLD)
    db.session.execute(
        update(RiskCase).where(*where, RiskCase.status == OPEN)
        .values(status=REJECTED, reason=reason[:REASON_MAX], decided_at=now)
        .execution_options(synchronize_session=False))
    return db.session.scalar(select(RiskCase.id).where(*where, RiskCase.status == APPROVED)
                             .limit(1)) is not None


def queue(limit: int = QUEUE_SIZE) -> list[RiskCase]:
    """Open cases, oldest first."""
    return list(db.session.scalars(select(RiskCase).where(RiskCase.status == OPEN)
                                   .order_by(RiskCase.created_at, RiskCase.id).limit(limit)))


def holds_of(member_id: int, limit: int = 20) -> list:
    """The member's held credits still under review, and those a review refused (with the
    reason; a flagged purchase refused while its points were pending too), newest first:
    what their history shows. Read as columns, each with the points it keeps back:
    status, reason, created_at, points."""
    return read(_holds(), {"member_id": member_id, "size": limit}).all()


@built_once
def _holds():
    return (select(RiskCase.status, RiskCase.reason, RiskCase.created_at, _kept().label("points"))
            .outerjoin(Purchase, Purchase.id == RiskCase.purchase_id)
            .where(RiskCase.member_id == bindparam("member_id"), RiskCase.status != APPROVED,
                   or_(RiskCase.action == HOLD,
                       and_(RiskCase.status == REJECTED, RiskCase.purchase_id.is_not(None))))
            .order_by(RiskCase.id.desc()).limit(bindparam("size")))


def kept_points(case_ids: list[int]) -> dict[int, int]:
    """The points each of these cases keeps back, by case id, in one statement."""
    if not case_ids:
        return {}
    return dict(read(select(RiskCase.id, _kept())
                     .outerjoin(Purchase, Purchase.id == RiskCase.purchase_id)
                     .where(RiskCase.id.in_(case_ids))).all())


def _kept():
    """SQL for the points a case keeps back, with the case's purchase outer-joined: a
    purchase's case, the purchase's points less what refunds took; another case, its own."""
    return func.coalesce(Purchase.points - Purchase.points_clawed, RiskCase.points)
