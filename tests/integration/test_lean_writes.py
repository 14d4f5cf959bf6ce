"""How much of the session's unit of work a write goes through: rows written once and never
changed are inserted by one built statement each, and a redemption needs no flush."""
import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.loyalty import redemption, stock
from app.loyalty.errors import SoldOut
from app.loyalty.models import (
    CANCELLED,
    CONFIRMED,
    REDEEM,
    Item,
    LedgerEntry,
    Member,
    Order,
)
from app.loyalty.models.risk import REDEEM_SIGNAL, RiskSignal
from app.loyalty.statements import insert_attached, insert_row
from app.loyalty.transaction import write_transaction


def test_a_row_inserted_without_the_unit_of_work_gets_its_id_and_its_columns_defaults(
        make_member):
    member = make_member()
    with write_transaction():
        signal = insert_row(RiskSignal(kind=REDEEM_SIGNAL, member_id=member.id))
    assert signal.id is not None and signal not in db.session
    kept = db.session.execute(select(RiskSignal.amount_fen, RiskSignal.points,
                                     RiskSignal.occurred_at)
                              .where(RiskSignal.id == signal.id)).one()
    assert kept.amount_fen == 0 and kept.points == 0 and kept.occurred_at is not None


@pytest.mark.parametrize("stocked", [False, True], ids=["unlimited", "stocked"])
def test_a_redemption_writes_its_rows_without_the_sessions_flush(make_member, make_item,
                                                                 stocked):
    member = make_member(points=500)
    item = make_item(points_price=120, stock=5 if stocked else None)
    flushes = []

    def flushed(_session, _context):
        flushes.append(1)

    session = db.session()
    event.listen(session, "after_flush", flushed)
    try:
        order = redemption.redeem(member.id, item.id, "lean-1")
    finally:
        event.remove(session, "after_flush", flushed)
    assert flushes == []
    db.session.expire_all()
    entry = db.session.get(LedgerEntry, order.redeem_entry_id)
    assert (entry.kind, entry.points, entry.balance_after) == (REDEEM, -120, 380)
    assert db.session.get(Member, member.id).points_balance == 380
    assert (order.points, order.status, order.idempotency_key) == (120, CONFIRMED, "lean-1")
    assert order.item.id == item.id
    if stocked:
        assert db.session.get(Item, item.id).stock == 4
        assert [m.order_id for m in stock.history(item.id)][0] == order.id
    assert redemption.redeem(member.id, item.id, "lean-1").id == order.id


def test_a_row_inserted_attached_stays_in_the_session_and_is_updated_by_a_later_change(
        make_member, make_item):
    member = make_member(points=500)
    item = make_item()
    with write_transaction():
        order = insert_attached(Order(
            code="ATTACHED01", member_id=member.id, item_id=item.id, points=1, status=CONFIRMED,
            idempotency_key="k", redeem_entry_id=db.session.scalar(
                select(LedgerEntry.id).where(LedgerEntry.member_id == member.id))))
        assert order in db.session and order.id is not None
        # Columns with no default are NULL, as the insert wrote them.
        assert (order.coupon_code, order.fulfilled_at, order.cancel_reason) == (None,) * 3
        assert order.item.id == item.id
        order.status = CANCELLED
    db.session.expire_all()
    kept = db.session.get(Order, order.id)
    assert (kept.status, kept.quantity, kept.cash_fen) == (CANCELLED, 1, 0)


def test_a_rolled_back_write_leaves_the_loaded_balance_as_the_database_has_it(
        make_member, make_item):
    member = make_member(points=100)
    item = make_item(points_price=60, stock=1)
    other = make_member(points=100)
    redemption.redeem(other.id, item.id, "first")       # the last of the stock
    with pytest.raises(SoldOut):
        redemption.redeem(member.id, item.id, "second")
    assert db.session.get(Member, member.id).points_balance == 100
