"""Every form works without JavaScript: redeeming through the plain confirm page."""
import re

import pytest
from playwright.sync_api import expect

from .helpers import DESKTOP, START_POINTS, sign_in

pytestmark = pytest.mark.e2e


def test_redemption_works_without_javascript_through_the_plain_confirm_page(
        browser, base_url, member, catalog):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, **DESKTOP)
    try:
        page = context.new_page()
        sign_in(page, member)
        expect(page).to_have_url(base_url + "/")
        page.goto("/catalog")
        item = page.locator(f'[data-testid="catalog-item"][data-item-id="{catalog.points_only}"]')
        price = int(item.get_attribute("data-points"))

        item.get_by_test_id("redeem-button").click()
        expect(page).to_have_url(base_url + f"/catalog/{catalog.points_only}/redeem")
        page.get_by_test_id("redeem-confirm").click()

        expect(page).to_have_url(re.compile(r"/orders/[^/]+$"))
        order_code = page.url.rsplit("/", 1)[1]
        expect(page.get_by_test_id("order-code")).to_have_text(order_code)
        expect(page.get_by_test_id("balance")).to_have_text(f"{START_POINTS - price:,}")
    finally:
        context.close()
