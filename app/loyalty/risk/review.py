"""The review queue as staff read it: cases a page at a time with their evidence (the
signals that matched the rule, the other members involved), and decisions on several
cases at once, each decided and audited on its own."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from ..errors import NotFound
from ..models import Member, Staff, Store
from ..models.risk import APPROVED, OPEN, REJECTED, RiskCase, RiskSignal
from . import cases, rules

PAGE_SIZE = 20
EVIDENCE_SIGNALS = 8
BULK_MAX = 100


@dataclass(frozen=True)
class Evidence:
    """A case with what staff weigh: the signals that matched and the other members."""

    case: RiskCase
    member: Member
    decided_by: str
    held: int
    signals: list[RiskSignal]
    others: list[Member]


@dataclass(frozen=True)
class Page:
    cases: list[Evidence]
    number: int
    pages: int
    total: int
    stores: dict[int, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a decision on several cases did: the cases decided, those decided already by
    someone else, and those that no longer exist."""

    decided: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)


def page(decided: bool = False, number: int = 1, size: int = PAGE_SIZE) -> Page:
    """Open cases oldest first, or decided ones most recently decided first."""
    if decided:
        query = select(RiskCase).where(RiskCase.status.in_((APPROVED, REJECTED)))
        order = (RiskCase.decided_at.desc(), RiskCase.id.desc())
    else:
        query = select(RiskCase).where(RiskCase.status == OPEN)
        order = (RiskCase.created_at, RiskCase.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // size))
    number = min(max(number, 1), pages)
    found = list(db.session.scalars(query.order_by(*order).limit(size)
                                    .offset((number - 1) * size)))
    wanted = {o for case in found for o in case.evidence.get("others", [])}
    wanted |= {case.member_id for case in found}
    people = {m.id: m for m in db.session.scalars(
        select(Member).where(Member.id.in_(wanted)))} if wanted else {}
    deciders = {case.decided_by_id for case in found} - {None}
    names = dict(db.session.execute(select(Staff.id, Staff.username)
                                    .where(Staff.id.in_(deciders))).all()) if deciders else {}
    kept = cases.kept_points([case.id for case in found])
    shown = [Evidence(case, people[case.member_id], names.get(case.decided_by_id, ""),
                      kept[case.id], matched_signals(case),
                      [people[o] for o in case.evidence.get("others", []) if o in people])
             for case in found]
    store_ids = {s.store_id for e in shown for s in e.signals} - {None}
    stores = dict(db.session.execute(select(Store.id, Store.code)
                                     .where(Store.id.in_(store_ids))).all()) if store_ids else {}
    return Page(shown, number, pages, total, stores)


def matched_signals(case: RiskCase, limit: int = EVIDENCE_SIGNALS) -> list[RiskSignal]:
    """The signals the case's rule counted: the one that tripped it and those sharing its
    key within the rule's window before it, newest first (none once they are purged)."""
    signal = db.session.get(RiskSignal, case.evidence.get("signal") or 0)
    if signal is None:
        return []
    spec = rules.SPECS.get(case.rule_code)
    window = next((r["window_seconds"] for r in case.evidence.get("rules", [])
                   if r.get("rule") == case.rule_code), 0)
    if spec is None or not spec.key or not window:
        return [signal]
    where = [RiskSignal.kind.in_(spec.kinds), RiskSignal.id <= signal.id,
             RiskSignal.occurred_at <= signal.occurred_at,
             RiskSignal.occurred_at > signal.occurred_at - timedelta(seconds=window)]
    for name in spec.key:
        value, column = getattr(signal, name), getattr(RiskSignal, name)
        where.append(column.is_(None) if value is None else column == value)
    return list(db.session.scalars(select(RiskSignal).where(*where)
                                   .order_by(RiskSignal.occurred_at.desc(),
                                             RiskSignal.id.desc()).limit(limit)))


def decide_many(case_ids: list[int], reason: str | None, *, actor_id: int,
                address: str = "", now: datetime | None = None) -> Outcome:
    """Approve (no reason) or reject (with the reason the members read) each case on its
    own, in its own transaction and audit entry; a case decided meanwhile is reported,
    never decided twice. A missing reason for a rejection is refused before any case."""
    if reason is not None:
        reason = reason.strip()
        if not reason or len(reason) > cases.REASON_MAX:
            raise cases.ReasonNeeded(maximum=cases.REASON_MAX)
    outcome = Outcome()
    for case_id in dict.fromkeys(case_ids[:BULK_MAX]):
        try:
            if reason is None:
                cases.approve(case_id, actor_id=actor_id, address=address, now=now)
            else:
                cases.reject(case_id, reason, actor_id=actor_id, address=address, now=now)
        except cases.CaseDecided:
            outcome.already.append(case_id)
        except NotFound:
            outcome.missing.append(case_id)
        else:
            outcome.decided.append(case_id)
    return outcome


def case(case_id: int) -> RiskCase:
    """A case by its number; NotFound if there is none."""
    found = db.session.get(RiskCase, case_id)
    if found is None:
        raise NotFound(case=case_id)
    return found
