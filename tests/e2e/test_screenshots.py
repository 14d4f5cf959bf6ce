"""Screenshots of what a member sees, on a phone and on a store kiosk, for people to look at:
`make screenshots` saves them as PNGs under screenshots/ (git-ignored). They assert nothing
about the mall, so the test runs leave them out (the `screenshots` marker)."""
from contextlib import contextmanager

import pytest

from .helpers import KIOSK, SCREENSHOTS, served, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.screenshots]

CONSOLE_SCREENS = {"tablet": {"width": 1024, "height": 768},
                   "desktop": {"width": 1440, "height": 900}}
MEMBER_SCREENS = ["iphone13", "kiosk"]
SHOTS_PASSWORD = "console-shots-2026"


def centre(locator) -> None:
    """Scroll so the element is in the middle of the screen, clear of the fixed tab bar."""
    locator.evaluate("el => el.scrollIntoView({block: 'center'})")


@contextmanager
def screen_page(browser, base_url: str, prefix: str, **device):
    """A page in a browser context of its own; yields it and `shot(name, full_page=True)`,
    which saves screenshots/<prefix>-<name>.png. Every shot saved is a file with content."""
    context = browser.new_context(base_url=base_url, **device)
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = []
    page = context.new_page()

    def shot(name: str, full_page: bool = True) -> None:
        path = SCREENSHOTS / f"{prefix}-{name}.png"
        page.screenshot(path=path, full_page=full_page, animations="disabled")
        saved.append(path)

    try:
        yield page, shot
    finally:
        context.close()
    assert all(path.stat().st_size > 0 for path in saved)


def member_page(browser, playwright, base_url: str, screen: str):
    """A member's page on a phone or a kiosk, signed out, with `shot` as screen_page's."""
    device = dict(playwright.devices["iPhone 13"]) if screen == "iphone13" else KIOSK
    return screen_page(browser, base_url, screen, **device)


def console_sign_in(page, username: str, password: str = SHOTS_PASSWORD) -> None:
    page.goto("/admin/login")
    page.get_by_test_id("staff-username").fill(username)
    page.get_by_test_id("staff-password").fill(password)
    page.get_by_test_id("staff-sign-in").click()
    page.get_by_test_id("staff-who").wait_for()


@contextmanager
def console_page(browser, base_url: str, screen: str, username: str | None,
                 password: str = SHOTS_PASSWORD):
    """A console page on a tablet or desktop screen, signed in as `username` (None: signed
    out); yields it and `shot(name)`, saved as console-<screen>-<name>.png."""
    with screen_page(browser, base_url, f"console-{screen}",
                     viewport=CONSOLE_SCREENS[screen]) as (page, shot):
        if username is not None:
            console_sign_in(page, username, password)
        yield page, shot


def administrators(live_app, *usernames: str) -> None:
    """Administrator accounts for the screenshots, made once however often they run."""
    from app.extensions import db
    from app.loyalty import staff as staff_accounts

    with live_app.app_context():
        for username in usernames:
            if staff_accounts.by_username(username) is None:
                staff_accounts.create_staff(username, "陈管理", SHOTS_PASSWORD, "admin")
        db.session.remove()


@pytest.mark.parametrize("screen", MEMBER_SCREENS)
def test_screenshots_of_home_catalog_item_redeem_result_and_orders_are_saved(
        browser, playwright, base_url, member, catalog, screen):
    with member_page(browser, playwright, base_url, screen) as (page, shot):
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


