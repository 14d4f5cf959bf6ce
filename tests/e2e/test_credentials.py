"""A big redemption on a phone, long after signing in: the mall asks for the password, then
the redemption goes through. Screenshots of the password check and the password change."""
import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.loyalty import accounts
from app.loyalty.models import ADJUST, Item
from .helpers import SCREENSHOTS, START_POINTS, sign_in

pytestmark = pytest.mark.e2e
BIG = 25_000


@pytest.fixture
def viewport_name():
    """Members redeem on their phones: this file runs on the phone only."""
    return "iphone"


@pytest.fixture
def big_item(live_app, catalog, member) -> int:
    """An item above the password-check threshold, and the points for it."""
    with live_app.app_context():
        item = Item(name="咖啡机", name_en="Espresso maker", points_price=BIG, stock=None,
                    kind="pickup",
                    category_id=db.session.get(Item, catalog.points_only).category_id)
        db.session.add(item)
        db.session.commit()
        item_id = item.id
        accounts.award(member.id, BIG, "gift", kind=ADJUST)
        db.session.remove()
    return item_id


def test_a_big_redemption_asks_for_the_password_then_goes_through(page, member, big_item,
                                                                    monkeypatch):
    import app.web.reauth as reauth

    refused = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text else None)
    sign_in(page, member)
    moved = reauth.now() + 11 * 60  # the password was entered eleven minutes ago
    monkeypatch.setattr(reauth, "now", lambda: moved)
    page.goto(f"/catalog/{big_item}")

    page.get_by_test_id("redeem-button").tap()

    expect(page).to_have_url(re.compile(rf"/reauth\?next=/catalog/{big_item}/redeem$"))
    expect(page.get_by_test_id("reauth-reason")).to_contain_text("20,000")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "iphone13-reauth.png", full_page=True,
                    animations="disabled")
    page.locator("#password").fill(member.password)
    page.get_by_test_id("reauth-button").tap()
    page.get_by_test_id("redeem-confirm").tap()

    expect(page.get_by_test_id("redeem-result")).to_be_visible()
    expect(page.get_by_test_id("order-code")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text(f"{START_POINTS:,}")  # 25,000 spent
    page.goto("/account/password")
    page.screenshot(path=SCREENSHOTS / "iphone13-password.png", full_page=True,
                    animations="disabled")
    assert refused == []
