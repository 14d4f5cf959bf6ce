"""Joining at /join with a code sent by SMS (bad input changes nothing, and the first step
answers alike for a member's phone and a new one), and keeping a profile at /profile."""
import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty.models import Member, utcnow
from tests.conftest import PASSWORD
from tests.integration.code_support import (
    ask_code,
    codes_written,
    last_code,
    messages_to,
    other_code,
)
from tests.integration.route_support import attrs, by_testid, english, text
from tests.support import balance, csrf_token

GOOD = {"name": "韩梅梅", "password": "plum-blossom-9"}
PHONE = "13912345678"


def members() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Member))


def code_form(client, code: str, **overrides) -> dict:
    data = {"csrf_token": csrf_token(client, "/join/code"), "code": code, **GOOD, "invite": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def asked(client, phone: str = PHONE, invite: str = "") -> str:
    """Step one done for `phone`: the code it received."""
    response = ask_code(client, "/join", phone, invite=invite)
    assert response.status_code == 303 and response.headers["Location"] == "/join/code"
    return last_code(phone)


def test_joining_sends_a_code_and_the_code_with_a_name_and_password_makes_the_member(visitor):
    code = asked(visitor)
    page = text(visitor.get("/join/code"))

    response = visitor.post("/join/code", data=code_form(visitor, code))

    assert "We sent a 6-digit code to 139****5678" in page
    assert response.status_code == 303 and response.headers["Location"] == "/"
    db.session.rollback()
    joined = db.session.scalar(select(Member).where(Member.phone == PHONE))
    assert joined.name == "韩梅梅" and joined.referred_by_id is None
    assert joined.check_password(GOOD["password"])
    home = visitor.get("/")
    assert home.status_code == 200 and by_testid(text(home), "balance") == ["0"]


def test_an_invite_link_is_carried_to_the_code_step_and_the_new_member_is_referred(
        visitor, member):
    code = db.session.get(Member, member.id).referral_code

    first = text(visitor.get(f"/join?invite={code}"))
    sms = asked(visitor, invite=code)
    second = text(visitor.get("/join/code"))
    response = visitor.post("/join/code", data=code_form(visitor, sms, invite=code.lower()))

    assert attrs(first, "invite-field")["value"] == code
    assert attrs(second, "invite-field")["value"] == code
    assert response.status_code == 303
    db.session.rollback()
    joined = db.session.scalar(select(Member).where(Member.phone == PHONE))
    assert joined.referred_by_id == member.id


def without_token(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value="|"X-CSRFToken": ")[^"]+', r"\1", html)


def test_the_first_step_answers_a_members_phone_and_a_new_one_alike_and_both_get_one_code(
        app, make_member):
    existing = make_member(phone="13800138000")
    new_phone = "13811118000"   # masked alike: 138****8000
    answers = []
    for phone in (existing.phone, new_phone):
        client = app.test_client()
        english(client)
        posted = ask_code(client, "/join", phone)
        page = client.get(posted.headers["Location"])
        answers.append((posted.status_code, posted.headers["Location"], posted.get_data(),
                        page.status_code, without_token(text(page))))

    assert answers[0] == answers[1]
    assert "138****8000" in answers[0][4]
    assert codes_written(existing.phone) == codes_written(new_phone) == 1
    assert len(messages_to(existing.phone)) == len(messages_to(new_phone)) == 1
    assert "already a member" in messages_to(existing.phone)[0]
    assert "already a member" not in messages_to(new_phone)[0]


def test_a_members_code_from_the_join_page_signs_them_in_and_makes_no_account(visitor, member):
    code = asked(visitor, member.phone)
    before = members()

    response = visitor.post("/join/code", data=code_form(visitor, code, name="", password=""))

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert members() == before
    home = visitor.get("/")
    assert "You already have an account: you&#39;re signed in." in text(home)
    db.session.rollback()
    assert db.session.get(Member, member.id).check_password(PASSWORD)   # unchanged


def test_a_member_signed_in_by_a_join_code_is_asked_for_the_password_before_a_big_redemption(
        visitor, make_member, make_item):
    rich = make_member(points=100000)
    item = make_item(points_price=25000)
    visitor.post("/join/code", data=code_form(visitor, asked(visitor, rich.phone)))

    response = visitor.get(f"/catalog/{item.id}/redeem")

    assert response.status_code in (302, 303) and "/reauth" in response.headers["Location"]


def test_a_right_code_without_a_name_or_password_keeps_the_code_for_the_corrected_form(
        visitor):
    code = asked(visitor)

    missing = visitor.post("/join/code", data=code_form(visitor, code, name="", password=""))
    fixed = visitor.post("/join/code", data=code_form(visitor, code))

    assert missing.status_code == 422
    assert {"Enter your name.", "Choose a password."} <= set(by_testid(text(missing),
                                                                       "error-message"))
    assert fixed.status_code == 303 and members() == 1


BAD_CODES = [
    pytest.param("", "Enter the 6-digit code from the SMS.", id="empty"),
    pytest.param("12345", "The code is 6 digits", id="five-digits"),
    pytest.param("1234567", "The code is 6 digits", id="seven-digits"),
    pytest.param("12345a", "The code is 6 digits", id="letters"),
    pytest.param("１２３４５６", "The code is 6 digits", id="full-width"),
    pytest.param("٠١٢٣٤٥", "The code is 6 digits", id="arabic-indic"),
    pytest.param("9" * 5000, "The code is 6 digits", id="huge"),
    pytest.param("<script>", "The code is 6 digits", id="hostile"),
]


@pytest.mark.parametrize("code, message", BAD_CODES)
def test_a_malformed_code_is_refused_with_a_message_and_no_account(visitor, code, message):
    asked(visitor)

    response = visitor.post("/join/code", data=code_form(visitor, code))

    assert response.status_code == 422
    assert any(message in e for e in by_testid(unescape(text(response)), "error-message"))
    assert members() == 0


def test_a_wrong_code_makes_no_account_and_says_how_many_tries_are_left(visitor):
    code = asked(visitor)

    response = visitor.post("/join/code", data=code_form(visitor, other_code(code)))

    assert response.status_code == 422
    assert "That code is not right. 4 tries left." in by_testid(text(response), "error-message")
    assert members() == 0


def test_an_expired_code_makes_no_account(visitor, monkeypatch):
    from app.loyalty import phone_codes
    code = asked(visitor)
    later = utcnow() + timedelta(minutes=5, seconds=1)
    monkeypatch.setattr(phone_codes, "utcnow", lambda: later)

    response = visitor.post("/join/code", data=code_form(visitor, code))

    assert response.status_code == 422
    assert "This code has expired. Ask for a new one." in by_testid(text(response),
                                                                    "error-message")
    assert members() == 0


def test_a_code_makes_one_member_and_cannot_be_used_again(visitor):
    code = asked(visitor)
    assert visitor.post("/join/code", data=code_form(visitor, code)).status_code == 303
    visitor.post("/logout", data={"csrf_token": csrf_token(visitor, "/")})
    english(visitor)

    with visitor.session_transaction() as session:   # as if the page had been kept open
        session["code_sent"] = {"purpose": "join", "phone": PHONE}
    reused = visitor.post("/join/code", data=code_form(visitor, code, name="又一个"))

    assert reused.status_code == 422
    assert "This code has already been used. Ask for a new one." in by_testid(
        text(reused), "error-message")
    assert members() == 1 and visitor.get("/").status_code == 302


BAD_JOINS = [
    pytest.param({"name": ""}, "Enter your name.", id="name-empty"),
    pytest.param({"name": "   "}, "Enter your name.", id="name-blank"),
    pytest.param({"name": "名" * 61}, "Use at most 60 characters.", id="name-too-long"),
    pytest.param({"password": ""}, "Choose a password.", id="password-empty"),
    pytest.param({"password": "short7!"}, "Use 8 to 128 characters.", id="password-short"),
    pytest.param({"password": "12345678"}, "too easy to guess", id="password-12345678"),
    pytest.param({"password": "Password"}, "too easy to guess", id="password-password"),
    pytest.param({"password": "qwerty123"}, "too easy to guess", id="password-qwerty123"),
    pytest.param({"password": "88888888"}, "too easy to guess", id="password-88888888"),
    pytest.param({"password": "zzzzzzzzzz"}, "too easy to guess", id="password-one-character"),
    pytest.param({"password": PHONE}, "Don't use your phone number", id="password-is-the-phone"),
    pytest.param({"invite": "NOSUCH99"}, "This invite code is not valid.", id="unknown-invite"),
    pytest.param({"invite": "X" * 17}, "This invite code is not valid.", id="invite-too-long"),
]


@pytest.mark.parametrize("overrides, message", BAD_JOINS)
def test_bad_sign_up_input_is_refused_with_a_message_and_no_account(visitor, overrides,
                                                                   message):
    code = asked(visitor)

    response = visitor.post("/join/code", data=code_form(visitor, code, **overrides))

    assert response.status_code == 422
    errors = by_testid(unescape(text(response)), "error-message")
    assert any(message in e for e in errors), errors
    assert members() == 0
    assert visitor.get("/").status_code == 302  # still signed out


BAD_PHONES = [
    pytest.param("", "Enter your phone number.", id="empty"),
    pytest.param("12345678901", "Enter an 11-digit mainland mobile number", id="not-mobile"),
    pytest.param("1391234567", "Enter an 11-digit mainland mobile number", id="too-short"),
    pytest.param("1391234567a", "Enter an 11-digit mainland mobile number", id="letters"),
    pytest.param("13８00138000", "Enter an 11-digit mainland mobile number", id="full-width"),
    pytest.param("١٣٨٠٠١٣٨٠٠٠", "Enter an 11-digit mainland mobile number",
                 id="arabic-indic"),
    pytest.param("+8613800138000", "Enter an 11-digit mainland mobile number",
                 id="country-code"),
    pytest.param("1" * 5000, "Enter an 11-digit mainland mobile number", id="huge"),
]


@pytest.mark.parametrize("phone, message", BAD_PHONES)
def test_a_phone_that_is_not_a_mainland_mobile_number_gets_no_code(visitor, phone, message):
    response = ask_code(visitor, "/join", phone)

    assert response.status_code == 422
    assert any(message in e for e in by_testid(unescape(text(response)), "error-message"))
    assert codes_written() == 0


def test_inviting_yourself_with_your_own_phone_is_refused(visitor, member):
    code = db.session.get(Member, member.id).referral_code
    sms = asked(visitor, member.phone)

    response = visitor.post("/join/code", data=code_form(visitor, sms, invite=code))

    assert response.status_code == 422
    assert members() == 1


def test_the_code_step_without_a_code_asked_for_says_to_ask_first(visitor):
    response = visitor.get("/join/code")

    assert response.status_code == 200 and by_testid(text(response), "code-missing")


def test_a_sign_up_without_the_csrf_token_is_refused(visitor):
    response = visitor.post("/join", data={"phone": PHONE})

    assert response.status_code == 400
    assert codes_written() == 0


def test_a_signed_in_member_is_sent_home_from_join(shopper):
    assert shopper.get("/join").headers["Location"] == "/"
    assert shopper.get("/join/code").headers["Location"] == "/"


# --- Profile -----------------------------------------------------------------------------

def profile_form(client, **fields) -> dict:
    data = {"csrf_token": csrf_token(client, "/profile"), "name": "测试会员",
            "email": "member@example.com", "birthday": "1990-03-04"}
    data.update({k: v() if callable(v) else v for k, v in fields.items()})  # read at test time
    return {k: v for k, v in data.items() if v is not None}


def saved(member_id: int) -> tuple:
    db.session.rollback()
    m = db.session.get(Member, member_id)
    db.session.refresh(m)
    return m.name, m.email, m.birthday


def test_completing_the_profile_gives_the_points_once_even_if_saved_twice(shopper, member):
    first = shopper.post("/profile", data=profile_form(shopper), follow_redirects=True)
    shopper.post("/profile", data=profile_form(shopper, name="新名字"))

    assert "Profile complete: +30 points!" in text(first)
    assert balance(member.id) == 5030
    assert saved(member.id) == ("新名字", "member@example.com", date(1990, 3, 4))


def test_once_set_the_birthday_is_read_only_and_a_forged_change_is_ignored(shopper, member):
    shopper.post("/profile", data=profile_form(shopper))

    page = unescape(text(shopper.get("/profile")))
    shopper.post("/profile", data=profile_form(shopper, birthday="1991-01-01"))

    assert 'name="birthday"' not in page
    assert "can't be changed" in page
    assert saved(member.id)[2] == date(1990, 3, 4)


def test_clearing_and_refilling_the_email_does_not_give_the_points_again(shopper, member):
    shopper.post("/profile", data=profile_form(shopper))
    shopper.post("/profile", data=profile_form(shopper, email=""))
    shopper.post("/profile", data=profile_form(shopper, email="other@example.com"))

    assert balance(member.id) == 5030
    assert saved(member.id)[1] == "other@example.com"


def in_two_days() -> str:
    """A birthday that has not come yet, wherever the day ends in the world."""
    return (utcnow() + timedelta(days=2)).date().isoformat()


BAD_PROFILES = [
    pytest.param({"name": ""}, "name", "Enter your name.", id="name-empty"),
    pytest.param({"name": "x" * 61}, "name", "Use at most 60 characters.", id="name-too-long"),
    pytest.param({"email": "not-an-email"}, "email", "Enter an email address", id="email-bad"),
    pytest.param({"email": "a@b"}, "email", "Enter an email address", id="email-no-domain"),
    pytest.param({"birthday": in_two_days}, "birthday", "can't be in the future",
                 id="birthday-future"),
    pytest.param({"birthday": "1850-01-01"}, "birthday", "Check the year", id="birthday-old"),
    pytest.param({"birthday": "1990-02-30"}, "birthday", "Enter a date like",
                 id="birthday-not-a-date"),
]


@pytest.mark.parametrize("fields, field, message", BAD_PROFILES)
def test_bad_profile_input_is_refused_per_field_and_nothing_is_saved(shopper, member, fields,
                                                                     field, message):
    before = saved(member.id)

    response = shopper.post("/profile", data=profile_form(shopper, **fields))

    html = unescape(text(response))
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    assert any(message in e for e in by_testid(html, "error-message"))
    assert saved(member.id) == before
    assert balance(member.id) == 5000


def test_the_profile_needs_a_signed_in_member(client):
    assert "/login" in client.get("/profile").headers["Location"]
