"""How much of the session's unit of work a write goes through: rows written once and never
changed are inserted by one built statement each, and a redemption needs no flush."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.loyalty import purchases, redemption, stock, stores
from app.loyalty.errors import SoldOut
from app.loyalty.models import (
    CANCELLED,
    CONFIRMED,
    CREDITED,
    REDEEM,
    Item,
    LedgerEntry,
    Member,
    Order,
    Purchase,
    utcnow,
)
from app.loyalty.models.risk import REDEEM_SIGNAL, RiskSignal
from app.loyalty.statements import insert_attached, insert_row, read, update_attached
from app.loyalty.transaction import lock_member, write_transaction


@contextmanager
def counted_flushes():
    """The session's flushes while the block runs, one item each."""
    flushes, session = [], db.session()

    def flushed(_session, _context):
        flushes.append(1)

    event.listen(session, "after_flush", flushed)
    try:
        yield flushes
    finally:
        event.remove(session, "after_flush", flushed)


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
    with counted_flushes() as flushes:
        order = redemption.redeem(member.id, item.id, "lean-1")
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


def test_a_till_purchase_credited_at_once_writes_without_the_sessions_flush(make_member):
    member = make_member()
    store_id = stores.create_store("SH001", "上海南京西路店").id
    now = utcnow()
    with counted_flushes() as flushes:
        recorded, _ = purchases.record(store_id, purchases.PurchaseInput(
            reference="R-1", amount_fen=8800, lines=[{"category": "coffee", "amount_fen": 8800}],
            occurred_at=now, member_phone=member.phone), now=now)
    assert flushes == []
    assert recorded.purchase.store.code == "SH001"
    db.session.expire_all()
    kept = db.session.get(Purchase, recorded.purchase.id)
    entry = db.session.get(LedgerEntry, kept.entry_id)
    assert (kept.status, kept.points, kept.refunded_fen) == (CREDITED, 88, 0)
    assert (entry.points, entry.ref_id) == (88, str(kept.id))
    assert db.session.get(Member, member.id).points_balance == 88


def test_an_update_of_an_attached_row_is_written_at_once_and_held_as_written(make_member):
    member = make_member(points=10)
    with write_transaction():
        loaded = lock_member(member.id)
        update_attached(loaded, points_balance=10, name="新名字")
        assert not db.session.is_modified(loaded)
        assert db.session.connection().scalar(
            select(Member.__table__.c.name).where(Member.__table__.c.id == member.id)) == "新名字"
        assert loaded.name == "新名字"
    db.session.expire_all()
    assert db.session.get(Member, member.id).name == "新名字"


def test_a_read_of_columns_sees_a_change_still_pending_in_the_session(make_member):
    member = make_member(points=10)
    with write_transaction():
        loaded = lock_member(member.id)
        loaded.name = "待写入"   # pending in the unit of work, not yet written
        names = read(select(Member.name).where(Member.id == member.id)).scalars().all()
        assert names == ["待写入"]
        db.session.rollback()
    assert db.session.get(Member, member.id).name != "待写入"


def test_a_redeemed_order_holds_what_was_written_without_being_read_again(make_member,
                                                                          make_item):
    member = make_member(points=500)
    item = make_item(points_price=120, stock=5)
    order = redemption.redeem(member.id, item.id, "held-1")
    statements = []

    def ran(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", ran)
    try:
        shown = {column.key: getattr(order, column.key) for column in Order.__table__.columns}
    finally:
        event.remove(db.engine, "before_cursor_execute", ran)
    assert statements == []
    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert shown == {column.key: getattr(stored, column.key) for column in Order.__table__.columns}
