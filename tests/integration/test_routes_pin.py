"""Setting or changing the kiosk PIN on the phone (/account/pin): it asks for the password,
refuses easy PINs with a message, and changes nothing when anything is wrong."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import pins
from app.loyalty.models import Member
from tests.conftest import PASSWORD, sign_in
from tests.integration.route_support import english, text
from tests.integration.test_routes_credentials import errors
from tests.support import csrf_token

PIN = "246801"


def pin_form(client, **fields) -> dict:
    data = {"pin": PIN, "confirm": PIN, "password": PASSWORD,
            "csrf_token": csrf_token(client, "/account/pin")}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def pin_hash(member_id: int) -> str | None:
    db.session.rollback()
    return db.session.scalar(select(Member.pin_hash).where(Member.id == member_id))


def test_the_profile_links_to_the_kiosk_pin_beside_password_and_phone(shopper):
    html = text(shopper.get("/profile"))

    assert 'href="/account/password"' in html and 'href="/account/pin"' in html
    assert 'data-testid="change-pin"' in html


def test_a_member_with_no_pin_is_told_so_and_sets_one_with_the_password(shopper, member):
    page = text(shopper.get("/account/pin"))
    assert "You have no PIN yet." in page

    response = shopper.post("/account/pin", data=pin_form(shopper))

    assert response.status_code == 303 and response.headers["Location"] == "/profile"
    assert "PIN saved." in text(shopper.get("/profile"))
    assert pins.sign_in_with_pin(member.phone, PIN, kiosk_id=None).id == member.id
    assert "You have a PIN. A new one replaces it." in text(shopper.get("/account/pin"))


def test_a_new_pin_replaces_the_old_one_on_the_phone(shopper, member):
    shopper.post("/account/pin", data=pin_form(shopper))

    response = shopper.post("/account/pin", data=pin_form(shopper, pin="975310",
                                                           confirm="975310"))

    assert response.status_code == 303
    assert pins.sign_in_with_pin(member.phone, "975310", kiosk_id=None).id == member.id
    with pytest.raises(pins.PinRefused):
        pins.sign_in_with_pin(member.phone, PIN, kiosk_id=None)


def test_a_wrong_password_is_a_422_and_sets_no_pin(shopper, member):
    response = shopper.post("/account/pin", data=pin_form(shopper, password="not-it"))

    assert response.status_code == 422
    assert errors(response) == ["That password is not right. Try again."]
    assert pin_hash(member.id) is None


@pytest.mark.parametrize("fields, message", [
    pytest.param({"pin": "000000", "confirm": "000000"},
                 "One digit six times is too easy to guess. Choose another PIN.", id="repeat"),
    pytest.param({"pin": "123456", "confirm": "123456"},
                 "Digits in a row, like 123456, are too easy to guess. Choose another PIN.",
                 id="run"),
    pytest.param({"pin": "876543", "confirm": "876543"},
                 "Digits in a row, like 123456, are too easy to guess. Choose another PIN.",
                 id="run-down"),
    pytest.param({"pin": "12345", "confirm": "12345"}, "Your PIN is 6 digits, 0 to 9.",
                 id="short"),
    pytest.param({"pin": "１３５７９２", "confirm": "１３５７９２"},
                 "Your PIN is 6 digits, 0 to 9.", id="full-width"),
    pytest.param({"pin": "9" * 5000, "confirm": "9" * 5000}, "Field cannot be longer than "
                 "32 characters.", id="huge"),
    pytest.param({"pin": "-13579", "confirm": "-13579"}, "Your PIN is 6 digits, 0 to 9.",
                 id="negative"),
    pytest.param({"pin": "<b>1</b>", "confirm": "<b>1</b>"}, "Your PIN is 6 digits, 0 to 9.",
                 id="markup"),
    pytest.param({"pin": "", "confirm": ""}, "Choose a 6-digit PIN.", id="empty"),
    pytest.param({"confirm": "975310"}, "The two PINs don't match.", id="mismatch"),
    pytest.param({"password": ""}, "Enter your password.", id="no-password"),
])
def test_a_bad_pin_is_a_422_with_a_message_and_sets_nothing(shopper, member, fields, message):
    response = shopper.post("/account/pin", data=pin_form(shopper, **fields))

    assert response.status_code == 422
    assert message in errors(response)
    assert pin_hash(member.id) is None


def test_the_end_of_the_phone_number_is_refused_on_the_phone(client, make_member):
    member = make_member(phone="13800246813")
    sign_in(client, member.phone)
    english(client)

    response = client.post("/account/pin", data=pin_form(client, pin="246813",
                                                         confirm="246813"))

    assert response.status_code == 422
    assert errors(response) == ["Don't use the end of your phone number as your PIN."]
    assert pin_hash(member.id) is None


def test_a_pin_form_without_a_csrf_token_is_refused(shopper, member):
    response = shopper.post("/account/pin", data=pin_form(shopper, csrf_token=None))

    assert response.status_code == 400
    assert pin_hash(member.id) is None


def test_guessing_the_password_on_the_pin_page_is_slowed_like_signing_in(shopper, member):
    for _ in range(5):
        wrong = shopper.post("/account/pin", data=pin_form(shopper, password="not-it"))
        assert wrong.status_code == 422

    assert shopper.post("/account/pin", data=pin_form(shopper)).status_code == 429
    assert pin_hash(member.id) is None


def test_easy_pins_tried_with_the_right_password_never_lock_the_member_out(shopper, member):
    for _ in range(6):
        easy = shopper.post("/account/pin", data=pin_form(shopper, pin="111111",
                                                          confirm="111111"))
        assert easy.status_code == 422

    assert shopper.post("/account/pin", data=pin_form(shopper)).status_code == 303


def test_the_pin_page_needs_a_signed_in_member(client):
    response = client.get("/account/pin")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_pin_page_asks_for_digits_and_remembers_nothing(shopper):
    html = text(shopper.get("/account/pin"))

    assert 'inputmode="numeric"' in html and 'autocomplete="off"' in html


def test_the_pin_page_reads_in_chinese(member_client):
    html = text(member_client.get("/account/pin"))

    assert "自助机 PIN" in html and "您尚未设置 PIN。" in html
