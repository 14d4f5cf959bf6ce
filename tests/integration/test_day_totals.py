"""The day totals follow every ledger entry in the same transaction, and the qualifying points
read from them are, to the point, the sum of the entries of the rolling year."""
from datetime import timedelta

from sqlalchemy import event, func, insert, select, text

from app.extensions import db
from app.loyalty import accounts, day_totals, expiry, ledger, purchases, reads, redemption, stores
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import (
    ADJUST,
    CLAWBACK,
    EARN,
    EXPIRE,
    REDEEM,
    LedgerDayTotal,
    LedgerEntry,
    Member,
)
from app.loyalty.purchases import PurchaseInput
from app.loyalty.transaction import lock_member, write_transaction
from tests.conftest import days, utc

SECOND = timedelta(seconds=1)
NOW = utc(2026, 6, 1, 4, 0)
SINCE = NOW - days(365)   # 2025-06-01 04:00 UTC


def direct(member_id: int, now, kinds: tuple[str, ...]) -> int:
    """The qualifying points as the entries themselves add up, without the day totals."""
    db.session.rollback()
    summed = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.kind.in_(kinds),
        LedgerEntry.created_at > now - days(365), LedgerEntry.created_at <= now))
    owed = db.session.get(Member, member_id).points_owed if CLAWBACK in kinds else 0
    return max(summed - owed, 0)


def agrees(member_id: int, nows, kinds: tuple[str, ...]) -> None:
    for now in nows:
        assert reads.qualifying_points(member_id, now, kinds) == direct(member_id, now, kinds), now


def totals(member_id: int) -> dict:
    db.session.rollback()
    return {(day.isoformat(), kind): points for day, kind, points in db.session.execute(
        select(LedgerDayTotal.day, LedgerDayTotal.kind, LedgerDayTotal.points)
        .where(LedgerDayTotal.member_id == member_id))}


def test_the_years_edges_count_to_the_second_on_the_edge_days_and_across_midnights(
        make_member):
    member_id = make_member().id
    shanghai_midnight = utc(2025, 12, 31, 16, 0)
    # Each amount a power of two, so the figure tells which entries counted.
    moments = [SINCE - SECOND, SINCE, SINCE + SECOND, utc(2025, 6, 1, 23, 59, 59),
               utc(2025, 6, 2), shanghai_midnight - SECOND, shanghai_midnight,
               utc(2026, 5, 31, 23, 59, 59), utc(2026, 6, 1), NOW - SECOND, NOW, NOW + SECOND]
    for n, at in enumerate(moments):
        accounts.award(member_id, 2 ** n, "purchase", now=at)

    assert reads.qualifying_points(member_id, NOW, (EARN,)) == sum(2 ** n for n in range(2, 11))
    # Every edge of the window on every side of every entry and midnight.
    nows = {at + shift for at in moments + [utc(2026, 1, 1), utc(2026, 6, 2)]
            for shift in (-SECOND, timedelta(0), SECOND)} | {
        at + days(365) + shift for at in moments for shift in (-SECOND, timedelta(0), SECOND)}
    agrees(member_id, sorted(nows), (EARN,))
    assert totals(member_id)[("2025-06-01", EARN)] == 1 + 2 + 4 + 8
    assert totals(member_id)[("2025-12-31", EARN)] == 32 + 64


def test_clawbacks_and_points_owed_from_a_refund_count_against_the_figure(make_member,
                                                                          make_item):
    member = make_member()
    store_id = stores.create_store("SH001", "上海南京西路店").id
    for reference, fen in (("P-1", 300_000), ("P-2", 100_000)):
        purchases.record(store_id, PurchaseInput(
            reference=reference, amount_fen=fen, occurred_at=NOW - days(3),
            lines=[{"category": "coffee", "amount_fen": fen}], member_phone=member.phone),
            now=NOW - days(3))
    spend = db.session.get(Member, member.id).points_balance - 500
    redemption.redeem(member.id, make_item(points_price=spend).id, "key-1", now=NOW - days(2))
    purchases.refund(store_id, "P-1", "RF-1", 300_000, now=NOW - days(1))

    assert totals(member.id) == {("2026-05-29", EARN): 4500, ("2026-05-30", REDEEM): -4000,
                                 ("2026-05-31", CLAWBACK): -500}
    assert db.session.get(Member, member.id).points_owed == 2500
    assert reads.qualifying_points(member.id, NOW, (EARN, CLAWBACK)) == 4500 - 500 - 2500
    assert reads.qualifying_points(member.id, NOW, (EARN,)) == 4500
    agrees(member.id, [NOW - days(1) - SECOND, NOW - days(1), NOW], (EARN, CLAWBACK))
    assert check_ledger(NOW) == []


def test_expire_entries_count_when_the_program_counts_them_after_the_expiry_job(make_member):
    member_id = make_member().id
    accounts.award(member_id, 300, "purchase", now=utc(2026, 3, 15, 2, 0))
    accounts.award(member_id, 500, "purchase", now=utc(2026, 5, 10, 2, 0))
    lapsed_at = utc(2027, 3, 31, 16, 0)
    later = utc(2027, 4, 2)

    assert expiry.expire_all(later) == 300

    assert totals(member_id)[("2027-03-31", EXPIRE)] == -300
    kinds = (EARN, EXPIRE)
    assert reads.qualifying_points(member_id, later, kinds) == 500 - 300
    agrees(member_id, [lapsed_at - SECOND, lapsed_at, later, utc(2027, 4, 1)], kinds)
    assert check_ledger(later) == []


