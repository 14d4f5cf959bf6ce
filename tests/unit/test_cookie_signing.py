"""The session and device cookies are signed exactly as Flask's and itsdangerous' defaults
sign them: a cookie from before still holds, and one signed now holds for them."""
import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, TimestampSigner, URLSafeSerializer

from app.web import devices
from app.web.security import CookieSessions

SESSION = {"_user_id": "7:2", "_fresh": True, "seen": 1_700_000_000, "lang": "zh",
           "_flashes": [("info", "签到成功")]}


def test_the_session_cookie_is_signed_as_flasks_own_sessions_sign_it(monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_700_000_000)
    app = Flask(__name__)
    app.secret_key = "a secret key long enough for the test " * 2
    ours = CookieSessions().get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)

    assert ours.dumps(SESSION) == flasks.dumps(SESSION)
    assert ours.loads(flasks.dumps(SESSION)) == flasks.loads(ours.dumps(SESSION)) == SESSION


def test_the_device_cookie_is_signed_as_itsdangerous_signs_by_default():
    key = "another secret key for the device cookie"
    ours, default = devices._serializer_for(key), URLSafeSerializer(key, salt=devices.SALT)

    assert ours.dumps("d3v1ce-1d") == default.dumps("d3v1ce-1d")
    assert ours.loads(default.dumps("d3v1ce-1d")) == "d3v1ce-1d"


def test_a_device_cookie_once_found_good_holds_only_under_the_key_that_signed_it():
    cookie = devices._serializer_for("the first key").dumps("d3v1ce-1d")

    assert devices._signed_value("the first key", cookie) == "d3v1ce-1d"
    assert devices._signed_value("the first key", cookie) == "d3v1ce-1d"
    with pytest.raises(BadSignature):
        devices._signed_value("the next key", cookie)
