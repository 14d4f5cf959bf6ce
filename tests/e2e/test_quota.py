"""An item whose quota for the month is gone: the member's card says so, and when more come."""
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.loyalty.models import Category, Item
from .helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def quota_item(live_app, catalog) -> int:
    """An item of which all members together may redeem one a month."""
    with live_app.app_context():
        gifts = db.session.scalar(db.select(Category.id).where(Category.slug == "gifts"))
        item = Item(category_id=gifts, name="首发纪念徽章", name_en="Launch pin", points_price=300,
                    stock=None, quota=1, quota_period="month")
        db.session.add(item)
        db.session.commit()
        item_id = item.id
        db.session.remove()
    return item_id


def test_a_member_sees_on_the_card_that_this_months_quota_is_gone(page, member, quota_item,
                                                                  place_order):
    place_order(member, quota_item)
    sign_in(page, member)
    page.goto("/catalog")
    card = page.locator(f'[data-testid="catalog-item"][data-item-id="{quota_item}"]')
    button = card.get_by_test_id("redeem-button")

    expect(button).to_be_disabled()
    expect(button).to_have_text("本月已兑完")
    reason = page.locator(f"#{button.get_attribute('aria-describedby')}")
    expect(reason).to_have_text(re.compile(r"^本月名额已兑完：.+再来。$"))

    page.locator("footer button[lang=en]").click()
    expect(button).to_have_text("Gone this month")
    expect(reason).to_have_text(re.compile(r"^This month's quota is gone: more on \w+ 1, \d{4}\.$"))
