"""The rules at work: each hook records its signal, measures the rules that watch it (those
that count signals all in one statement) and acts on the strongest that tripped: a block
refuses, a hold keeps the credit back for review, a flag lets it through and opens a case."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, distinct, func, select

from app.extensions import db
from .. import accounts
from ..models import LedgerEntry, Member, Purchase, utcnow
from ..models.risk import BLOCK, FLAG, HOLD, REFERRAL_SIGNAL, SIGN_IN_SIGNAL, RiskRule, RiskSignal
from ..statements import built_once, read
from ..transaction import write_transaction
from . import blocklist, cases, rules
from .errors import Blocked
from .rules import AMOUNT, MEMBERS, NEW_MEMBER_DAYS, POINTS, SHARED, Hit, Rule
from .signals import Origin, record

EVIDENCE_OTHERS = 50   # the most other members a case names


@dataclass(frozen=True)
class Verdict:
    """What the rules made of one action: every hit, and the strongest of them."""

    signal: RiskSignal
    hits: tuple[Hit, ...] = field(default=())

    @property
    def action(self) -> str | None:
        top = rules.strongest(self.hits)
        return top.rule.action if top else None


def signed_in(member_id: int, origin: Origin, now: datetime | None = None) -> None:
    """Record a member's sign-in (any way in); a blocked phone, device or address is
    refused first."""
    now = now or utcnow()
    with write_transaction():
        phone = db.session.scalar(select(Member.phone).where(Member.id == member_id))
        blocklist.refuse_blocked(phone=phone, origin=origin)
        record(SIGN_IN_SIGNAL, member_id, origin, now)


def running_rules() -> list[Rule]:
    """The rules as administrators set them (the defaults where none is stored)."""
    stored = {row[0]: Rule(*row) for row in read(_stored_rules())}
    return [stored.get(rule.code, rule) for rule in _defaults()]


@built_once
def _defaults() -> tuple[Rule, ...]:
    return tuple(rules.default_rules())


@built_once
def _stored_rules():
    # The columns in the order of Rule's fields.
    return select(RiskRule.code, RiskRule.threshold, RiskRule.window_seconds, RiskRule.action,
                  RiskRule.enabled, RiskRule.dry_run_only)


def observe(kind: str, member: Member, origin: Origin, now: datetime, **values) -> Verdict:
    """Record the action's signal and measure the rules watching it; a block is raised
    (and the transaction, signal and all, rolls back)."""
    signal = record(kind, member.id, origin, now, **values)
    hits = _hits(rules.watching(running_rules(), kind), signal, member, now)
    verdict = Verdict(signal, tuple(hits))
    if verdict.action == BLOCK:
        raise Blocked(rule=rules.strongest(hits).rule.code)
    return verdict


def earn(kind: str, member: Member, origin: Origin, now: datetime, *, points: int,
         detail: str, credit_kind: str, ref: tuple[str, str], subject: str,
         **values) -> LedgerEntry | None:
    """A credit the rules look at first: posted (a flag opens a case naming it), or kept
    back by a hold until a review posts it (None)."""
    verdict = observe(kind, member, origin, now, points=points, **values)
    return settle(verdict, member, now, points=points, detail=detail, credit_kind=credit_kind,
                  ref=ref, subject=subject)


def settle(verdict: Verdict, member: Member, now: datetime, *, points: int, detail: str,
           credit_kind: str, ref: tuple[str, str], subject: str,
           purchase: Purchase | None = None) -> LedgerEntry | None:
    """Act on a verdict for a credit (a purchase's, when `purchase` is given, is kept back
    by the caller)."""
    entry = None
    if verdict.action != HOLD and points > 0 and purchase is None:
        entry = accounts.credit_locked(member, points, detail=detail, kind=credit_kind,
                                       now=now, ref=ref)
    if verdict.hits:
        cases.open_case(verdict, member, now, subject=subject, points=points, detail=detail,
                        credit_kind=credit_kind, ref=ref, entry=entry, purchase=purchase)
    return entry


def note(verdict: Verdict, member: Member, now: datetime, subject: str) -> None:
    """An action with no credit (a join, a redemption): any hit opens a case to look at."""
    if verdict.hits:
        cases.open_case(verdict, member, now, subject=subject)


def _hits(watching: list[Rule], signal: RiskSignal, member: Member, now: datetime) -> list[Hit]:
    """The rules that tripped, in the rules' order. Those that count the signals sharing its
    key are measured together, in one statement; the others each as they need."""
    measured: list[Hit | None | tuple[Rule, dict, tuple[bool, ...]]] = []
    for rule in watching:
        spec = rules.SPECS[rule.code]
        if spec.new_members_only and now - member.created_at > timedelta(days=NEW_MEMBER_DAYS):
            continue
        if spec.measure == AMOUNT:
            measured.append(Hit(rule, signal.amount_fen)
                            if rules.tripped(rule, signal.amount_fen) else None)
        elif spec.measure in SHARED:
            measured.append(shared_invitees(rule, signal, now))
        elif rule.code == "referral_no_purchase":
            measured.append(one_purchase_invitees(rule, signal, now))
        elif (values := _values(rule, signal, now)) is not None:
            measured.append((rule, values, tuple(values[name] is None for name in spec.key)))
    counted = [m for m in measured if isinstance(m, tuple)]
    if not counted:
        return [m for m in measured if m is not None]
    # Read on the connection, past the session's flush: signals are written at once
    # (signals.record), and nothing a rule counts waits in the session.
    connection = db.session.connection()
    shape = tuple((rule.code, nulls) for rule, _values, nulls in counted)
    bound = {f"{name}_{n}": value for n, (_rule, values, _nulls) in enumerate(counted)
             for name, value in values.items()}
    counts = iter(connection.execute(_measured(shape), bound).one())
    hits = []
    for m in measured:
        if isinstance(m, tuple):
            m = _counted_hit(connection, *m, next(counts), signal)
        if m is not None:
            hits.append(m)
    return hits


def _values(rule: Rule, signal: RiskSignal, now: datetime) -> dict | None:
    """The values a counting rule's statement binds: its window's start, the start of a new
    member's days, and the signal's key (None when the signal has no value for the key,
    which only a till may lack)."""
    values = {"since": now - timedelta(seconds=rule.window_seconds),
              "joined_since": now - timedelta(days=NEW_MEMBER_DAYS)}
    for name in rules.SPECS[rule.code].key:
        values[name] = getattr(signal, name)
        if values[name] is None and name != "till":
            return None
    return values


def _counted_hit(connection, rule: Rule, values: dict, nulls: tuple[bool, ...], value: int,
                 signal: RiskSignal) -> Hit | None:
    if not rules.tripped(rule, value):
        return None
    others = () if "member_id" in rules.SPECS[rule.code].key else tuple(connection.scalars(
        _others(rule.code, nulls), {**values, "signal_member_id": signal.member_id}))
    return Hit(rule, value, others)


def _signals_measured(code: str, nulls: tuple[bool, ...], suffix: str = "") -> list:
    """What a rule counts: the signals of its kinds in its window (from `since`) sharing the
    signal's key, each key's value bound under its name (or null, as `nulls` says); the
    names end with `suffix`."""
    spec = rules.SPECS[code]
    where = [RiskSignal.kind.in_(spec.kinds),
             RiskSignal.occurred_at > bindparam("since" + suffix,
                                                type_=RiskSignal.occurred_at.type)]
    for name, null in zip(spec.key, nulls, strict=True):
        column = getattr(RiskSignal, name)
        where.append(column.is_(None) if null else column == bindparam(name + suffix))
    return where


def _measure(code: str, nulls: tuple[bool, ...], suffix: str):
    """One rule's measure, its values bound under names ending with `suffix`."""
    spec = rules.SPECS[code]
    query = select(func.count(RiskSignal.id))
    if spec.measure == MEMBERS:
        query = select(func.count(distinct(RiskSignal.member_id)))
    elif spec.measure == POINTS:
        query = select(func.coalesce(func.sum(RiskSignal.points), 0))
    if spec.new_members_only:
        query = query.join(Member, Member.id == RiskSignal.member_id).where(
            Member.created_at > bindparam("joined_since" + suffix,
                                          type_=Member.created_at.type))
    return query.where(*_signals_measured(code, nulls, suffix))


