"""Purchases from the tills: points earned, held while pending, clawed back on refunds.

Each use case is one write transaction on the locked member, with its Idempotency-Key
answer kept in the same transaction (idempotency.once). A purchase reference is unique per
store, a refund reference per purchase: a resend answers with what was first recorded.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from . import accounts, campaigns, expiry, member_numbers, referrals
from .earning import Earned, Line, birthday_bonus_pct, clawback, purchase_points
from .errors import DomainError, NotFound
from .idempotency import Answer, RequestKey, once
from .models import (
    CREDITED,
    EARN,
    PENDING,
    Member,
    Purchase,
    PurchaseRefund,
    Store,
    utcnow,
)
from .models.earning import HELD
from .models.risk import PURCHASE_SIGNAL, REFUND_SIGNAL
from .program import Program, running_program
from .risk import blocklist, cases, guard
from .risk.signals import NOWHERE, Origin
from .statements import built_once, insert_attached, read, update_attached
from .transaction import lock_member, write_transaction


class UnknownMember(DomainError):
    code = "unknown_member"


class RefundTooLarge(DomainError):
    """More would be refunded than the purchase's amount."""

    code = "refund_exceeds_purchase"


@dataclass(frozen=True)
class PurchaseInput:
    """A purchase as the till reports it, already validated at the edge."""

    reference: str
    amount_fen: int
    lines: list[dict]          # category, amount_fen, optional sku, name, quantity
    occurred_at: datetime
    member_phone: str | None = None
    member_no: str | None = None
    till: str | None = None


@dataclass(frozen=True)
class Recorded:
    """A purchase as recorded, with its member; `new` is False when its reference was
    known already and this is the purchase as first recorded."""

    purchase: Purchase
    member: Member
    new: bool


@dataclass(frozen=True)
class Refunded:
    """A refund as recorded, with its purchase and member; `new` as for Recorded."""

    refund: PurchaseRefund
    purchase: Purchase
    member: Member
    new: bool


def record(store_id: int, data: PurchaseInput, now: datetime | None = None,
           key: RequestKey | None = None,
           answer: Callable[[Recorded], Answer] | None = None) -> tuple[Answer | Recorded, bool]:
    """Record a purchase and its points (credited, or pending for the hold period); a known
    reference gives the purchase as first recorded. Returns what `answer` makes of it (kept
    under `key` in the same transaction), or the Recorded itself, and whether it was replayed."""
    now = now or utcnow()
    return once(key, lambda: _record_locked(store_id, data, now), answer)


def _record_locked(store_id: int, data: PurchaseInput, now: datetime) -> Recorded:
    column, value = _member_key(data)
    reference = {"store_id": store_id, "reference": data.reference}
    known, member_id = read(_first_look(column), {**reference, "value": value}).one()
    if known is None:
        member = lock_member(_found(member_id, data))
        # Again, now that the member is locked; and whether pending purchases came due.
        known, due = read(_locked_look(), {**reference, "member_id": member.id,
                                           "now": now}).one()
        if due:
            _release(member, now)
    if known is not None:
        existing = db.session.get(Purchase, known)
        return Recorded(existing, db.session.get(Member, existing.member_id), new=False)
    program = running_program()
    store = db.session.scalars(_store(), {"store_id": store_id}).one()
    earned = points_for(member, data, program)
    blocklist.refuse_blocked(phone=member.phone, origin=NOWHERE)
    verdict = guard.observe(PURCHASE_SIGNAL, member, Origin(till=data.till), now,
                            points=earned.points, amount_fen=data.amount_fen, store_id=store_id)
    review = verdict.action == guard.HOLD and earned.points > 0
    available_at = data.occurred_at + timedelta(days=program.purchase_hold_days)
    # A frozen member's points wait as pending until the account is unfrozen.
    held = (program.purchase_hold_days > 0 and available_at > now) or member.frozen or review
    purchase = Purchase(store_id=store.id, reference=data.reference, member_id=member.id,
                        amount_fen=data.amount_fen, lines=data.lines, points=earned.points,
                        multiplier_pct=earned.multiplier_pct, bonus_points=earned.bonus_points,
                        status=HELD if review else PENDING if held else CREDITED,
                        available_at=available_at if held else now,
                        occurred_at=data.occurred_at, created_at=now)
    insert_attached(purchase)
    # The store is held whole: the answer reads its code, which would be read again.
    set_committed_value(purchase, "store", store)
    expiry.on_activity(member, now, program)
    entry = None
    if not held and earned.points > 0:
        entry = accounts.credit_locked(member, earned.points, detail=store.name, kind=EARN,
                                       now=now, ref=("purchase", str(purchase.id)))
        update_attached(purchase, entry_id=entry.id)
    if verdict.hits:
        cases.open_case(verdict, member, now, subject=f"purchase {data.reference}",
                        points=earned.points, detail=store.name, credit_kind=EARN,
                        ref=("purchase", str(purchase.id)), entry=entry,
                        purchase=purchase if review else None)
    referrals.on_purchase(member, purchase, now)
    return Recorded(purchase, member, new=True)


