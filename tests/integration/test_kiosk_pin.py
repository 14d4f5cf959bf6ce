"""Signing in at a kiosk with phone number and PIN (/kiosk/pin): the keypad works without
JavaScript, every refusal reads the same, five wrong PINs lock a member's PIN sign-in, and a
kiosk (or a phone number) that keeps being refused is slowed."""
import re
from datetime import timedelta
from html import unescape

import pytest

kiosk_support = pytest.importorskip("tests.kiosk_support",
                                    reason="the kiosk blueprint is not in this tree")

from app.loyalty import pins  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.integration.route_support import by_testid, english, text  # noqa: E402
from tests.support import csrf_token  # noqa: E402

PIN = "246801"
PHONE = "13912345678"


def enrolled(app):
    """A new browser enrolled as a kiosk of store SH001, reading English."""
    browser, _ = kiosk_support.enrolled(app.test_client())
    english(browser)
    return browser


@pytest.fixture
def kiosk(app):
    return enrolled(app)


@pytest.fixture
def pinned(make_member):
    member = make_member(phone=PHONE)
    pins.set_pin(member.id, PIN, PASSWORD)
    return member


def post(browser, **fields):
    data = {"csrf_token": csrf_token(browser, "/kiosk/pin"), **fields}
    return browser.post("/kiosk/pin", data=data)


def attempt(browser, phone: str, pin: str):
    return post(browser, step="pin", phone=phone, pin=pin, action="submit")


def message(response) -> list[str]:
    return [unescape(m) for m in by_testid(text(response), "error-message")]


def on_member_screen(response) -> bool:
    return response.status_code == 303 and response.headers["Location"] == "/kiosk/member"


def test_a_member_taps_phone_and_pin_on_the_keypad_and_is_signed_in(kiosk, pinned):
    form = {"step": "phone", "phone": ""}
    for digit in PHONE:
        page = text(post(kiosk, **form, key=digit))
        form["phone"] = by_value(page, "phone")
    assert form["phone"] == PHONE
    page = text(post(kiosk, step="phone", phone=PHONE, action="next"))
    assert "139****5678" in page and PHONE not in page.replace(f'value="{PHONE}"', "")
    form = {"step": "pin", "phone": PHONE, "pin": ""}
    for digit in PIN:
        form["pin"] = by_value(text(post(kiosk, **form, key=digit)), "pin")

    response = post(kiosk, **form, action="submit")

    assert on_member_screen(response)
    assert kiosk.get("/kiosk/member").status_code == 200


