"""The ledger through its use cases: earning, redeeming, cancelling, expiring, checking."""
from sqlalchemy import func, select, text

from app.extensions import db
from app.loyalty import accounts, ledger, redemption
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import (
    ADJUST,
    EXPIRE,
    REDEEM,
    RETURN,
    LedgerEntry,
    LotAllocation,
    PointLot,
)
from app.loyalty.transaction import lock_member, write_transaction
from tests.conftest import PASSWORD, days, utc
from tests.support import balance

T0 = utc(2026, 3, 15, 2, 0)            # 15 March local: lots expire 2027-03-31T16:00Z
T0_EXPIRES = utc(2027, 3, 31, 16, 0)
T1 = utc(2026, 5, 10, 2, 0)            # 10 May local: lots expire 2027-05-31T16:00Z
T1_EXPIRES = utc(2027, 5, 31, 16, 0)


def new_member(phone="13800000001"):
    return accounts.join(phone, "测试会员", PASSWORD, now=T0).id


def lots(member_id):
    return db.session.scalars(select(PointLot).where(PointLot.member_id == member_id)
                              .order_by(PointLot.id).execution_options(populate_existing=True)
                              ).all()


def entries(member_id, kind=None):
    stmt = select(LedgerEntry).where(LedgerEntry.member_id == member_id)
    if kind:
        stmt = stmt.where(LedgerEntry.kind == kind)
    return db.session.scalars(stmt.order_by(LedgerEntry.id)).all()


def allocations(entry_id):
    return sorted(db.session.execute(select(LotAllocation.lot_id, LotAllocation.points)
                                     .where(LotAllocation.entry_id == entry_id)).all())


def two_lots(member_id):
    """300 points expiring at T0_EXPIRES and 500 at T1_EXPIRES."""
    accounts.award(member_id, 300, "earlier purchase", now=T0)
    accounts.award(member_id, 500, "later purchase", now=T1)
    return lots(member_id)


def test_earning_opens_a_lot_that_expires_a_year_after_the_end_of_the_local_month(app):
    member_id = new_member()
    entry = accounts.award(member_id, 300, "purchase", now=T0)
    [lot] = lots(member_id)
    assert (lot.points, lot.remaining, lot.earned_at, lot.expires_at) == (300, 300, T0, T0_EXPIRES)
    assert (entry.points, entry.balance_after, entry.lot_id) == (300, 300, lot.id)
    assert balance(member_id) == 300


def test_redeeming_takes_points_from_the_soonest_expiring_lot(app, make_item):
    member_id = new_member()
    earlier, later = two_lots(member_id)
    item = make_item(points_price=400)

    order = redemption.redeem(member_id, item.id, "key-1", now=T1 + days(1))

    earlier, later = lots(member_id)
    assert (earlier.remaining, later.remaining) == (0, 400)
    [entry] = entries(member_id, REDEEM)
    assert entry.id == order.redeem_entry_id and entry.points == -400
    assert allocations(entry.id) == sorted([(earlier.id, 300), (later.id, 100)])
    assert balance(member_id) == 400
    assert check_ledger() == []


def test_cancelling_puts_the_points_back_into_the_same_lots(app, make_item):
    member_id = new_member()
    two_lots(member_id)
    item = make_item(points_price=400)
    order = redemption.redeem(member_id, item.id, "key-1", now=T1 + days(1))

    redemption.cancel(member_id, order.code, now=T1 + days(1) + days(0.5))

    earlier, later = lots(member_id)
    assert (earlier.remaining, later.remaining) == (300, 500)
    assert len(lots(member_id)) == 2, "no new lot for points whose lots are still live"
    [refund] = entries(member_id, RETURN)
    assert (refund.points, refund.balance_after, refund.lot_id) == (400, 800, None)
    assert allocations(refund.id) == sorted([(earlier.id, -300), (later.id, -100)])
    assert balance(member_id) == 800
    assert check_ledger() == []


def test_points_returned_after_their_lot_lapsed_come_back_in_a_grace_lot(app, make_item):
    member_id = new_member()
    earlier, later = two_lots(member_id)
    item = make_item(points_price=400, cash_fen=500)  # unpaid orders may be cancelled any time
    redeemed_at = T0_EXPIRES - days(2)
    order = redemption.redeem(member_id, item.id, "key-1", now=redeemed_at)

    # 2027-04-01T04:00Z is 1 April local: 30 days' grace runs to the end of 1 May local.
    redemption.cancel(member_id, order.code, now=utc(2027, 4, 1, 4, 0))

    earlier, later, grace = lots(member_id)
    assert earlier.expires_at == T0_EXPIRES and earlier.remaining == 0
    assert later.remaining == 500
    assert (grace.points, grace.remaining) == (300, 300)
    assert grace.earned_at == utc(2027, 4, 1, 4, 0)
    assert grace.expires_at == utc(2027, 5, 1, 16, 0)
    [refund] = entries(member_id, RETURN)
    assert (refund.points, refund.lot_id) == (400, grace.id)
    assert allocations(refund.id) == [(later.id, -100)]
    assert balance(member_id) == 800
    assert check_ledger() == []


