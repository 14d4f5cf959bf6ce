"""A member's morning on a phone, under the mall's Content-Security-Policy: check in, see
the points and the streak, find the expiry reminder in the inbox, and redeem in one tap —
without the browser refusing a single script or style."""

import pytest
from playwright.sync_api import expect

from .helpers import START_POINTS, expiring_and_reminded, sign_in

pytestmark = pytest.mark.e2e

EXPIRING = 600


@pytest.fixture
def viewport_name():
    return "iphone"


@pytest.fixture
def expiring_soon(live_app, member):
    """EXPIRING points that lapse in three local days, and the reminder job has run."""
    return expiring_and_reminded(live_app, member, EXPIRING, days=3)


def test_checking_in_then_reading_the_reminder_and_redeeming_breaks_no_security_policy(
        page, member, expiring_soon, catalog):
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    balance = START_POINTS + EXPIRING
    sign_in(page, member)

    page.goto("/earn")
    page.get_by_test_id("check-in-button").tap()
    expect(page.get_by_test_id("check-in-result")).to_have_attribute("data-outcome", "earned")
    expect(page.get_by_test_id("balance")).to_have_text(f"{balance + 3:,}")
    expect(page.get_by_test_id("check-in-streak")).to_have_attribute("data-streak", "1")

    expect(page.get_by_test_id("inbox-badge")).to_have_text("1")
    page.get_by_test_id("inbox-bell").tap()
    page.wait_for_url("**/inbox")
    page.get_by_test_id("notice-row").locator("a").first.tap()
    day = expiring_soon
    expect(page.get_by_test_id("notice").get_by_test_id("notice-body")).to_contain_text(
        f"{EXPIRING:,} 积分将于 {day.year}年{day.month}月{day.day}日 过期")
    expect(page.get_by_test_id("inbox-badge")).to_have_count(0)  # read as it opened, by htmx
    page.get_by_test_id("notice-link").tap()
    page.wait_for_url("**/catalog?affordable=1")
    expect(page.get_by_test_id("inbox-badge")).to_have_count(0)

    card = page.locator(f'[data-testid="catalog-item"][data-item-id="{catalog.points_only}"]')
    card.get_by_test_id("redeem-button").tap()
    page.get_by_test_id("redeem-confirm").tap()
    expect(page.get_by_test_id("redeem-result")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text(f"{balance + 3 - 1_200:,}")

    assert refused == []
