"""Stores and their API keys: the tills' credentials for the purchase API.

A key reads "pm_live_<prefix>_<secret>": the prefix finds the row, and only the SHA-256 of
the whole key is kept (enough for a random 240-bit secret), compared in constant time.
"""
import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from app.extensions import db
from . import audit_log
from .errors import DomainError, NotFound
from .models import ApiKey, Store, utcnow
from .statements import built_once, read
from .transaction import write_transaction

KEY_PATTERN = re.compile(r"pm_live_([a-z0-9]{8})_([A-Za-z0-9]{40})")
STORE_CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")
_ALPHABET = string.ascii_letters + string.digits


class InvalidStore(DomainError):
    code = "invalid_store"


def create_store(code: str, name: str, now: datetime | None = None, *,
                 actor_id: int | None = None, address: str = "") -> Store:
    """A new store; InvalidStore when the code is taken or malformed or the name empty.
    Audited when staff make it (the command line names no one)."""
    if not STORE_CODE.fullmatch(code or ""):
        raise InvalidStore(field="code", reason="1 to 20 letters, digits, - or _")
    if not name.strip() or len(name.strip()) > 80:
        raise InvalidStore(field="name", reason="1 to 80 characters")
    with write_transaction():
        if db.session.scalar(select(Store.id).where(Store.code == code)) is not None:
            raise InvalidStore(field="code", reason=f"store {code} already exists",
                               taken=True)
        now = now or utcnow()
        store = Store(code=code, name=name.strip(), created_at=now)
        db.session.add(store)
        db.session.flush()
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.STORE_CHANGE, f"store {store.code}", address,
                             after={"code": store.code, "name": store.name}, now=now)
        return store


def create_key(store_code: str, now: datetime | None = None, *, actor_id: int | None = None,
               address: str = "") -> str:
    """A new API key for the store, returned once: only its hash is kept (and the audit
    log, when staff issue it, keeps only its prefix)."""
    with write_transaction():
        store = db.session.scalar(select(Store).where(Store.code == store_code))
        if store is None:
            raise NotFound(store=store_code)
        prefix = secrets.token_hex(4)
        key = f"pm_live_{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(40))}"
        now = now or utcnow()
        db.session.add(ApiKey(store_id=store.id, prefix=prefix, key_hash=key_hash(key),
                              created_at=now))
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.TILL_KEY_ISSUED, f"store {store.code}",
                             address, after={"prefix": prefix}, now=now)
        return key


def revoke_key(prefix: str, now: datetime | None = None, *, actor_id: int | None = None,
               address: str = "") -> ApiKey:
    """Revoke a key by its prefix; it stops working at once. Revoking twice changes nothing
    (staff revoking it are audited once)."""
    with write_transaction():
        key = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        if key is None:
            raise NotFound(key=prefix)
        if key.revoked_at is not None:
            return key
        key.revoked_at = now or utcnow()
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.TILL_KEY_REVOKED, f"store {key.store.code}",
                             address, before={"prefix": prefix, "revoked_at": None},
                             after={"prefix": prefix,
                                    "revoked_at": key.revoked_at.isoformat()},
                             now=key.revoked_at)
        return key


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class KeyStore:
    """The store an API key belongs to, as a request from its tills needs it."""

    id: int
    code: str


@built_once
def _key_by_prefix():
    return (select(ApiKey.key_hash, ApiKey.revoked_at, Store.id, Store.code)
            .join(Store, Store.id == ApiKey.store_id)
            .where(ApiKey.prefix == bindparam("prefix")))


def authenticate(key: str) -> KeyStore | None:
    """The store a key belongs to, or None for a malformed, unknown or revoked key."""
    match = KEY_PATTERN.fullmatch(key)
    if not match:
        return None
    row = read(_key_by_prefix(), {"prefix": match.group(1)}).first()
    if row is None or row.revoked_at is not None:
        return None
    return KeyStore(row.id, row.code) if hmac.compare_digest(row.key_hash, key_hash(key)) \
        else None


def listing() -> list[tuple[Store, list[ApiKey]]]:
    """Every store with its keys, oldest first."""
    stores = db.session.scalars(select(Store).order_by(Store.code)).all()
    keys = db.session.scalars(select(ApiKey).order_by(ApiKey.id)).all()
    return [(s, [k for k in keys if k.store_id == s.id]) for s in stores]