@pytest.mark.parametrize("screen", MEMBER_SCREENS)
def test_screenshots_of_the_earn_page_profile_and_sign_up_are_saved(
        browser, playwright, base_url, member, screen):
    with member_page(browser, playwright, base_url, screen) as (page, shot):
        page.goto("/join?invite=ABCD2345")
        shot("join")
        sign_in(page, member)
        shot("home-check-in-nudge")
        page.goto("/earn")
        shot("earn")
        page.get_by_test_id("check-in-button").click()
        page.get_by_test_id("check-in-result").wait_for()
        centre(page.get_by_test_id("check-in-streak"))
        shot("earn-checked-in", full_page=False)
        page.goto("/profile")
        shot("profile")


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_consoles_sign_in_start_page_and_audit_log_are_saved(
        browser, base_url, live_app, member, screen):
    username = f"shots-{screen}"
    administrators(live_app, username)
    with console_page(browser, base_url, screen, None) as (page, shot):
        page.goto("/admin/login")
        shot("sign-in")
        console_sign_in(page, username)
        shot("start")
        page.goto("/admin/audit")
        shot("audit")
        page.goto("/admin/account")
        shot("two-step")


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_consoles_campaigns_and_stores_are_saved(browser, base_url, live_app,
                                                                    screen):
    from datetime import timedelta

    from app.extensions import db
    from app.loyalty import campaigns, stores
    from app.loyalty.models import Store, utcnow

    username = f"shots-program-{screen}"
    administrators(live_app, username)
    with live_app.app_context():
        if db.session.scalar(db.select(Store.id).where(Store.code == "SH001")) is None:
            stores.create_store("SH001", "上海南京西路店")
        if db.session.scalar(db.select(Store.id).where(Store.code == "HZ002")) is None:
            stores.create_store("HZ002", "杭州湖滨银泰店")
            stores.revoke_key(stores.create_key("HZ002").split("_")[2])
            now = utcnow()
            campaigns.create(name="会员日双倍积分", name_en="Member day: double points",
                             multiplier_pct=200, starts_at=now - timedelta(days=40),
                             ends_at=now + timedelta(days=300), monthly_day=18)
            campaigns.create(name="金卡咖啡周", name_en="Gold coffee week", multiplier_pct=150,
                             starts_at=now + timedelta(days=5), ends_at=now + timedelta(days=12),
                             tier_code="gold", category="coffee")
            campaigns.create(name="春节三倍积分", name_en="Spring Festival: triple points",
                             multiplier_pct=300, starts_at=now - timedelta(days=60),
                             ends_at=now - timedelta(days=45))
        db.session.remove()
    with console_page(browser, base_url, screen, username) as (page, shot):
        page.goto("/admin/campaigns")
        shot("campaigns")
        page.get_by_test_id("campaign-new").click()
        page.get_by_test_id("campaign-multiplier").fill("0")
        page.get_by_test_id("campaign-save").click()
        page.get_by_test_id("error-message").first.wait_for()
        shot("campaign-refused")
        page.goto("/admin/stores")
        page.locator('[data-store-code="SH001"]').get_by_test_id("till-key-issue").click()
        page.get_by_test_id("till-key").wait_for()
        shot("stores-new-key")


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_program_settings_and_tiers_are_saved(
        browser, base_url, live_app, member, screen):
    username = f"shots-settings-{screen}"
    administrators(live_app, username)
    with console_page(browser, base_url, screen, username) as (page, shot):
        page.goto("/admin/settings")
        page.get_by_test_id("setting-check-in-points").fill("3" if screen == "tablet" else "4")
        page.get_by_test_id("settings-save").click()
        page.wait_for_load_state()
        shot("settings")
        page.get_by_test_id("setting-earn-per-yuan").fill("0")
        page.get_by_test_id("settings-save").click()
        page.get_by_test_id("error-message").first.wait_for()
        shot("settings-refused")
        page.goto("/admin/tiers")
        shot("tiers")
        page.get_by_test_id("tier-threshold").nth(1).fill("0")
        page.get_by_test_id("tiers-save").click()
        page.get_by_test_id("error-message").first.wait_for()
        shot("tiers-refused")


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_counter_found_handed_over_and_unknown_are_saved(
        browser, base_url, live_app, member, catalog, place_order, screen):
    from .test_counter import PASSWORD, make_clerk

    code = place_order(member, catalog.points_only)
    username = make_clerk(live_app, name="王店员")
    with console_page(browser, base_url, screen, username, PASSWORD) as (page, shot):
        page.goto(f"/admin/counter?code={code}")
        shot("counter-found")
        page.get_by_test_id("fulfil-button").click()
        page.locator('[data-verdict="handed-over"]').wait_for()
        shot("counter-handed-over")
        page.goto("/admin/counter?code=ABCD2345XY")
        shot("counter-unknown")


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_member_search_member_page_and_approvals_are_saved(
        browser, base_url, live_app, member, screen):
    from app.extensions import db
    from app.loyalty import adjustments
    from app.loyalty import staff as staff_accounts
    from app.loyalty.models import Member as MemberRow

    username = f"shots-members-{screen}"
    administrators(live_app, username, "shots-asker")
    with live_app.app_context():
        asker = staff_accounts.by_username("shots-asker")
        adjustments.adjust(member.id, 8000, "门店活动补发（周年庆）",
                           f"shots-{screen}-" + "x" * 16, actor_id=asker.id, address="127.0.0.1")
        member_no = db.session.get(MemberRow, member.id).member_no
        db.session.remove()
    with console_page(browser, base_url, screen, username) as (page, shot):
        page.goto(f"/admin/members?q={member.phone[:5]}")
        shot("members")
        page.goto(f"/admin/members/{member_no}")
        shot("member")
        page.goto("/admin/approvals")
        shot("approvals")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    """A mall of its own with the demo data (members, orders, the demo staff), served."""
    from flask_migrate import upgrade

    from app import create_app, demo
    from app.extensions import db
    from app.loyalty import report_months
    from app.loyalty.models import utcnow

    path = tmp_path_factory.mktemp("demo") / "mall.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "SECRET_KEY": "demo-shots", "SERVER_NAME": None})
    with app.app_context():
        upgrade()
        demo.load()
        db.session.commit()
        report_months.close_months(utcnow())
        db.session.remove()
    with served(app, "demo-server") as address:
        yield address
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_reports_page_with_the_demo_data_are_saved(browser, demo_url, screen):
    with console_page(browser, demo_url, screen, "admin", "mall-admin-2026") as (page, shot):
        page.goto("/admin/reports")
        page.get_by_test_id("liability-points").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= \
            CONSOLE_SCREENS[screen]["width"], "the reports page scrolls sideways"
        shot("reports")


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_budget_page_with_the_demo_data_are_saved(browser, demo_url, screen):
    with console_page(browser, demo_url, screen, "admin", "mall-admin-2026") as (page, shot):
        page.goto("/admin/budget")
        page.get_by_test_id("forecast-yuan").wait_for()
        shot("budget-unset")
        page.get_by_test_id("budget-input").fill("10")
        page.get_by_test_id("budget-save").click()
        page.get_by_test_id("budget-alert").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= \
            CONSOLE_SCREENS[screen]["width"], "the budget page scrolls sideways"
        shot("budget")


