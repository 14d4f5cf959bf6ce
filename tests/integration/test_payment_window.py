"""Points-plus-cash orders hold points and stock for the payment window, then let go."""
from datetime import timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import (
    AWAITING_PAYMENT,
    CONFIRMED,
    LAPSED,
    RETURN,
    Item,
    LedgerEntry,
    Order,
    utcnow,
)
from tests.conftest import utc
from tests.support import balance

EARNED = utc(2026, 5, 1, 4, 0)
NOW = utc(2026, 6, 1, 4, 0)
WINDOW = timedelta(minutes=15)


def status(code: str) -> str:
    return db.session.scalar(select(Order.status).where(Order.code == code)
                             .execution_options(populate_existing=True))


def test_an_overdue_unpaid_order_lapses_before_the_members_next_redemption(make_member, make_item):
    member = make_member(points=1000, earned_at=EARNED)
    mug = make_item(points_price=600, cash_fen=990, stock=1)
    bag = make_item(points_price=800, stock=5)
    held = redemption.redeem(member.id, mug.id, "held-order-1", now=NOW)
    assert balance(member.id) == 400

    later = redemption.redeem(member.id, bag.id, "second-order", now=NOW + WINDOW)

    assert status(held.code) == LAPSED
    assert later.points == 800
    assert balance(member.id) == 200
    assert db.session.scalar(select(Item.stock).where(Item.id == mug.id)) == 1
    assert check_ledger() == []


def test_an_unpaid_order_still_in_its_window_keeps_its_hold(make_member, make_item):
    member = make_member(points=2000, earned_at=EARNED)
    mug = make_item(points_price=600, cash_fen=990, stock=1)
    bag = make_item(points_price=100, stock=5)
    held = redemption.redeem(member.id, mug.id, "held-order-2", now=NOW)

    redemption.redeem(member.id, bag.id, "another-order", now=NOW + WINDOW - timedelta(seconds=1))

    assert status(held.code) == AWAITING_PAYMENT
    assert balance(member.id) == 1300


def test_the_lapse_command_lapses_overdue_orders_once(app, make_member, make_item):
    member = make_member(points=1000)
    mug = make_item(points_price=600, cash_fen=990, stock=1)
    held = redemption.redeem(member.id, mug.id, "held-order-3",
                             now=utcnow() - WINDOW - timedelta(minutes=1))
    runner = app.test_cli_runner()

    first = runner.invoke(args=["orders", "lapse-unpaid"])
    second = runner.invoke(args=["orders", "lapse-unpaid"])

    assert first.exit_code == 0 and "1 unpaid order(s) lapsed" in first.output
    assert "0 unpaid order(s) lapsed" in second.output
    assert status(held.code) == LAPSED
    assert balance(member.id) == 1000


def test_the_lapse_command_runs_once_and_keeps_no_schedule_of_its_own(app):
    # `flask jobs run` is the scheduler.
    result = app.test_cli_runner().invoke(args=["orders", "lapse-unpaid", "--every", "60"])

    assert result.exit_code == 2 and "No such option" in result.output


def test_overdue_orders_lapse_in_the_order_they_were_placed_however_the_rows_lie(
        make_member, make_item):
    member = make_member(points=5000, earned_at=EARNED)
    mug = make_item(points_price=600, cash_fen=990, stock=5)
    first = redemption.redeem(member.id, mug.id, "first-unpaid", now=NOW)
    second = redemption.redeem(member.id, mug.id, "second-unpaid", now=NOW)
    # Their windows close together. A change of the first order's status and back writes its
    # row anew, after the second's, in PostgreSQL's table and in the index the lapse reads.
    for status_now in (CONFIRMED, AWAITING_PAYMENT):
        db.session.execute(update(Order).where(Order.id == first.id).values(status=status_now))
    db.session.commit()

    redemption.redeem(member.id, mug.id, "after-both", now=NOW + WINDOW + timedelta(minutes=5))

    returns = db.session.scalars(select(LedgerEntry.ref_id).where(
        LedgerEntry.member_id == member.id, LedgerEntry.kind == RETURN)
        .order_by(LedgerEntry.id)).all()
    assert returns == [first.code, second.code]
