"""Checking in on a phone: the card swaps in place, the header balance goes up, the streak
shows 1, and a second tap (another device, or a stale page) says already checked in."""
import pytest
from playwright.sync_api import expect

from .helpers import START_POINTS, points, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def viewport_name():
    """Members check in on their phones: this file runs on the phone only."""
    return "iphone"


def test_tapping_check_in_adds_three_points_to_the_header_and_starts_a_streak_of_one(
        page, base_url, member):
    sign_in(page, member)
    other_device = page.context.new_page()
    other_device.goto("/earn")
    page.goto("/earn")
    page.evaluate("window.__e2eMarker = 'same document'")
    expect(page.get_by_test_id("check-in-streak")).to_have_attribute("data-streak", "0")
    assert points(page.get_by_test_id("balance").inner_text()) == START_POINTS

    page.get_by_test_id("check-in-button").tap()

    result = page.get_by_test_id("check-in-result")
    expect(result).to_be_visible()
    expect(result).to_have_attribute("data-outcome", "earned")
    expect(page.get_by_test_id("balance")).to_have_text(f"{START_POINTS + 3:,}")
    expect(page.get_by_test_id("check-in-streak")).to_have_attribute("data-streak", "1")
    expect(page.get_by_test_id("check-in-button")).to_be_disabled()
    expect(page).to_have_url(base_url + "/earn")
    assert page.evaluate("window.__e2eMarker") == "same document", "the page was reloaded"

    other_device.get_by_test_id("check-in-button").tap()

    again = other_device.get_by_test_id("check-in-result")
    expect(again).to_be_visible()
    expect(again).to_have_attribute("data-outcome", "already")
    expect(other_device.get_by_test_id("balance")).to_have_text(f"{START_POINTS + 3:,}")
    expect(other_device.get_by_test_id("check-in-streak")).to_have_attribute("data-streak", "1")
    page.reload()
    expect(page.get_by_test_id("balance")).to_have_text(f"{START_POINTS + 3:,}")