def _seed_catalog_pages(live_app, username: str) -> tuple[int, int]:
    """A few items to look at: one restocked and sold from, one coupon item with codes."""
    from app.extensions import db
    from app.loyalty import catalog, coupon_pools
    from app.loyalty import staff as staff_accounts
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
    username = f"shots-catalog-{screen}"
    administrators(live_app, username)
    item_id, coupon_id = _seed_catalog_pages(live_app, username)
    with console_page(browser, base_url, screen, username) as (page, shot):
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


def test_screenshots_of_the_kiosks_attract_keypad_member_confirm_and_result_are_saved(
        browser, base_url, live_app, member, catalog):
    from app.extensions import db
    from app.loyalty import card_tokens
    from tests.kiosk_support import make_kiosk

    with live_app.app_context():
        enrol_code = make_kiosk("SH001", "Entrance").code
        card_code = card_tokens.issue(member.id).code
        db.session.remove()
    context = browser.new_context(base_url=base_url, **KIOSK)
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = []

    def shot(name: str) -> None:
        path = SCREENSHOTS / f"kiosk-screen-{name}.png"
        page.screenshot(path=path, full_page=False, animations="disabled")
        saved.append(path)

    try:
        page = context.new_page()
        page.goto("/kiosk/enrol")
        page.get_by_test_id("kiosk-enrol-code").fill(enrol_code)
        page.get_by_test_id("kiosk-enrol-code").press("Enter")
        page.get_by_test_id("kiosk-attract").wait_for()
        shot("attract")
        page.get_by_test_id("kiosk-use-phone").tap()
        for digit in member.phone[:7]:
            page.get_by_test_id(f"pin-key-{digit}").tap()
        shot("keypad")
        page.goto("/kiosk")
        page.get_by_test_id("kiosk-scan-input").fill(card_code)
        with page.expect_navigation():
            page.get_by_test_id("kiosk-scan-input").press("Enter")
        page.get_by_test_id("balance").wait_for()
        shot("member")
        item = page.locator(f'[data-testid="catalog-item"][data-item-id="{catalog.points_only}"]')
        item.get_by_test_id("redeem-button").tap()
        page.get_by_test_id("redeem-confirm").wait_for()
        shot("confirm")
        page.get_by_test_id("redeem-confirm").tap()
        page.get_by_test_id("redeem-result").wait_for()
        shot("result")
    finally:
        context.close()

    assert all(path.stat().st_size > 0 for path in saved)


