"""Races on the file-backed database: threads, each with its own app context and session."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.errors import DomainError, InsufficientPoints, SoldOut
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import REDEEM, Item, LedgerEntry, Member, Order
from tests.conftest import utc
from tests.support import race

EARNED = utc(2026, 5, 1, 4, 0)
NOW = utc(2026, 6, 1, 4, 0)


def redeem_call(member_id, item_id, key):
    def call():
        placed = redemption.redeem(member_id, item_id, key, now=NOW)
        return placed.code
    return call


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_many_members_racing_for_the_last_one_get_exactly_one_order(app, make_member,
                                                                   make_item):
    members = [make_member(points=1000, earned_at=EARNED).id for _ in range(20)]
    item = make_item(points_price=500, stock=1)

    results = race([redeem_call(m, item.id, f"key-{m}") for m in members], app)

    codes = [r for r in results if isinstance(r, str)]
    refusals = [r for r in results if not isinstance(r, str)]
    assert len(codes) == 1
    assert all(isinstance(r, SoldOut) for r in refusals), refusals
    assert db.session.scalar(select(Item.stock).where(Item.id == item.id)) == 0
    assert count(Order) == 1
    assert count(LedgerEntry, LedgerEntry.kind == REDEEM) == 1
    assert sorted(db.session.scalars(select(Member.points_balance))) == [500] + [1000] * 19
    assert check_ledger() == []


def test_one_member_firing_many_redemptions_can_only_spend_what_they_have(app, make_member,
                                                                        make_item):
    balance, cost = 2500, 300
    member_id = make_member(points=balance, earned_at=EARNED).id
    item = make_item(points_price=cost, stock=None)

    results = race([redeem_call(member_id, item.id, f"key-{n}") for n in range(20)], app)

    succeeded = [r for r in results if isinstance(r, str)]
    refusals = [r for r in results if not isinstance(r, str)]
    assert len(succeeded) == balance // cost == 8
    assert all(isinstance(r, InsufficientPoints) for r in refusals), refusals
    assert db.session.scalar(select(Member.points_balance)) == balance - 8 * cost
    assert count(Order) == 8
    assert count(LedgerEntry, LedgerEntry.kind == REDEEM) == 8
    assert check_ledger() == []


def test_the_same_idempotency_key_from_many_threads_gives_one_order(app, make_member, make_item):
    member_id = make_member(points=5000, earned_at=EARNED).id
    item = make_item(points_price=400, stock=5)

    results = race([redeem_call(member_id, item.id, "double-tap") for _ in range(10)], app)

    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 1
    assert count(Order) == 1
    assert count(LedgerEntry, LedgerEntry.kind == REDEEM) == 1
    assert db.session.scalar(select(Member.points_balance)) == 4600
    assert db.session.scalar(select(Item.stock).where(Item.id == item.id)) == 4
    assert check_ledger() == []


def test_cancelling_and_lapsing_the_same_unpaid_order_at_once_returns_points_once(
        app, make_member, make_item):
    member_id = make_member(points=5000, earned_at=EARNED).id
    item = make_item(points_price=1000, cash_fen=990, stock=5)
    code = redemption.redeem(member_id, item.id, "key-1", now=NOW).code
    later = utc(2026, 6, 1, 5, 0)

    def cancel():
        return redemption.cancel(member_id, code, now=later).status

    def decline():
        return redemption.settle_payment(code, False, 990, now=later).status

    def lapse():
        return redemption.lapse_unpaid(now=later)

    results = race([cancel, decline, lapse, cancel, decline, lapse], app)

    assert not [r for r in results if isinstance(r, Exception)
                and not isinstance(r, DomainError)], results
    assert db.session.scalar(select(Member.points_balance)) == 5000
    assert db.session.scalar(select(Item.stock).where(Item.id == item.id)) == 5
    assert count(LedgerEntry, LedgerEntry.kind == "return") == 1
    assert check_ledger() == []


def test_stock_never_goes_below_zero_even_when_the_check_saw_stale_stock(app, monkeypatch,
                                                                         make_member, make_item):
    # On PostgreSQL two members' transactions can both read the last unit in stock; only
    # the conditional update stands between them and negative stock. Simulate the stale read.
    member_id = make_member(points=1000, earned_at=EARNED).id
    item = make_item(points_price=100, stock=0)
    monkeypatch.setattr(redemption, "member_refusal", lambda *args, **kwargs: None)

    with pytest.raises(SoldOut):
        redemption.redeem(member_id, item.id, "key-1", now=NOW)

    db.session.expire_all()
    assert db.session.scalar(select(Item.stock).where(Item.id == item.id)) == 0
    assert count(Order) == 0
    assert db.session.scalar(select(Member.points_balance)) == 1000
