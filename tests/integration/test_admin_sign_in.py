"""Signing in to the console: passwords, the same answer for every wrong guess, the limits,
two-step codes, idle sessions, deactivated accounts and a new password ending sessions."""
from datetime import timedelta

import pyotp
import pytest

from app.loyalty import audit_log
from app.loyalty import staff as staff_accounts
from app.loyalty.models import utcnow
from tests.conftest import STAFF_PASSWORD, sign_in, staff_sign_in
from tests.integration.route_support import audits
from tests.support import csrf_token


def _code(staff, shift: int = 0) -> str:
    return pyotp.TOTP(staff.totp_secret).at(utcnow() + timedelta(seconds=shift))


def _post_code(client, code: str):
    return client.post("/admin/login/code", data={
        "code": code, "csrf_token": csrf_token(client, "/admin/login")})


def test_the_right_password_signs_staff_in_and_the_sign_in_is_audited(client, make_staff):
    admin = make_staff("admin")

    response = staff_sign_in(client, admin.username.upper())

    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    [entry] = audits(audit_log.SIGN_IN)
    assert entry.actor_id == admin.id and entry.address == "127.0.0.1"


def test_a_wrong_password_and_an_unknown_username_get_the_same_answer_and_are_audited(
        client, make_staff):
    admin = make_staff("admin")

    wrong = staff_sign_in(client, admin.username, "not-the-password")
    unknown = staff_sign_in(client, "nobody-here", "not-the-password")

    assert wrong.status_code == unknown.status_code == 422
    message = "用户名或密码错误。"   # Chinese, the default language
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    failed = audits(audit_log.SIGN_IN_FAILED)
    assert [e.actor_id for e in failed] == [admin.id, None]
    assert failed[1].subject == "username nobody-here"


@pytest.mark.parametrize("username,password", [
    ("", ""), ("", STAFF_PASSWORD), ("x" * 500, STAFF_PASSWORD), ("admin' OR 1=1 --", "x"),
    ("管理员", "密码" * 100)])
def test_empty_huge_and_hostile_sign_in_input_is_refused_with_a_message(
        client, make_staff, username, password):
    make_staff("admin", username="admin")

    response = staff_sign_in(client, username, password)

    assert response.status_code == 422
    assert 'data-testid="error-message"' in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_wrong_passwords_are_limited_as_members_are(client, make_staff, app):
    admin = make_staff("admin")
    limit = int(app.config["SIGN_IN_LIMITS"].split()[0])

    answers = [staff_sign_in(client, admin.username, "wrong-password-1").status_code
               for _ in range(limit + 1)]
    right = staff_sign_in(client, admin.username)

    assert answers[:limit] == [422] * limit and answers[limit] == 429
    assert right.status_code == 429


def test_a_two_step_account_is_signed_in_only_after_its_code(client, make_staff, clock):
    admin = make_staff("admin", two_step=True)
    clock.shift(timedelta(seconds=60))   # past the step the enrolment used

    response = staff_sign_in(client, admin.username)
    assert response.status_code == 302 and response.headers["Location"].startswith(
        "/admin/login/code")
    assert client.get("/admin/").status_code == 302      # not signed in yet
    assert audits(audit_log.SIGN_IN) == []

    signed = _post_code(client, _code(admin))

    assert signed.status_code == 302 and signed.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    [entry] = audits(audit_log.SIGN_IN)
    assert entry.after == {"two_step": True}


def test_a_wrong_two_step_code_is_refused_and_audited(client, make_staff, clock):
    admin = make_staff("admin", two_step=True)
    clock.shift(timedelta(seconds=60))
    staff_sign_in(client, admin.username)
    wrong = f"{(int(_code(admin)) + 1) % 10**6:06d}"

    response = _post_code(client, wrong)

    assert response.status_code == 422
    assert "验证码错误或已使用过" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    assert audits(audit_log.SIGN_IN_FAILED)[-1].after == {
        "reason": "wrong or used two-step code"}


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６", "12 34 5"])
def test_a_malformed_two_step_code_gets_a_message(client, make_staff, clock, code):
    admin = make_staff("admin", two_step=True)
    clock.shift(timedelta(seconds=60))
    staff_sign_in(client, admin.username)

    response = _post_code(client, code)

    assert response.status_code == 422
    assert 'data-testid="error-message"' in response.get_data(as_text=True)


