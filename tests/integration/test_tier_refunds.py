"""A move up that refunded points paid for is undone: the member goes back to the tier their
remaining qualifying points reach, never below the tier they held before, and the change is
recorded on their points history."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import accounts, purchases, redemption, stores, tier_reviews
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import EARN, KEPT, UNDONE, UPGRADE, Member, TierChange
from app.loyalty.purchases import PurchaseInput
from app.loyalty.tiers import next_review
from tests.conftest import PASSWORD, days, sign_in, utc
from tests.integration.route_support import by_testid, english, text

NOW = utc(2026, 6, 1, 4, 0)


@pytest.fixture
def store_id(app):
    return stores.create_store("SH001", "上海南京西路店").id


def buy(store_id, member, amount_fen, reference, at=NOW):
    purchases.record(store_id, PurchaseInput(
        reference=reference, amount_fen=amount_fen, occurred_at=at,
        lines=[{"category": "coffee", "amount_fen": amount_fen}], member_phone=member.phone),
        now=at)


def refund(store_id, purchase, amount_fen, at=NOW, reference="RF-1"):
    purchases.refund(store_id, purchase, reference, amount_fen, now=at)


def standing(member_id):
    db.session.rollback()
    db.session.expire_all()
    member = db.session.get(Member, member_id)
    return member.tier.code, member.tier_since, member.tier_review_at


def changes(member_id):
    db.session.rollback()
    return [(c.reason, c.from_tier.code if c.from_tier else None, c.to_tier.code)
            for c in db.session.scalars(select(TierChange).where(TierChange.member_id == member_id)
                                        .order_by(TierChange.id))]


def test_a_platinum_reached_by_a_purchase_goes_back_to_silver_when_it_is_fully_refunded(
        store_id, make_member):
    member = make_member()
    _, since, review = standing(member.id)
    buy(store_id, member, 5_000_000, "P-big")  # ¥50,000: 50,000 points
    assert standing(member.id)[0] == "platinum"

    refund(store_id, "P-big", 5_000_000, at=NOW + days(3))

    assert standing(member.id) == ("silver", since, review)
    assert changes(member.id) == [(UPGRADE, "silver", "platinum"),
                                  (UNDONE, "platinum", "silver")]
    assert check_ledger() == []


def test_spent_points_owed_for_a_refund_do_not_keep_the_tier_or_win_it_back(
        store_id, make_member, make_item):
    item = make_item(points_price=40_000, stock=None)
    member = make_member()
    buy(store_id, member, 5_000_000, "P-big")
    redemption.redeem(member.id, item.id, "spend-most", now=NOW + days(1))

    refund(store_id, "P-big", 5_000_000, at=NOW + days(3))

    assert standing(member.id)[0] == "silver"
    assert db.session.get(Member, member.id).points_owed == 40_000
    accounts.award(member.id, 3, "daily check-in", now=NOW + days(4))
    assert standing(member.id)[0] == "silver"
    assert check_ledger() == []


def test_refunding_the_purchase_that_made_a_gold_member_platinum_leaves_them_gold(
        store_id, make_member):
    member = make_member()
    buy(store_id, member, 250_000, "P-1")  # 2,500 points: Gold
    gold = standing(member.id)
    buy(store_id, member, 1_000_000, "P-2", at=NOW + days(1))  # 15,000 at 1.5x: Platinum
    assert standing(member.id)[0] == "platinum"

    refund(store_id, "P-2", 1_000_000, at=NOW + days(2))

    assert standing(member.id) == gold
    assert changes(member.id)[-1] == (UNDONE, "platinum", "gold")
    assert check_ledger() == []


def test_a_partial_refund_that_still_reaches_the_tier_changes_nothing(store_id, make_member):
    member = make_member()
    buy(store_id, member, 5_000_000, "P-big")

    refund(store_id, "P-big", 500_000, at=NOW + days(1))

    assert standing(member.id)[0] == "platinum"
    assert [c[0] for c in changes(member.id)] == [UPGRADE]


def test_a_member_kept_at_gold_by_their_review_stays_gold_after_refunding_a_new_purchase(
        store_id, make_member):
    member = make_member()
    accounts.award(member.id, 2_500, "purchase", kind=EARN, now=NOW - days(400))  # Gold
    accounts.award(member.id, 2_000, "purchase", kind=EARN, now=NOW - days(360))
    tier_reviews.review_member(member.id, NOW - days(35))  # 2,000 qualifying: kept
    kept = standing(member.id)
    assert kept[0] == "gold" and changes(member.id)[-1][0] == KEPT
    later = NOW + days(10)  # the points that kept Gold are now over a year old
    buy(store_id, member, 1_000_000, "P-new", at=later)
    assert standing(member.id)[0] == "platinum"

    refund(store_id, "P-new", 1_000_000, at=later)

    assert standing(member.id) == kept
    assert kept[2] == next_review(NOW - days(400) + days(365))  # the next review is unchanged
    assert changes(member.id)[-1] == (UNDONE, "platinum", "gold")
    assert check_ledger() == []


def test_the_points_history_shows_the_undone_move_up_with_its_reason(client, store_id,
                                                                     make_member):
    member = make_member()
    buy(store_id, member, 5_000_000, "P-big")
    refund(store_id, "P-big", 5_000_000, at=NOW + days(1))
    sign_in(client, member.phone, PASSWORD)
    english(client)

    html = text(client.get("/points"))

    assert 'data-reason="undone"' in html
    assert "Move up undone: its points were refunded" in by_testid(html, "tier-change")[0]
    assert "Platinum → Silver" in html
