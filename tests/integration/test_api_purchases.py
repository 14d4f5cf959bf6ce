"""Purchases from the tills: points by the formula, credited through the ledger."""
from datetime import date, timedelta, timezone

from sqlalchemy import select

from app.extensions import db
from app.loyalty import campaigns
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import EARN, LedgerEntry, Member, Purchase, utcnow
from tests.conftest import fresh, sign_in, tier_id
from tests.integration.api_support import Api, count, new_store, purchase_body
from tests.integration.route_support import english, text
from tests.support import balance


def test_a_purchase_credits_its_points_at_once_and_says_so(till, make_member):
    member = make_member(points=50)

    response = till.post("/purchases", purchase_body(member, amount_fen=12_345, reference="R-1"))

    assert response.status_code == 201
    body = response.get_json()
    assert body["reference"] == "R-1" and body["store"] == "SH001"
    assert body["member_no"] == member.member_no
    assert body["points"] == 123 and body["status"] == "credited"
    assert body["multiplier_pct"] == 100
    assert body["balance"] == 173 == balance(member.id)
    entry = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == EARN,
                                                         LedgerEntry.ref_type == "purchase")).one()
    assert entry.points == 123 and entry.detail == "上海南京西路店"
    assert entry.ref_id == str(body["id"])
    assert check_ledger() == []


def test_the_member_may_be_named_by_member_number(till, make_member):
    member = make_member()
    body = purchase_body(member, amount_fen=500)
    del body["member_phone"]
    body["member_no"] = member.member_no

    response = till.post("/purchases", body)

    assert response.status_code == 201 and balance(member.id) == 5


def test_a_gold_member_earns_the_tier_multiplier_and_the_best_campaign_bonus_per_line(
        till, make_member):
    member = make_member(tier="gold")
    now = utcnow()
    campaigns.create(name="咖啡三倍", name_en="Triple coffee", multiplier_pct=300,
                     starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1),
                     category="coffee")
    campaigns.create(name="全场双倍", name_en="Double all", multiplier_pct=200,
                     starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1))
    lines = [{"category": "Coffee", "amount_fen": 1_000, "sku": "LATTE", "quantity": 2},
             {"category": "bakery", "amount_fen": 999, "name": "可颂"}]

    response = till.post("/purchases", purchase_body(member, amount_fen=1_999, lines=lines))

    # gold 1.5x: coffee ¥10 x 3 = 45, bakery ¥9.99 x 2 = 29.97 -> floor(74.97) = 74
    assert response.get_json()["points"] == 74
    assert response.get_json()["multiplier_pct"] == 300


def test_a_campaign_for_another_tier_or_outside_its_window_gives_nothing(till, make_member):
    member = make_member()
    now = utcnow()
    campaigns.create(name="金卡", name_en="Gold", multiplier_pct=500, tier_code="gold",
                     starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1))
    campaigns.create(name="明天", name_en="Tomorrow", multiplier_pct=500,
                     starts_at=now + timedelta(hours=1), ends_at=now + timedelta(days=1))

    response = till.post("/purchases", purchase_body(member, amount_fen=10_000))

    assert response.get_json()["points"] == 100


def test_a_purchase_in_the_birthday_month_earns_double(till, make_member, app):
    member = make_member()
    local_today = utcnow().astimezone(timezone(timedelta(hours=8))).date()
    db.session.get(Member, member.id).birthday = date(1990, local_today.month, 1)
    db.session.commit()

    response = till.post("/purchases", purchase_body(member, amount_fen=10_000))

    assert response.get_json()["points"] == 200
    assert response.get_json()["multiplier_pct"] == 200


def test_a_purchase_too_small_to_earn_is_recorded_with_no_points(till, make_member):
    member = make_member()

    response = till.post("/purchases", purchase_body(member, amount_fen=99))

    assert response.status_code == 201 and response.get_json()["points"] == 0
    assert count(Purchase) == 1 and count(LedgerEntry) == 0


