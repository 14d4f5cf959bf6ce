"""Use cases of redemption: redeem, pay, cancel, lapse, and fulfil (a coupon code shown,
an item handed over). Each is one transaction."""
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from . import accounts, audit_log, cash, coupon_pools, ledger, price_steps, quotas, stock
from .catalog import lock_item
from .eligibility import member_refusal
from .errors import (
    AccountFrozen,
    AlreadyHandedOver,
    InvalidQuantity,
    NotAwaitingPayment,
    NotCancellable,
    NotCollectable,
    NotFound,
    PaymentRejected,
    ReasonRequired,
)
from .models import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    COUNTED_STATUSES,
    COUPON,
    FULFILLED,
    LAPSED,
    REDEEM,
    REDEMPTION,
    RETURNED,
    CashMovement,
    Item,
    LedgerEntry,
    Order,
    utcnow,
)
from .models.risk import REDEEM_SIGNAL
from .program import running_program
from .risk import blocklist, guard
from .risk.signals import NOWHERE, Origin
from .statements import as_written, built_once, hold_as_written, insert_attached, read
from .transaction import lock_member, write_transaction

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a counter
REASON_LENGTH = 200
# Each of the 256 values of a random byte names one of the 32 letters, each letter as many
# of them (8) as every other: a byte gives a letter as evenly as a choice among the 32.
_LETTER_OF_BYTE = bytes(CODE_ALPHABET[value % len(CODE_ALPHABET)].encode("ascii")[0]
                        for value in range(256))


def new_code(length: int = 10) -> str:
    """A code of `length` letters of CODE_ALPHABET, each drawn evenly from the system's
    secure random source."""
    return secrets.token_bytes(length).translate(_LETTER_OF_BYTE).decode("ascii")


def redeem(member_id: int, item_id: int, idempotency_key: str, quantity: int = 1,
           now: datetime | None = None, origin: Origin = NOWHERE, *,
           expected_price: price_steps.Price | None = None) -> Order:
    """Redeem an item: points (and stock) are taken at once. Points-only orders are
    confirmed; points-plus-cash orders wait for payment. The same key gives the same order.
    `expected_price` is the price the member was shown: when the item's price (a due step
    written) is another, PriceChanged names the new one and nothing changes."""
    now = now or utcnow()
    try:
        with write_transaction():
            member = lock_member(member_id)
            placed, lapsed, overdue = read(_opening(), {
                "member_id": member_id, "key": idempotency_key, "now": now}).one()
            if placed is not None:
                return db.session.get(Order, placed)
            if member.frozen:
                raise AccountFrozen()
            if lapsed:
                ledger.expire_lapsed(member, now)
            if overdue:
                _lapse_overdue(member, now)
            item = db.session.scalar(_item(), {"item_id": item_id})
            if item is None:
                raise NotFound(item_id=item_id)
            quota = None
            if item.quota is not None:
                # The item's row stays locked to the commit, so that two members cannot
                # both take the last of a period's quota.
                item = lock_item(item_id)
                quota = quotas.use(item, now, running_program().tz)
            price_steps.apply_due_locked(item, now)
            price_steps.refuse_changed(item, expected_price)
            limited = item.per_member_limit is not None  # else no count is needed
            problem = member_refusal(item, member, balance=member.points_balance,
                                     already_bought=bought(member_id, item_id) if limited
                                     else 0, now=now, quantity=quantity, quota=quota)
            if problem:
                raise problem
            if item.kind == COUPON and quantity != 1:  # one code to an order
                raise InvalidQuantity(quantity=quantity, maximum=1)
            blocklist.refuse_blocked(phone=member.phone, origin=origin)
            verdict = guard.observe(REDEEM_SIGNAL, member, origin, now, item_id=item.id,
                                    points=item.points_price * quantity)
            code = new_code()
            entry = ledger.debit(member, item.points_price * quantity, kind=REDEEM,
                                 detail=item.name, ref=("order", code), now=now)
            paid_in_cash = item.cash_fen > 0
            order = Order(
                code=code, member_id=member_id, item_id=item.id, quantity=quantity,
                points=item.points_price * quantity, cash_fen=item.cash_fen * quantity,
                cost_fen=item.cost_fen * quantity,
                status=AWAITING_PAYMENT if paid_in_cash else CONFIRMED,
                idempotency_key=idempotency_key, redeem_entry_id=entry.id,
                pay_by=now + timedelta(minutes=running_program().payment_window_minutes)
                if paid_in_cash else None,
                created_at=now)
            insert_attached(order)
            _take_stock(item, order, now)
            guard.note(verdict, member, now, f"order {code}")
            written = as_written(order)
        # The answer shows the order just written: it need not be read again.
        hold_as_written(order, written)
        return order
    except IntegrityError:
        # Another process wrote an order with this key between our check and our insert.
        order = _order_for_key(member_id, idempotency_key)
        if order is None:
            raise
        return order


