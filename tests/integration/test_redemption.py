"""Redeeming, paying, cancelling and lapsing orders, through the services."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import accounts, redemption
from app.loyalty.errors import (
    InsufficientPoints,
    LimitReached,
    NotCancellable,
    NotFound,
    NotOnSale,
    PaymentRejected,
    SoldOut,
    TierTooLow,
)
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import (
    ADJUST,
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    COUPON,
    EXPIRE,
    LAPSED,
    REDEEM,
    RETURN,
    Item,
    LedgerEntry,
    LotAllocation,
    Member,
    Order,
    PointLot,
)
from app.loyalty.redemption import CODE_ALPHABET
from tests.conftest import days, utc
from tests.support import balance

EARNED = utc(2026, 5, 1, 4, 0)
NOW = utc(2026, 6, 1, 4, 0)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def shopper(make_member):
    """A member with 5,000 points in one lot and 3,000 in a later one."""
    member = make_member(points=5000, earned_at=EARNED)
    accounts.award(member.id, 3000, "gift", kind=ADJUST, now=EARNED + days(40))
    return member.id


def snapshot(member_id: int, item_id: int) -> tuple:
    """Everything a refused or repeated request must leave as it was."""
    db.session.expire_all()
    return (
        db.session.scalar(select(Member.points_balance).where(Member.id == member_id)),
        db.session.scalar(select(Item.stock).where(Item.id == item_id)),
        db.session.scalar(select(func.count()).select_from(Order)),
        db.session.scalar(select(func.count()).select_from(LedgerEntry)),
        tuple(db.session.scalars(select(PointLot.remaining).order_by(PointLot.id))),
    )


def stock(item_id):
    return db.session.scalar(select(Item.stock).where(Item.id == item_id))


def lot_remainders(member_id):
    return list(db.session.scalars(select(PointLot.remaining)
                                   .where(PointLot.member_id == member_id).order_by(PointLot.id)))


def order(code):
    return db.session.scalar(select(Order).where(Order.code == code)
                             .execution_options(populate_existing=True))


# Points only

def test_a_points_only_order_is_confirmed_at_once_with_an_order_code(shopper, make_item):
    item = make_item(points_price=1200, stock=5)

    placed = redemption.redeem(shopper, item.id, "key-1", now=NOW)

    assert placed.status == CONFIRMED
    assert len(placed.code) == 10 and set(placed.code) <= set(CODE_ALPHABET)
    assert (placed.points, placed.cash_fen, placed.pay_by, placed.coupon_code) == (1200, 0, None,
                                                                                  None)
    assert placed.created_at == NOW
    assert balance(shopper) == 6800 and stock(item.id) == 4
    entry = db.session.get(LedgerEntry, placed.redeem_entry_id)
    assert (entry.kind, entry.points, entry.ref_type, entry.ref_id) == (REDEEM, -1200, "order",
                                                                        placed.code)
    assert check_ledger() == []


def test_a_coupon_order_comes_with_a_coupon_code(shopper, make_item):
    placed = redemption.redeem(shopper, make_item(kind=COUPON).id, "key-1", now=NOW)
    assert placed.coupon_code and len(placed.coupon_code) == 12


def test_each_order_gets_its_own_code(shopper, make_item):
    item = make_item(points_price=10, stock=None)
    codes = {redemption.redeem(shopper, item.id, f"key-{n}", now=NOW).code for n in range(20)}
    assert len(codes) == 20


def test_redeeming_several_takes_points_and_stock_for_each(shopper, make_item):
    item = make_item(points_price=700, stock=5)
    placed = redemption.redeem(shopper, item.id, "key-1", quantity=3, now=NOW)
    assert (placed.quantity, placed.points) == (3, 2100)
    assert balance(shopper) == 5900 and stock(item.id) == 2


def test_an_item_with_unlimited_stock_can_be_redeemed_and_stays_unlimited(shopper, make_item):
    item = make_item(points_price=100, stock=None)
    for n in range(3):
        assert redemption.redeem(shopper, item.id, f"key-{n}", now=NOW).status == CONFIRMED
    assert stock(item.id) is None
    assert balance(shopper) == 7700


def test_the_same_idempotency_key_twice_gives_the_same_order_and_one_debit(shopper, make_item):
    item = make_item(points_price=1000, stock=5)
    first = redemption.redeem(shopper, item.id, "double-tap", now=NOW)
    after_first = snapshot(shopper, item.id)

    second = redemption.redeem(shopper, item.id, "double-tap", now=NOW + MINUTE)

    assert (second.id, second.code) == (first.id, first.code)
    assert snapshot(shopper, item.id) == after_first
    assert balance(shopper) == 7000
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)
                             .where(LedgerEntry.kind == REDEEM)) == 1


def test_another_member_may_use_the_same_idempotency_key(shopper, make_member, make_item):
    other = make_member(points=1000, earned_at=EARNED)
    item = make_item(points_price=100)
    mine = redemption.redeem(shopper, item.id, "same-key", now=NOW)
    theirs = redemption.redeem(other.id, item.id, "same-key", now=NOW)
    assert mine.id != theirs.id and theirs.member_id == other.id


# Refusals change nothing

def refused_item(make_item, make_member, member_id, reason):
    if reason == "sold out":
        return make_item(stock=0)
    if reason == "tier too low":
        return make_item(min_tier="gold")
    if reason == "not on sale":
        return make_item(active=False)
    if reason == "sale not started":
        return make_item(sale_starts_at=NOW + HOUR)
    if reason == "sale ended":
        return make_item(sale_ends_at=NOW)
    if reason == "insufficient points":
        return make_item(points_price=8001)
    if reason == "over the limit":
        item = make_item(per_member_limit=1)
        redemption.redeem(member_id, item.id, "first", now=NOW - HOUR)
        return item
    raise AssertionError(reason)


@pytest.mark.parametrize("reason, error", [
    ("sold out", SoldOut), ("tier too low", TierTooLow), ("not on sale", NotOnSale),
    ("sale not started", NotOnSale), ("sale ended", NotOnSale),
    ("insufficient points", InsufficientPoints), ("over the limit", LimitReached),
])
def test_a_refused_redemption_raises_its_reason_and_changes_nothing(
        shopper, make_item, make_member, reason, error):
    item = refused_item(make_item, make_member, shopper, reason)
    before = snapshot(shopper, item.id)

    with pytest.raises(error):
        redemption.redeem(shopper, item.id, "key-refused", now=NOW)

    assert snapshot(shopper, item.id) == before
    assert check_ledger() == []


def test_a_refused_key_can_be_used_again_once_the_reason_is_gone(shopper, make_item):
    item = make_item(stock=0)
    with pytest.raises(SoldOut):
        redemption.redeem(shopper, item.id, "retry", now=NOW)
    db.session.get(Item, item.id).stock = 1
    db.session.commit()
    assert redemption.redeem(shopper, item.id, "retry", now=NOW).status == CONFIRMED


def test_a_member_of_the_minimum_tier_may_redeem(make_member, make_item):
    gold = make_member(points=1000, earned_at=EARNED, tier="gold")
    item = make_item(min_tier="gold")
    assert redemption.redeem(gold.id, item.id, "key-1", now=NOW).status == CONFIRMED


def test_cancelled_orders_do_not_count_against_the_limit(shopper, make_item):
    item = make_item(per_member_limit=1)
    first = redemption.redeem(shopper, item.id, "key-1", now=NOW)
    redemption.cancel(shopper, first.code, now=NOW + MINUTE)
    assert redemption.redeem(shopper, item.id, "key-2", now=NOW + 2 * MINUTE).status == CONFIRMED


def test_redeeming_an_unknown_item_is_not_found(shopper):
    with pytest.raises(NotFound):
        redemption.redeem(shopper, 999_999, "key-1", now=NOW)


def test_points_that_lapsed_cannot_be_spent(make_member, make_item):
    member = make_member(points=1000, earned_at=EARNED)         # expires 2027-05-31T16:00Z
    item = make_item(points_price=500, stock=None)
    last_minute = utc(2027, 5, 31, 15, 59)
    assert redemption.redeem(member.id, item.id, "key-0", now=last_minute).status == CONFIRMED
    before = snapshot(member.id, item.id)
    with pytest.raises(InsufficientPoints):
        redemption.redeem(member.id, item.id, "key-1", now=utc(2027, 5, 31, 16, 0))
    # Refused, so even the expiry it ran on the way is rolled back: the job writes it later.
    assert snapshot(member.id, item.id) == before
    assert check_ledger() == []


def test_a_redemption_first_expires_the_points_that_lapsed_and_then_spends_from_the_rest(
        make_member, make_item):
    member = make_member(points=1000, earned_at=EARNED)         # expires 2027-05-31T16:00Z
    accounts.award(member.id, 700, "gift", kind=ADJUST, now=utc(2026, 7, 1, 4, 0))
    item = make_item(points_price=500, stock=None)
    after_the_lapse = utc(2027, 6, 1, 4, 0)

    redemption.redeem(member.id, item.id, "key-0", now=after_the_lapse)

    kinds_and_balances = db.session.execute(
        select(LedgerEntry.kind, LedgerEntry.points, LedgerEntry.balance_after)
        .where(LedgerEntry.member_id == member.id).order_by(LedgerEntry.id)).all()
    assert kinds_and_balances[-2:] == [(EXPIRE, -1000, 700), (REDEEM, -500, 200)]
    assert balance(member.id) == 200
    assert check_ledger() == []


# Points plus cash

def test_a_points_plus_cash_order_holds_points_and_stock_and_awaits_payment(shopper, make_item):
    item = make_item(points_price=1000, cash_fen=1990, stock=3)

    placed = redemption.redeem(shopper, item.id, "key-1", quantity=2, now=NOW)

    assert placed.status == AWAITING_PAYMENT
    assert placed.pay_by == NOW + 15 * MINUTE
    assert (placed.points, placed.cash_fen, placed.paid_at) == (2000, 3980, None)
    assert balance(shopper) == 6000 and stock(item.id) == 1


def place_cash_order(shopper, make_item, now=NOW):
    item = make_item(points_price=5500, cash_fen=1990, stock=3)
    placed = redemption.redeem(shopper, item.id, "key-cash", now=now)
    return item, placed


def test_an_approved_payment_confirms_the_order(shopper, make_item):
    item, placed = place_cash_order(shopper, make_item)

    paid = redemption.settle_payment(placed.code, True, 1990, now=NOW + 5 * MINUTE)

    assert (paid.status, paid.paid_at) == (CONFIRMED, NOW + 5 * MINUTE)
    assert balance(shopper) == 2500 and stock(item.id) == 2
    assert check_ledger() == []


def test_a_declined_payment_lapses_the_order_and_returns_points_to_their_lots(shopper,
                                                                              make_item):
    before = lot_remainders(shopper)
    item, placed = place_cash_order(shopper, make_item)
    assert lot_remainders(shopper) == [0, 2500]

    declined = redemption.settle_payment(placed.code, False, 1990, now=NOW + 5 * MINUTE)

    assert (declined.status, declined.closed_at) == (LAPSED, NOW + 5 * MINUTE)
    assert lot_remainders(shopper) == before == [5000, 3000]
    assert balance(shopper) == 8000 and stock(item.id) == 3
    refund = db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == RETURN))
    assert (refund.points, refund.ref_id) == (5500, placed.code)
    assert check_ledger() == []


@pytest.mark.parametrize("first, again", [(True, True), (True, False), (False, False),
                                          (False, True)])
def test_a_repeated_payment_notification_changes_nothing(shopper, make_item, first, again):
    item, placed = place_cash_order(shopper, make_item)
    settled = redemption.settle_payment(placed.code, first, 1990, now=NOW + 5 * MINUTE)
    after = snapshot(shopper, item.id)

    repeated = redemption.settle_payment(placed.code, again, 1990, now=NOW + 6 * MINUTE)

    assert repeated.status == settled.status == (CONFIRMED if first else LAPSED)
    assert snapshot(shopper, item.id) == after


@pytest.mark.parametrize("amount", [0, 1989, 1991, 3980])
def test_a_payment_of_the_wrong_amount_is_rejected_and_changes_nothing(shopper, make_item,
                                                                       amount):
    item, placed = place_cash_order(shopper, make_item)
    before = snapshot(shopper, item.id)

    with pytest.raises(PaymentRejected):
        redemption.settle_payment(placed.code, True, amount, now=NOW + 5 * MINUTE)

    assert order(placed.code).status == AWAITING_PAYMENT
    assert snapshot(shopper, item.id) == before


def test_a_payment_for_an_unknown_order_is_not_found(app):
    with pytest.raises(NotFound):
        redemption.settle_payment("NOSUCHCODE", True, 100, now=NOW)


def test_a_payment_arriving_after_the_window_lapses_the_order(shopper, make_item):
    item, placed = place_cash_order(shopper, make_item)
    late = redemption.settle_payment(placed.code, True, 1990, now=placed.pay_by)
    assert late.status == LAPSED
    assert balance(shopper) == 8000 and stock(item.id) == 3


def test_unpaid_orders_lapse_after_fifteen_minutes_returning_points_and_stock(shopper,
                                                                              make_item):
    item, placed = place_cash_order(shopper, make_item)
    before = lot_remainders(shopper)

    assert redemption.lapse_unpaid(now=NOW + 15 * MINUTE - timedelta(seconds=1)) == 0
    assert order(placed.code).status == AWAITING_PAYMENT
    assert lot_remainders(shopper) == before

    assert redemption.lapse_unpaid(now=NOW + 15 * MINUTE) == 1
    lapsed = order(placed.code)
    assert (lapsed.status, lapsed.closed_at) == (LAPSED, NOW + 15 * MINUTE)
    assert lot_remainders(shopper) == [5000, 3000]
    assert balance(shopper) == 8000 and stock(item.id) == 3
    assert check_ledger() == []


def test_lapsing_unpaid_orders_twice_lapses_them_once(shopper, make_item):
    item, placed = place_cash_order(shopper, make_item)
    assert redemption.lapse_unpaid(now=NOW + HOUR) == 1
    after = snapshot(shopper, item.id)

    assert redemption.lapse_unpaid(now=NOW + 2 * HOUR) == 0

    assert snapshot(shopper, item.id) == after
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)
                             .where(LedgerEntry.kind == RETURN)) == 1


def test_lapsing_leaves_paid_and_points_only_orders_alone(shopper, make_item):
    _, paid = place_cash_order(shopper, make_item)
    redemption.settle_payment(paid.code, True, 1990, now=NOW + MINUTE)
    confirmed = redemption.redeem(shopper, make_item(points_price=100).id, "key-2", now=NOW)
    assert redemption.lapse_unpaid(now=NOW + days(1)) == 0
    assert order(paid.code).status == order(confirmed.code).status == CONFIRMED


# Cancelling

def test_a_member_may_cancel_within_the_window_and_gets_points_and_stock_back(shopper,
                                                                            make_item):
    item = make_item(points_price=6000, stock=2)
    placed = redemption.redeem(shopper, item.id, "key-1", now=NOW)
    assert lot_remainders(shopper) == [0, 2000]

    cancelled = redemption.cancel(shopper, placed.code, now=NOW + 24 * HOUR - MINUTE)

    assert (cancelled.status, cancelled.closed_at) == (CANCELLED, NOW + 24 * HOUR - MINUTE)
    assert lot_remainders(shopper) == [5000, 3000]
    assert balance(shopper) == 8000 and stock(item.id) == 2
    refund_allocations = db.session.scalars(
        select(LotAllocation.points).join(LedgerEntry, LotAllocation.entry_id == LedgerEntry.id)
        .where(LedgerEntry.kind == RETURN).order_by(LotAllocation.lot_id)).all()
    assert refund_allocations == [-5000, -1000]
    assert check_ledger() == []


def test_an_order_cannot_be_cancelled_once_the_window_has_passed(shopper, make_item):
    item = make_item(points_price=1000)
    placed = redemption.redeem(shopper, item.id, "key-1", now=NOW)
    before = snapshot(shopper, item.id)

    with pytest.raises(NotCancellable):
        redemption.cancel(shopper, placed.code, now=NOW + 24 * HOUR)

    assert order(placed.code).status == CONFIRMED
    assert snapshot(shopper, item.id) == before


def test_the_cancel_window_follows_the_configured_hours(app, shopper, make_item):
    app.config["CANCEL_WINDOW_HOURS"] = 2
    placed = redemption.redeem(shopper, make_item().id, "key-1", now=NOW)
    with pytest.raises(NotCancellable):
        redemption.cancel(shopper, placed.code, now=NOW + 2 * HOUR)
    assert redemption.cancel(shopper, placed.code, now=NOW + HOUR).status == CANCELLED


def test_an_unpaid_order_may_be_cancelled(shopper, make_item):
    item, placed = place_cash_order(shopper, make_item)
    assert redemption.cancel(shopper, placed.code, now=NOW + MINUTE).status == CANCELLED
    assert balance(shopper) == 8000 and stock(item.id) == 3


@pytest.mark.parametrize("close", ["cancel", "decline"])
def test_a_closed_order_cannot_be_cancelled_again(shopper, make_item, close):
    item, placed = place_cash_order(shopper, make_item)
    if close == "cancel":
        redemption.cancel(shopper, placed.code, now=NOW + MINUTE)
    else:
        redemption.settle_payment(placed.code, False, 1990, now=NOW + MINUTE)
    before = snapshot(shopper, item.id)

    with pytest.raises(NotCancellable):
        redemption.cancel(shopper, placed.code, now=NOW + 2 * MINUTE)

    assert snapshot(shopper, item.id) == before


def test_a_member_cannot_cancel_someone_elses_order(shopper, make_member, make_item):
    other = make_member(points=1000, earned_at=EARNED)
    item = make_item()
    placed = redemption.redeem(other.id, item.id, "key-1", now=NOW)
    before = snapshot(other.id, item.id)
    with pytest.raises(NotFound):
        redemption.cancel(shopper, placed.code, now=NOW + MINUTE)
    assert snapshot(other.id, item.id) == before
