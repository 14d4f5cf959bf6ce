"""Home: balance, the points about to expire with a live countdown, and tier progress."""
from datetime import datetime

import pytest
from playwright.sync_api import expect

from .helpers import QUALIFYING, START_POINTS, points, sign_in

pytestmark = pytest.mark.e2e


def test_home_shows_balance_expiring_points_a_ticking_countdown_and_tier_progress(page, member):
    sign_in(page, member)

    assert points(page.get_by_test_id("balance").inner_text()) == START_POINTS
    # All the welcome points expire at the same moment, so they show together.
    assert points(page.get_by_test_id("expiring-points").first.inner_text()) == START_POINTS
    expect(page.get_by_test_id("expiry-date")).to_be_visible()
    expect(page.get_by_test_id("expiry-date")).not_to_be_empty()

    countdown = page.get_by_test_id("expiry-countdown")
    expect(countdown).to_be_visible()
    expires_at = datetime.fromisoformat(countdown.get_attribute("data-expires-at"))
    assert expires_at.tzinfo is not None, "data-expires-at must say its offset"
    assert expires_at > datetime.now(expires_at.tzinfo)
    # mall.js ticks the countdown once a second: its text changes within ~2 s.
    first = countdown.inner_text()
    page.wait_for_function(
        "([el, before]) => el.textContent.trim() !== before.trim()",
        arg=[countdown.element_handle(), first], timeout=2500)

    expect(page.get_by_test_id("tier-name")).not_to_be_empty()
    progress = page.get_by_test_id("tier-progress")
    expect(progress).to_be_visible()
    current, target = progress.get_attribute("data-current"), progress.get_attribute("data-target")
    assert current.isdigit() and target.isdigit(), (current, target)
    assert (int(current), int(target)) == (QUALIFYING, 2000)  # Silver, on the way to Gold
