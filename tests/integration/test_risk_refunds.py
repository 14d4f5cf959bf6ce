"""A flagged credit that a review rejects and a refund takes back is taken back once,
whichever comes first and whatever the member spent in between; a held credit a review
posts is found by the row it was for."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import purchases, redemption, referrals
from app.loyalty.models import CLAWBACK, LedgerEntry, Member, Purchase, PurchaseRefund, TaskReward
from app.loyalty.models import REFERRAL_NEW as WELCOME
from app.loyalty.models.risk import RiskCase
from app.loyalty.risk import cases as review
from app.loyalty.risk import settings as rule_settings
from app.loyalty.risk.rules import Rule
from tests.conftest import PASSWORD, sign_in
from tests.integration.api_support import new_store
from tests.integration.risk_support import buy, cases, ledger_holds
from tests.support import balance, race

BIG = 6_000_000   # fen: 60,000 points, above the purchase amount rule's 5,000,000


@pytest.fixture(autouse=True)
def ledger_checked(app):
    yield
    ledger_holds()


@pytest.fixture
def admin_id(make_staff):
    return make_staff("admin").id


def _flag_big_purchases(admin_id: int) -> None:
    rule_settings.change(Rule("purchase_amount", 5_000_000, 60, "flag"), actor_id=admin_id)


def _flagged_purchase(store_id: int, member: Member, admin_id: int) -> tuple[Purchase, int]:
    _flag_big_purchases(admin_id)
    purchase = buy(store_id, member, amount_fen=BIG)
    [case] = cases()
    assert case.action == "flag" and purchase.status == "credited"
    return purchase, case.id


def _refund(store_id: int, purchase: Purchase, reference: str, amount_fen: int):
    refunded, _replayed = purchases.refund(store_id, purchase.reference, reference, amount_fen)
    return refunded.refund


def _clawed(member_id: int) -> int:
    db.session.rollback()
    return -db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
        LedgerEntry.member_id == member_id, LedgerEntry.kind == CLAWBACK))


def _owed(member_id: int) -> int:
    db.session.rollback()
    return db.session.get(Member, member_id).points_owed


def test_refunding_half_rejecting_and_refunding_the_rest_leaves_the_balance_before_the_purchase(
        app, make_member, admin_id):
    store_id, _key = new_store()
    member = make_member(points=500)
    purchase, case_id = _flagged_purchase(store_id, member, admin_id)

    _refund(store_id, purchase, "RF-1", BIG // 2)
    review.reject(case_id, "大额消费存疑", actor_id=admin_id)
    last = _refund(store_id, purchase, "RF-2", BIG // 2)

    assert balance(member.id) == 500 and _owed(member.id) == 0
    assert _clawed(member.id) == 60_000 and last.points_clawed == 0
    assert all(entry.detail for entry in db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.member_id == member.id)))
    done = db.session.get(Purchase, purchase.id)
    assert done.points_clawed == 60_000 and done.refunded_fen == BIG


def test_a_refund_after_the_rejection_claws_nothing_more_and_is_recorded(
        app, make_member, admin_id):
    store_id, _key = new_store()
    member = make_member()
    purchase, case_id = _flagged_purchase(store_id, member, admin_id)

    review.reject(case_id, "大额消费存疑", actor_id=admin_id)
    refund = _refund(store_id, purchase, "RF-1", BIG)

    assert balance(member.id) == 0 and _owed(member.id) == 0 and _clawed(member.id) == 60_000
    assert (refund.amount_fen, refund.points_clawed, refund.points_owed) == (BIG, 0, 0)
    assert db.session.get(Purchase, purchase.id).refunded_fen == BIG


def test_what_was_spent_before_the_rejection_is_owed_once(app, make_member, make_item, admin_id):
    store_id, _key = new_store()
    member = make_member()
    purchase, case_id = _flagged_purchase(store_id, member, admin_id)
    redemption.redeem(member.id, make_item(points_price=50_000).id, "spent")

    _refund(store_id, purchase, "RF-1", BIG // 2)
    review.reject(case_id, "大额消费存疑", actor_id=admin_id)
    _refund(store_id, purchase, "RF-2", BIG // 2)

    assert balance(member.id) == 0 and _owed(member.id) == 50_000
    assert _clawed(member.id) == 10_000


def test_a_rejected_flagged_purchase_still_pending_is_never_credited_and_the_member_reads_why(
        app, make_member, admin_id):
    app.config["PURCHASE_HOLD_DAYS"] = 7
    store_id, _key = new_store()
    member = make_member()
    _flag_big_purchases(admin_id)
    purchase = buy(store_id, member, amount_fen=BIG)
    [case] = cases()

    review.reject(case.id, "大额消费存疑", actor_id=admin_id)
    purchases.release_pending(now=purchase.available_at + timedelta(days=1))

    assert balance(member.id) == 0 and _clawed(member.id) == 0
    assert purchases.pending_points(member.id).points == 0
    client = app.test_client()
    assert sign_in(client, member.phone).status_code == 302
    history = client.get("/points").get_data(as_text=True)
    assert 'data-status="rejected"' in history and "大额消费存疑" in history
    assert f"{purchase.points:,}" in history


def test_a_refund_racing_the_rejection_claws_the_purchase_back_once(
        app, make_member, admin_id):
    store_id, _key = new_store()
    member = make_member(points=500)
    purchase, case_id = _flagged_purchase(store_id, member, admin_id)

    outcomes = race([lambda: review.reject(case_id, "大额消费存疑", actor_id=admin_id),
                     lambda: _refund(store_id, purchase, "RF-1", BIG // 2)], app=app)

    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert balance(member.id) == 500 and _clawed(member.id) == 60_000
    done = db.session.get(Purchase, purchase.id)
    assert done.points_clawed == 60_000 and done.refunded_fen == BIG // 2
    assert db.session.scalar(select(func.count()).select_from(PurchaseRefund)) == 1


def _friend_whose_welcome_a_rule_caught(make_member, admin_id: int, action: str
                                        ) -> tuple[int, Purchase, int]:
    """A referred member whose first purchase paid welcome points that a rule flagged or
    held; (store, purchase, case)."""
    rule_settings.change(Rule("task_points_per_day", 0, 86_400, action), actor_id=admin_id)
    store_id, _key = new_store()
    friend = referrals.join("13700000001", "新朋友", PASSWORD,
                            referral_code=make_member().referral_code)
    purchase = buy(store_id, friend, amount_fen=3000)
    [case] = cases("task_points_per_day")
    return store_id, purchase, case.id


def _friend_with_flagged_welcome(make_member, admin_id: int) -> tuple[int, Purchase, int]:
    store_id, purchase, case_id = _friend_whose_welcome_a_rule_caught(make_member, admin_id,
                                                                      "flag")
    case = db.session.get(RiskCase, case_id)
    assert case.ref_type == WELCOME and case.entry_id is not None
    return store_id, purchase, case_id


def test_rejecting_flagged_welcome_points_then_refunding_takes_them_back_once(
        app, make_member, admin_id):
    store_id, purchase, case_id = _friend_with_flagged_welcome(make_member, admin_id)

    review.reject(case_id, "邀请存疑", actor_id=admin_id)
    _refund(store_id, purchase, "RF-1", 3000)

    assert balance(purchase.member_id) == 0 and _owed(purchase.member_id) == 0
    assert _clawed(purchase.member_id) == 130


def test_refunding_then_rejecting_flagged_welcome_points_takes_them_back_once(
        app, make_member, admin_id):
    store_id, purchase, case_id = _friend_with_flagged_welcome(make_member, admin_id)

    _refund(store_id, purchase, "RF-1", 3000)
    review.reject(case_id, "邀请存疑", actor_id=admin_id)

    assert balance(purchase.member_id) == 0 and _owed(purchase.member_id) == 0
    assert _clawed(purchase.member_id) == 130


def test_approved_held_welcome_points_are_found_by_the_reward_and_a_refund_takes_them_once(
        app, make_member, admin_id):
    store_id, purchase, case_id = _friend_whose_welcome_a_rule_caught(make_member, admin_id,
                                                                      "hold")
    friend = db.session.get(Member, purchase.member_id)

    approved = review.approve(case_id, actor_id=admin_id)
    reward = db.session.scalar(select(TaskReward).where(TaskReward.task == WELCOME))
    assert reward.entry_id == approved.entry_id is not None
    _refund(store_id, purchase, "RF-1", 3000)

    assert balance(friend.id) == 0 and _owed(friend.id) == 0 and _clawed(friend.id) == 130
