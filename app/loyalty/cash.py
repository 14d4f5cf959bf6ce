"""Cash a member paid: every capture and refund recorded with the provider's reference.

A capture is recorded once per (provider, reference), however often the provider repeats
its notification. A refund is written in the same transaction as what caused it (a
cancelled paid order, a payment that came too late), then sent to the provider after
commit, never while a write transaction is open: each refund is claimed in one short
transaction (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: BEGIN IMMEDIATE makes senders
take turns), sent with none open, and the outcome recorded in another. A refund the
provider did not confirm is asked again after a growing pause, by the `refund` job, with
the same refund id; the provider refunds each refund id once, so a sender that died after
asking but before recording only makes the next one ask again and get the same answer.
"""
import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from app.extensions import db
from .errors import PaymentRejected
from .models import CAPTURED, CONFIRMED, FULFILLED, REFUNDED, REQUESTED, CashMovement, Order, utcnow
from .models.cash import REFUND
from .payments import PaymentProvider
from .transaction import write_transaction

log = logging.getLogger(__name__)

# Pause before each further attempt: 1 minute, 10 minutes, an hour, then every six hours
# until an operator sees to it; a refund is never given up.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1),
           timedelta(hours=6))
CLAIM_LEASE = timedelta(minutes=5)  # far longer than one call to a provider may take
BATCH = 100
WARN_AFTER = 3  # failed attempts before each further failure is logged as an error


def record_capture(order: Order, provider: str, reference: str, amount_fen: int,
                   now: datetime) -> CashMovement | None:
    """Record cash the provider captured for an order, in the caller's transaction.
    None if this payment was recorded before (a repeated notification)."""
    earlier = db.session.scalar(select(CashMovement).where(
        CashMovement.provider == provider, CashMovement.reference == reference))
    if earlier is not None:
        if earlier.order_id != order.id or earlier.kind != CAPTURED:
            raise PaymentRejected(reason="reference already used")
        return None
    capture = CashMovement(order_id=order.id, kind=CAPTURED, amount_fen=amount_fen,
                           provider=provider, reference=reference, status=CAPTURED,
                           created_at=now, done_at=now)
    db.session.add(capture)
    db.session.flush()
    return capture


def refund_capture(capture: CashMovement, order_code: str, now: datetime) -> CashMovement:
    """Write the refund of a whole capture, in the caller's transaction; it is sent later."""
    refund = CashMovement(order_id=capture.order_id, kind=REFUND, amount_fen=capture.amount_fen,
                          provider=capture.provider, refund_of_id=capture.id,
                          refund_id=f"RF-{order_code}-{capture.id}", status=REQUESTED,
                          next_attempt_at=now, created_at=now)
    db.session.add(refund)
    db.session.flush()
    return refund


def refund_order(order: Order, now: datetime) -> list[CashMovement]:
    """Refund every capture of an order not refunded yet, in the caller's transaction."""
    refunded = select(CashMovement.refund_of_id).where(
        CashMovement.order_id == order.id, CashMovement.kind == REFUND)
    captures = db.session.scalars(select(CashMovement).where(
        CashMovement.order_id == order.id, CashMovement.kind == CAPTURED,
        CashMovement.id.not_in(refunded)).order_by(CashMovement.id)).all()
    return [refund_capture(capture, order.code, now) for capture in captures]


def refunds(order_id: int) -> list[CashMovement]:
    """An order's refunds, oldest first."""
    return db.session.scalars(select(CashMovement).where(
        CashMovement.order_id == order_id, CashMovement.kind == REFUND)
        .order_by(CashMovement.id)).all()