def test_a_members_own_expiry_counts_its_entries_on_the_day_they_are_dated(make_member):
    member_id = make_member().id
    accounts.award(member_id, 300, "purchase", now=utc(2026, 3, 15, 2, 0))

    assert accounts.expire(member_id, now=utc(2027, 5, 1)) == 300

    assert totals(member_id) == {("2026-03-15", EARN): 300, ("2027-03-31", EXPIRE): -300}
    assert reads.qualifying_points(member_id, utc(2027, 5, 1), (EARN, EXPIRE, ADJUST)) == 0
    assert check_ledger(utc(2027, 5, 1)) == []


def test_an_entry_written_inside_an_earning_counts_in_the_same_transaction(make_member):
    member_id = make_member().id
    accounts.award(member_id, 1000, "purchase", now=NOW - days(1))
    with write_transaction():
        ledger.credit(lock_member(member_id), 200, kind=EARN, detail="purchase", now=NOW,
                      expires_at=None)
        assert reads.qualifying_points(member_id, NOW, (EARN,)) == 1200


def test_recount_writes_the_day_totals_of_entries_written_in_bulk(make_member):
    member_id, other_id = make_member().id, make_member().id
    accounts.award(other_id, 70, "purchase", now=NOW)
    db.session.execute(insert(LedgerEntry), [
        {"member_id": member_id, "kind": EARN, "points": 10, "balance_after": 10 * (n + 1),
         "detail": "", "created_at": NOW - days(n / 2)} for n in range(6)])
    db.session.commit()
    assert len(day_totals.mismatches()) == 4

    day_totals.recount([member_id])
    db.session.commit()

    assert day_totals.mismatches() == []
    assert totals(member_id) == {("2026-06-01", EARN): 10, ("2026-05-31", EARN): 20,
                                 ("2026-05-30", EARN): 20, ("2026-05-29", EARN): 10}
    assert reads.qualifying_points(member_id, NOW, (EARN,)) == 60
    db.session.execute(text("DELETE FROM ledger_day_totals"))
    day_totals.recount()
    db.session.commit()
    assert day_totals.mismatches() == [] and totals(other_id) == {("2026-06-01", EARN): 70}


def test_the_ledger_check_reports_a_day_total_that_disagrees_with_its_entries(make_member):
    member_id = make_member().id
    accounts.award(member_id, 300, "purchase", now=NOW)
    accounts.award(member_id, 200, "goodwill", kind=ADJUST, now=NOW - days(1))
    db.session.execute(text("UPDATE ledger_day_totals SET points = 299 "
                            "WHERE member_id = :id AND kind = 'earn'"), {"id": member_id})
    db.session.execute(text("DELETE FROM ledger_day_totals "
                            "WHERE member_id = :id AND kind = 'adjust'"), {"id": member_id})
    db.session.commit()

    assert [(p.member_id, p.what) for p in check_ledger(NOW)] == [
        (member_id, "adjust entries on 2026-05-31: day total 0 != entries 200"),
        (member_id, "earn entries on 2026-06-01: day total 299 != entries 300")]



def test_a_members_qualifying_points_are_read_with_sql_written_once_not_at_each_run(
        make_member):
    member_id = make_member().id
    accounts.award(member_id, 300, "purchase", now=NOW - days(1))
    ran = []

    def remember(_connection, statement, *_rest):
        if "ledger_day_totals" in str(statement):
            ran.append(statement)

    event.listen(db.engine, "before_execute", remember)
    try:
        first = reads.qualifying_points(member_id, NOW, (EARN, CLAWBACK))
        second = reads.qualifying_points(member_id, NOW, (ADJUST, CLAWBACK))
    finally:
        event.remove(db.engine, "before_execute", remember)

    assert (first, second) == (300, 0)
    assert len(ran) == 2 and ran[0] is ran[1]
    assert not [name for name, value in ran[0].compile(dialect=db.engine.dialect).binds.items()
                if value.expanding]


def test_programs_counting_different_numbers_of_kinds_each_count_their_own(app, make_member):
    member_id = make_member().id
    accounts.award(member_id, 300, "purchase", now=NOW - days(1))
    accounts.award(member_id, 200, "goodwill", kind=ADJUST, now=NOW - days(400))
    accounts.award(member_id, 40, "goodwill", kind=ADJUST, now=NOW - days(2))
    accounts.expire(member_id, now=NOW)   # the 200 lapsed a year after they were given

    counted = {}
    for setting in ("earn", "earn,adjust", "earn,adjust,expire", "", "earn,earn", "adjust"):
        app.config["QUALIFYING_KINDS"] = setting
        counted[setting] = reads.qualifying_points(member_id, NOW)

    assert counted == {"earn": 300, "earn,adjust": 340, "earn,adjust,expire": 140, "": 0,
                       "earn,earn": 300, "adjust": 40}