@built_once
def _measured(shape: tuple[tuple[str, tuple[bool, ...]], ...]):
    """The measures of several rules in one statement, one column each, in order: the n-th
    rule's values bound under names ending with `_n`."""
    return select(*(_measure(code, nulls, f"_{n}").scalar_subquery().label(f"m{n}")
                    for n, (code, nulls) in enumerate(shape)))


@built_once
def _others(code: str, nulls: tuple[bool, ...]):
    """The other members among the signals a rule counted, the signal's own bound as
    `signal_member_id`."""
    return (select(RiskSignal.member_id)
            .where(*_signals_measured(code, nulls), RiskSignal.member_id.is_not(None),
                   RiskSignal.member_id != bindparam("signal_member_id"))
            .distinct().order_by(RiskSignal.member_id).limit(EVIDENCE_OTHERS))


def _invitees(signal: RiskSignal, now: datetime, rule: Rule) -> list[int]:
    """The members whose referral rewards the inviter had in the rule's window."""
    return list(db.session.scalars(
        select(RiskSignal.other_member_id).where(
            RiskSignal.kind == REFERRAL_SIGNAL, RiskSignal.member_id == signal.member_id,
            RiskSignal.occurred_at > now - timedelta(seconds=rule.window_seconds))
        .distinct()))


