"""Signing in with a code sent by SMS (/login/code), choosing a new password when it is
forgotten (/password/forgot), how often codes may be asked for, wrong codes, and the
development inbox of the sandbox sender."""
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import phone_codes
from app.loyalty.models import Member, PhoneCode, utcnow
from tests.conftest import PASSWORD, sign_in
from tests.integration.code_support import (
    ask_code,
    codes_written,
    last_code,
    messages_to,
    other_code,
)
from tests.integration.route_support import by_testid, english, text
from tests.support import csrf_token

NEW_PASSWORD = "winter-plum-77"


def enter(client, url: str, code: str, **fields):
    return client.post(url, data={"csrf_token": csrf_token(client, url), "code": code, **fields})


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def errors(response) -> list[str]:
    return by_testid(unescape(text(response)), "error-message")


def clock(monkeypatch, **later) -> None:
    """Move the codes' clock on."""
    moved = utcnow() + timedelta(**later)
    monkeypatch.setattr(phone_codes, "utcnow", lambda: moved)


# Signing in with a code ------------------------------------------------------------------

def test_the_sign_in_page_links_to_signing_in_with_a_code_and_to_a_forgotten_password(visitor):
    page = text(visitor.get("/login"))

    assert 'href="/login/code"' in page and 'href="/password/forgot"' in page


def test_a_code_sent_to_a_members_phone_signs_them_in(visitor, member):
    asked = ask_code(visitor, "/login/code", member.phone)
    page = text(visitor.get("/login/code/verify"))

    response = enter(visitor, "/login/code/verify", last_code(member.phone))

    assert asked.status_code == 303 and asked.headers["Location"] == "/login/code/verify"
    assert by_testid(page, "code-sent")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert signed_in(visitor)


def test_signing_in_with_a_code_comes_back_to_the_page_the_member_wanted(visitor, member):
    ask_code(visitor, "/login/code?next=/points", member.phone)

    response = enter(visitor, "/login/code/verify", last_code(member.phone))

    assert response.headers["Location"] == "/points"


def test_a_code_sign_in_is_no_password_for_a_big_redemption(visitor, make_member, make_item):
    rich = make_member(points=100000)
    item = make_item(points_price=25000)
    ask_code(visitor, "/login/code", rich.phone)
    enter(visitor, "/login/code/verify", last_code(rich.phone))

    response = visitor.get(f"/catalog/{item.id}/redeem")

    assert "/reauth" in response.headers["Location"]
    reauth = text(visitor.get(response.headers["Location"]))
    assert 'data-testid="forgot-password"' in reauth and "/password/forgot?next=" in reauth


def test_an_unknown_phone_is_answered_alike_and_told_by_sms_to_join(visitor, member):
    known = ask_code(visitor, "/login/code", member.phone)
    stranger = ask_code(english_client(visitor), "/login/code", "13700000077")

    assert (known.status_code, known.headers["Location"]) == \
        (stranger.status_code, stranger.headers["Location"])
    assert codes_written("13700000077") == 1
    [sms] = messages_to("13700000077")
    assert "No account uses this number. Join at http://127.0.0.1:5000/join" in sms
    assert not re.search(r"(?<![0-9])[0-9]{6}(?![0-9])", sms)   # no code in it


def english_client(client):
    fresh = client.application.test_client()
    english(fresh)
    return fresh


def test_no_code_works_for_a_phone_that_is_no_members(visitor, monkeypatch):
    ask_code(visitor, "/login/code", "13700000077")
    monkeypatch.setattr(phone_codes, "code_matches", lambda code, stored: True)   # a lucky guess

    response = enter(visitor, "/login/code/verify", "123456")

    assert response.status_code == 422 and not signed_in(visitor)


def test_a_wrong_code_does_not_sign_in_and_five_kill_the_code(visitor, member):
    ask_code(visitor, "/login/code", member.phone)
    code = last_code(member.phone)

    answers = [enter(visitor, "/login/code/verify", other_code(code)) for _ in range(5)]

    assert [a.status_code for a in answers] == [422] * 5
    assert "That code is not right. 4 tries left." in errors(answers[0])
    assert "Too many wrong tries" in errors(answers[-1])[0]
    db.session.rollback()
    assert db.session.scalars(select(PhoneCode.wrong_attempts)).one() == 5
    assert not signed_in(visitor)


def test_wrong_codes_count_against_the_sign_in_limit_and_lock_out_even_the_right_code(
        visitor, member):
    ask_code(visitor, "/login/code", member.phone)
    code = last_code(member.phone)
    for _ in range(4):
        enter(visitor, "/login/code/verify", other_code(code))
    assert sign_in(visitor, member.phone, "not-the-password").status_code == 422   # the 5th

    blocked = enter(visitor, "/login/code/verify", code)

    assert blocked.status_code == 429
    assert not signed_in(visitor)


@pytest.mark.parametrize("ask, verify", [("/password/forgot", "/password/reset"),
                                         ("/join", "/join/code")])
