"""Screenshots of what a member sees, on a phone and on a store kiosk, for people to look at:
`make screenshots` saves them as PNGs under screenshots/ (git-ignored). They assert nothing
about the mall, so the test runs leave them out (the `screenshots` marker)."""
import pytest

from .helpers import KIOSK, SCREENSHOTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.screenshots]


def centre(locator) -> None:
    """Scroll so the element is in the middle of the screen, clear of the fixed tab bar."""
    locator.evaluate("el => el.scrollIntoView({block: 'center'})")


@pytest.mark.parametrize("screen", ["iphone13", "kiosk"])
def test_screenshots_of_home_catalog_item_redeem_result_and_orders_are_saved(
        browser, playwright, base_url, member, catalog, screen):
    device = dict(playwright.devices["iPhone 13"]) if screen == "iphone13" else KIOSK
    context = browser.new_context(base_url=base_url, **device)
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = []

    def shot(name: str, full_page: bool = True) -> None:
        path = SCREENSHOTS / f"{screen}-{name}.png"
        page.screenshot(path=path, full_page=full_page, animations="disabled")
        saved.append(path)

    try:
        page = context.new_page()
        sign_in(page, member)
        page.get_by_test_id("expiry-countdown").wait_for()
        shot("home")
        page.goto("/catalog")
        shot("catalog")
        page.goto(f"/catalog/{catalog.points_only}")
        shot("item")

        page.goto("/catalog")
        item = page.locator(f'[data-testid="catalog-item"][data-item-id="{catalog.points_only}"]')
        item.get_by_test_id("redeem-button").click()
        item.get_by_test_id("redeem-confirm").wait_for()
        centre(item.get_by_test_id("redeem-confirm"))
        shot("redeem-confirm", full_page=False)
        item.get_by_test_id("redeem-confirm").click()
        item.get_by_test_id("redeem-result").wait_for()
        centre(item.get_by_test_id("redeem-result"))
        shot("redeem-result", full_page=False)

        page.goto("/orders")
        shot("orders")
        page.get_by_test_id("order-row").first.locator("a").click()
        page.get_by_test_id("order-code").wait_for()
        shot("order")
    finally:
        context.close()

    assert all(path.stat().st_size > 0 for path in saved)


@pytest.mark.parametrize("screen", ["iphone13", "kiosk"])
def test_screenshots_of_the_earn_page_profile_and_sign_up_are_saved(
        browser, playwright, base_url, member, screen):
    device = dict(playwright.devices["iPhone 13"]) if screen == "iphone13" else KIOSK
    context = browser.new_context(base_url=base_url, **device)
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = []

    def shot(name: str, full_page: bool = True) -> None:
        path = SCREENSHOTS / f"{screen}-{name}.png"
        page.screenshot(path=path, full_page=full_page, animations="disabled")
        saved.append(path)

    try:
        page = context.new_page()
        page.goto("/join?invite=ABCD2345")
        shot("join")
        sign_in(page, member)
        shot("home-check-in-nudge")
        page.goto("/earn")
        shot("earn")
        page.get_by_test_id("check-in-button").click()
        page.get_by_test_id("check-in-result").wait_for()
        page.get_by_test_id("check-in-streak").evaluate(
            "el => el.scrollIntoView({block: 'center'})")
        shot("earn-checked-in", full_page=False)
        page.goto("/profile")
        shot("profile")
    finally:
        context.close()

    assert all(path.stat().st_size > 0 for path in saved)


CONSOLE_SCREENS = {"tablet": {"width": 1024, "height": 768},
                   "desktop": {"width": 1440, "height": 900}}


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_consoles_sign_in_start_page_and_audit_log_are_saved(
        browser, base_url, live_app, member, screen):
    from app.extensions import db
    from app.loyalty import staff as staff_accounts

    username = f"shots-{screen}"
    with live_app.app_context():
        if staff_accounts.by_username(username) is None:
            staff_accounts.create_staff(username, "陈管理", "console-shots-2026", "admin")
        db.session.remove()
    context = browser.new_context(base_url=base_url, viewport=CONSOLE_SCREENS[screen])
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = []

    def shot(name: str) -> None:
        path = SCREENSHOTS / f"console-{screen}-{name}.png"
        page.screenshot(path=path, full_page=True, animations="disabled")
        saved.append(path)

    try:
        page = context.new_page()
        page.goto("/admin/login")
        shot("sign-in")
        page.get_by_test_id("staff-username").fill(username)
        page.get_by_test_id("staff-password").fill("console-shots-2026")
        page.get_by_test_id("staff-sign-in").click()
        page.get_by_test_id("staff-who").wait_for()
        shot("start")
        page.goto("/admin/audit")
        shot("audit")
        page.goto("/admin/account")
        shot("two-step")
    finally:
        context.close()

    assert all(path.stat().st_size > 0 for path in saved)


