"""Redeeming in the browser: one tap on the catalog, points plus cash through the sandbox,
and items a member cannot redeem."""
import re

import pytest
from playwright.sync_api import expect

from .helpers import START_POINTS, points, sign_in, tap

pytestmark = pytest.mark.e2e


def card(page, item_id: int):
    return page.locator(f'[data-testid="catalog-item"][data-item-id="{item_id}"]')


def test_one_tap_redemption_confirms_in_place_and_updates_the_header_balance_without_a_reload(
        page, base_url, member, catalog, is_phone):
    sign_in(page, member)
    page.goto("/catalog")
    page.evaluate("window.__e2eMarker = 'same document'")
    item = card(page, catalog.points_only)
    price = int(item.get_attribute("data-points"))

    tap(item.get_by_test_id("redeem-button"), is_phone)
    confirm = item.get_by_test_id("redeem-confirm")
    expect(confirm).to_be_visible()
    expect(page).to_have_url(base_url + "/catalog")

    tap(confirm, is_phone)
    result = item.get_by_test_id("redeem-result")
    expect(result).to_be_visible()
    code = result.get_by_test_id("order-code")
    expect(code).to_have_text(re.compile(r"\S+"))
    expect(page.get_by_test_id("balance")).to_have_text(f"{START_POINTS - price:,}")
    assert points(page.get_by_test_id("balance").inner_text()) == START_POINTS - price

    expect(page).to_have_url(base_url + "/catalog")
    assert page.evaluate("window.__e2eMarker") == "same document", "the page was reloaded"

    order_code = code.inner_text().strip()
    page.goto("/orders")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    expect(page.get_by_test_id("order-row")).to_contain_text(order_code)


@pytest.mark.parametrize("decision", ["approve", "decline"])
def test_points_plus_cash_goes_through_the_sandbox_and_a_decline_returns_the_points(
        page, base_url, member, catalog, is_phone, decision):
    sign_in(page, member)
    page.goto("/catalog")
    item = card(page, catalog.cash)
    price = int(item.get_attribute("data-points"))
    assert int(item.get_attribute("data-cash-fen")) > 0

    tap(item.get_by_test_id("redeem-button"), is_phone)
    tap(item.get_by_test_id("redeem-confirm"), is_phone)

    expect(page).to_have_url(re.compile(r"/pay/sandbox/[^/]+$"))
    order_code = page.url.rsplit("/", 1)[1]
    # Points are held while the order waits for payment.
    expect(page.get_by_test_id("balance")).to_have_text(f"{START_POINTS - price:,}")

    tap(page.get_by_test_id(f"pay-{decision}"), is_phone)

    expect(page).to_have_url(base_url + f"/orders/{order_code}")
    expect(page.get_by_test_id("order-code")).to_have_text(order_code)
    if decision == "approve":
        expect(page.locator(".status--confirmed")).to_be_visible()
        expect(page.get_by_test_id("balance")).to_have_text(f"{START_POINTS - price:,}")
    else:
        expect(page.locator(".status--lapsed")).to_be_visible()
        expect(page.get_by_test_id("balance")).to_have_text(f"{START_POINTS:,}")


@pytest.mark.parametrize("which", ["sold_out", "too_dear"])
def test_an_item_that_cannot_be_redeemed_has_a_disabled_button_and_a_visible_reason(
        page, member, catalog, which):
    sign_in(page, member)
    page.goto("/catalog")
    button = card(page, getattr(catalog, which)).get_by_test_id("redeem-button")

    expect(button).to_be_disabled()
    reason_id = button.get_attribute("aria-describedby")
    assert reason_id, "the disabled button should point at its reason"
    reason = page.locator(f"#{reason_id}")
    expect(reason).to_be_visible()
    expect(reason).to_have_text(re.compile(r"\S"))
    box, reason_box = button.bounding_box(), reason.bounding_box()
    assert reason_box["y"] >= box["y"] + box["height"] - 1, (
        "the reason should sit beside the button")


@pytest.fixture
def coupon_order(live_app, member, catalog):
    """A coupon order of the member's; the coupon leaves the catalog at once, so that the
    other tests see the catalog they expect."""
    import uuid

    from app.extensions import db
    from app.loyalty import coupon_pools, redemption
    from app.loyalty.models import Item

    with live_app.app_context():
        gifts = db.session.get(Item, catalog.points_only).category_id
        coupon = Item(category_id=gifts, name="十元代金券", name_en="¥10 voucher", kind="coupon",
                      points_price=1_000, stock=None, description="", description_en="")
        db.session.add(coupon)
        db.session.commit()
        coupon_pools.add_codes(coupon.id, redemption.new_code(12))  # drawn from its pool
        order = redemption.redeem(member.id, coupon.id, uuid.uuid4().hex)
        code, coupon_code = order.code, order.coupon_code
        db.session.get(Item, coupon.id).active = False
        db.session.commit()
        db.session.remove()
    return code, coupon_code


def test_revealing_a_coupon_code_shows_it_in_place_and_takes_the_cancel_button_away(
        page, member, coupon_order, is_phone):
    code, coupon_code = coupon_order
    sign_in(page, member)
    page.goto(f"/orders/{code}")
    page.evaluate("window.__e2eMarker = 'same document'")
    expect(page.get_by_test_id("coupon-code")).to_have_count(0)
    expect(page.locator("form.order__cancel")).to_be_visible()

    tap(page.get_by_test_id("coupon-reveal"), is_phone)

    expect(page.get_by_test_id("coupon-code")).to_have_text(coupon_code)
    expect(page.locator("form.order__cancel")).to_have_count(0)
    expect(page.get_by_test_id("order-status")).to_have_attribute("data-status", "fulfilled")
    assert page.evaluate("window.__e2eMarker") == "same document", "the page was reloaded"
    page.reload()
    expect(page.get_by_test_id("coupon-code")).to_have_text(coupon_code)
    expect(page.locator("form.order__cancel")).to_have_count(0)
