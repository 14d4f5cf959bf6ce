"""The catalog from the console to the member: an administrator lists an item with an image
and a member sees it, with its image, in the catalog."""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.extensions import db
from app.loyalty import staff as staff_accounts
from .helpers import sign_in
from .test_console import PASSWORD, console_sign_in

pytestmark = pytest.mark.e2e


def png() -> bytes:
    image = Image.new("RGB", (640, 480), (232, 176, 75))
    for x in range(200, 440):
        for y in range(140, 340):
            image.putpixel((x, y), (122, 31, 43))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def catalog_admin(live_app, live_server, tmp_path, monkeypatch) -> str:
    monkeypatch.setattr(live_app, "instance_path", str(tmp_path))
    with live_app.app_context():
        if staff_accounts.by_username("catalog-admin") is None:
            staff_accounts.create_staff("catalog-admin", "目录管理员", PASSWORD, "admin")
        db.session.remove()
    return "catalog-admin"


def test_an_administrator_adds_an_item_with_an_image_and_a_member_sees_it(
        browser, base_url, catalog_admin, member):
    staff = browser.new_context(base_url=base_url)
    try:
        page = staff.new_page()
        console_sign_in(page, catalog_admin)
        page.goto("/admin/items/new")
        page.get_by_test_id("item-name").fill("星空马克杯")
        page.get_by_test_id("item-name-en").fill("Starry mug")
        page.get_by_test_id("item-points").fill("1500")
        page.get_by_test_id("item-cash").fill("")
        page.get_by_test_id("item-stock").fill("30")
        page.get_by_test_id("item-image").set_input_files(
            {"name": "mug.png", "mimeType": "image/png", "buffer": png()})
        page.get_by_test_id("item-save").click()
        expect(page.get_by_test_id("item-current-image")).to_be_visible()
        page.goto("/admin/items?q=Starry")
        expect(page.get_by_test_id("item-row")).to_have_count(1)
    finally:
        staff.close()

    shopper = browser.new_context(base_url=base_url)
    try:
        page = shopper.new_page()
        sign_in(page, member)
        page.goto("/catalog")
        card = page.get_by_test_id("catalog-item").filter(has_text="星空马克杯")
        expect(card).to_have_count(1)
        expect(card).to_have_attribute("data-points", "1500")
        image = card.locator("img.item-card__img")
        image.scroll_into_view_if_needed()
        assert image.get_attribute("src").startswith("/media/")
        page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                               arg=image.element_handle())
    finally:
        shopper.close()
