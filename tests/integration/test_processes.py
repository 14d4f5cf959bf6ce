"""Races between server processes: separate OS processes, one database.

Threads share one Python process; gunicorn's workers do not. These tests start
processes that each open the database themselves, as workers do, and redeem at once.
"""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import REDEEM, Item, LedgerEntry, Member, Order
from tests.conftest import _config
from tests.support import processes

# Other processes, which a test's standing clock cannot reach, share the database.
pytestmark = pytest.mark.real_clock


def _redeem_in_a_process(url, member_id, item_id, key, start, results):
    from app import create_app
    from app.loyalty import redemption
    from app.loyalty.errors import DomainError

    app = create_app(_config(url))
    with app.app_context():
        start.wait()
        try:
            results.put(("ok", redemption.redeem(member_id, item_id, key).code))
        except DomainError as error:
            results.put((error.code, None))
        except Exception as error:  # reported to the test rather than lost with the process
            results.put(("crashed", repr(error)))


def race(url, calls):
    """Run each (member_id, item_id, key) in its own process, released together."""
    context = processes()
    start, results = context.Event(), context.Queue()
    racers = [context.Process(target=_redeem_in_a_process,
                              args=(url, *call, start, results)) for call in calls]
    for process in racers:
        process.start()
    start.set()
    outcomes = [results.get(timeout=120) for _ in racers]
    for process in racers:
        process.join(timeout=60)
        assert process.exitcode == 0
    db.session.rollback()
    return outcomes


def test_members_in_different_processes_racing_for_the_last_one_get_one_order(
        app, make_member, make_item):
    members = [make_member(points=1000).id for _ in range(6)]
    item = make_item(points_price=400, stock=1)

    outcomes = race(app.config["SQLALCHEMY_DATABASE_URI"],
                    [(m, item.id, f"key-{m}") for m in members])

    assert sorted(code for code, _ in outcomes) == ["ok"] + ["sold_out"] * 5
    assert db.session.scalar(select(Item.stock).where(Item.id == item.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(func.count()).where(LedgerEntry.kind == REDEEM)) == 1
    assert check_ledger() == []


def test_one_member_spending_from_several_processes_never_goes_below_zero(
        app, make_member, make_item):
    member = make_member(points=1000)
    item = make_item(points_price=300, stock=None)

    outcomes = race(app.config["SQLALCHEMY_DATABASE_URI"],
                    [(member.id, item.id, f"tab-{n}") for n in range(6)])

    assert sorted(code for code, _ in outcomes) == ["insufficient_points"] * 3 + ["ok"] * 3
    assert db.session.scalar(select(Member.points_balance).where(Member.id == member.id)) == 100
    assert check_ledger() == []


def test_the_same_key_from_several_processes_gives_one_order(app, make_member, make_item):
    member = make_member(points=1000)
    item = make_item(points_price=300, stock=5)

    outcomes = race(app.config["SQLALCHEMY_DATABASE_URI"], [(member.id, item.id, "double-tap")] * 4)

    assert len({code for _, code in outcomes}) == 1
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(Member.points_balance).where(Member.id == member.id)) == 700