def points_for(member: Member, data: PurchaseInput, program: Program) -> Earned:
    """The purchase's points: the member's tier multiplier times the best bonus per line
    (a campaign running when it was made, or the birthday month), rounded down once."""
    running = campaigns.running_at(data.occurred_at)
    birthday = birthday_bonus_pct(member.birthday, data.occurred_at, program.tz,
                                  program.birthday_bonus)

    def bonus(line: Line) -> int:
        return max(birthday, campaigns.best_bonus_pct(running, data.occurred_at, program.tz,
                                                      member.tier_id, line.category))

    lines = [Line(line["category"], line["amount_fen"]) for line in data.lines]
    return purchase_points(lines, program.earn_points, program.earn_per_yuan,
                           member.tier.multiplier_pct, bonus)


def refund(store_id: int, purchase_reference: str, reference: str, amount_fen: int,
           now: datetime | None = None, key: RequestKey | None = None,
           answer: Callable[[Refunded], Answer] | None = None) -> tuple[Answer | Refunded, bool]:
    """Refund part or all of a purchase and claw back its share of the points: from the
    pending points, or from the balance, and what the member already spent is owed.
    Returns as record() does."""
    now = now or utcnow()
    return once(key, lambda: _refund_locked(store_id, purchase_reference, reference,
                                            amount_fen, now), answer)


def _refund_locked(store_id: int, purchase_reference: str, reference: str, amount_fen: int,
                   now: datetime) -> Refunded:
    found = _purchase(store_id, purchase_reference)
    if found is None:
        raise NotFound(purchase=purchase_reference)
    member = lock_member(found.member_id)
    release_due_locked(member, now)
    purchase = db.session.scalar(select(Purchase).where(Purchase.id == found.id)
                                 .execution_options(populate_existing=True))
    done = db.session.scalar(select(PurchaseRefund).where(
        PurchaseRefund.purchase_id == purchase.id, PurchaseRefund.reference == reference))
    if done is not None:
        return Refunded(done, purchase, member, new=False)
    if purchase.refunded_fen + amount_fen > purchase.amount_fen:
        raise RefundTooLarge(refundable_fen=purchase.amount_fen - purchase.refunded_fen)
    # Never more than is left: a review's rejection may have taken the rest back already.
    claw = min(clawback(purchase.points, purchase.amount_fen, purchase.refunded_fen, amount_fen),
               purchase.points - purchase.points_clawed)
    row = PurchaseRefund(purchase_id=purchase.id, reference=reference, amount_fen=amount_fen,
                         points_clawed=claw, points_owed=0, created_at=now)
    db.session.add(row)
    db.session.flush()
    if purchase.status == CREDITED and claw > 0:
        owed, entry = accounts.claw_back_locked(member, claw, detail=purchase.store.name,
                                                now=now, ref=("refund", str(row.id)))
        row.points_clawed, row.points_owed = claw - owed, owed
        row.entry_id = entry.id if entry else None
        if owed:   # points already spent: the rules look at how often this happens
            guard.note(guard.observe(REFUND_SIGNAL, member, NOWHERE, now, store_id=store_id,
                                     amount_fen=amount_fen, points=owed),
                       member, now, f"refund {reference}")
    purchase.refunded_fen += amount_fen
    purchase.points_clawed += claw
    referrals.on_refund(member, purchase, now)
    accounts.undo_unpaid_upgrades(member, now)
    db.session.flush()
    return Refunded(row, purchase, member, new=True)


def release_pending(now: datetime | None = None) -> int:
    """Credit every pending purchase that has come due, one transaction per member;
    returns how many were released. Safe to run twice or on two hosts at once."""
    now = now or utcnow()
    db.session.rollback()  # read what is due now, not from an older snapshot
    member_ids = db.session.scalars(
        select(Purchase.member_id).join(Member, Member.id == Purchase.member_id)
        .where(Purchase.status == PENDING, Purchase.available_at <= now,
               Member.frozen_at.is_(None))
        .distinct().order_by(Purchase.member_id)).all()
    released = 0
    for member_id in member_ids:
        with write_transaction():
            released += release_due_locked(lock_member(member_id), now)
    return released