def test_purchase_points_count_towards_the_tier(till, make_member):
    member = make_member()
    # Gold needs 2,000 qualifying points: ¥2,000 spent.
    till.post("/purchases", purchase_body(member, amount_fen=200_000))
    assert fresh(db.session.get(Member, member.id)).tier_id == tier_id("gold")


def test_the_history_page_names_the_purchase_and_its_store(till, make_member, client):
    member = make_member()
    till.post("/purchases", purchase_body(member, amount_fen=10_000))
    sign_in(client, member.phone)
    english(client)

    html = text(client.get("/points"))

    assert "Purchase · 上海南京西路店" in html


def test_a_till_reads_its_own_purchases_but_not_another_stores(till, make_member, client):
    member = make_member()
    till.post("/purchases", purchase_body(member, amount_fen=10_000, reference="SHARED-1"))
    _, other_key = new_store("HZ001", "杭州湖滨银泰店")
    other = Api(client, other_key)

    mine = till.get("/purchases/SHARED-1")
    theirs = other.get("/purchases/SHARED-1")

    assert mine.status_code == 200 and mine.get_json()["points"] == 100
    assert theirs.status_code == 404


def test_a_till_reads_a_members_balance_tier_and_pending_points(till, make_member):
    member = make_member(points=300)

    response = till.get(f"/members/{member.member_no}")

    body = response.get_json()
    assert body["balance"] == 300 and body["tier"]["code"] == "silver"
    assert body["pending_points"] == 0 and body["next_available_at"] is None
    assert till.get("/members/880000000000005").status_code == 404  # well formed, nobody's


def test_a_referred_members_first_purchase_rewards_them_and_their_referrer_once(till, make_member,
                                                                              app):
    from app.loyalty import referrals
    from app.loyalty.models import TaskReward

    referrer = make_member()
    friend = referrals.join("13912345678", "新朋友", "long-enough-pw",
                            referral_code=referrer.referral_code)

    till.post("/purchases", purchase_body(friend, amount_fen=10_000))
    till.post("/purchases", purchase_body(friend, amount_fen=10_000))

    assert count(TaskReward) == 2
    settings = app.config
    assert balance(friend.id) == 200 + settings["REFERRAL_NEW_POINTS"]
    assert balance(referrer.id) == settings["REFERRAL_INVITER_POINTS"]


def test_under_the_activity_policy_a_purchase_moves_live_points_expiry_on(till, make_member,
                                                                         app):
    from app.loyalty.models import PointLot

    member = make_member(points=100, earned_at=utcnow() - timedelta(days=200))
    db.session.rollback()
    before = db.session.scalar(select(PointLot.expires_at).where(PointLot.member_id == member.id))
    app.config["EXPIRY_POLICY"] = "activity"

    till.post("/purchases", purchase_body(member, amount_fen=1_000))

    db.session.rollback()
    expiries = set(db.session.scalars(select(PointLot.expires_at)
                                      .where(PointLot.member_id == member.id)))
    assert len(expiries) == 1 and expiries.pop() > before


def test_a_whole_number_written_with_a_zero_fraction_is_read_as_that_number(till, make_member):
    member = make_member()
    body = purchase_body(member, amount_fen=1_000)
    body["amount_fen"] = 1_000.0
    body["lines"] = [{"category": "coffee", "amount_fen": 1_000.0, "quantity": 2.0}]

    response = till.post("/purchases", body)

    assert response.status_code == 201 and response.get_json()["amount_fen"] == 1_000
    db.session.rollback()
    purchase = db.session.scalars(select(Purchase)).one()
    assert purchase.amount_fen == 1_000 and type(purchase.amount_fen) is int
    assert purchase.lines == [{"category": "coffee", "amount_fen": 1_000, "quantity": 2}]
    assert balance(member.id) == 10


def test_fields_the_document_does_not_name_are_not_kept(till, make_member):
    member = make_member()
    body = purchase_body(member, amount_fen=800, note={"any": ["thing"]})
    body["lines"][0]["colour"] = "red"

    response = till.post("/purchases", body)

    assert response.status_code == 201
    db.session.rollback()
    assert db.session.scalars(select(Purchase)).one().lines == [
        {"category": "coffee", "amount_fen": 800}]
