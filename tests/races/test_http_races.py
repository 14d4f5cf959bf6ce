"""Races over real HTTP: gunicorn with four worker processes, requests fired at the same
instant from many threads, on SQLite and on PostgreSQL."""
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import REDEEM, Item, LedgerEntry, Member, Order
from tests.conftest import PASSWORD
from tests.support import race
from .server import Visitor, order_code, prices

# Other processes, which a test's standing clock cannot reach, share the database.
pytestmark = pytest.mark.real_clock

SOLD_OUT = "已售罄"
NOT_ENOUGH = "积分不足"


def at_once(calls):
    """Run every call in its own thread, all released together; their answers in order."""
    answers = race(calls, timeout=120)
    for answer in answers:
        assert not isinstance(answer, Exception), repr(answer)
    return answers


def signed_in(base: str, phone: str) -> Visitor:
    visitor = Visitor(base)
    visitor.sign_in(phone, PASSWORD)
    return visitor


def test_fifty_members_racing_for_the_last_one_get_exactly_one_order(
        app, server, make_member, make_item):
    members = [make_member(points=1000) for _ in range(50)]
    item_id = make_item(points_price=400, stock=1).id
    gunicorn = server()
    visitors = [signed_in(gunicorn.base, m.phone) for m in members]

    price = prices([item_id])[item_id]
    answers = at_once([lambda v=v: v.redeem(item_id, uuid.uuid4().hex, price)
                       for v in visitors])

    assert all(a.status_code < 500 for a in answers)
    won = [a for a in answers if a.status_code == 302]
    lost = [a for a in answers if a.status_code == 409]
    assert len(won) == 1 and order_code(won[0])
    assert len(lost) == 49 and all(SOLD_OUT in a.text for a in lost)
    db.session.rollback()  # a fresh snapshot: the workers wrote after this session last read
    assert db.session.scalar(select(Item.stock).where(Item.id == item_id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(func.count()).where(LedgerEntry.kind == REDEEM)) == 1
    assert check_ledger() == []


def test_a_hundred_redemptions_from_one_member_spend_only_what_the_balance_holds(
        app, server, make_member, make_item):
    balance, cost = 1000, 70
    member = make_member(points=balance)
    member_id, item_id = member.id, make_item(points_price=cost, stock=None).id
    gunicorn = server()
    sessions = [signed_in(gunicorn.base, member.phone) for _ in range(5)]

    price = prices([item_id])[item_id]
    answers = at_once([lambda v=sessions[n % 5]: v.redeem(item_id, uuid.uuid4().hex, price)
                       for n in range(100)])

    assert all(a.status_code < 500 for a in answers)
    succeeded = [a for a in answers if a.status_code == 302]
    refused = [a for a in answers if a.status_code == 409]
    assert len(succeeded) == balance // cost
    assert len(refused) == 100 - balance // cost
    assert all(NOT_ENOUGH in a.text for a in refused)
    db.session.rollback()  # a fresh snapshot: the workers wrote after this session last read
    left = db.session.scalar(select(Member.points_balance).where(Member.id == member_id))
    assert left == balance - (balance // cost) * cost
    assert check_ledger() == []


def test_ten_identical_requests_with_one_key_make_one_order_and_the_same_answer(
        app, server, make_member, make_item):
    member = make_member(points=1000)
    member_id, item_id = member.id, make_item(points_price=300, stock=5).id
    gunicorn = server()
    visitor = signed_in(gunicorn.base, member.phone)
    key = uuid.uuid4().hex

    price = prices([item_id])[item_id]
    answers = at_once([lambda: visitor.redeem(item_id, key, price) for _ in range(10)])

    assert {a.status_code for a in answers} == {302}
    assert len({a.headers["Location"] for a in answers}) == 1
    db.session.rollback()  # a fresh snapshot: the workers wrote after this session last read
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(Item.stock).where(Item.id == item_id)) == 4
    assert db.session.scalar(select(Member.points_balance).where(Member.id == member_id)) == 700
    assert check_ledger() == []