def _seed_risk_pages(live_app, username: str) -> None:
    """A few cases to review (a check-in farm on one device, a large purchase), a decided
    one, and two block-list entries; made once."""
    from app.extensions import db
    from app.loyalty import accounts, stores, tasks
    from app.loyalty import staff as staff_accounts
    from app.loyalty.models import Store
    from app.loyalty.models.risk import RiskCase
    from app.loyalty.risk import blocklist
    from app.loyalty.risk import cases as review
    from app.loyalty.risk.signals import Origin
    from tests.conftest import PASSWORD
    from tests.integration.risk_support import buy

    with live_app.app_context():
        if db.session.scalar(db.select(RiskCase.id).limit(1)) is None:
            staff = staff_accounts.by_username(username)
            farm = [accounts.join(f"1367700{n:04d}", "新会员", PASSWORD) for n in range(6)]
            for n, member in enumerate(farm):
                tasks.check_in(member.id, origin=Origin(address=f"203.0.113.{40 + n}",
                                                        device="c3f1a9e2b7d04c55a1e0"))
            store_id = db.session.scalar(db.select(Store.id).where(Store.code == "SH001"))
            if store_id is None:
                store_id = stores.create_store("SH001", "上海南京西路店").id
            buy(store_id, farm[0], amount_fen=6_800_000)
            first = db.session.scalar(db.select(RiskCase.id).order_by(RiskCase.id))
            review.reject(first, "同一设备多个账户签到", actor_id=staff.id, address="10.0.0.8")
            blocklist.add("device", "c3f1a9e2b7d04c55a1e0", "批量注册的设备",
                          actor_id=staff.id, address="10.0.0.8")
            blocklist.add("phone", "13677000005", "转卖积分", actor_id=staff.id)
        db.session.remove()


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_review_queue_risk_rules_and_block_list_are_saved(
        browser, base_url, live_app, screen):
    username = f"shots-risk-{screen}"
    administrators(live_app, username)
    _seed_risk_pages(live_app, username)
    with console_page(browser, base_url, screen, username) as (page, shot):
        page.goto("/admin/risk")
        page.get_by_test_id("review-row").first.wait_for()
        shot("risk-queue")
        page.goto("/admin/risk?show=decided")
        shot("risk-decided")
        page.goto("/admin/risk/rules")
        shot("risk-rules")
        page.goto("/admin/risk/rules/check_in_per_device")
        page.get_by_test_id("rule-threshold-input").fill("1")
        page.get_by_test_id("rule-dry-run").click()
        page.get_by_test_id("dry-run-cases").wait_for()
        shot("risk-dry-run")
        page.get_by_test_id("rule-window-input").fill("0")
        page.get_by_test_id("rule-save").click()
        page.get_by_test_id("error-message").first.wait_for()
        shot("risk-rule-refused")
        page.goto("/admin/risk/blocklist")
        shot("risk-blocklist")
        for name in ("/admin/risk", "/admin/risk/rules", "/admin/risk/blocklist"):
            page.goto(name)
            assert page.evaluate("document.documentElement.scrollWidth") <= \
                CONSOLE_SCREENS[screen]["width"], f"{name} scrolls sideways"
