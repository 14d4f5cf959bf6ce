"""Confirming it's you (/reauth), changing the password (/account/password) and the phone
number (/account/phone): wrong input changes nothing, success signs out every other device."""
from html import unescape

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty.models import Member
from tests.conftest import PASSWORD, sign_in
from tests.integration.route_support import by_testid, english, text
from tests.support import csrf_token

NEW_PASSWORD = "blue-kettle-1987"


def stored(member_id: int) -> tuple[str, str, int]:
    """The member's password hash, phone and session epoch as the database has them."""
    db.session.rollback()
    row = db.session.execute(select(Member.password_hash, Member.phone, Member.session_epoch)
                             .where(Member.id == member_id)).one()
    return tuple(row)


@pytest.fixture
def me(member_client):
    english(member_client)
    return member_client


def errors(response) -> list[str]:
    return [unescape(e) for e in by_testid(text(response), "error-message")]


def password_form(client, **fields) -> dict:
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD, "csrf_token": csrf_token(client, "/account/password")}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def phone_form(client, **fields) -> dict:
    data = {"phone": "13700001111", "password": PASSWORD,
            "csrf_token": csrf_token(client, "/account/phone")}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


# Confirming it's you

def test_the_right_password_confirms_and_goes_on_to_the_page_asked_for(me):
    response = me.post("/reauth?next=/orders", data={"password": PASSWORD,
                                                     "csrf_token": csrf_token(me)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/orders"


def test_a_wrong_password_is_a_422_with_a_message_and_confirms_nothing(me, monkeypatch):
    import app.web.reauth as reauth

    moved = reauth.now() + 3600
    monkeypatch.setattr(reauth, "now", lambda: moved)

    response = me.post("/reauth?next=/orders", data={"password": "not-the-password",
                                                     "csrf_token": csrf_token(me)})

    assert response.status_code == 422
    assert errors(response) == ["That password is not right. Try again."]
    with me.session_transaction() as session:
        assert moved - session["authenticated_at"] > 600


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/",
                                    "/\\evil.example", "/\t/evil.example",
                                    "javascript:alert(1)", "evil.example"])
