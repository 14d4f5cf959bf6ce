"""What every response tells the browser, how long a session lives, and what slows down
someone guessing passwords."""
import json
import logging
from datetime import datetime, timedelta, timezone

import pytest
from flask import Response

from app import create_app
from app.extensions import db
from app.web import security
from tests.conftest import PASSWORD, _config, sign_in
from tests.support import csrf_token

PAGES = ["/login", "/rules", "/", "/catalog", "/points", "/orders", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_a_strict_content_security_policy(member_client, path):
    headers = member_client.get(path).headers

    policy = dict(part.strip().split(" ", 1) for part in
                  headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_hsts_is_sent_over_https_and_not_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/rules").headers
    secure = client.get("/rules", base_url="https://mall.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_header_a_view_sets_itself_is_kept_and_each_header_is_sent_once(app):
    response = Response("ok", headers={"x-frame-options": "SAMEORIGIN",
                                       "Strict-Transport-Security": "max-age=60"})
    with app.test_request_context("/rules", base_url="https://mall.example"):
        security.secure_headers(response)

    names = [name.lower() for name, _ in response.headers]
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Strict-Transport-Security") == ["max-age=60"]
    assert len(names) == len(set(names))
    assert set(names) >= {name.lower() for name in security.HEADERS}


def test_a_members_pages_are_not_kept_in_caches(member_client):
    assert member_client.get("/points").headers["Cache-Control"] == "no-store"


def test_the_session_cookie_is_http_only_and_same_site_lax(client, member):
    response = sign_in(client, member.phone)

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# What a production server needs beyond the test settings: a long secret, and a payment
# provider that collects cash and an SMS sender that reaches phones (only their names are
# checked at start-up).
PRODUCTION = {"SECRET_KEY": "x" * 40, "PAYMENT_PROVIDER": "wechat",
              "SMS_PROVIDER": "aliyun"}


def test_production_cookies_are_secure_and_host_prefixed(monkeypatch, database):
    monkeypatch.setenv("MALL_ENV", "production")
    app = create_app({**_config(database), **PRODUCTION})

    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["REMEMBER_COOKIE_NAME"] == "__Host-remember"


@pytest.mark.parametrize("unsafe", [{"SECRET_KEY": "dev-only-secret-change-me"},
                                    {"SECRET_KEY": "short"},
                                    {"DEBUG": True},
                                    {"PAYMENT_PROVIDER": "sandbox"},
                                    {"PAYMENT_PROVIDER": "sandbox",
                                     "SANDBOX_PAYMENT_SECRET": "s" * 40}])
def test_production_refuses_to_start_with_a_short_secret_debug_or_the_sandbox_payments(
        monkeypatch, database, unsafe):
    monkeypatch.setenv("MALL_ENV", "production")

    with pytest.raises(RuntimeError, match="Refusing to start"):
        create_app({**_config(database), **PRODUCTION, **unsafe})


def test_production_refuses_to_start_with_the_sandbox_sms_sender(monkeypatch, database):
    monkeypatch.setenv("MALL_ENV", "production")

    with pytest.raises(RuntimeError, match="SMS_PROVIDER is the sandbox"):
        create_app({**_config(database), **PRODUCTION, "SMS_PROVIDER": "sandbox"})


def test_production_starts_with_a_long_secret_and_a_real_payment_provider(
        monkeypatch, database):
    monkeypatch.setenv("MALL_ENV", "production")

    assert create_app({**_config(database), **PRODUCTION})


def later(monkeypatch, minutes: float):
    """Move the session clock on by `minutes`."""
    import app.web.security as security

    now = security.time.time() + minutes * 60
    monkeypatch.setattr(security.time, "time", lambda: now)


def test_a_member_idle_for_more_than_thirty_minutes_must_sign_in_again(
        member_client, monkeypatch):
    later(monkeypatch, 29)
    assert member_client.get("/").status_code == 200

    later(monkeypatch, 29 + 31)
    response = member_client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_pages_within_a_minute_of_the_time_seen_leave_the_session_cookie_as_it_was(
        member_client, monkeypatch):
    member_client.get("/")
    later(monkeypatch, 0.5)
    assert "session=" not in " ".join(member_client.get("/").headers.getlist("Set-Cookie"))

    later(monkeypatch, 0.6)
    assert "session=" in " ".join(member_client.get("/").headers.getlist("Set-Cookie"))


def test_a_member_busy_every_fifty_seconds_stays_signed_in_past_the_idle_minutes(
        member_client, monkeypatch):
    for _ in range(38):   # 31 minutes and 40 seconds
        later(monkeypatch, 50 / 60)
        assert member_client.get("/rules").status_code == 200

    assert member_client.get("/points").status_code == 200


def test_keep_me_signed_in_survives_idleness_for_thirty_days_from_sign_in(client, member,
                                                                         monkeypatch):
    response = client.post("/login", data={"phone": member.phone, "password": PASSWORD,
                                           "remember": "y", "csrf_token": csrf_token(client)})
    remember = [c for c in response.headers.getlist("Set-Cookie")
                if c.startswith("remember_token=")]
    assert remember, "no remember cookie"
    expires = datetime.strptime(remember[0].split("Expires=")[1].split(";")[0],
                                "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=timezone.utc)
    assert abs(expires - (datetime.now(timezone.utc) + timedelta(days=30))) < \
        timedelta(minutes=5)

    later(monkeypatch, 120)
    assert client.get("/").status_code == 200


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(app, member_client):
    stolen = member_client.get_cookie("session").value
    member_client.post("/logout", data={"csrf_token": csrf_token(member_client, "/")})

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def wrong_password(client, phone, address="203.0.113.5"):
    return client.post("/login", environ_base={"REMOTE_ADDR": address},
                       data={"phone": phone, "password": "not-the-password",
                             "csrf_token": csrf_token(client)})


def test_guessing_one_members_password_is_slowed_after_five_failures(client, member):
    for _ in range(5):
        assert wrong_password(client, member.phone).status_code == 422

    blocked = wrong_password(client, member.phone)
    assert blocked.status_code == 429
    assert "Retry-After" in blocked.headers
    assert "Traceback" not in blocked.get_data(as_text=True)


def test_someone_elses_guessing_does_not_lock_the_member_out(app, client, member):
    for _ in range(6):
        wrong_password(client, member.phone, address="203.0.113.5")

    own_phone = app.test_client()
    response = own_phone.post("/login", environ_base={"REMOTE_ADDR": "198.51.100.7"},
                              data={"phone": member.phone, "password": PASSWORD,
                                    "csrf_token": csrf_token(own_phone)})
    assert response.status_code == 302


def test_signing_in_successfully_is_never_counted_against_the_member(app, member):
    for _ in range(8):
        visitor = app.test_client()
        assert sign_in(visitor, member.phone).status_code == 302


def test_each_response_has_a_request_id_and_logs_one_line_without_the_phone(
        member_client, member, caplog):
    logger = logging.getLogger("mall.requests")
    logger.addHandler(caplog.handler)
    try:
        response = member_client.get(f"/orders/{member.phone}",
                                     headers={"X-Request-Id": "till-42-abcdef"})
    finally:
        logger.removeHandler(caplog.handler)

    assert response.headers["X-Request-Id"] == "till-42-abcdef"
    line = json.loads(caplog.records[-1].getMessage())
    assert line["request_id"] == "till-42-abcdef" and line["status"] == 404
    assert member.phone not in line["path"] and "****" in line["path"]
    assert line["member"] == member.id


def test_a_request_refused_before_its_view_still_has_a_request_id_in_its_answer_and_log(
        member_client, caplog):
    logger = logging.getLogger("mall.requests")
    logger.addHandler(caplog.handler)
    try:
        response = member_client.post("/profile", data=b'{"name": "x"}',
                                       headers={"X-Request-Id": "till-42-refused",
                                                "Content-Type": "application/json"})
    finally:
        logger.removeHandler(caplog.handler)

    assert response.status_code == 415
    assert response.headers["X-Request-Id"] == "till-42-refused"
    line = json.loads(caplog.records[-1].getMessage())
    assert line["request_id"] == "till-42-refused" and line["status"] == 415


def test_a_hostile_request_id_is_replaced(client):
    response = client.get("/rules", headers={"X-Request-Id": "<script>alert(1)</script>"})

    assert len(response.headers["X-Request-Id"]) == 32


def test_a_server_error_shows_the_malls_page_without_a_stack_trace(database):
    app = create_app({**_config(database), "PROPAGATE_EXCEPTIONS": False})

    @app.get("/explode")
    def explode():
        raise RuntimeError("secret internals")

    try:
        response = app.test_client().get("/explode")
    finally:
        with app.app_context():
            db.engine.dispose()   # the request read the program's settings on its own engine
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in body and "Traceback" not in body
    assert 'class="card error-page"' in body