def by_value(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_delete_and_clear_take_digits_off_the_field(kiosk):
    assert by_value(text(post(kiosk, step="phone", phone="1391", key="back")), "phone") == "139"
    assert by_value(text(post(kiosk, step="phone", phone="1391", key="clear")), "phone") == ""
    full = text(post(kiosk, step="phone", phone=PHONE, key="9"))
    assert by_value(full, "phone") == PHONE
    six = text(post(kiosk, step="pin", phone=PHONE, pin=PIN, key="9"))
    assert by_value(six, "pin") == PIN


def test_the_keypad_screen_needs_no_device_keyboard_and_remembers_nothing(kiosk):
    html = text(kiosk.get("/kiosk/pin"))

    assert 'data-testid="kiosk-phone-input"' in html and 'inputmode="none"' in html
    assert 'autocomplete="off"' in html
    for digit in "0123456789":
        assert f'data-testid="pin-key-{digit}"' in html
    pin_step = text(post(kiosk, step="phone", phone=PHONE, action="next"))
    assert 'data-testid="pin-submit"' in pin_step and 'inputmode="none"' in pin_step
    assert kiosk.get("/kiosk/pin").headers["Cache-Control"] == "no-store"


def test_unknown_phone_no_pin_wrong_pin_and_locked_read_the_same(kiosk, pinned, make_member):
    make_member(phone="13911112222")
    locked = make_member(phone="13933334444")
    pins.set_pin(locked.id, PIN, PASSWORD)
    for _ in range(pins.MAX_WRONG_PINS):
        try:
            pins.sign_in_with_pin(locked.phone, "975310", kiosk_id=None)
        except pins.PinRefused:
            pass

    answers = [attempt(kiosk, phone, pin) for phone, pin in [
        ("13700000000", PIN), ("13911112222", PIN), (PHONE, "975310"), (locked.phone, PIN)]]

    assert {a.status_code for a in answers} == {422}
    assert len({tuple(message(a)) for a in answers}) == 1
    assert "don't match" in message(answers[0])[0]


def test_five_wrong_pins_lock_it_at_the_kiosk_until_fifteen_minutes_pass(kiosk, pinned, clock):
    for _ in range(pins.MAX_WRONG_PINS):
        assert attempt(kiosk, PHONE, "975310").status_code == 422

    assert attempt(kiosk, PHONE, PIN).status_code == 422
    clock.shift(timedelta(minutes=15))
    assert on_member_screen(attempt(kiosk, PHONE, PIN))


@pytest.mark.parametrize("fields", [
    {"step": "phone", "phone": "abc", "key": "1"},
    {"step": "phone", "phone": "1" * 5000, "action": "next"},
    {"step": "phone", "phone": "１３９", "key": "1"},
    {"step": "pin", "phone": PHONE, "pin": "x" * 10_000, "action": "submit"},
    {"step": "pin", "phone": "-1", "pin": PIN, "action": "submit"},
    {"step": "pin", "phone": PHONE, "pin": "<script>", "action": "submit"},
    {"step": "phone", "phone": "1391", "action": "next"},
    {"step": "pin", "phone": PHONE, "pin": "123", "action": "submit"},
    {"step": "hostile", "phone": PHONE, "pin": PIN, "action": "submit"},
    {"step": "phone", "phone": "", "key": "'; DROP TABLE members; --"},
    {},
])
def test_garbage_on_the_keypad_gets_a_message_and_a_usable_screen(kiosk, pinned, fields):
    response = post(kiosk, **fields)

    assert response.status_code in (200, 422)
    assert 'data-testid="pin-key-0"' in text(response)
    assert kiosk.get("/kiosk/member").headers.get("Location", "").endswith("/kiosk")
    assert on_member_screen(attempt(kiosk, PHONE, PIN))


def test_a_kiosk_that_keeps_being_refused_is_slowed(app, kiosk, pinned):
    app.config["KIOSK_PIN_LIMITS"] = "3 per minute"
    for n in range(3):
        assert attempt(kiosk, f"1370000000{n}", PIN).status_code == 422

    slowed = attempt(kiosk, PHONE, PIN)

    assert slowed.status_code == 429
    assert "wait a minute" in message(slowed)[0]
    assert on_member_screen(attempt(enrolled(app), PHONE, PIN))


def test_members_signing_in_never_slow_a_busy_kiosk(app, kiosk, pinned):
    app.config["KIOSK_PIN_LIMITS"] = "3 per minute"
    for _ in range(5):
        assert on_member_screen(attempt(kiosk, PHONE, PIN))
        kiosk.post("/kiosk/done", data={"csrf_token": csrf_token(kiosk, "/kiosk/member")})


def test_one_phone_number_tried_from_many_kiosks_is_slowed(app, pinned):
    app.config["KIOSK_PIN_LIMITS_PER_PHONE"] = "2 per minute"
    for _ in range(2):
        assert attempt(enrolled(app), "13700000000", PIN).status_code == 422

    assert attempt(enrolled(app), "13700000000", PIN).status_code == 429
    assert on_member_screen(attempt(enrolled(app), PHONE, PIN))


def test_a_browser_that_is_not_a_kiosk_cannot_use_the_keypad(client, pinned):
    assert client.get("/kiosk/pin").status_code == 403
    response = client.post("/kiosk/pin", data={
        "step": "pin", "phone": PHONE, "pin": PIN, "action": "submit",
        "csrf_token": csrf_token(client)})
    assert response.status_code == 403
