"""Response headers and the session policy: what every response says to the browser, and
how long a member stays signed in."""
import hashlib
import time

from flask import Flask, current_app, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",          # no inline script: htmx and mall.js are files
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"
# Each header by its name in lower case (header names are compared without case), in order.
_BY_NAME = tuple((name.lower(), (name, value)) for name, value in HEADERS.items())
SEEN_STEP_SECONDS = 60


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, and a response that sets any cookie (the session, the
    remember cookie) is never stored by a cache: a shared cache must not hand one visitor's
    session to the next. Checked here because the session cookie is written after every
    after_request function has run."""

    _signing = None  # (the keys, their serializer)
    # Flask's HMAC-SHA1, given as hashlib's own function: Flask's default, a Python function
    # that finds SHA-1 when called, makes `hmac` sign in Python instead of in OpenSSL.
    digest_method = staticmethod(hashlib.sha1)

    def get_signing_serializer(self, app):
        """Flask's serializer, built once for the app's keys rather than twice a request
        (building one serializes a sample to learn its output type)."""
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        built = self._signing
        if built is None or built[0] != keys:
            built = self._signing = (keys, super().get_signing_serializer(app))
        return built[1]

    def save_session(self, app, session, response) -> None:
        super().save_session(app, session, response)
        if "Set-Cookie" in response.headers and not response.cache_control.no_store:
            response.headers["Cache-Control"] = "no-store"


def register(app: Flask) -> None:
    app.session_interface = CookieSessions()

    @app.errorhandler(429)
    def too_many_attempts(error):
        body = render_template("errors/error.html", status=429,
                               title=_("Too many attempts"),
                               message=_("Too many sign-in attempts. Wait a minute and try "
                                         "again, or reset your password at the service desk."))
        retry = getattr(error, "retry_after", None)
        return body, 429, {"Retry-After": str(retry)} if retry else {}


def secure_headers(response):
    """The security headers on every response, each unless the view set its own; a member's
    pages are never stored by a cache.

    The names already present are read in one pass, and the missing headers added together:
    asking the headers for each name one by one scans them all each time."""
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    headers.extend([header for name, header in _BY_NAME if name not in present])
    if request.is_secure and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", HSTS)
    if current_user.is_authenticated and "cache-control" not in present:
        # A member's balance and orders stay out of shared and back-button caches.
        headers["Cache-Control"] = "no-store"
    return response


def end_idle_sessions():
    """A member idle for longer than SESSION_IDLE_MINUTES is signed out of this session;
    with "keep me signed in" the remember cookie (30 days from sign-in, not renewed)
    signs them back in until it runs out.

    The time seen is written again once it is a minute old, not at every request: a
    cookie signed and sent again for each page is most of what a session costs. It lags
    the last request by under a minute, so idleness ends a session at most that much
    sooner, never later."""
    if request.endpoint in ("static", "media.image"):  # files cached for everyone
        return
    now = int(time.time())
    held = session._get_current_object()
    seen = held.get("seen")
    idle_limit = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if seen is not None and now - seen > idle_limit and "_user_id" in held:
        lang = held.get("lang")
        held.clear()
        if lang:
            held["lang"] = lang
    if ("_user_id" in held or seen is not None) and (
            seen is None or now - seen >= SEEN_STEP_SECONDS):
        held["seen"] = now
