"""Administrators' side of the rules: reading and changing them (audited), and the dry run
of a rule over the last 30 days of recorded signals."""
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from .. import audit_log
from ..errors import DomainError, NotFound
from ..models import Member, utcnow
from ..models.risk import ACTIONS, REFERRAL_SIGNAL, RiskRule, RiskSignal
from ..transaction import write_transaction
from . import guard, rules
from .rules import SHARED, DryRun, Event, Rule

DRY_RUN_DAYS = 30
THRESHOLD_MAX = 10**12
WINDOW_MAX = 366 * rules.DAY


class InvalidRule(DomainError):
    """A rule's values that cannot be kept: `problem` names the field."""

    code = "invalid_rule"


def check(rule: Rule) -> Rule:
    """The rule if its values can be kept; InvalidRule naming the first that cannot."""
    if rule.code not in rules.SPECS:
        raise NotFound(rule=rule.code)
    if not 0 <= rule.threshold <= THRESHOLD_MAX:
        raise InvalidRule(problem="threshold")
    if not 0 < rule.window_seconds <= WINDOW_MAX:
        raise InvalidRule(problem="window")
    if rule.action not in ACTIONS:
        raise InvalidRule(problem="action")
    return rule


def rule(code: str) -> Rule:
    found = next((r for r in guard.running_rules() if r.code == code), None)
    if found is None:
        raise NotFound(rule=code)
    return found


def change(new: Rule, *, actor_id: int, address: str = "",
           now: datetime | None = None) -> Rule:
    """Keep a rule's new values, audited with what they were."""
    check(new)
    now = now or utcnow()
    with write_transaction():
        old = rule(new.code)
        row = db.session.scalar(select(RiskRule).where(RiskRule.code == new.code))
        if row is None:
            row = RiskRule(code=new.code)
            db.session.add(row)
        row.threshold, row.window_seconds, row.action = (new.threshold, new.window_seconds,
                                                         new.action)
        row.enabled, row.dry_run_only, row.updated_at = new.enabled, new.dry_run_only, now
        audit_log.record(actor_id, audit_log.RISK_RULE_CHANGE, new.code, address,
                         before=_values(old), after=_values(new), now=now)
        db.session.flush()
        return new


def _values(rule: Rule) -> dict:
    return {"threshold": rule.threshold, "window_seconds": rule.window_seconds,
            "action": rule.action, "enabled": rule.enabled, "dry_run_only": rule.dry_run_only}


def dry_run(candidate: Rule, now: datetime | None = None) -> DryRun:
    """What the rule, with these values, would have caught over the last DRY_RUN_DAYS of
    recorded signals: how many cases, and the members involved."""
    check(candidate)
    now = now or utcnow()
    since = now - timedelta(days=DRY_RUN_DAYS)
    spec = rules.SPECS[candidate.code]
    if spec.measure in SHARED or candidate.code == "referral_no_purchase":
        return _referral_dry_run(candidate, since, now)
    rows = db.session.execute(
        select(RiskSignal, Member.created_at).outerjoin(Member, Member.id == RiskSignal.member_id)
        .where(RiskSignal.kind.in_(spec.kinds), RiskSignal.occurred_at > since)).all()
    events = [Event(s.id, s.kind, s.member_id,
                    {name: getattr(s, name) for name in spec.key}, s.points, s.amount_fen,
                    s.occurred_at, since_) for s, since_ in rows]
    return rules.dry_run(candidate, events)


def _referral_dry_run(candidate: Rule, since: datetime, now: datetime) -> DryRun:
    signals = db.session.scalars(select(RiskSignal).where(
        RiskSignal.kind == REFERRAL_SIGNAL, RiskSignal.occurred_at > since)
        .order_by(RiskSignal.occurred_at, RiskSignal.id)).all()
    cases, members = 0, set()
    measure = guard.shared_invitees if rules.SPECS[candidate.code].measure in SHARED \
        else guard.one_purchase_invitees
    for signal in signals:
        hit = measure(candidate, signal, now)
        if hit is not None:
            cases += 1
            members.add(signal.member_id)
            members.update(hit.others)
    return DryRun(cases, tuple(sorted(members)))
