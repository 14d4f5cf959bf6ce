"""Referral rewards stand only with a purchase of at least the qualifying amount: a smaller
one earns none, and a refund that leaves the purchase below it takes both rewards back."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import redemption, referrals
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import (
    CLAWBACK,
    REFERRAL_INVITER,
    REFERRAL_NEW,
    LedgerEntry,
    Member,
    TaskReward,
)
from tests.conftest import PASSWORD, fresh, sign_in
from tests.integration.api_support import count, purchase_body
from tests.integration.route_support import english, text
from tests.support import balance

_phones = iter(range(10**6))


@pytest.fixture
def friend(make_member):
    """A member who joined with an referrer's code, and has bought nothing yet."""
    referrer = make_member()
    return referrals.join(f"137{next(_phones):08d}", "新朋友", PASSWORD,
                          referral_code=referrer.referral_code)


def referrer_of(member: Member) -> Member:
    return db.session.get(Member, member.referred_by_id)


def buy(till, member, amount_fen, reference="P-1"):
    response = till.post("/purchases", purchase_body(member, amount_fen=amount_fen,
                                                     reference=reference))
    assert response.status_code == 201
    return response.get_json()


def refund(till, amount_fen, reference="RF-1", purchase="P-1"):
    response = till.post(f"/purchases/{purchase}/refunds",
                         {"reference": reference, "amount_fen": amount_fen})
    assert response.status_code == 201
    return response.get_json()


def owed(member: Member) -> int:
    return fresh(db.session.get(Member, member.id)).points_owed


def test_a_one_fen_purchase_earns_no_referral_reward(till, friend):
    buy(till, friend, amount_fen=1)

    assert balance(friend.id) == 0 and balance(referrer_of(friend).id) == 0
    assert count(TaskReward) == 0
    assert check_ledger() == []


def test_a_purchase_just_below_the_minimum_earns_none_and_the_next_qualifying_one_does(
        app, till, friend):
    minimum = app.config["REFERRAL_MIN_PURCHASE_FEN"]
    buy(till, friend, amount_fen=minimum - 1, reference="P-small")

    buy(till, friend, amount_fen=minimum, reference="P-enough")

    assert balance(friend.id) == (minimum - 1) // 100 + minimum // 100 + 100
    assert balance(referrer_of(friend).id) == 200
    assert check_ledger() == []


def test_a_qualifying_purchase_fully_refunded_takes_both_rewards_back(till, friend):
    referrer = referrer_of(friend)
    buy(till, friend, amount_fen=10_000)  # 100 points, and 100 + 200 for the referral
    assert balance(friend.id) == 200 and balance(referrer.id) == 200

    body = refund(till, 10_000)

    assert body["points_clawed"] == 100 and body["member_points_owed"] == 0
    assert balance(friend.id) == 0 and balance(referrer.id) == 0
    assert count(TaskReward) == 0
    taken = db.session.execute(select(LedgerEntry.member_id, LedgerEntry.ref_type,
                                      LedgerEntry.points, LedgerEntry.detail)
                               .where(LedgerEntry.kind == CLAWBACK,
                                      LedgerEntry.ref_type.like("referral%"))).all()
    assert sorted(t[:3] for t in taken) == sorted([(friend.id, REFERRAL_NEW, -100),
                                                   (referrer.id, REFERRAL_INVITER, -200)])
    assert all("refunded" in t.detail for t in taken)
    assert check_ledger() == []


def test_referral_rewards_already_spent_are_owed_like_a_refunded_purchase(till, friend,
                                                                         make_item):
    cheap, dearer = (make_item(points_price=p, stock=None).id for p in (150, 200))
    referrer = referrer_of(friend)
    buy(till, friend, amount_fen=10_000)
    redemption.redeem(friend.id, cheap, "friend-spends")
    redemption.redeem(referrer.id, dearer, "referrer-spends")

    body = refund(till, 10_000)

    # the friend had 50 left: the purchase's 100 points and the welcome 100 are owed but 50
    assert balance(friend.id) == 0 and owed(friend) == 150
    assert body["member_points_owed"] == 150
    assert balance(referrer.id) == 0 and owed(referrer) == 200
    assert check_ledger() == []

    buy(till, referrer, amount_fen=30_000, reference="P-referrer")  # 300: 200 settle the debt
    assert balance(referrer.id) == 100 and owed(referrer) == 0
    assert check_ledger() == []


