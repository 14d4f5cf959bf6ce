"""Expiry writes one entry for a member's points lapsing at one moment, and its allocations
name exactly the lots that lapsed, whichever path (the job or the member's own expiry) runs."""
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.loyalty import accounts, expiry, ledger
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import EARN, EXPIRE, LedgerEntry, LotAllocation, PointLot
from app.loyalty.transaction import lock_member, write_transaction
from tests.conftest import days
from tests.integration.route_support import text
from tests.integration.test_expiry_job import NOW, expire_entries, give
from tests.integration.test_routes_points import rows
from tests.support import balance, race

LAPSED_AT = NOW - days(5)


def thirty_small_lots(member_id: int) -> list[int]:
    """Thirty lots of 1..30 points, all lapsing at LAPSED_AT, in one transaction."""
    with write_transaction():
        member = lock_member(member_id)
        for points in range(1, 31):
            ledger.credit(member, points, kind=EARN, detail="purchase", now=NOW - days(400),
                          expires_at=LAPSED_AT)
    return db.session.scalars(select(PointLot.id).where(PointLot.member_id == member_id)
                              .order_by(PointLot.id)).all()


def drawn_by(entry: LedgerEntry) -> list[tuple[int, int]]:
    return sorted(db.session.execute(select(LotAllocation.lot_id, LotAllocation.points)
                                     .where(LotAllocation.entry_id == entry.id)).all())


def test_a_member_whose_30_lots_lapse_at_once_reads_one_history_row_of_their_sum(
        shopper, member):
    thirty_small_lots(member.id)

    assert expiry.expire_all(NOW) == 465

    found = rows(text(shopper.get("/points")))
    assert found[0].startswith("Expired") and "−465 Balance 5,000" in found[0]
    assert not any(row.startswith("Expired") for row in found[1:])


def test_the_one_expire_entry_is_dated_at_the_lapse_and_its_allocations_name_the_30_lots(
        make_member):
    member_id = make_member().id
    lots = thirty_small_lots(member_id)

    expiry.expire_all(NOW)

    [entry] = expire_entries(member_id)
    assert (entry.points, entry.balance_after, entry.created_at) == (-465, 0, LAPSED_AT)
    assert (entry.lot_id, entry.ref_type, entry.ref_id) == (None, None, None)
    assert drawn_by(entry) == [(lot, n) for n, lot in enumerate(lots, start=1)]
    assert check_ledger() == []


def test_the_members_own_expiry_writes_the_same_one_entry_as_the_job(make_member):
    member_id = make_member().id
    lots = thirty_small_lots(member_id)

    assert accounts.expire(member_id, NOW) == 465

    [entry] = expire_entries(member_id)
    assert (entry.points, entry.balance_after, entry.created_at) == (-465, 0, LAPSED_AT)
    assert entry.lot_id is None
    assert drawn_by(entry) == [(lot, n) for n, lot in enumerate(lots, start=1)]
    assert check_ledger() == []


def test_lots_lapsing_at_two_moments_expire_in_two_entries_oldest_first(make_member):
    member_id = make_member().id
    give(member_id, 100, NOW - days(40))
    give(member_id, 20, NOW - days(10))
    give(member_id, 30, NOW - days(10))

    expiry.expire_all(NOW)

    entries = expire_entries(member_id)
    assert [(e.points, e.balance_after, e.created_at) for e in entries] == [
        (-100, 50, NOW - days(40)), (-50, 0, NOW - days(10))]
    assert [len(drawn_by(e)) for e in entries] == [1, 2]


def test_the_job_and_the_members_own_expiry_at_once_expire_each_of_the_30_lots_once(
        app, make_member):
    member_id = make_member().id
    lots = thirty_small_lots(member_id)

    results = race([lambda: expiry.expire_all(NOW), lambda: expiry.expire_all(NOW),
                    lambda: accounts.expire(member_id, NOW)], app)

    assert not any(isinstance(r, Exception) for r in results), results
    assert sum(results) == 465
    [entry] = expire_entries(member_id)
    assert drawn_by(entry) == [(lot, n) for n, lot in enumerate(lots, start=1)]
    assert expiry.expire_all(NOW + days(1)) == 0
    assert balance(member_id) == 0
    assert check_ledger() == []


def test_a_member_cannot_get_two_expire_entries_for_one_moment(make_member):
    member_id = make_member().id
    give(member_id, 10, LAPSED_AT)
    expiry.expire_all(NOW)

    with pytest.raises(IntegrityError):
        with write_transaction():
            db.session.add(LedgerEntry(member_id=member_id, kind=EXPIRE, points=-10,
                                       balance_after=0, detail="", created_at=LAPSED_AT))
    db.session.rollback()
    assert len(expire_entries(member_id)) == 1