def test_next_never_leads_off_the_site(me, target):
    response = me.post("/reauth", query_string={"next": target},
                       data={"password": PASSWORD, "csrf_token": csrf_token(me)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_reauth_form_keeps_only_a_local_next(me):
    html = text(me.get("/reauth", query_string={"next": "https://evil.example/"}))

    assert 'action="/reauth?next=/"' in html


def test_confirming_without_a_csrf_token_is_refused(me):
    response = me.post("/reauth?next=/orders", data={"password": PASSWORD})

    assert response.status_code == 400


def test_confirming_needs_a_signed_in_member(client):
    response = client.get("/reauth?next=/orders")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_guessing_at_the_password_page_is_slowed_like_signing_in(me):
    for _ in range(5):
        wrong = me.post("/reauth", data={"password": "not-it", "csrf_token": csrf_token(me)})
        assert wrong.status_code == 422

    blocked = me.post("/reauth", data={"password": PASSWORD, "csrf_token": csrf_token(me)})
    assert blocked.status_code == 429


def test_failed_sign_ins_and_failed_confirmations_share_one_allowance(app, me, member):
    other = app.test_client()
    for _ in range(3):
        other.post("/login", data={"phone": member.phone, "password": "not-it",
                                   "csrf_token": csrf_token(other, "/login")})
    for _ in range(2):
        me.post("/reauth", data={"password": "not-it", "csrf_token": csrf_token(me)})

    blocked = me.post("/reauth", data={"password": PASSWORD, "csrf_token": csrf_token(me)})
    assert blocked.status_code == 429


# Changing the password

def test_the_profile_links_to_changing_the_password_and_phone(me):
    html = text(me.get("/profile"))

    assert 'href="/account/password"' in html and 'href="/account/phone"' in html


def test_a_wrong_current_password_is_a_422_and_changes_nothing(me, member):
    before = stored(member.id)

    response = me.post("/account/password",
                       data=password_form(me, current_password="not-the-password"))

    assert response.status_code == 422
    assert errors(response) == ["Your current password is not right."]
    assert stored(member.id) == before


@pytest.mark.parametrize("fields, message", [
    pytest.param({"new_password": "12345678", "confirm": "12345678"},
                 "This password is too easy to guess. Choose another.", id="common"),
    pytest.param({"new_password": "aaaaaaaaaa", "confirm": "aaaaaaaaaa"},
                 "This password is too easy to guess. Choose another.", id="one-character"),
    pytest.param({"new_password": "short1", "confirm": "short1"},
                 "Use 8 to 128 characters.", id="too-short"),
    pytest.param({"new_password": "x" * 129, "confirm": "x" * 129},
                 "Use 8 to 128 characters.", id="too-long"),
    pytest.param({"confirm": "blue-kettle-1988"}, "The two new passwords don't match.",
                 id="mismatch"),
    pytest.param({"new_password": "", "confirm": ""}, "Choose a password.", id="empty"),
    pytest.param({"current_password": ""}, "Enter your current password.", id="no-current"),
])
def test_a_bad_new_password_is_a_422_with_a_message_and_changes_nothing(me, member, fields,
                                                                         message):
    before = stored(member.id)

    response = me.post("/account/password", data=password_form(me, **fields))

    assert response.status_code == 422
    assert message in errors(response)
    assert stored(member.id) == before


def test_the_phone_number_is_not_accepted_as_the_new_password(me, member):
    before = stored(member.id)

    response = me.post("/account/password",
                       data=password_form(me, new_password=member.phone, confirm=member.phone))

    assert response.status_code == 422
    assert errors(response) == ["Don't use your phone number as your password."]
    assert stored(member.id) == before


def test_a_new_password_replaces_the_old_one_and_signs_out_every_other_device(app, me,
                                                                               member):
    laptop = app.test_client()
    assert sign_in(laptop, member.phone).status_code == 302
    kept = app.test_client()
    kept.post("/login", data={"phone": member.phone, "password": PASSWORD, "remember": "y",
                              "csrf_token": csrf_token(kept, "/login")})

    response = me.post("/account/password", data=password_form(me))

    assert response.status_code == 303 and response.headers["Location"] == "/profile"
    assert "Password changed. Other devices have been signed out." in text(me.get("/profile"))
    assert signed_in(me)
    assert "/login" in laptop.get("/").headers["Location"]
    kept.delete_cookie("session")  # only the remember cookie is left, and it is dead too
    assert "/login" in kept.get("/").headers["Location"]
    assert sign_in(app.test_client(), member.phone, NEW_PASSWORD).status_code == 302
    assert sign_in(app.test_client(), member.phone, PASSWORD).status_code == 422


def test_changing_the_password_without_a_csrf_token_is_refused(me, member):
    before = stored(member.id)

    response = me.post("/account/password", data=password_form(me, csrf_token=None))

    assert response.status_code == 400
    assert stored(member.id) == before


def test_guessing_the_current_password_is_slowed_like_signing_in(me, member):
    before = stored(member.id)
    for _ in range(5):
        me.post("/account/password", data=password_form(me, current_password="not-it"))

    blocked = me.post("/account/password", data=password_form(me))

    assert blocked.status_code == 429
    assert stored(member.id) == before
    phone = me.application.test_client()  # the member's own phone, elsewhere
    elsewhere = phone.post("/login", environ_base={"REMOTE_ADDR": "198.51.100.7"},
                           data={"phone": member.phone, "password": PASSWORD,
                                 "csrf_token": csrf_token(phone, "/login")})
    assert elsewhere.status_code == 302


def test_mistakes_made_with_the_right_password_never_lock_the_member_out(me, member):
    before = stored(member.id)
    for _ in range(6):
        mismatched = me.post("/account/password",
                             data=password_form(me, confirm="blue-kettle-1988"))
        assert mismatched.status_code == 422

    response = me.post("/account/password", data=password_form(me))

    assert response.status_code == 303
    assert stored(member.id)[0] != before[0]


def test_five_wrong_passwords_on_the_password_page_do_lock_the_member_out(me, member):
    for _ in range(5):
        wrong = me.post("/account/password", data=password_form(me, current_password="not-it"))
        assert wrong.status_code == 422

    assert me.post("/account/password", data=password_form(me)).status_code == 429


def test_a_taken_phone_number_tried_with_the_right_password_is_no_guess(me, member,
                                                                        make_member):
    make_member(phone="13700002222")
    for _ in range(6):
        taken = me.post("/account/phone", data=phone_form(me, phone="13700002222"))
        assert taken.status_code == 409
    same = me.post("/account/phone", data=phone_form(me, phone=member.phone))
    assert same.status_code == 422

    response = me.post("/account/phone", data=phone_form(me))

    assert response.status_code == 303
    assert stored(member.id)[1] == "13700001111"


def test_a_sign_in_form_sent_without_a_password_is_no_guess(app, member):
    visitor = app.test_client()
    for _ in range(6):
        empty = visitor.post("/login", data={"phone": member.phone, "password": "",
                                             "csrf_token": csrf_token(visitor, "/login")})
        assert empty.status_code == 422

    assert sign_in(visitor, member.phone).status_code == 302


@pytest.mark.parametrize("path", ["/account/password", "/account/phone"])
def test_changing_credentials_needs_a_signed_in_member(client, path):
    response = client.get(path)

    assert response.status_code == 302 and "/login" in response.headers["Location"]


# Changing the phone number

@pytest.mark.parametrize("fields, message, status", [
    pytest.param({"phone": "12345"},
                 "Enter an 11-digit mainland mobile number, e.g. 13800138000.", 422,
                 id="bad-format"),
    pytest.param({"phone": "12700001111"},
                 "Enter an 11-digit mainland mobile number, e.g. 13800138000.", 422,
                 id="not-a-mobile"),
    pytest.param({"phone": ""}, "Enter your new phone number.", 422, id="empty"),
    pytest.param({"phone": "13８00138000"},
                 "Enter an 11-digit mainland mobile number, e.g. 13800138000.", 422,
                 id="full-width-digit"),
    pytest.param({"phone": "١٣٨٠٠١٣٨٠٠٠"},
                 "Enter an 11-digit mainland mobile number, e.g. 13800138000.", 422,
                 id="arabic-indic-digits"),
    pytest.param({"password": "not-the-password"}, "That password is not right. Try again.",
                 422, id="wrong-password"),
    pytest.param({"password": ""}, "Enter your password.", 422, id="no-password"),
])
def test_a_bad_phone_change_is_refused_with_a_message_and_changes_nothing(
        me, member, fields, message, status):
    before = stored(member.id)

    response = me.post("/account/phone", data=phone_form(me, **fields))

    assert response.status_code == status
    assert message in errors(response)
    assert stored(member.id) == before


def test_a_phone_number_another_member_has_is_refused(me, member, make_member):
    someone = make_member(phone="13700002222")
    before = stored(member.id), stored(someone.id)

    response = me.post("/account/phone", data=phone_form(me, phone="13700002222"))

    assert response.status_code == 409
    assert errors(response) == ["Another member signs in with this phone number."]
    assert (stored(member.id), stored(someone.id)) == before


def test_the_current_phone_number_is_refused_as_the_new_one(me, member):
    before = stored(member.id)

    response = me.post("/account/phone", data=phone_form(me, phone=member.phone))

    assert response.status_code == 422
    assert errors(response) == ["This is already your phone number."]
    assert stored(member.id) == before


def test_a_new_phone_number_signs_in_and_the_old_one_no_longer_does(app, me, member):
    old_phone = member.phone
    laptop = app.test_client()
    assert sign_in(laptop, old_phone).status_code == 302

    response = me.post("/account/phone", data=phone_form(me, phone=" 13700001111 "))

    assert response.status_code == 303 and response.headers["Location"] == "/profile"
    assert "Phone number changed." in text(me.get("/profile"))
    assert signed_in(me)
    assert "/login" in laptop.get("/").headers["Location"]
    assert sign_in(app.test_client(), "13700001111").status_code == 302
    assert sign_in(app.test_client(), old_phone).status_code == 422


def test_the_phone_page_shows_the_current_number_masked(me, member):
    html = text(me.get("/account/phone"))

    assert by_testid(html, "masked-phone") == [f"{member.phone[:3]}****{member.phone[-4:]}"]
