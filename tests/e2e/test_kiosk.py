"""The store kiosk in a portrait touch screen (1080x1920): enrolled once, a member signs in with
the code of their phone's member card or with phone number and PIN, redeems with two taps, and
an idle kiosk goes back to the attract screen leaving nothing of the member behind."""
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from app.loyalty import card_tokens, pins
from app.loyalty.models import utcnow
from tests.kiosk_support import make_kiosk
from .helpers import KIOSK, card_code, points
from .test_accessibility import blocking_violations

pytestmark = pytest.mark.e2e

PIN = "482915"


@pytest.fixture
def kiosk_code(live_app, live_server) -> str:
    """The one-time enrolment code of a new kiosk at SH001."""
    with live_app.app_context():
        code = make_kiosk("SH001", "Entrance").code
        db.session.remove()
    return code


@pytest.fixture
def kiosk(browser, base_url, kiosk_code):
    """A page in a kiosk-sized touch browser, enrolled with the code as staff would."""
    context = browser.new_context(base_url=base_url, **KIOSK)
    page = context.new_page()
    page.goto("/kiosk/enrol")
    page.get_by_test_id("kiosk-enrol-code").fill(kiosk_code)
    page.get_by_test_id("kiosk-enrol-code").press("Enter")
    page.get_by_test_id("kiosk-attract").wait_for()
    yield page
    context.close()


def scan(page, code: str) -> None:
    """What a scanner does: type the code into the focused field and press Enter."""
    field = page.get_by_test_id("kiosk-scan-input")
    assert field.evaluate("el => el === document.activeElement")
    page.keyboard.type(code)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def issued_code(live_app, member, minutes_ago: int = 0) -> str:
    with live_app.app_context():
        code = card_tokens.issue(member.id, utcnow() - timedelta(minutes=minutes_ago)).code
        db.session.remove()
    return code


def test_a_member_signs_in_with_the_phones_card_code_sees_points_and_tier_and_redeems(
        kiosk, phone, member, catalog):
    scan(kiosk, card_code(phone, member))

    assert points(kiosk.get_by_test_id("balance").inner_text()) == 12_000
    assert kiosk.get_by_test_id("tier-name").is_visible()
    assert kiosk.get_by_test_id("tier-progress").is_visible()
    assert "*" in kiosk.locator("#kiosk-hello").inner_text()  # the name is masked
    assert member.phone not in kiosk.content()
    item = kiosk.locator(f'[data-testid="catalog-item"][data-item-id="{catalog.points_only}"]')
    item.get_by_test_id("redeem-button").tap()
    kiosk.get_by_test_id("redeem-confirm").tap()

    kiosk.get_by_test_id("redeem-result").wait_for()
    assert kiosk.get_by_test_id("order-code").inner_text().strip()
    assert points(kiosk.get_by_test_id("balance").inner_text()) == 12_000 - 1_200


def test_the_idle_warning_continues_on_a_tap_and_then_the_kiosk_resets_to_the_attract_screen(
        kiosk, member, live_app, monkeypatch):
    monkeypatch.setitem(live_app.config, "KIOSK_IDLE_SECONDS", 2)
    monkeypatch.setitem(live_app.config, "KIOSK_WARNING_SECONDS", 3)
    scan(kiosk, issued_code(live_app, member))
    kiosk.get_by_test_id("balance").wait_for()

    warning = kiosk.get_by_test_id("kiosk-idle-warning")
    warning.wait_for(timeout=5_000)
    kiosk.get_by_test_id("kiosk-continue").tap()
    warning.wait_for(state="hidden")
    assert kiosk.get_by_test_id("balance").is_visible()

    warning.wait_for(timeout=5_000)
    kiosk.get_by_test_id("kiosk-attract").wait_for(timeout=8_000)
    assert kiosk.get_by_test_id("balance").count() == 0


def test_the_back_button_after_a_reset_shows_nothing_of_the_member(kiosk, member, live_app):
    scan(kiosk, issued_code(live_app, member))
    kiosk.get_by_test_id("balance").wait_for()
    kiosk.get_by_test_id("kiosk-done").tap()
    kiosk.get_by_test_id("kiosk-attract").wait_for()

    kiosk.go_back()
    kiosk.wait_for_load_state()
    kiosk.get_by_test_id("kiosk-attract").wait_for()
    assert kiosk.get_by_test_id("balance").count() == 0
    assert "12,000" not in kiosk.content()