def cancel(member_id: int, code: str, now: datetime | None = None) -> Order:
    """The member cancels an unfulfilled order in the cancel window: points and stock
    return, and cash paid for it is refunded (sent to the provider after commit)."""
    now = now or utcnow()
    with write_transaction():
        member = lock_member(member_id)
        order = _member_order(member_id, code)
        if not cancellable(order, now):
            raise NotCancellable(status=order.status)
        _close(member, order, CANCELLED, now)
        cash.refund_order(order, now)
        return order


def cancel_for_member(code: str, reason: str, actor_id: int, address: str = "",
                      now: datetime | None = None) -> Order:
    """Staff cancel an unfulfilled order with a reason the member reads on it: no cancel
    window applies, but a fulfilled or closed order is never cancelled. Points, stock and
    any cash paid return as when the member cancels; the audit entry is written with it."""
    now = now or utcnow()
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > REASON_LENGTH:
        raise ReasonRequired(maximum=REASON_LENGTH)
    with write_transaction():
        member, order = _lock_order(code)
        if order.status not in (AWAITING_PAYMENT, CONFIRMED) or order.fulfilled_at:
            raise NotCancellable(status=order.status)
        before = order.status
        _close(member, order, CANCELLED, now)
        cash.refund_order(order, now)
        order.cancel_reason = reason
        audit_log.record(actor_id, audit_log.CANCEL, f"order {order.code}", address,
                         before={"status": before},
                         after={"status": CANCELLED, "reason": reason}, now=now)
        return order


def reveal(member_id: int, code: str, now: datetime | None = None) -> Order:
    """The member shows a coupon order's code: from then on it counts as used, so the order
    is fulfilled and can no longer be cancelled. Showing it again changes nothing."""
    now = now or utcnow()
    with write_transaction():
        lock_member(member_id)
        order = _member_order(member_id, code)
        if order.item.kind != COUPON:
            raise NotCollectable(status=order.status, kind=order.item.kind)
        _fulfil(order, now)
        return order


def hand_over(code: str, now: datetime | None = None, *, actor_id: int | None = None,
              store_id: int | None = None, address: str = "") -> Order:
    """The item of a confirmed order is handed over at the counter, once: the order is
    fulfilled, can no longer be cancelled, and records who handed it over and at which store
    (with an audit entry when staff did it). A second time is AlreadyHandedOver."""
    now = now or utcnow()
    with write_transaction():
        _member, order = _lock_order(code)
        if order.item.kind == COUPON:
            raise NotCollectable(status=order.status, kind=order.item.kind)
        if order.status == FULFILLED:
            raise AlreadyHandedOver(
                at=order.fulfilled_at, store=getattr(order.handed_over_store, "name", None),
                by=getattr(order.handed_over_staff, "name", None))
        _fulfil(order, now)
        order.handed_over_by, order.handed_over_store_id = actor_id, store_id
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.HAND_OVER, f"order {order.code}", address,
                             before={"status": CONFIRMED},
                             after={"status": FULFILLED, "store_id": store_id}, now=now)
        return order


