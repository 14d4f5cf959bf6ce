"""The other default risk rules at work, each on its own: many joins from one address, task
points in a day, points in a month, a new member's first week, many members at one till,
invitees who never buy again, and new accounts redeeming one item from one device."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.extensions import db
from app.loyalty import redemption, tasks
from app.loyalty.models import BIRTHDAY, PROFILE, Member, TaskReward, utcnow
from app.loyalty.risk.signals import Origin
from app.loyalty.transaction import lock_member, write_transaction
from tests.integration.api_support import new_store
from tests.integration.risk_support import buy, cases, join, ledger_holds
from tests.support import balance


@pytest.fixture(autouse=True)
def ledger_checked(app):
    yield
    ledger_holds()


def rules_tripped(case) -> set[str]:
    return {hit["rule"] for hit in case.evidence["rules"]}


def test_more_than_ten_joins_from_one_address_in_a_day_are_flagged_and_still_join(app):
    members = [join(f"1330000{n:04d}", device=f"phone-{n}", address="203.0.113.9")
               for n in range(12)]

    flagged = cases("join_per_address")
    assert [c.member_id for c in flagged] == [members[10].id, members[11].id]
    assert all(db.session.get(Member, m.id) is not None for m in members)


def test_task_points_past_600_in_a_day_are_held_for_review(app, make_member):
    member = make_member()
    for task, points in ((PROFILE, 400), (BIRTHDAY, 400)):
        with write_transaction():
            tasks.reward(lock_member(member.id), task, "2026", points, "bonus", utcnow())

    [held] = cases("task_points_per_day")
    assert held.action == "hold" and held.member_id == member.id
    assert balance(member.id) == 400                    # the second reward waits
    assert db.session.scalars(db.select(TaskReward.entry_id)
                              .order_by(TaskReward.id)).all()[1] is None


def test_a_new_member_earning_past_5000_points_in_the_first_week_is_flagged(app, make_member):
    store_id, _key = new_store()
    member = make_member()
    first = buy(store_id, member, amount_fen=300_000)   # ¥3,000: under 5,000 points
    assert cases() == [] and 0 < first.points < 5_000
    second = buy(store_id, member, amount_fen=300_000)

    [flagged] = cases()
    assert "new_member_points" in rules_tripped(flagged)
    assert balance(member.id) == first.points + second.points   # a flag lets them through


def test_a_member_earning_past_50000_points_in_30_days_is_flagged(app, make_member, clock):
    store_id, _key = new_store()
    member = make_member()
    clock.shift(timedelta(days=8))                      # no longer a new member
    first = buy(store_id, member, amount_fen=3_000_000, now=utcnow())
    assert cases() == [] and 0 < first.points < 50_000
    second = buy(store_id, member, amount_fen=3_000_000, now=utcnow())

    [flagged] = cases()
    assert rules_tripped(flagged) == {"points_per_month"}
    assert balance(member.id) == first.points + second.points


def test_a_till_posting_for_more_than_20_members_in_a_minute_is_flagged(app, make_member):
    store_id, _key = new_store()
    shoppers = [make_member() for _ in range(22)]
    now = utcnow()
    for n, shopper in enumerate(shoppers):
        buy(store_id, shopper, now=now + timedelta(seconds=n))

    flagged = cases("till_members_per_minute")
    assert [c.member_id for c in flagged] == [shoppers[20].id, shoppers[21].id]
    assert all(balance(s.id) == 30 for s in shoppers)


def test_the_rules_counting_a_new_members_purchase_are_measured_in_one_statement(
        app, make_member):
    store_id, _key = new_store()
    shopper = make_member()
    reads = []

    def remember(_connection, _cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("SELECT") and "FROM risk_signals" in statement:
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        buy(store_id, shopper)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)

    # The month's points, the first week's, the till's purchases and its members.
    assert len(reads) == 1 and reads[0].count("FROM risk_signals") == 4
    assert balance(shopper.id) == 30 and cases() == []


def test_an_inviter_whose_invitees_never_buy_again_is_flagged(app):
    store_id, _key = new_store()
    inviter = join("13200000001", device="inviter", address="198.51.100.1")
    code = db.session.get(Member, inviter.id).referral_code
    for n in range(4):
        invitee = join(f"1320000010{n}", device=f"guest-{n}", address=f"192.0.2.{n + 10}",
                       invite=code)
        buy(store_id, invitee, amount_fen=3000)

    flagged = cases("referral_no_purchase")
    assert [c.member_id for c in flagged] == [inviter.id]


def test_new_accounts_redeeming_one_item_from_one_device_are_flagged(app, make_member,
                                                                     make_item):
    item = make_item(points_price=10, stock=None)
    members = [make_member(points=100) for _ in range(5)]
    for n, member in enumerate(members):
        redemption.redeem(member.id, item.id, f"gift-{n}",
                          origin=Origin(address="203.0.113.20", device="one-phone"))

    flagged = cases("item_new_accounts_per_device")
    assert [c.member_id for c in flagged] == [members[3].id, members[4].id]
    assert all(balance(m.id) == 90 for m in members)
