"""The kiosk's device credential and the member's session on a kiosk.

The device holds a signed cookie `kiosk` (Path=/kiosk, HttpOnly, SameSite=Strict, Secure in
production) with the kiosk's id and its secret. A member's session on a kiosk is NOT a
member's sign-in: it lives in the session cookie under keys of its own (KIOSK_KEYS), which
no page outside /kiosk reads, so it never opens the member's account pages or the console.
It ends after KIOSK_IDLE_SECONDS + KIOSK_WARNING_SECONDS without a request.
"""
import time

from flask import current_app, g, request, session
from itsdangerous import BadSignature, URLSafeSerializer

from app.extensions import db
from app.loyalty import kiosks
from app.loyalty.models import Kiosk, Member

COOKIE = "kiosk"
COOKIE_PATH = "/kiosk"
COOKIE_DAYS = 400          # the longest a browser keeps a cookie
KIOSK_KEYS = ("kiosk_member", "kiosk_id", "kiosk_seen")
_SALT = "kiosk-credential"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def set_credential(response, kiosk: Kiosk, secret: str) -> None:
    """Keep the kiosk's credential in its browser."""
    value = _serializer().dumps({"k": kiosk.id, "s": secret})
    response.set_cookie(COOKIE, value, max_age=COOKIE_DAYS * 86400, path=COOKIE_PATH,
                        httponly=True, samesite="Strict",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))


def current_kiosk() -> Kiosk | None:
    """The enrolled, unrevoked kiosk of this browser, or None (read once per request)."""
    if "kiosk" not in g:
        g.kiosk = _read_credential()
    return g.kiosk


def _read_credential() -> Kiosk | None:
    value = request.cookies.get(COOKIE)
    if not value or len(value) > 512:
        return None
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return kiosks.authenticate(data.get("k"), data.get("s"))


def begin_member_session(member_id: int) -> None:
    """Start the member's session on this kiosk: a fresh session cookie, nothing of a
    previous member kept (only the language chosen on the attract screen)."""
    kiosk = current_kiosk()
    if kiosk is None:
        raise RuntimeError("a kiosk session needs an enrolled kiosk")
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session["kiosk_member"], session["kiosk_id"] = member_id, kiosk.id
    session["kiosk_seen"] = int(time.time())
    g.pop("kiosk_member", None)


def end_member_session() -> None:
    """End the member's kiosk session: the whole session cookie is emptied."""
    session.clear()
    g.pop("kiosk_member", None)


def _idle_limit() -> int:
    config = current_app.config
    return config["KIOSK_IDLE_SECONDS"] + config["KIOSK_WARNING_SECONDS"]


def kiosk_member() -> Member | None:
    """The member of this kiosk session, or None: none begun, another kiosk's, or idle past
    KIOSK_IDLE_SECONDS + KIOSK_WARNING_SECONDS (then it ends here). Each call counts as the
    member still being there."""
    if "kiosk_member" in g:
        return g.kiosk_member
    member = None
    if "kiosk_member" in session:
        kiosk, now, seen = current_kiosk(), int(time.time()), session.get("kiosk_seen")
        member_id = session.get("kiosk_member")
        if (kiosk is not None and session.get("kiosk_id") == kiosk.id
                and isinstance(seen, int) and 0 <= now - seen <= _idle_limit()
                and isinstance(member_id, int)):
            member = db.session.get(Member, member_id)
        if member is None:
            end_member_session()
        else:
            session["kiosk_seen"] = now
    g.kiosk_member = member
    return member