def shared_invitees(rule: Rule, signal: RiskSignal, now: datetime) -> Hit | None:
    """Invitees sharing a device (or an address, as the rule measures) with their inviter
    or with each other."""
    invitees = [i for i in _invitees(signal, now, rule) if i is not None]
    sharing = shared_origins([signal.member_id, *invitees], SHARED[rules.SPECS[rule.code].measure])
    caught = sorted(set(sharing) & set(invitees))
    if not rules.tripped(rule, len(caught)):
        return None
    return Hit(rule, len(caught), tuple(caught[:EVIDENCE_OTHERS]))


def shared_origins(member_ids: list[int], origin: str) -> set[int]:
    """Of these members, those who share a device (origin "device") or an address
    ("address") with another of them."""
    column = getattr(RiskSignal, origin)
    rows = db.session.execute(select(RiskSignal.member_id, column).where(
        RiskSignal.member_id.in_(member_ids), column.is_not(None)).distinct()).all()
    seen: dict[str, set[int]] = {}
    for member_id, value in rows:
        if value:
            seen.setdefault(value, set()).add(member_id)
    return {m for members in seen.values() if len(members) > 1 for m in members}


def one_purchase_invitees(rule: Rule, signal: RiskSignal, now: datetime) -> Hit | None:
    """Invitees rewarded whose first purchase is still their only one."""
    invitees = [i for i in _invitees(signal, now, rule) if i is not None]
    if not invitees:
        return None
    once = list(db.session.scalars(
        select(Purchase.member_id).where(Purchase.member_id.in_(invitees))
        .group_by(Purchase.member_id).having(func.count(Purchase.id) == 1)))
    if not rules.tripped(rule, len(once)):
        return None
    return Hit(rule, len(once), tuple(sorted(once)[:EVIDENCE_OTHERS]))


__all__ = ["Blocked", "FLAG", "HOLD", "Verdict", "earn", "note", "observe", "settle",
           "signed_in"]
