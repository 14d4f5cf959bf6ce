"""The device cookie: a random identifier of our own, signed, HttpOnly, long-lived, set on
a browser's first visit; risk control reads it with the address as where an action came
from. A cookie whose signature does not hold is ignored and replaced."""
import hashlib
import secrets
from functools import lru_cache

from flask import Flask, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from app.loyalty.risk.signals import Origin
from .request_babel import request_globals

COOKIE, SECURE_COOKIE = "device", "__Host-device"
SALT = "device-cookie"
MAX_AGE = 2 * 365 * 24 * 3600
SKIPPED = ("static", "media.image")


@lru_cache(maxsize=4)
def _serializer_for(secret_key: str | bytes) -> URLSafeSerializer:
    """Built once per key: building one serializes a sample to learn its output type. Signed
    with itsdangerous' HMAC-SHA1, given as hashlib's own function so that OpenSSL signs."""
    return URLSafeSerializer(secret_key, salt=SALT, signer_kwargs={"digest_method": hashlib.sha1})


@lru_cache(maxsize=4096)
def _signed_value(secret_key: str | bytes, cookie: str):
    """What a device cookie holds, its signature checked once for each cookie and key: a
    browser sends the same cookie with every request. A cookie whose signature does not hold
    raises BadSignature every time, and is never kept."""
    return _serializer_for(secret_key).loads(cookie)


def _name(app: Flask) -> str:
    return SECURE_COOKIE if app.config.get("SESSION_COOKIE_SECURE") else COOKIE


def device_id() -> str:
    """This browser's device identifier (a new one if it came without a good cookie)."""
    kept = request_globals()
    if "device_id" not in kept:
        app, found = current_app._get_current_object(), None
        try:
            found = _signed_value(app.secret_key, request.cookies.get(_name(app), ""))
        except BadSignature:
            pass
        if not isinstance(found, str) or not found:
            found, kept.device_new = secrets.token_urlsafe(16), True
        kept.device_id = found
    return kept.device_id


def origin() -> Origin:
    """Where the current request comes from, for risk control."""
    return Origin(address=request.remote_addr, device=device_id())


def read_device() -> None:
    """Read (or draw) the device identifier of a browser's request, so that a browser that
    came without a good cookie is given one."""
    asked = request._get_current_object()
    if asked.endpoint not in SKIPPED and asked.blueprint != "api":
        device_id()


def set_device(response):
    """Give the browser the device cookie drawn for it in this request, if one was."""
    kept = request_globals()
    if kept.get("device_new"):
        app = current_app._get_current_object()
        response.set_cookie(_name(app), _serializer_for(app.secret_key).dumps(kept.device_id),
                            max_age=MAX_AGE, httponly=True, samesite="Lax", path="/",
                            secure=bool(app.config.get("SESSION_COOKIE_SECURE")))
    return response