def collectable(order: Order) -> bool:
    """Whether the order's pickup code or coupon may be shown: paid for, not closed."""
    return order.status in (CONFIRMED, FULFILLED)


def settle_payment(code: str, approved: bool, amount_fen: int, now: datetime | None = None,
                   *, provider: str = "sandbox", reference: str | None = None,
                   actor_id: int | None = None, address: str = "") -> Order:
    """Apply a verified payment notification. Approved in time: the capture is recorded
    and the order confirmed. Approved too late, for a closed order, or twice: the capture is
    recorded and refunded. Declined: an unpaid order lapses and everything held returns.
    A repeated notification (the same reference) changes nothing. A provider that names no
    reference takes one payment per order, so the order code stands for it.
    Cash taken by staff at the counter (`actor_id`) is taken only while the order waits for
    it (else NotAwaitingPayment, nothing recorded) and is audited with the capture."""
    now = now or utcnow()
    with write_transaction():
        member, order = _lock_order(code)
        if actor_id is not None and not _counter_cash_due(order, provider, reference, now):
            return order
        if not approved:
            if order.status == AWAITING_PAYMENT:
                _close(member, order, LAPSED, now)
            return order
        if amount_fen <= 0 or amount_fen != order.cash_fen:
            raise PaymentRejected(expected=order.cash_fen, got=amount_fen)
        capture = cash.record_capture(order, provider, reference or code, amount_fen, now)
        if capture is None:
            return order
        if order.status == AWAITING_PAYMENT and now < order.pay_by:
            order.status, order.paid_at = CONFIRMED, now
            if actor_id is not None:
                audit_log.record(actor_id, audit_log.CASH_TAKEN, f"order {order.code}",
                                 address, before={"status": AWAITING_PAYMENT},
                                 after={"status": CONFIRMED, "cash_fen": amount_fen,
                                        "reference": reference}, now=now)
            return order
        if order.status == AWAITING_PAYMENT:
            _close(member, order, LAPSED, now)
        cash.refund_capture(capture, order.code, now)
        return order


def _counter_cash_due(order: Order, provider: str, reference: str | None,
                      now: datetime) -> bool:
    """Whether cash offered in person is to be taken: False for the same confirmation
    submitted again (already recorded), NotAwaitingPayment when nothing is due."""
    if db.session.scalar(select(CashMovement.id).where(
            CashMovement.provider == provider, CashMovement.reference == reference,
            CashMovement.order_id == order.id)) is not None:
        return False
    if order.status != AWAITING_PAYMENT or now >= order.pay_by:
        raise NotAwaitingPayment(status=order.status, pay_by=order.pay_by)
    return True


@built_once
def _item():
    return (select(Item).where(Item.id == bindparam("item_id"))
            .execution_options(populate_existing=True))


@built_once
def _opening():
    """What a redemption reads first on the locked member, in one statement (there is seldom
    anything to do): the order its key placed already, if any; whether any of the member's
    lots have lapsed; whether any of their unpaid orders is past its window."""
    return select(_order_id_for_key().scalar_subquery(), ledger.any_lapsed(),
                  _overdue(False).order_by(None).exists())


@built_once
def _overdue(whole: bool):
    # Oldest first, as they were placed: the points of each come back in that order.
    return select(Order if whole else Order.id).where(
        Order.member_id == bindparam("member_id"), Order.status == AWAITING_PAYMENT,
        Order.pay_by <= bindparam("now", type_=Order.pay_by.type)
    ).order_by(Order.pay_by, Order.id)


def _lapse_overdue(member, now: datetime) -> None:
    """The member's own unpaid orders past their window lapse before anything else they do
    (the redemption has found that there are some)."""
    for order in db.session.scalars(_overdue(True), {"member_id": member.id, "now": now}).all():
        _close(member, order, LAPSED, now)


