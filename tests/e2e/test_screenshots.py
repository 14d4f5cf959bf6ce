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


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    """A mall of its own with the demo data (members, orders, the demo staff), served."""
    import threading

    from flask_migrate import upgrade
    from werkzeug.serving import make_server

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
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("screen", sorted(CONSOLE_SCREENS))
def test_screenshots_of_the_reports_page_with_the_demo_data_are_saved(browser, demo_url, screen):
    context = browser.new_context(base_url=demo_url, viewport=CONSOLE_SCREENS[screen])
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"console-{screen}-reports.png"
    try:
        page = context.new_page()
        page.goto("/admin/login")
        page.get_by_test_id("staff-username").fill("admin")
        page.get_by_test_id("staff-password").fill("mall-admin-2026")
        page.get_by_test_id("staff-sign-in").click()
        page.get_by_test_id("staff-who").wait_for()
        page.goto("/admin/reports")
        page.get_by_test_id("liability-points").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= \
            CONSOLE_SCREENS[screen]["width"], "the reports page scrolls sideways"
        page.screenshot(path=path, full_page=True, animations="disabled")
    finally:
        context.close()
    assert path.stat().st_size > 0
