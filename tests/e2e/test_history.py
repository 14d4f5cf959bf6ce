"""The back button after filtering the catalog: whatever htmx's history cache holds, the
page comes back whole, header and tab bar included."""
import pytest
from playwright.sync_api import expect

from .helpers import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def viewport_name():
    return "iphone"


def restore_request(response) -> bool:
    return response.request.headers.get("hx-history-restore-request") == "true"


@pytest.mark.parametrize("as_htmx_request", [False, True],
                         ids=["as-the-page-configures-htmx", "as-an-htmx-request"])
def test_going_back_to_a_filtered_catalog_missing_from_the_history_cache_shows_the_whole_page(
        page, base_url, member, catalog, as_htmx_request):
    sign_in(page, member)
    page.goto("/catalog")
    # htmx's default in 2.x; the page turns it off, and the server answers either way.
    page.evaluate(f"htmx.config.historyRestoreAsHxRequest = {str(as_htmx_request).lower()}")

    page.locator('.chips input[value="gifts"] + span').tap()
    page.wait_for_url("**/catalog?category=gifts&sort=points")
    page.locator("label.switch span").tap()
    page.wait_for_url("**/catalog?category=gifts&affordable=1&sort=points")
    too_dear = page.locator(f'[data-testid="catalog-item"][data-item-id="{catalog.too_dear}"]')
    expect(too_dear).to_have_count(0)
    page.evaluate("htmx.config.historyCacheSize = 0")  # a miss, as when storage is full

    with page.expect_response(restore_request) as restored:
        page.go_back()

    sent_as_htmx = restored.value.request.headers.get("hx-request") == "true"
    assert sent_as_htmx is as_htmx_request
    expect(page).to_have_url(base_url + "/catalog?category=gifts&sort=points")
    expect(page.locator("header.topbar")).to_be_visible()
    expect(page.locator("nav.tabbar")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_be_visible()
    expect(too_dear).to_have_count(1)
    expect(page.locator("#catalog-grid")).to_have_count(1)