def _seed_catalog_pages(live_app, username: str) -> tuple[int, int]:
    """A few items to look at: one restocked and sold from, one coupon item with codes."""
    from app.extensions import db
    from app.loyalty import catalog, coupon_pools, staff as staff_accounts
    from app.loyalty.models import CORRECTION, COUPON, RESTOCK, Category, Item

    with live_app.app_context():
        staff = staff_accounts.by_username(username)
        found = db.session.scalar(db.select(Item.id).where(Item.name == "桂花乌龙"))
        if found is None:
            gifts = db.session.scalar(db.select(Category.id).where(Category.slug == "gifts"))
            base = {"category_id": gifts, "description": "", "description_en": ""}
            found = catalog.create_item({**base, "name": "桂花乌龙", "name_en": "Osmanthus oolong",
                                         "points_price": 1_800, "cash_fen": 990, "stock": 40},
                                        actor_id=staff.id, address="10.0.0.8").item_id
            catalog.adjust_stock(found, 120, RESTOCK, "春季到货", actor_id=staff.id)
            catalog.adjust_stock(found, -3, CORRECTION, "盘点破损", actor_id=staff.id)
            catalog.create_item({**base, "name": "限量帆布包", "name_en": "Canvas tote",
                                 "points_price": 2_400, "stock": 4}, actor_id=staff.id)
            coupon = catalog.create_item({**base, "name": "咖啡券", "name_en": "Coffee voucher",
                                          "points_price": 600, "kind": COUPON},
                                         actor_id=staff.id).item_id
            coupon_pools.add_codes(coupon, "\n".join(f"CAFE-{n:04d}" for n in range(8)),
                                   actor_id=staff.id)
        coupon = db.session.scalar(db.select(Item.id).where(Item.name == "咖啡券"))
        db.session.remove()
    return found, coupon


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_consoles_catalog_pages_are_saved(browser, base_url, live_app,
                                                              member, screen):
    from app.extensions import db
    from app.loyalty import staff as staff_accounts

    username = f"shots-catalog-{screen}"
    with live_app.app_context():
        if staff_accounts.by_username(username) is None:
            staff_accounts.create_staff(username, "陈管理", "console-shots-2026", "admin")
        db.session.remove()
    item_id, coupon_id = _seed_catalog_pages(live_app, username)
    context = browser.new_context(base_url=base_url, viewport=CONSOLE_SCREENS[screen])
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = []

    def shot(name: str) -> None:
        path = SCREENSHOTS / f"console-{screen}-{name}.png"
        page.screenshot(path=path, full_page=True, animations="disabled")
        saved.append(path)

    try:
        page = context.new_page()
        page.goto("/admin/login")
        page.get_by_test_id("staff-username").fill(username)
        page.get_by_test_id("staff-password").fill("console-shots-2026")
        page.get_by_test_id("staff-sign-in").click()
        page.get_by_test_id("staff-who").wait_for()
        page.goto("/admin/items")
        shot("items")
        page.goto("/admin/items/new")
        page.get_by_test_id("item-points").fill("0")
        page.get_by_test_id("item-stock").fill("-5")
        page.get_by_test_id("item-sale-starts").fill("2030-05-02T10:00")
        page.get_by_test_id("item-sale-ends").fill("2030-05-01T10:00")
        page.get_by_test_id("item-save").click()
        page.get_by_test_id("error-message").first.wait_for()
        shot("item-errors")
        page.goto(f"/admin/items/{item_id}/stock")
        shot("stock")
        page.goto(f"/admin/items/{coupon_id}/codes")
        page.get_by_test_id("pool-codes").fill("CAFE-0001\nNEW-1\nNEW-1")
        page.get_by_test_id("pool-submit").click()
        page.get_by_test_id("code-problem").first.wait_for()
        shot("pool")
    finally:
        context.close()

    assert all(path.stat().st_size > 0 for path in saved)
