"""The counter in a browser: a clerk types a pickup code and presses Enter, sees the order,
hands it over, then scans it again and reads when, where and by whom; or types the 6 digits
of the member card on a member's phone and sees the member's page."""
import pytest

from app.extensions import db
from app.loyalty import staff as staff_accounts
from app.loyalty import stores
from app.loyalty.models import Store, utcnow
from .helpers import card_code

pytestmark = pytest.mark.e2e

PASSWORD = "counter-horse-2026"


def make_clerk(live_app, name: str = "王店员") -> str:
    with live_app.app_context():
        if db.session.scalar(db.select(Store.id).where(Store.code == "SH777")) is None:
            stores.create_store("SH777", "静安门店")
        username = f"clerk{utcnow().timestamp() * 1000:.0f}"[-20:]
        staff_accounts.create_staff(username, name, PASSWORD, "clerk", "SH777")
        db.session.remove()
    return username


def sign_in_at_the_counter(page, username: str) -> None:
    page.goto("/admin/login?next=/admin/counter")
    page.get_by_test_id("staff-username").fill(username)
    page.get_by_test_id("staff-password").fill(PASSWORD)
    page.get_by_test_id("staff-sign-in").click()
    page.get_by_test_id("pickup-code-input").wait_for()


def test_a_clerk_types_a_pickup_code_hands_the_order_over_and_a_second_scan_says_by_whom(
        page, live_app, member, catalog, place_order):
    code = place_order(member, catalog.points_only)
    sign_in_at_the_counter(page, make_clerk(live_app))

    field = page.get_by_test_id("pickup-code-input")
    assert field.evaluate("el => el === document.activeElement")
    field.fill(f"{code[:5].lower()} {code[5:]}")
    field.press("Enter")
    result = page.get_by_test_id("fulfil-result")
    result.get_by_test_id("fulfil-button").wait_for()
    assert "测*员" in result.inner_text() or "测**员" in result.inner_text()

    result.get_by_test_id("fulfil-button").click()
    page.locator('[data-verdict="handed-over"]').wait_for()

    field = page.get_by_test_id("pickup-code-input")
    field.fill(code)
    field.press("Enter")
    page.wait_for_url(f"**code={code}")
    verdict = page.get_by_test_id("fulfil-result").get_by_test_id("fulfil-verdict")
    verdict.wait_for()
    words = verdict.inner_text()
    assert "已于" in words and "王店员" in words and "静安门店" in words
    assert page.get_by_test_id("fulfil-button").count() == 0


def test_a_clerk_types_the_member_card_code_from_the_phone_and_sees_the_members_page(
        page, phone, live_app, member):
    digits = card_code(phone, member)
    sign_in_at_the_counter(page, make_clerk(live_app))

    field = page.get_by_test_id("pickup-code-input")
    field.fill(digits)
    field.press("Enter")

    page.wait_for_url("**/admin/members/*")
    page.get_by_test_id("member-balance").wait_for()
    shown = page.get_by_test_id("member-phone").inner_text()
    assert member.phone[-4:] in shown and member.phone not in shown