def lapse_unpaid(now: datetime | None = None) -> int:
    """Lapse every order whose payment window has passed; returns how many."""
    now = now or utcnow()
    due = db.session.execute(select(Order.code, Order.member_id).where(
        Order.status == AWAITING_PAYMENT, Order.pay_by <= now).order_by(Order.pay_by, Order.id)
    ).all()
    db.session.rollback()
    lapsed = 0
    for code, member_id in due:
        with write_transaction():
            member = lock_member(member_id)
            order = _member_order(member_id, code)
            if order.status == AWAITING_PAYMENT and order.pay_by <= now:
                _close(member, order, LAPSED, now)
                lapsed += 1
    return lapsed


def cancel_deadline(order: Order) -> datetime:
    """Until when a confirmed order may be cancelled."""
    return order.created_at + timedelta(hours=running_program().cancel_window_hours)


def cancellable(order: Order, now: datetime) -> bool:
    """Unpaid orders may always be cancelled; confirmed ones within the cancel window, until
    the item is handed over or the coupon code shown (the order is fulfilled then)."""
    if order.status == AWAITING_PAYMENT:
        return True
    return (order.status == CONFIRMED and order.fulfilled_at is None
            and now < cancel_deadline(order))


@built_once
def _bought():
    return select(func.coalesce(func.sum(Order.quantity), 0)).where(
        Order.member_id == bindparam("member_id"), Order.item_id == bindparam("item_id"),
        Order.status.in_(COUNTED_STATUSES))


def bought(member_id: int, item_id: int) -> int:
    """How many of an item the member holds in orders that count against the limit."""
    return db.session.scalar(_bought(), {"member_id": member_id, "item_id": item_id})


def _close(member, order: Order, status: str, now: datetime) -> None:
    entry = db.session.get(LedgerEntry, order.redeem_entry_id)
    ledger.expire_lapsed(member, now)
    accounts.restore_locked(member, entry, detail=order.item.name, now=now,
                            program=running_program(), ref=("order", order.code))
    if order.item.kind == COUPON:
        coupon_pools.return_code(order, now)
    elif order.item.stock is not None:
        stock.move(order.item_id, order.quantity, RETURNED, order_id=order.id, now=now)
    order.status, order.closed_at = status, now


def _fulfil(order: Order, now: datetime) -> None:
    if order.status == FULFILLED:
        return
    if order.status != CONFIRMED:
        raise NotCollectable(status=order.status, kind=order.item.kind)
    order.status, order.fulfilled_at = FULFILLED, now


def _take_stock(item: Item, order: Order, now: datetime) -> None:
    """Take the order's stock (a conditional update: never below zero, whatever runs beside
    us) and, for a coupon item, one unused code of its pool; SoldOut when there is none."""
    if item.stock is not None:
        stock.move(item.id, -order.quantity, REDEMPTION, order_id=order.id, now=now)
    if item.kind == COUPON:
        order.coupon_code = coupon_pools.take_code(item.id, order.id)


def _order_for_key(member_id: int, key: str) -> Order | None:
    """The member's order placed with `key`: its id is looked up alone (a new key, the usual
    case, costs one narrow read), the order with its item only when there is one."""
    # On the connection: an order is written with its key in the transaction that commits it.
    order_id = db.session.connection().scalar(_order_id_for_key(),
                                              {"member_id": member_id, "key": key})
    return None if order_id is None else db.session.get(Order, order_id)


@built_once
def _order_id_for_key():
    return select(Order.id).where(Order.member_id == bindparam("member_id"),
                                  Order.idempotency_key == bindparam("key"))


def _lock_order(code: str):
    """The member who placed the order, locked, and the order read afresh."""
    member_id = db.session.scalar(select(Order.member_id).where(Order.code == code))
    if member_id is None:
        raise NotFound(code=code)
    return lock_member(member_id), _member_order(member_id, code)


def _member_order(member_id: int, code: str) -> Order:
    order = db.session.scalar(select(Order).where(Order.member_id == member_id,
                                                  Order.code == code)
                              .execution_options(populate_existing=True))
    if order is None:
        raise NotFound(code=code)
    return order

