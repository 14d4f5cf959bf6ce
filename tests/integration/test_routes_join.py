"""Joining at /join (bad input changes nothing) and keeping a profile at /profile."""
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty.models import Member, utcnow
from tests.conftest import PASSWORD, sign_in
from tests.integration.route_support import (attrs, balance, by_testid, english, shopper,  # noqa: F401
                                             text, token)

GOOD = {"phone": "13912345678", "name": "韩梅梅", "password": "plum-blossom-9"}


def members() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Member))


def join_form(client, **overrides) -> dict:
    data = {"csrf_token": token(client, "/join"), **GOOD, "invite": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def visitor(client):
    """A visitor reading the mall in English."""
    english(client)
    return client


def test_joining_creates_the_member_signs_them_in_and_goes_home(visitor):
    response = visitor.post("/join", data=join_form(visitor))

    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.rollback()
    joined = db.session.scalar(select(Member).where(Member.phone == GOOD["phone"]))
    assert joined.name == "韩梅梅" and joined.referred_by_id is None
    assert joined.check_password(GOOD["password"])
    home = visitor.get("/")
    assert home.status_code == 200 and by_testid(text(home), "balance") == ["0"]


def test_an_invite_link_prefills_the_code_and_the_new_member_is_referred(visitor, member):
    code = db.session.get(Member, member.id).referral_code

    page = text(visitor.get(f"/join?invite={code}"))
    response = visitor.post("/join", data=join_form(visitor, invite=code.lower()))

    assert attrs(page, "invite-field")["value"] == code
    assert response.status_code == 302
    db.session.rollback()
    joined = db.session.scalar(select(Member).where(Member.phone == GOOD["phone"]))
    assert joined.referred_by_id == member.id


BAD_JOINS = [
    pytest.param({"phone": ""}, "Enter your phone number.", id="phone-empty"),
    pytest.param({"phone": "12345678901"}, "Enter an 11-digit mainland mobile number",
                 id="phone-not-mobile"),
    pytest.param({"phone": "1391234567"}, "Enter an 11-digit mainland mobile number",
                 id="phone-too-short"),
    pytest.param({"phone": "1391234567a"}, "Enter an 11-digit mainland mobile number",
                 id="phone-not-digits"),
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
    pytest.param({"password": GOOD["phone"]}, "Don't use your phone number",
                 id="password-is-the-phone"),
    pytest.param({"invite": "NOSUCH99"}, "This invite code is not valid.", id="unknown-invite"),
    pytest.param({"invite": "X" * 17}, "This invite code is not valid.", id="invite-too-long"),
]


@pytest.mark.parametrize("overrides, message", BAD_JOINS)
def test_bad_sign_up_input_is_refused_with_a_message_and_no_account(visitor, overrides,
                                                                   message):
    before = members()

    response = visitor.post("/join", data=join_form(visitor, **overrides))

    assert response.status_code == 422
    errors = by_testid(unescape(text(response)), "error-message")
    assert any(message in e for e in errors), errors
    assert members() == before
    assert visitor.get("/").status_code == 302  # still signed out


def test_a_phone_already_registered_is_refused_without_saying_more(visitor, member):
    before = members()

    response = visitor.post("/join", data=join_form(visitor, phone=member.phone))

    assert response.status_code == 422
    assert by_testid(text(response), "error-message") == [
        "This phone number is already registered. Sign in instead."]
    assert members() == before


def test_inviting_yourself_with_your_own_phone_is_refused(visitor, member):
    code = db.session.get(Member, member.id).referral_code

    response = visitor.post("/join", data=join_form(visitor, phone=member.phone, invite=code))

    assert response.status_code == 422
    assert members() == 1


def test_a_sign_up_without_the_csrf_token_is_refused(visitor):
    data = join_form(visitor)
    del data["csrf_token"]

    response = visitor.post("/join", data=data)

    assert response.status_code == 400
    assert members() == 0


def test_a_signed_in_member_is_sent_home_from_join(shopper):
    assert shopper.get("/join").headers["Location"] == "/"


# --- Profile -----------------------------------------------------------------------------

def profile_form(client, **fields) -> dict:
    data = {"csrf_token": token(client, "/profile"), "name": "测试会员",
            "email": "member@example.com", "birthday": "1990-03-04"}
    data.update(fields)
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


TOMORROW = (utcnow() + timedelta(days=2)).date().isoformat()
BAD_PROFILES = [
    pytest.param({"name": ""}, "name", "Enter your name.", id="name-empty"),
    pytest.param({"name": "x" * 61}, "name", "Use at most 60 characters.", id="name-too-long"),
    pytest.param({"email": "not-an-email"}, "email", "Enter an email address", id="email-bad"),
    pytest.param({"email": "a@b"}, "email", "Enter an email address", id="email-no-domain"),
    pytest.param({"birthday": TOMORROW}, "birthday", "can't be in the future",
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