def test_a_partial_refund_that_keeps_the_minimum_keeps_the_rewards_and_the_next_does_not(
        app, till, friend):
    referrer = referrer_of(friend)
    minimum = app.config["REFERRAL_MIN_PURCHASE_FEN"]
    buy(till, friend, amount_fen=10_000)

    refund(till, 10_000 - minimum, reference="RF-1")  # exactly the minimum is kept

    assert count(TaskReward) == 2
    assert balance(friend.id) == minimum // 100 + 100 and balance(referrer.id) == 200
    assert check_ledger() == []

    refund(till, 1, reference="RF-2")  # now below it
    refund(till, minimum - 1, reference="RF-3")  # the rest takes nothing more back

    assert count(TaskReward) == 0
    assert balance(friend.id) == 0 and balance(referrer.id) == 0
    assert count(LedgerEntry, LedgerEntry.ref_type.like("referral%"),
                 LedgerEntry.kind == CLAWBACK) == 2
    assert check_ledger() == []


def test_a_refund_of_a_later_purchase_leaves_the_rewards_of_the_first(till, friend):
    referrer = referrer_of(friend)
    buy(till, friend, amount_fen=10_000, reference="P-1")
    buy(till, friend, amount_fen=5_000, reference="P-2")

    refund(till, 5_000, purchase="P-2")

    assert count(TaskReward) == 2
    assert balance(friend.id) == 200 and balance(referrer.id) == 200


def test_after_the_rewards_are_taken_back_the_next_qualifying_purchase_earns_them_again(
        till, friend):
    referrer = referrer_of(friend)
    buy(till, friend, amount_fen=10_000, reference="P-1")
    refund(till, 10_000, purchase="P-1")

    buy(till, friend, amount_fen=10_000, reference="P-2")

    assert balance(friend.id) == 200 and balance(referrer.id) == 200
    assert count(TaskReward) == 2
    assert check_ledger() == []


def test_the_monthly_cap_counts_only_rewards_that_stand(app, till, make_member):
    app.config["REFERRAL_MONTHLY_CAP"] = 1
    referrer = make_member()
    first, second = (referrals.join(f"137{next(_phones):08d}", "新朋友", PASSWORD,
                                    referral_code=referrer.referral_code) for _ in range(2))
    buy(till, first, amount_fen=10_000, reference="P-first")
    refund(till, 10_000, purchase="P-first")

    buy(till, second, amount_fen=10_000, reference="P-second")

    assert balance(referrer.id) == 200
    assert count(TaskReward, TaskReward.member_id == referrer.id) == 1


def test_the_rules_page_states_the_minimum_and_that_rewards_go_with_a_refund(app, client):
    app.config["REFERRAL_MIN_PURCHASE_FEN"] = 3_050
    english(client)

    html = text(client.get("/rules"))

    assert "at least ¥30.50" in html and "less than ¥30.50" in html
    assert "both rewards are taken back" in html


def test_the_rules_page_reads_the_same_in_chinese(app, client):
    html = text(client.get("/rules"))

    assert "不低于 ¥20.00" in html and "双方的邀请奖励都将扣回" in html


def test_the_referrers_points_history_says_in_chinese_why_the_invite_points_went(
        app, client, till, friend):
    buy(till, friend, amount_fen=10_000)
    refund(till, 10_000)

    sign_in(client, referrer_of(friend).phone)
    page = text(client.get("/points"))

    assert "积分扣回 · 邀请奖励已扣回：好友的消费已退款" in page