def check() -> list[tuple[str, str]]:
    """Every order whose cash disagrees with its status: a paid, open order keeps exactly
    its price; any other keeps nothing (each capture refunded, or its refund under way).
    Empty when all is well; otherwise (order code, what is wrong)."""
    kept = func.coalesce(func.sum(case((CashMovement.kind == CAPTURED, CashMovement.amount_fen),
                                       else_=-CashMovement.amount_fen)), 0)
    rows = db.session.execute(
        select(Order.code, Order.status, Order.cash_fen, Order.paid_at, kept)
        .outerjoin(CashMovement, CashMovement.order_id == Order.id)
        .where(or_(Order.cash_fen > 0, CashMovement.id.is_not(None)))
        .group_by(Order.id, Order.code, Order.status, Order.cash_fen, Order.paid_at)).all()
    problems = []
    for code, status, price, paid_at, held in rows:
        owed = price if paid_at is not None and status in (CONFIRMED, FULFILLED) else 0
        if held != owed:
            problems.append((code, f"{status} order holds {held} fen of cash, should be {owed}"))
    return problems


def send_refunds(provider: PaymentProvider, now: datetime | None = None,
                 order_id: int | None = None, limit: int = BATCH) -> int:
    """Ask the provider for the refunds now due (of one order, if given), each in its own
    short transactions and none open while the provider answers; returns how many it
    confirmed."""
    now = now or utcnow()
    db.session.rollback()  # see what others committed, not a read begun earlier
    query = select(CashMovement.id).where(_due(now), CashMovement.provider == provider.name)
    if order_id is not None:
        query = query.where(CashMovement.order_id == order_id)
    due = db.session.scalars(query.order_by(CashMovement.id).limit(limit)).all()
    db.session.rollback()
    done = 0
    for refund_id in due:
        claimed = _claim(refund_id, now)
        if claimed is None:
            continue
        token, order_code, amount_fen, refund_key = claimed
        try:
            reference, error = provider.refund(order_code, amount_fen, refund_key), None
        except Exception as failure:  # any failure of the provider: asked again later
            reference, error = None, failure
        done += _record(refund_id, token, reference, error, now)
    return done


def _due(now: datetime):
    """Refunds not yet confirmed, not in another sender's hands, whose pause is over."""
    free = or_(CashMovement.claimed_at.is_(None), CashMovement.claimed_at <= now - CLAIM_LEASE)
    return and_(CashMovement.kind == REFUND, CashMovement.status == REQUESTED,
                CashMovement.next_attempt_at <= now, free)


def _claim(refund_id: int, now: datetime) -> tuple[str, str, int, str] | None:
    """Take a refund for this sender if it is still due: the claim and what to ask for."""
    with write_transaction() as session:
        row = session.scalar(select(CashMovement).where(CashMovement.id == refund_id, _due(now))
                             .with_for_update(skip_locked=True))
        if row is None:  # refunded meanwhile, or in another sender's hands
            return None
        row.claim, row.claimed_at = secrets.token_hex(16), now
        code = session.scalar(select(Order.code).where(Order.id == row.order_id))
        return row.claim, code, row.amount_fen, row.refund_id


def _record(refund_id: int, token: str, reference: str | None, error: Exception | None,
            now: datetime) -> bool:
    """Record what the provider answered, if this sender still holds the claim."""
    with write_transaction() as session:
        row = session.scalar(select(CashMovement).where(CashMovement.id == refund_id,
                                                        CashMovement.claim == token)
                             .with_for_update())
        if row is None:  # the lease ran out and another sender asked again, same refund id
            return False
        row.attempts += 1
        row.claim = row.claimed_at = None
        if error is None and reference:
            row.status, row.reference, row.done_at, row.last_error = (
                REFUNDED, reference[:64], now, "")
            return True
        row.last_error = f"{type(error).__name__}: {error}"[:300] if error else "no reference"
        row.next_attempt_at = now + BACKOFF[min(row.attempts, len(BACKOFF)) - 1]
        level = logging.ERROR if row.attempts >= WARN_AFTER else logging.WARNING
        log.log(level, "Refund %s of %s fen failed (attempt %s): %s", row.refund_id,
                row.amount_fen, row.attempts, row.last_error)
        return False
