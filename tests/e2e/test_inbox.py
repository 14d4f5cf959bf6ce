"""The inbox on a phone: an expiry reminder rings the bell, states the figure and the date,
and one tap on it shows what the points can buy. An opened notice marks itself read (htmx,
no reload); without JavaScript a button does it."""

import pytest
from playwright.sync_api import expect

from .helpers import KIOSK, SCREENSHOTS, START_POINTS, expiring_and_reminded, points, sign_in

pytestmark = pytest.mark.e2e

EXPIRING = 1_200


@pytest.fixture
def reminded(live_app, member):
    """The member has EXPIRING points that can be spent for 5 more local days, and the
    reminder job has run. The local day those points last through."""
    return expiring_and_reminded(live_app, member, EXPIRING, days=5)


@pytest.fixture
def phone(browser, playwright, base_url):
    context = browser.new_context(base_url=base_url, **playwright.devices["iPhone 13"])
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(browser, playwright, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False,
                                  **playwright.devices["iPhone 13"])
    yield context.new_page()
    context.close()


def test_a_reminder_rings_the_bell_states_the_figure_and_date_and_leads_to_what_it_can_buy(
        phone, member, reminded, catalog):
    page = phone
    sign_in(page, member)

    expect(page.get_by_test_id("inbox-badge")).to_have_text("1")
    page.get_by_test_id("inbox-bell").tap()

    page.wait_for_url("**/inbox")
    row = page.get_by_test_id("notice-row")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-unread", "true")
    day = reminded
    expect(row.get_by_test_id("notice-body")).to_contain_text(
        f"{EXPIRING:,} 积分将于 {day.year}年{day.month}月{day.day}日 过期")

    row.get_by_test_id("notice-link").tap()

    page.wait_for_url("**/catalog?affordable=1")
    balance = points(page.get_by_test_id("balance").inner_text())
    assert balance == START_POINTS + EXPIRING
    cards = page.get_by_test_id("catalog-item")
    expect(cards.first).to_be_visible()
    prices = [int(p) for p in cards.evaluate_all("els => els.map(e => e.dataset.points)")]
    assert prices and all(p <= balance for p in prices)
    assert catalog.points_only in [int(i) for i in cards.evaluate_all(
        "els => els.map(e => e.dataset.itemId)")]
    expect(page.get_by_test_id("inbox-badge")).to_have_count(0)

    page.goto("/inbox")
    expect(page.get_by_test_id("notice-row")).to_have_attribute("data-unread", "false")


def test_an_opened_notice_marks_itself_read_and_the_bell_clears_without_a_reload(
        phone, member, reminded, catalog):
    page = phone
    sign_in(page, member)
    page.get_by_test_id("inbox-bell").tap()
    page.wait_for_url("**/inbox")

    page.get_by_test_id("notice-row").locator("a").first.tap()

    page.get_by_test_id("notice").wait_for()
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    expect(page.get_by_test_id("inbox-badge")).to_have_count(0)
    expect(page.get_by_test_id("notice-mark-read")).to_have_count(0)
    expect(page.get_by_test_id("inbox-bell")).to_have_attribute("aria-label", "消息")
    assert page.evaluate("window.loadedOnce") is True
    page.get_by_test_id("notice-link").tap()
    page.wait_for_url("**/catalog?affordable=1")
    page.goto("/inbox")
    expect(page.get_by_test_id("notice-row")).to_have_attribute("data-unread", "false")


def test_without_javascript_a_notice_is_marked_read_by_its_button(
        phone_without_js, member, reminded, catalog):
    page = phone_without_js
    sign_in(page, member)
    page.goto("/inbox")
    page.get_by_test_id("notice-row").locator("a").first.tap()
    page.get_by_test_id("notice").wait_for()

    expect(page.get_by_test_id("inbox-badge")).to_have_text("1")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "iphone13-notice-no-js.png", full_page=True,
                    animations="disabled")
    notice_url = page.url
    page.get_by_test_id("notice-mark-read").tap()

    expect(page.get_by_test_id("inbox-badge")).to_have_count(0)
    assert page.url == notice_url  # back on the notice, now read
    expect(page.get_by_test_id("notice-mark-read")).to_have_count(0)
    page.get_by_test_id("notice-link").tap()
    page.wait_for_url("**/catalog?affordable=1")


@pytest.mark.parametrize("screen", ["iphone13", "kiosk"])
def test_screenshots_of_the_inbox_and_a_notice_are_saved(browser, playwright, base_url, member,
                                                         reminded, screen):
    device = dict(playwright.devices["iPhone 13"]) if screen == "iphone13" else KIOSK
    context = browser.new_context(base_url=base_url, **device)
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = []
    try:
        page = context.new_page()
        sign_in(page, member)
        page.goto("/inbox")
        expect(page.get_by_test_id("inbox-badge")).to_have_text("1")
        saved.append(SCREENSHOTS / f"{screen}-inbox.png")
        page.screenshot(path=saved[-1], full_page=True, animations="disabled")
        page.get_by_test_id("notice-row").locator("a").first.click()
        page.get_by_test_id("notice").wait_for()
        expect(page.get_by_test_id("inbox-badge")).to_have_count(0)  # marked read as it opened
        saved.append(SCREENSHOTS / f"{screen}-notice.png")
        page.screenshot(path=saved[-1], full_page=True, animations="disabled")
    finally:
        context.close()

    assert all(path.stat().st_size > 0 for path in saved)
