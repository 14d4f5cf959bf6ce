"""How much of the session's unit of work a write goes through: rows written once and never
changed are inserted by one built statement each, and a redemption flushes once."""
from sqlalchemy import event, select

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.models import CONFIRMED, REDEEM, LedgerEntry
from app.loyalty.models.risk import REDEEM_SIGNAL, RiskSignal
from app.loyalty.statements import insert_row
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


def test_a_redemption_without_stock_flushes_the_session_once_and_writes_the_same_rows(
        make_member, make_item):
    member = make_member(points=500)
    item = make_item(points_price=120, stock=None)
    flushes = []

    def flushed(_session, _context):
        flushes.append(1)

    session = db.session()
    event.listen(session, "after_flush", flushed)
    try:
        order = redemption.redeem(member.id, item.id, "lean-1")
    finally:
        event.remove(session, "after_flush", flushed)
    assert len(flushes) == 1
    entry = db.session.get(LedgerEntry, order.redeem_entry_id)
    assert (entry.kind, entry.points, entry.balance_after) == (REDEEM, -120, 380)
    assert (order.points, order.status, order.idempotency_key) == (120, CONFIRMED, "lean-1")
    assert redemption.redeem(member.id, item.id, "lean-1").id == order.id