def test_the_grace_period_follows_the_configured_number_of_days(app, make_item):
    app.config["REFUND_GRACE_DAYS"] = 7
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    item = make_item(points_price=200, cash_fen=500)
    order = redemption.redeem(member_id, item.id, "key-1", now=T0_EXPIRES - days(1))

    redemption.cancel(member_id, order.code, now=T0_EXPIRES + days(0.5))  # 1 April local

    grace = lots(member_id)[-1]
    assert (grace.points, grace.expires_at) == (200, utc(2027, 4, 8, 16, 0))


def test_points_left_in_a_lapsed_lot_expire_when_an_order_is_cancelled(app, make_item):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    item = make_item(points_price=100, cash_fen=500)
    order = redemption.redeem(member_id, item.id, "key-1", now=T0_EXPIRES - days(1))

    redemption.cancel(member_id, order.code, now=T0_EXPIRES + days(1))

    [expired] = entries(member_id, EXPIRE)
    assert (expired.points, expired.created_at) == (-200, T0_EXPIRES)
    assert balance(member_id) == 100  # the 100 came back in a grace lot
    assert check_ledger() == []


def test_lots_lapsing_at_one_moment_expire_in_one_entry_whose_allocations_name_them(
        app, make_item):
    member_id = new_member()
    accounts.award(member_id, 300, "first", now=T0)
    accounts.award(member_id, 200, "second", now=T0 + days(1))
    accounts.award(member_id, 500, "later", now=T1)
    item = make_item(points_price=100)
    redemption.redeem(member_id, item.id, "key-1", now=T1 + days(1))   # 300 lot -> 200 left

    expired = accounts.expire(member_id, now=T0_EXPIRES)

    assert expired == 400
    first, second, _ = lots(member_id)
    [entry] = entries(member_id, EXPIRE)
    assert (entry.points, entry.lot_id, entry.created_at) == (-400, None, T0_EXPIRES)
    assert sorted(allocations(entry.id)) == [(first.id, 200), (second.id, 200)]
    assert (first.remaining, second.remaining) == (0, 0)
    assert balance(member_id) == 500
    assert entries(member_id)[-1].balance_after == 500
    assert check_ledger() == []


def test_nothing_expires_an_instant_before_the_end_of_the_last_local_day(app):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    assert accounts.expire(member_id, now=T0_EXPIRES - days(1) / 86400) == 0
    assert entries(member_id, EXPIRE) == []
    assert balance(member_id) == 300


def test_expiring_twice_expires_once(app):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    accounts.award(member_id, 500, "later", now=T1)

    assert accounts.expire(member_id, now=T0_EXPIRES + days(1)) == 300
    assert accounts.expire(member_id, now=T0_EXPIRES + days(2)) == 0

    assert len(entries(member_id, EXPIRE)) == 1
    assert balance(member_id) == 500
    assert check_ledger() == []


def test_fully_spent_lots_write_no_expire_entry(app, make_item):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    redemption.redeem(member_id, make_item(points_price=300).id, "key-1", now=T0 + days(1))
    assert accounts.expire(member_id, now=T0_EXPIRES) == 0
    assert entries(member_id, EXPIRE) == []


def test_earning_expires_lapsed_lots_first(app):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    entry = accounts.award(member_id, 50, "purchase", now=T0_EXPIRES + days(1))
    assert [e.kind for e in entries(member_id)] == ["earn", "expire", "earn"]
    assert entry.balance_after == 50
    assert check_ledger() == []


def test_the_ledger_check_reports_a_tampered_balance(app):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    assert check_ledger() == []

    db.session.execute(text("UPDATE members SET points_balance = 999 WHERE id = :id"),
                       {"id": member_id})
    db.session.commit()

    problems = check_ledger()
    assert {p.member_id for p in problems} == {member_id}
    assert any("sum of entries 300" in p.what for p in problems)
    assert any("lot remainders 300" in p.what for p in problems)


def test_the_ledger_check_reports_a_lot_that_disagrees_with_its_allocations(app):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    db.session.execute(text("UPDATE point_lots SET remaining = 200 WHERE member_id = :id"),
                       {"id": member_id})
    db.session.commit()
    assert any("allocations" in p.what for p in check_ledger())


def test_the_ledger_check_command_passes_when_the_ledger_is_consistent(app):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    result = app.test_cli_runner().invoke(args=["ledger", "check"])
    assert result.exit_code == 0, result.output
    assert "consistent for 1 member" in result.output


def test_the_ledger_check_command_fails_on_a_mismatch(app):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    db.session.execute(text("UPDATE members SET points_balance = 301 WHERE id = :id"),
                       {"id": member_id})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["ledger", "check"])
    assert result.exit_code == 1
    assert f"member {member_id}:" in result.output
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1


def test_a_lot_loaded_earlier_in_the_transaction_reads_what_a_debit_left_in_it(app):
    member_id = new_member()
    earlier, later = two_lots(member_id)
    earlier_id, later_id = earlier.id, later.id
    with write_transaction():
        member = lock_member(member_id)
        loaded = [db.session.get(PointLot, earlier_id), db.session.get(PointLot, later_id)]
        assert [lot.remaining for lot in loaded] == [300, 500]
        ledger.debit(member, 400, kind=ADJUST, detail="", now=T1 + days(1))
        assert [lot.remaining for lot in loaded] == [0, 400]