def test_a_two_step_code_cannot_be_used_twice(app, make_staff, clock):
    admin = make_staff("admin", two_step=True)
    clock.shift(timedelta(seconds=60))
    first, second = app.test_client(), app.test_client()
    staff_sign_in(first, admin.username)
    staff_sign_in(second, admin.username)
    code = _code(admin)

    assert _post_code(first, code).status_code == 302
    assert _post_code(second, code).status_code == 422
    assert second.get("/admin/").status_code == 302


def test_the_code_page_without_a_right_password_sends_staff_back_to_sign_in(client, make_staff):
    admin = make_staff("admin", two_step=True)

    assert client.get("/admin/login/code").headers["Location"].startswith("/admin/login")
    response = _post_code(client, _code(admin))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    assert client.get("/admin/").status_code == 302


def test_a_password_more_than_five_minutes_old_no_longer_leads_to_the_code(
        client, make_staff, clock):
    admin = make_staff("admin", two_step=True)
    clock.shift(timedelta(seconds=60))
    staff_sign_in(client, admin.username)
    clock.shift(timedelta(minutes=6))

    response = _post_code(client, _code(admin))

    assert response.headers["Location"].startswith("/admin/login")
    assert client.get("/admin/").status_code == 302


def test_a_console_session_ends_after_the_idle_minutes(staff_client, clock, app):
    client = staff_client("admin")
    idle = app.config["STAFF_IDLE_MINUTES"]

    clock.shift(timedelta(minutes=idle - 1))
    assert client.get("/admin/").status_code == 200       # and this visit counts as activity
    clock.shift(timedelta(minutes=idle - 1))
    assert client.get("/admin/").status_code == 200
    clock.shift(timedelta(minutes=idle, seconds=1))

    response = client.get("/admin/audit")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/audit"
    assert client.get("/admin/").status_code == 302


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_end(staff_client, client):
    signed_in = staff_client("admin")
    staff_accounts.deactivate(signed_in.staff.username)

    assert signed_in.get("/admin/").status_code == 302
    response = staff_sign_in(client, signed_in.staff.username)
    assert response.status_code == 422
    assert "用户名或密码错误。" in response.get_data(as_text=True)
    assert audits(audit_log.SIGN_IN_FAILED)[-1].after == {"reason": "account deactivated"}


def test_a_new_password_ends_every_session_and_the_new_one_signs_in(staff_client, client):
    signed_in = staff_client("admin")
    staff_accounts.change_password(signed_in.staff.username, "another-password-77")

    assert signed_in.get("/admin/").status_code == 302
    assert staff_sign_in(client, signed_in.staff.username).status_code == 422
    assert staff_sign_in(client, signed_in.staff.username,
                         "another-password-77").status_code == 302


def test_signing_out_is_a_post_that_ends_the_console_session_and_is_audited(staff_client):
    client = staff_client("clerk")

    response = client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    assert response.status_code == 302 and response.headers["Location"] == "/admin/login"
    assert client.get("/admin/").status_code == 302
    [entry] = audits(audit_log.SIGN_OUT)
    assert entry.actor_id == client.staff.id


@pytest.mark.parametrize("target,expected", [
    ("/admin/audit?action=sign_in", "/admin/audit?action=sign_in"),
    ("//evil.example/admin/", "/admin/"), ("https://evil.example/", "/admin/"),
    ("/orders", "/admin/"), ("/\\evil.example", "/admin/"), ("/administrator", "/admin/")])
def test_after_signing_in_staff_go_only_to_a_console_page_named_by_next(
        client, make_staff, target, expected):
    admin = make_staff("admin")

    response = staff_sign_in(client, admin.username, next=target.replace("?", "%3F")
                             .replace("&", "%26"))

    assert response.headers["Location"] == expected


def test_a_staff_session_never_acts_as_a_member(staff_client):
    client = staff_client("admin")

    response = client.get("/")

    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_member_signed_in_on_the_same_browser_is_not_staff(client, member, make_staff):
    assert sign_in(client, member.phone).status_code == 302

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/"
    assert client.get("/").status_code == 200


def test_a_member_signing_in_on_a_console_browser_starts_afresh_without_the_console(
        staff_client, member):
    client = staff_client("admin")
    assert sign_in(client, member.phone).status_code == 302

    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 302