def test_a_used_and_an_expired_card_code_are_refused(kiosk, member, live_app):
    used = issued_code(live_app, member)
    scan(kiosk, used)
    kiosk.get_by_test_id("kiosk-done").tap()
    kiosk.get_by_test_id("kiosk-attract").wait_for()

    for code in (used, issued_code(live_app, member, minutes_ago=3), "garbage\u00e9!"):
        scan(kiosk, code)
        assert kiosk.get_by_test_id("error-message").is_visible()
        assert kiosk.get_by_test_id("balance").count() == 0
        assert kiosk.get_by_test_id("kiosk-scan-input").input_value() == ""


def test_a_browser_that_is_not_enrolled_is_refused(browser, base_url, member, live_app):
    context = browser.new_context(base_url=base_url, **KIOSK)
    try:
        page = context.new_page()
        for path in ("/kiosk", "/kiosk/pin", "/kiosk/member"):
            response = page.goto(path)
            assert response.status == 403
            assert page.get_by_test_id("error-message").is_visible()
            assert page.get_by_test_id("kiosk-attract").count() == 0
            assert page.get_by_test_id("kiosk-scan-input").count() == 0
    finally:
        context.close()


def type_on_keypad(page, digits: str) -> None:
    for digit in digits:
        page.get_by_test_id(f"pin-key-{digit}").tap()


def test_a_member_signs_in_with_phone_and_pin_and_five_wrong_pins_lock_pin_sign_in(
        kiosk, member, live_app):
    with live_app.app_context():
        pins.set_pin(member.id, PIN, member.password)
        db.session.remove()
    kiosk.get_by_test_id("kiosk-use-phone").tap()
    type_on_keypad(kiosk, member.phone)
    assert kiosk.get_by_test_id("kiosk-phone-input").input_value() == member.phone
    kiosk.get_by_test_id("kiosk-phone-next").tap()
    type_on_keypad(kiosk, PIN)
    kiosk.get_by_test_id("pin-submit").tap()
    kiosk.get_by_test_id("balance").wait_for()
    kiosk.get_by_test_id("kiosk-done").tap()

    kiosk.get_by_test_id("kiosk-use-phone").tap()
    type_on_keypad(kiosk, member.phone)
    kiosk.get_by_test_id("kiosk-phone-next").tap()
    for _ in range(5):
        type_on_keypad(kiosk, "917263")
        kiosk.get_by_test_id("pin-submit").tap()
        kiosk.get_by_test_id("error-message").wait_for()
    type_on_keypad(kiosk, PIN)
    kiosk.get_by_test_id("pin-submit").tap()
    kiosk.get_by_test_id("error-message").wait_for()
    assert kiosk.get_by_test_id("balance").count() == 0


def test_the_attract_member_and_result_screens_have_no_serious_or_critical_violations(
        kiosk, member, live_app, catalog):
    axe = Axe()
    found = blocking_violations(kiosk, axe)
    scan(kiosk, issued_code(live_app, member))
    kiosk.get_by_test_id("balance").wait_for()
    found += blocking_violations(kiosk, axe)
    item = kiosk.locator(f'[data-testid="catalog-item"][data-item-id="{catalog.points_only}"]')
    item.get_by_test_id("redeem-button").tap()
    kiosk.get_by_test_id("redeem-confirm").wait_for()
    found += blocking_violations(kiosk, axe)
    kiosk.get_by_test_id("redeem-confirm").tap()
    kiosk.get_by_test_id("redeem-result").wait_for()
    found += blocking_violations(kiosk, axe)
    kiosk.get_by_test_id("kiosk-done").tap()
    kiosk.get_by_test_id("kiosk-use-phone").tap()
    kiosk.get_by_test_id("kiosk-phone-input").wait_for()
    found += blocking_violations(kiosk, axe)

    assert not found, (f"{len(found)} serious or critical accessibility violation(s):\n"
                       + "\n".join(found))
