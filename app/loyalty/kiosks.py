"""Store kiosks: made by staff, enrolled once on the device with a one-time code, revoked.

An enrolment code is 8 letters and digits (no look-alikes), valid ENROL_HOURS, used once;
only its SHA-256 is kept. Enrolling gives the device a random 256-bit secret, its
credential, of which only the SHA-256 is kept: the web layer keeps it in a signed cookie.
A new code for a kiosk makes its old credential stop working once the code is used, and a
revoked kiosk stops working at its next request.
"""
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from . import audit_log
from .errors import DomainError, NotFound
from .models import Kiosk, Store, utcnow
from .transaction import write_transaction

ENROL_HOURS = 24
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
NAME_LENGTH = 60
_SEPARATORS = re.compile(r"[\s-]")


class InvalidKiosk(DomainError):
    """A kiosk that cannot be made so: `field` and `reason` say why."""

    code = "invalid_kiosk"


class EnrolmentRefused(DomainError):
    """An enrolment code that is malformed, unknown, used, expired or of a revoked kiosk."""

    code = "enrolment_refused"


@dataclass(frozen=True)
class Issued:
    """A kiosk and its new enrolment code (shown once)."""

    kiosk: Kiosk
    code: str


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normal_code(text: str) -> str | None:
    """The enrolment code as typed, upper case without spaces or dashes; None if it cannot
    be one."""
    code = _SEPARATORS.sub("", text or "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def _new_code(kiosk: Kiosk, now: datetime) -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    kiosk.enrol_code_hash = _digest(code)
    kiosk.enrol_code_expires_at = now + timedelta(hours=ENROL_HOURS)
    return code


def create(name: str, store_code: str, now: datetime | None = None, *,
           actor_id: int | None = None, address: str = "") -> Issued:
    """A new kiosk of the store, with its first enrolment code."""
    name = (name or "").strip()
    if not name or len(name) > NAME_LENGTH or not name.isprintable():
        raise InvalidKiosk(field="name", reason=f"1 to {NAME_LENGTH} printable characters")
    now = now or utcnow()
    with write_transaction():
        store = db.session.scalar(select(Store).where(Store.code == (store_code or "")))
        if store is None:
            raise InvalidKiosk(field="store", reason=f"no store {store_code}")
        kiosk = Kiosk(name=name, store_id=store.id, created_at=now)
        code = _new_code(kiosk, now)
        db.session.add(kiosk)
        db.session.flush()
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.KIOSK_CREATED, f"kiosk {kiosk.id}", address,
                             after={"name": name, "store": store.code}, now=now)
        return Issued(kiosk, code)


def new_code(kiosk_id: int, now: datetime | None = None, *, actor_id: int | None = None,
             address: str = "") -> Issued:
    """A fresh enrolment code for the kiosk (the previous code stops working)."""
    now = now or utcnow()
    with write_transaction():
        kiosk = db.session.get(Kiosk, kiosk_id)
        if kiosk is None:
            raise NotFound(kiosk=kiosk_id)
        if kiosk.revoked_at is not None:
            raise InvalidKiosk(field="kiosk", reason="revoked")
        code = _new_code(kiosk, now)
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.KIOSK_CODE_ISSUED, f"kiosk {kiosk.id}",
                             address, now=now)
        return Issued(kiosk, code)


def enrol(code_text: str, now: datetime | None = None) -> tuple[Kiosk, str]:
    """Use an enrolment code: the kiosk and its device's new secret (returned once)."""
    code = normal_code(code_text)
    if code is None:
        raise EnrolmentRefused()
    now = now or utcnow()
    with write_transaction():
        kiosk = db.session.scalar(select(Kiosk).where(Kiosk.enrol_code_hash == _digest(code)))
        if (kiosk is None or kiosk.revoked_at is not None
                or kiosk.enrol_code_expires_at is None or kiosk.enrol_code_expires_at <= now):
            raise EnrolmentRefused()
        secret = secrets.token_urlsafe(32)
        kiosk.enrol_code_hash = kiosk.enrol_code_expires_at = None
        kiosk.credential_hash = _digest(secret)
        kiosk.enrolled_at = now
        return kiosk, secret


def authenticate(kiosk_id, secret) -> Kiosk | None:
    """The enrolled, unrevoked kiosk this credential belongs to, else None."""
    if not isinstance(kiosk_id, int) or not isinstance(secret, str) or not secret:
        return None
    kiosk = db.session.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.revoked_at is not None or kiosk.credential_hash is None:
        return None
    return kiosk if hmac.compare_digest(kiosk.credential_hash, _digest(secret)) else None


def revoke(kiosk_id: int, now: datetime | None = None, *, actor_id: int | None = None,
           address: str = "") -> Kiosk:
    """Revoke a kiosk: its device stops working at its next request. Twice changes nothing."""
    with write_transaction():
        kiosk = db.session.get(Kiosk, kiosk_id)
        if kiosk is None:
            raise NotFound(kiosk=kiosk_id)
        if kiosk.revoked_at is not None:
            return kiosk
        kiosk.revoked_at = now or utcnow()
        kiosk.enrol_code_hash = kiosk.enrol_code_expires_at = None
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.KIOSK_REVOKED, f"kiosk {kiosk.id}", address,
                             before={"revoked_at": None},
                             after={"revoked_at": kiosk.revoked_at.isoformat()},
                             now=kiosk.revoked_at)
        return kiosk


def listing() -> list[Kiosk]:
    """Every kiosk, by store and name."""
    return list(db.session.scalars(select(Kiosk).join(Kiosk.store)
                                   .order_by(Store.code, Kiosk.name, Kiosk.id)))