def release_due_locked(member: Member, now: datetime) -> int:
    """Inside a write transaction with the member locked: credit their due pending purchases,
    less what refunds clawed while they were pending. The status flips here, so a second
    run finds nothing to do. A frozen member's wait until the account is unfrozen."""
    # Whether one is due is read as an id (seldom is one), the purchases only when one is.
    if read(_due(False), {"member_id": member.id, "now": now}).first() is None:
        return 0
    return _release(member, now)


def _release(member: Member, now: datetime) -> int:
    """Credit the member's due pending purchases (release_due_locked, once it is known
    that some are due); a frozen member's wait."""
    if member.frozen:
        return 0
    due = db.session.scalars(_due(True), {"member_id": member.id, "now": now}).all()
    for purchase in due:
        purchase.status = CREDITED
        points = purchase.points - purchase.points_clawed
        if points > 0:
            purchase.entry_id = accounts.credit_locked(
                member, points, detail=purchase.store.name, kind=EARN, now=now,
                ref=("purchase", str(purchase.id))).id
    db.session.flush()
    return len(due)


@built_once
def _due(whole: bool):
    return (select(Purchase if whole else Purchase.id)
            .where(Purchase.member_id == bindparam("member_id"), Purchase.status == PENDING,
                   Purchase.available_at <= bindparam("now", type_=Purchase.available_at.type))
            .order_by(Purchase.available_at, Purchase.id)
            .execution_options(populate_existing=True))


@dataclass(frozen=True)
class Pending:
    points: int
    next_available_at: datetime | None


def pending_points(member_id: int) -> Pending:
    """Points held on the member's pending purchases, and when the next of them comes free."""
    points, first = read(_pending(), {"member_id": member_id}).one()
    return Pending(points, first)


@built_once
def _pending():
    return (select(func.coalesce(func.sum(Purchase.points - Purchase.points_clawed), 0),
                   func.min(Purchase.available_at))
            .where(Purchase.member_id == bindparam("member_id"), Purchase.status == PENDING))


def find(store_id: int, reference: str) -> Purchase:
    """The store's purchase with this reference; NotFound for another store's or none."""
    return _purchase(store_id, reference) or _raise(NotFound(purchase=reference))


def member_of(purchase: Purchase) -> Member:
    return db.session.get(Member, purchase.member_id)


def member_by_no(member_no: str) -> Member:
    """The member with this number; NotFound, without a look-up for a malformed number."""
    member = None
    if member_numbers.is_valid(member_no):
        member = db.session.scalar(select(Member).where(Member.member_no == member_no))
    return member or _raise(NotFound(member=member_no))


def _raise(error: Exception):
    raise error


def _purchase(store_id: int, reference: str) -> Purchase | None:
    return db.session.scalar(_by_reference(True), {"store_id": store_id, "reference": reference})


@built_once
def _by_reference(whole: bool):
    """The store's purchase with a reference: the object, or (not `whole`) its id."""
    return select(Purchase if whole else Purchase.id).where(
        Purchase.store_id == bindparam("store_id"), Purchase.reference == bindparam("reference"))


@built_once
def _store():
    return select(Store).where(Store.id == bindparam("store_id"))


@built_once
def _member_by(column: str):
    return select(Member.id).where(getattr(Member, column) == bindparam("value"))


def _member_key(data: PurchaseInput) -> tuple[str, str | None]:
    """The column a purchase names its member by, and the value to look for there: a
    malformed member number is looked for as NULL, which no member's number is."""
    if data.member_phone is not None:
        return "phone", data.member_phone
    return "member_no", data.member_no if member_numbers.is_valid(data.member_no) else None


def _found(member_id: int | None, data: PurchaseInput) -> int:
    if member_id is None:
        raise UnknownMember(field="member_phone" if data.member_phone is not None
                            else "member_no")
    return member_id


@built_once
def _first_look(column: str):
    """Before the member is locked, in one statement: the store's purchase with the
    reference, if any, and the id of the member the purchase names."""
    return select(_by_reference(False).scalar_subquery(), _member_by(column).scalar_subquery())


@built_once
def _locked_look():
    """With the member locked: the store's purchase with the reference (written meanwhile?)
    and whether any of the member's pending purchases has come due."""
    return select(_by_reference(False).scalar_subquery(), _due(False).order_by(None).exists())
