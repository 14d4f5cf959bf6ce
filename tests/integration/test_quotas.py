"""Item quotas: all members together redeem at most the quota in a local day or month; a
card says when more come; the last of a quota goes to one member only. An order records
the item's cost to the brand as it was then."""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import catalog, redemption
from app.loyalty.errors import QuotaReached
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import DAY, Order, utcnow
from app.loyalty.report_periods import Month
from tests.conftest import utc
from tests.integration.route_support import card, text
from tests.support import race

EARNED = utc(2026, 5, 1, 4, 0)
NOW = utc(2026, 6, 10, 4, 0)                  # 10 June, noon in Shanghai
NEXT_MONTH = utc(2026, 6, 30, 16, 0)          # 1 July, local midnight
SHANGHAI = ZoneInfo("Asia/Shanghai")


def redeem(member_id, item_id, key, now=NOW):
    return redemption.redeem(member_id, item_id, key, now=now)


def test_a_monthly_quota_refuses_the_next_order_and_says_when_more_come(make_member,
                                                                          make_item):
    first, second = (make_member(points=5000, earned_at=EARNED).id for _ in range(2))
    item = make_item(points_price=100, stock=None, quota=2)
    redeem(first, item.id, "a")
    redeem(first, item.id, "b", now=utc(2026, 5, 31, 15, 0))  # 31 May, local: last month's

    redeem(second, item.id, "c")
    try:
        redeem(second, item.id, "d")
    except QuotaReached as refused:
        assert refused.details == {"period": "month", "quota": 2, "resumes_at": NEXT_MONTH}
    else:
        raise AssertionError("the quota let a third order through")
    assert redeem(second, item.id, "e", now=NEXT_MONTH).status == "confirmed"
    assert check_ledger() == []


def test_a_cancelled_order_gives_its_place_in_the_quota_back(make_member, make_item):
    member_id = make_member(points=5000, earned_at=EARNED).id
    item = make_item(points_price=100, stock=None, quota=1)
    code = redeem(member_id, item.id, "a").code
    redemption.cancel(member_id, code, now=NOW)

    assert redeem(member_id, item.id, "b").status == "confirmed"


def test_a_daily_quota_comes_back_at_the_next_local_midnight(make_member, make_item):
    member_id = make_member(points=5000, earned_at=EARNED).id
    item = make_item(points_price=100, stock=None, quota=1, quota_period=DAY)
    redeem(member_id, item.id, "a")
    tomorrow = utc(2026, 6, 10, 16, 0)

    try:
        redeem(member_id, item.id, "b", now=tomorrow - timedelta(seconds=1))
    except QuotaReached as refused:
        assert refused.details["resumes_at"] == tomorrow
    else:
        raise AssertionError("the daily quota let a second order through")
    assert redeem(member_id, item.id, "c", now=tomorrow).status == "confirmed"


def test_members_racing_for_the_last_of_a_quota_get_exactly_the_quota(app, make_member,
                                                                       make_item):
    members = [make_member(points=1000, earned_at=EARNED).id for _ in range(8)]
    item = make_item(points_price=100, stock=None, quota=3)

    def call(member_id):
        return lambda: redeem(member_id, item.id, f"k-{member_id}").code

    results = race([call(m) for m in members], app)

    assert len([r for r in results if isinstance(r, str)]) == 3
    assert all(isinstance(r, QuotaReached) for r in results if not isinstance(r, str)), results
    assert db.session.scalar(select(func.count()).select_from(Order)) == 3
    assert check_ledger() == []


def test_a_card_shows_that_this_months_quota_is_gone_and_when_more_come(shopper, member,
                                                                         make_item):
    item = make_item(points_price=100, stock=None, quota=1)
    open_item = make_item(points_price=100, stock=None, quota=2)
    redemption.redeem(member.id, item.id, "a")
    redemption.redeem(member.id, open_item.id, "b")
    first = Month.of(utcnow(), SHANGHAI).plus(1)
    more_on = f"{date(first.year, first.month, 1):%B} 1, {first.year}"

    html = text(shopper.get("/catalog"))

    gone = card(html, item.id)
    assert "Gone this month" in gone and "disabled" in gone
    assert f"This month&#39;s quota is gone: more on {more_on}." in gone
    assert "Gone this month" not in card(html, open_item.id)
    page = text(shopper.get(f"/catalog/{item.id}"))
    assert "This month&#39;s quota is gone" in page


def test_an_order_keeps_the_cost_its_item_had_when_it_was_placed(make_member, make_item):
    member_id = make_member(points=5000, earned_at=EARNED).id
    item = make_item(points_price=100, stock=None, cost_fen=1250)
    order = redemption.redeem(member_id, item.id, "a", quantity=2, now=NOW)
    catalog.edit_item(item.id, {"cost_fen": 2000}, now=NOW)

    db.session.expire_all()
    assert db.session.get(Order, order.id).cost_fen == 2500