def test_wrong_codes_on_the_reset_and_join_pages_count_against_the_sign_in_limit(
        visitor, member, ask, verify):
    ask_code(visitor, ask, member.phone)
    code = last_code(member.phone)
    for _ in range(5):
        enter(visitor, verify, other_code(code), new_password="a-new-password-42",
              confirm="a-new-password-42", name="新朋友", password="a-new-password-42")

    assert enter(visitor, verify, code).status_code == 429


def test_a_code_is_used_once(visitor, member):
    ask_code(visitor, "/login/code", member.phone)
    code = last_code(member.phone)
    assert enter(visitor, "/login/code/verify", code).status_code == 303
    visitor.post("/logout", data={"csrf_token": csrf_token(visitor, "/")})
    english(visitor)

    with visitor.session_transaction() as session:   # as if the page had been kept open
        session["code_sent"] = {"purpose": "sign_in", "phone": member.phone}
    again = enter(visitor, "/login/code/verify", code)

    assert again.status_code == 422
    assert "This code has already been used. Ask for a new one." in errors(again)
    assert not signed_in(visitor)


def test_an_expired_code_does_not_sign_in(visitor, member, monkeypatch):
    ask_code(visitor, "/login/code", member.phone)
    clock(monkeypatch, minutes=5, seconds=1)

    response = enter(visitor, "/login/code/verify", last_code(member.phone))

    assert "This code has expired. Ask for a new one." in errors(response)
    assert not signed_in(visitor)


def test_a_new_code_replaces_the_last_one(visitor, member, monkeypatch):
    ask_code(visitor, "/login/code", member.phone)
    first = last_code(member.phone)
    clock(monkeypatch, minutes=1, seconds=1)
    ask_code(visitor, "/login/code", member.phone)
    second = last_code(member.phone)

    old = enter(visitor, "/login/code/verify", first) if first != second else None
    new = enter(visitor, "/login/code/verify", second)

    assert old is None or old.status_code == 422
    assert new.status_code == 303 and signed_in(visitor)


# How often codes may be asked for -------------------------------------------------------

def test_a_second_code_within_a_minute_is_refused_with_how_long_to_wait(visitor, member,
                                                                        monkeypatch):
    ask_code(visitor, "/login/code", member.phone)
    clock(monkeypatch, seconds=15)

    again = ask_code(visitor, "/login/code", member.phone)

    assert again.status_code == 429
    assert "Wait 45 s before asking for another code." in errors(again)
    assert codes_written() == 1 and len(messages_to(member.phone)) == 1


def test_a_phone_gets_five_codes_an_hour_whatever_they_are_for(visitor, member, monkeypatch):
    start = utcnow()
    urls = ["/login/code", "/password/forgot", "/login/code", "/password/forgot",
            "/login/code", "/login/code"]
    answers = []
    for n, url in enumerate(urls):
        moment = start + timedelta(minutes=2 * n)
        monkeypatch.setattr(phone_codes, "utcnow", lambda moment=moment: moment)
        answers.append(ask_code(visitor, url, member.phone).status_code)

    assert answers == [303] * 5 + [429]
    assert codes_written() == 5


def test_one_address_gets_twenty_codes_an_hour_across_phones(visitor, monkeypatch):
    answers = [ask_code(visitor, "/join", f"1370000{n:04d}").status_code for n in range(21)]

    assert answers == [303] * 20 + [429]
    other_address = visitor.post("/join", environ_base={"REMOTE_ADDR": "198.51.100.9"},
                                 data={"csrf_token": csrf_token(visitor, "/join"),
                                       "phone": "13799999999"})
    assert other_address.status_code == 303


def test_the_limits_hold_for_a_phone_asked_from_another_process(app, visitor, member,
                                                                  monkeypatch):
    """The counts come from the database, so a second app (another worker) sees them."""
    from app import create_app
    from tests.conftest import _config
    ask_code(visitor, "/login/code", member.phone)
    other = create_app(_config(app.config["SQLALCHEMY_DATABASE_URI"]))
    client = other.test_client()
    english(client)

    response = ask_code(client, "/login/code", member.phone)

    with other.app_context():
        db.engine.dispose()   # the other worker's connections end with it
    assert response.status_code == 429


# A forgotten password --------------------------------------------------------------------

def reset(client, code: str, new: str = NEW_PASSWORD, confirm: str | None = None):
    return enter(client, "/password/reset", code, new_password=new,
                 confirm=new if confirm is None else confirm)


def test_a_forgotten_password_is_replaced_with_a_code_and_other_sessions_end(
        app, visitor, member):
    elsewhere = app.test_client()
    assert sign_in(elsewhere, member.phone).status_code == 302
    ask_code(visitor, "/password/forgot", member.phone)

    response = reset(visitor, last_code(member.phone))

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert signed_in(visitor) and not signed_in(elsewhere)
    db.session.rollback()
    assert db.session.get(Member, member.id).check_password(NEW_PASSWORD)
    fresh = app.test_client()
    assert sign_in(fresh, member.phone, NEW_PASSWORD).status_code == 302


