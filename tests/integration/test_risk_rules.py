"""The default risk rules at work: farms, busy tills, referral rings and redemption loops
are flagged, held or blocked as each rule says; ordinary members raise nothing."""
from dataclasses import replace
from datetime import timedelta

import pytest

from app.extensions import db
from app.loyalty import purchases, redemption, referrals, tasks
from app.loyalty.models import Member, Purchase, utcnow
from app.loyalty.models.earning import HELD
from app.loyalty.models.risk import BLOCK
from app.loyalty.risk import blocklist, guard, signals
from app.loyalty.risk import settings as risk_settings
from app.loyalty.risk.signals import Origin
from app.loyalty.transaction import write_transaction
from tests.integration.api_support import new_store
from tests.integration.risk_support import buy, cases, join, ledger_holds
from tests.support import balance


@pytest.fixture(autouse=True)
def ledger_checked(app):
    yield
    ledger_holds()


def test_a_farm_of_50_accounts_joining_and_checking_in_from_one_device_is_caught(app):
    farm = [join(f"1370000{n:04d}", device="farm-phone", address=f"203.0.113.{n}")
            for n in range(50)]
    for member in farm:
        tasks.check_in(member.id, origin=Origin(address="203.0.113.1", device="farm-phone"))

    assert len(cases("join_per_device")) == 47          # every join after the third
    held = cases("check_in_per_device")
    assert len(held) == 47 and {c.action for c in held} == {"hold"}
    assert [balance(m.id) for m in farm[:3]] == [3, 3, 3]
    assert {balance(m.id) for m in farm[3:]} == {0}     # held for review, not credited


def test_a_till_posting_100_purchases_in_a_minute_has_its_points_held(app, make_member):
    store_id, _key = new_store()
    shoppers = [make_member() for _ in range(4)]
    now = utcnow()
    for n in range(100):
        buy(store_id, shoppers[n % 4], now=now + timedelta(milliseconds=n * 100))

    db.session.rollback()
    statuses = [p.status for p in db.session.scalars(db.select(Purchase).order_by(Purchase.id))]
    assert statuses[:30] == ["credited"] * 30 and set(statuses[30:]) == {HELD}
    assert len(cases("till_purchases_per_minute")) == 70


def test_a_referral_ring_sharing_a_device_has_the_inviters_reward_held(app):
    store_id, _key = new_store()
    inviter = join("13600000001", device="ring")
    code = db.session.get(Member, inviter.id).referral_code
    invitees = [join(f"1360000001{n}", device="ring", address=f"192.0.2.{n}", invite=code)
                for n in range(3)]
    for invitee in invitees:
        buy(store_id, invitee, amount_fen=3000)

    held = cases("referral_shared_device")
    assert len(held) == 3 and {c.member_id for c in held} == {inviter.id}
    assert held[0].evidence["others"] == [invitees[0].id]
    assert balance(inviter.id) == 0


def test_a_family_inviting_each_other_on_one_home_network_gets_its_reward_at_once(app):
    store_id, _key = new_store()
    parent = join("13600000002", device="parent-phone", address="198.51.100.20")
    code = db.session.get(Member, parent.id).referral_code
    child = join("13600000021", device="child-phone", address="198.51.100.20", invite=code)
    buy(store_id, child, amount_fen=3000)

    assert cases("referral_shared_device") == cases("referral_shared_address") == []
    assert balance(parent.id) > 0


def test_a_referral_ring_from_one_address_on_different_phones_is_flagged_not_held(app):
    store_id, _key = new_store()
    inviter = join("13600000003", device="ring-a", address="198.51.100.30")
    code = db.session.get(Member, inviter.id).referral_code
    invitees = [join(f"1360000003{n}", device=f"ring-phone-{n}", address="198.51.100.30",
                     invite=code) for n in range(3)]
    for invitee in invitees:
        buy(store_id, invitee, amount_fen=3000)

    flagged = cases("referral_shared_address")
    assert [c.action for c in flagged] == ["flag", "flag"]  # the rewards past the first
    assert sorted(flagged[-1].evidence["others"]) == sorted(i.id for i in invitees)
    assert cases("referral_shared_device") == []
    assert balance(inviter.id) > 0                          # credited, for a look


def test_a_member_redeeming_in_a_loop_is_flagged_past_twenty_a_day_and_blocked_if_set_so(
        app, make_member, make_item, make_staff):
    member, item = make_member(points=10_000), make_item(points_price=10, stock=None)
    for n in range(21):
        redemption.redeem(member.id, item.id, f"loop-{n}")
    assert len(cases("redemptions_per_day")) == 1       # the twenty-first

    rule = risk_settings.rule("redemptions_per_day")
    risk_settings.change(replace(rule, action=BLOCK), actor_id=make_staff().id)
    with pytest.raises(guard.Blocked):
        redemption.redeem(member.id, item.id, "loop-21")

    assert balance(member.id) == 10_000 - 210


def test_one_purchase_above_the_amount_is_held(app, make_member):
    store_id, _key = new_store()
    member = make_member()
    purchase = buy(store_id, member, amount_fen=6_000_000)

    assert purchase.status == HELD and balance(member.id) == 0
    [case] = cases()
    assert "purchase_amount" in {hit["rule"] for hit in case.evidence["rules"]}


def test_refunds_after_points_were_spent_again_and_again_are_flagged(app, make_member,
                                                                    make_item):
    store_id, _key = new_store()
    member, item = make_member(), make_item(points_price=10, stock=50)
    for n in range(3):
        purchase = buy(store_id, member, amount_fen=10_000)
        redemption.redeem(member.id, item.id, f"spend-{n}")
        purchases.refund(store_id, purchase.reference, f"r{n}", 10_000)

    assert [c.rule_code for c in cases()] == ["refunds_after_spending"]


def test_a_blocked_device_may_not_join_or_check_in(app, make_staff, make_member):
    admin = make_staff("admin")
    blocklist.add("device", "bad-phone", "farm", actor_id=admin.id)
    member = make_member()

    with pytest.raises(guard.Blocked):
        join("13500000001", device="bad-phone")
    with pytest.raises(guard.Blocked):
        tasks.check_in(member.id, origin=Origin(device="bad-phone"))
    assert balance(member.id) == 0


def test_the_demo_members_raise_no_case(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert cases() == []


def test_the_purge_job_deletes_old_signals_once(app, make_member):
    member = make_member()
    now = utcnow()
    with write_transaction():
        signals.record("sign_in", member.id, Origin(), now - timedelta(days=181))
        signals.record("sign_in", member.id, Origin(), now - timedelta(days=10))

    assert signals.purge(now) == 1
    assert signals.purge(now) == 0 and signals.count() == 1


def test_an_unknown_referral_is_still_refused_before_any_signal(app):
    with pytest.raises(referrals.UnknownReferral):
        join("13400000001", device="d", invite="NOSUCHCODE")
    assert signals.count() == 0
