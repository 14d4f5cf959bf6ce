"""The home page: balance, the next points to expire, tier standing and suggestions."""
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.loyalty import accounts
from app.loyalty.lots import expiry_day
from app.loyalty.models import PointLot, utcnow
from app.loyalty.program import running_program
from tests.conftest import sign_in
from tests.integration.route_support import attrs, by_testid, english, item_ids, text


def home_of(client, member) -> str:
    assert sign_in(client, member.phone).status_code == 302
    english(client)
    response = client.get("/")
    assert response.status_code == 200
    return text(response)


def lots_of(member_id: int) -> list[PointLot]:
    return list(db.session.scalars(select(PointLot).where(PointLot.member_id == member_id)
                                   .order_by(PointLot.expires_at)))


def test_home_shows_the_balance_in_the_header(client, make_member):
    html = home_of(client, make_member(points=12345))

    assert by_testid(html, "balance") == ["12,345"]


def test_home_shows_the_points_expiring_soonest(client, make_member):
    member = make_member(points=300, earned_at=utcnow() - timedelta(days=340))
    accounts.award(member.id, 2000, "purchase")
    soonest = lots_of(member.id)[0]

    html = home_of(client, member)

    assert by_testid(html, "expiring-points") == ["300"]
    assert attrs(html, "expiry-date")["datetime"] == \
        expiry_day(soonest.expires_at, running_program().tz).isoformat()
    expires_at = attrs(html, "expiry-countdown")["data-expires-at"]
    assert datetime.fromisoformat(expires_at) == soonest.expires_at
    assert "left" in by_testid(html, "expiry-countdown")[0]


def test_home_shows_no_expiry_when_the_member_has_no_points(client, make_member):
    html = home_of(client, make_member(points=0))

    assert by_testid(html, "balance") == ["0"]
    assert 'data-testid="expiring-points"' not in html
    assert 'data-testid="expiry-countdown"' not in html


def test_home_shows_the_tier_and_progress_to_the_next(client, make_member):
    html = home_of(client, make_member(points=1200, qualifying=True))

    assert by_testid(html, "tier-name") == ["Silver"]
    progress = attrs(html, "tier-progress")
    assert (progress["data-current"], progress["data-target"]) == ("1200", "2000")


def test_a_gold_member_sees_progress_towards_platinum(client, make_member):
    html = home_of(client, make_member(points=3000, qualifying=True))

    assert by_testid(html, "tier-name") == ["Gold"]
    progress = attrs(html, "tier-progress")
    assert (progress["data-current"], progress["data-target"]) == ("3000", "8000")


def test_a_platinum_member_sees_the_top_tier_reached(client, make_member):
    html = home_of(client, make_member(points=9000, qualifying=True))

    assert by_testid(html, "tier-name") == ["Platinum"]
    progress = attrs(html, "tier-progress")
    assert (progress["data-current"], progress["data-target"]) == ("9000", "8000")
    assert "You are at the top tier." in html


def test_suggestions_are_redeemable_items_closest_to_the_expiring_points(client, make_member,
                                                                         make_item):
    member = make_member(points=1000)
    cheap, mid, close = (make_item(points_price=p) for p in (100, 300, 900))
    make_item(points_price=9000)
    make_item(points_price=950, stock=0)

    html = home_of(client, member)

    assert item_ids(html) == [close.id, mid.id, cheap.id]


def test_suggestions_are_empty_when_nothing_fits_the_balance(client, make_member, make_item):
    make_item(points_price=9000)

    html = home_of(client, make_member(points=50))

    assert item_ids(html) == []
    assert 'class="empty"' in html


def test_suggestions_are_the_nearest_redeemable_items_above_and_below_the_expiring_points(
        client, make_member, make_item):
    member = make_member(points=500, earned_at=utcnow() - timedelta(days=340))
    accounts.award(member.id, 5000, "purchase")   # 500 expire first, 5,500 to spend
    below = [make_item(points_price=p) for p in (450, 400, 300, 200, 100)]
    above = [make_item(points_price=p) for p in (550, 550, 600, 700, 800, 900)]
    make_item(points_price=490, stock=0)
    make_item(points_price=510, stock=0)

    html = home_of(client, member)

    # Nearest first; at equal distance the cheaper, at equal price the older.
    assert item_ids(html) == [below[0].id, above[0].id, above[1].id, below[1].id]


def test_below_the_expiring_points_the_oldest_items_at_the_nearest_price_are_suggested(
        client, make_member, make_item):
    member = make_member(points=500, earned_at=utcnow() - timedelta(days=340))
    accounts.award(member.id, 100, "purchase")    # 500 expire first, 600 to spend
    make_item(points_price=300)
    at_450 = [make_item(points_price=450) for _ in range(6)]
    make_item(points_price=2000)

    html = home_of(client, member)

    assert item_ids(html) == [item.id for item in at_450[:4]]
