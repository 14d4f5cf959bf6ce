"""The expiring points kept per member and moment follow every change of the lots, in the
same transaction, and the wallet reads its dates ahead from them."""
from sqlalchemy import select, text

from app.extensions import db
from app.loyalty import accounts, expiry, reads, redemption
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import ExpiringPointsRow
from app.loyalty.program import running_program
from app.loyalty.transaction import lock_member, write_transaction
from tests.conftest import days, utc
from tests.integration.test_ledger import T0, T0_EXPIRES, T1, T1_EXPIRES, new_member, two_lots


def kept(member_id, after=None) -> dict:
    """The member's kept expiring points by moment (those after `after`, when given)."""
    table = ExpiringPointsRow
    stmt = select(table.expires_at, table.points).where(table.member_id == member_id)
    if after is not None:
        stmt = stmt.where(table.expires_at > after)
    db.session.rollback()
    return dict(db.session.execute(stmt.order_by(table.expires_at)).all())


def test_earning_adds_its_points_to_the_expiring_points_of_its_lots_moment(app):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    accounts.award(member_id, 200, "another purchase", now=T0 + days(1))  # the same moment
    accounts.award(member_id, 500, "later purchase", now=T1)

    assert kept(member_id) == {T0_EXPIRES: 500, T1_EXPIRES: 500}
    assert check_ledger(T1) == []


def test_a_redemption_takes_its_points_from_the_moments_of_the_lots_it_drew(app, make_item):
    member_id = new_member()
    two_lots(member_id)
    now = T1 + days(1)

    redemption.redeem(member_id, make_item(points_price=400).id, "key-1", now=now)

    assert kept(member_id) == {T0_EXPIRES: 0, T1_EXPIRES: 400}
    wallet = reads.wallet(member_id, now, running_program())
    assert [(e.points, e.expires_at) for e in wallet.expiring] == [(400, T1_EXPIRES)]
    assert check_ledger(now) == []


def test_a_cancellation_puts_the_points_back_at_the_moments_they_came_from(app, make_item):
    member_id = new_member()
    two_lots(member_id)
    order = redemption.redeem(member_id, make_item(points_price=400).id, "key-1",
                              now=T1 + days(1))

    redemption.cancel(member_id, order.code, now=T1 + days(1.5))

    assert kept(member_id) == {T0_EXPIRES: 300, T1_EXPIRES: 500}
    assert check_ledger(T1 + days(1.5)) == []


def test_points_returned_into_a_lapsed_lot_are_kept_at_the_grace_lots_moment(app, make_item):
    member_id = new_member()
    two_lots(member_id)
    item = make_item(points_price=400, cash_fen=500)  # unpaid orders may be cancelled any time
    order = redemption.redeem(member_id, item.id, "key-1", now=T0_EXPIRES - days(2))
    now = utc(2027, 4, 1, 4, 0)  # 1 April local: 30 days' grace to the end of 1 May local

    redemption.cancel(member_id, order.code, now=now)

    assert kept(member_id, after=now) == {utc(2027, 5, 1, 16, 0): 300, T1_EXPIRES: 500}
    assert check_ledger(now) == []


def test_a_members_own_expiry_removes_the_expiring_points_whose_moment_passed(app):
    member_id = new_member()
    two_lots(member_id)
    now = T0_EXPIRES + days(1)

    assert accounts.expire(member_id, now=now) == 300

    assert kept(member_id) == {T1_EXPIRES: 500}
    assert check_ledger(now) == []


def test_the_expiry_job_removes_the_expiring_points_whose_moment_passed(app, make_item):
    lapsing = new_member("13800000001")
    two_lots(lapsing)
    spent = new_member("13800000002")  # after the last member with lapsed lots
    accounts.award(spent, 300, "purchase", now=T0)
    redemption.redeem(spent, make_item(points_price=300).id, "key-1", now=T0 + days(1))
    assert kept(spent) == {T0_EXPIRES: 0}
    now = T0_EXPIRES + days(1)

    assert expiry.expire_all(now, batch_size=1) == 300

    assert kept(lapsing) == {T1_EXPIRES: 500}
    assert kept(spent) == {}
    assert check_ledger(now) == []


def test_a_purchase_under_the_activity_policy_moves_the_expiring_points_with_the_lots(app):
    app.config["EXPIRY_POLICY"] = "activity"
    member_id = new_member()
    two_lots(member_id)
    now = T1 + days(30)  # in June: every live lot moves to the end of June next year
    until = expiry.lot_expiry(now, running_program())

    with write_transaction():
        assert expiry.on_activity(lock_member(member_id), now, running_program()) == 2

    assert kept(member_id, after=now) == {until: 800}
    assert check_ledger(now) == []


def test_the_wallet_reads_its_dates_ahead_from_the_kept_expiring_points(app):
    member_id = new_member()
    two_lots(member_id)
    db.session.execute(text("UPDATE expiring_points SET points = 7 WHERE member_id = :id"),
                       {"id": member_id})
    db.session.commit()

    wallet = reads.wallet(member_id, T1, running_program())

    assert [e.points for e in wallet.expiring] == [7, 7]


def test_the_ledger_check_reports_expiring_points_that_disagree_with_the_lots(app):
    member_id = new_member()
    accounts.award(member_id, 300, "purchase", now=T0)
    db.session.execute(text("UPDATE expiring_points SET points = 299 WHERE member_id = :id"),
                       {"id": member_id})
    db.session.commit()

    assert [(p.member_id, p.what) for p in check_ledger(T0)] == [
        (member_id, f"expiring points at {T0_EXPIRES.isoformat()}: kept 299 != live lots 300")]
    assert check_ledger(T0_EXPIRES) == [], "a moment that has passed is not read"