def test_a_member_asked_for_the_password_can_reset_it_and_go_back_to_the_redemption(
        visitor, make_member, make_item, monkeypatch):
    rich = make_member(points=100000)
    item = make_item(points_price=25000)
    ask_code(visitor, "/login/code", rich.phone)
    enter(visitor, "/login/code/verify", last_code(rich.phone))
    target = f"/catalog/{item.id}"
    clock(monkeypatch, minutes=1, seconds=1)   # a phone gets one code a minute

    ask_code(visitor, f"/password/forgot?next={target}", rich.phone)
    response = reset(visitor, last_code(rich.phone))

    assert response.headers["Location"] == target
    assert visitor.get(f"/catalog/{item.id}/redeem").status_code == 200


BAD_RESETS = [
    pytest.param({"new": ""}, "Choose a password.", id="empty"),
    pytest.param({"new": "short7!"}, "Use 8 to 128 characters.", id="short"),
    pytest.param({"new": "12345678"}, "too easy to guess", id="common"),
    pytest.param({"new": "13900000000"}, "Don't use your phone number", id="the-phone"),
    pytest.param({"confirm": "something-else-1"}, "don't match", id="mismatch"),
    pytest.param({"code": ""}, "Enter the 6-digit code", id="no-code"),
    pytest.param({"code": "１２３４５６"}, "The code is 6 digits", id="full-width-code"),
]


@pytest.mark.parametrize("change, message", BAD_RESETS)
def test_bad_reset_input_is_refused_and_the_password_stays(visitor, member, change, message):
    ask_code(visitor, "/password/forgot", member.phone)
    change = dict(change)
    code = change.pop("code", last_code(member.phone))

    response = reset(visitor, code, **change)

    assert response.status_code == 422
    assert any(message in e for e in errors(response)), errors(response)
    db.session.rollback()
    assert db.session.get(Member, member.id).check_password(PASSWORD)
    assert not signed_in(visitor)


def test_a_wrong_reset_code_changes_nothing(visitor, member):
    ask_code(visitor, "/password/forgot", member.phone)

    response = reset(visitor, other_code(last_code(member.phone)))

    assert response.status_code == 422
    db.session.rollback()
    assert db.session.get(Member, member.id).check_password(PASSWORD)


def test_an_unknown_phone_asking_for_a_reset_is_told_by_sms_to_join(visitor):
    response = ask_code(visitor, "/password/forgot", "13700000088")

    assert response.status_code == 303 and response.headers["Location"] == "/password/reset"
    [sms] = messages_to("13700000088")
    assert "No account uses this number" in sms


@pytest.mark.parametrize("url", ["/login/code/verify", "/password/reset"])
def test_a_code_step_without_a_code_asked_for_says_to_ask_first(visitor, url):
    response = visitor.get(url)

    assert response.status_code == 200 and by_testid(text(response), "code-missing")


@pytest.mark.parametrize("url", ["/login/code", "/password/forgot"])
@pytest.mark.parametrize("phone", ["13８00138000", "١٣٨٠٠١٣٨٠٠٠", "", "1" * 5000],
                         ids=["full-width", "arabic-indic", "empty", "huge"])
def test_a_phone_that_is_not_a_mainland_mobile_number_gets_no_code(visitor, url, phone):
    response = ask_code(visitor, url, phone)

    assert response.status_code == 422 and errors(response)
    assert codes_written() == 0


# The development inbox -------------------------------------------------------------------

def test_the_development_inbox_shows_the_latest_messages_with_their_codes_and_masked_phones(
        visitor, member):
    ask_code(visitor, "/login/code", member.phone)

    page = text(visitor.get("/dev/sms"))

    assert last_code(member.phone) in page
    assert member.phone not in page and member.phone[:3] + "****" + member.phone[-4:] in page


@pytest.mark.parametrize("address", ["203.0.113.5", "192.168.1.20", "2001:db8::1"])
def test_the_development_inbox_is_no_page_for_anyone_but_the_machine_itself(
        visitor, member, address):
    ask_code(visitor, "/login/code", member.phone)

    response = visitor.get("/dev/sms", environ_base={"REMOTE_ADDR": address})

    assert response.status_code == 404
    assert last_code(member.phone) not in text(response)


def test_the_sandbox_logs_each_message_with_the_phone_masked(visitor, member, caplog):
    with caplog.at_level("INFO", logger="mall.sms"):
        ask_code(visitor, "/login/code", member.phone)

    [line] = [r.getMessage() for r in caplog.records if r.name == "mall.sms"]
    assert last_code(member.phone) in line and member.phone not in line
    assert "139****" in line


def test_there_is_no_development_inbox_with_a_real_sms_provider(database):
    from app import create_app
    from tests.conftest import _config
    app = create_app({**_config(database), "SMS_PROVIDER": "aliyun"})

    response = app.test_client().get("/dev/sms")

    with app.app_context():
        db.engine.dispose()
    assert response.status_code == 404
