"""The layout's CSRF token is the token Flask-WTF's own `generate_csrf` makes, under the same
settings, and is kept for the request as Flask-WTF keeps it."""
import pytest
from flask import Flask, g, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import TimestampSigner

from app.web.csrf_tokens import csrf_token

SECRET = "a secret key long enough for the test " * 2


@pytest.fixture(autouse=True)
def one_instant(monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_700_000_000)


def flask_wtfs_token_for(app: Flask, raw: str) -> str:
    with app.test_request_context():
        session[app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")] = raw
        return generate_csrf()


@pytest.mark.parametrize("settings", [
    {}, {"WTF_CSRF_SECRET_KEY": "a key for the forms alone"}, {"WTF_CSRF_FIELD_NAME": "guard"},
    {"WTF_CSRF_SECRET_KEY": b"bytes \x00\xff key", "WTF_CSRF_FIELD_NAME": "guard"}])
def test_the_token_is_the_one_flask_wtf_makes_under_the_same_settings(settings):
    app = Flask(__name__)
    app.secret_key = SECRET
    app.config.update(settings)
    field = settings.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    for raw in ("0123456789abcdef0123456789abcdef01234567", "f" * 40, "a"):
        with app.test_request_context():
            session[field] = raw
            ours = csrf_token()
            assert getattr(g, field) == ours
        assert ours == flask_wtfs_token_for(app, raw), (settings, raw)


def test_a_session_without_a_raw_token_gets_one_kept_as_flask_wtf_keeps_it():
    app = Flask(__name__)
    app.secret_key = SECRET
    with app.test_request_context():
        token = csrf_token()
        raw = session["csrf_token"]
        assert len(raw) == 40 and int(raw, 16) >= 0
        assert csrf_token() == token == generate_csrf()   # one token for the request
    assert token == flask_wtfs_token_for(app, raw)


def test_a_raw_token_that_cannot_be_signed_is_replaced_as_flask_wtf_replaces_it():
    app = Flask(__name__)
    app.secret_key = SECRET
    with app.test_request_context():
        session["csrf_token"] = b"not text"
        token = csrf_token()
        raw = session["csrf_token"]
        assert isinstance(raw, str) and len(raw) == 40
    assert token == flask_wtfs_token_for(app, raw)


def test_without_a_secret_key_no_token_is_made():
    app = Flask(__name__)
    with app.test_request_context(), pytest.raises(RuntimeError):
        csrf_token()
