"""Idempotent writes for the tills: the first answer to an Idempotency-Key is kept and
replayed for every retry of it, in the same transaction as the write it answers."""
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from .errors import DomainError
from .models import ApiRequest, utcnow
from .statements import built_once, insert_row, read
from .transaction import write_transaction

T = TypeVar("T")


@dataclass(frozen=True)
class Answer:
    """The caller's answer to a write, kept whole to be replayed: a status and a body of
    the caller's choosing (for the tills, an HTTP status and a JSON object)."""

    status: int
    body: dict


@dataclass(frozen=True)
class RequestKey:
    """A store's Idempotency-Key and a fingerprint of the request it came with."""

    store_id: int
    key: str
    request_hash: str


class KeyReused(DomainError):
    """The key was first used with a different request."""

    code = "idempotency_key_reused"


def fingerprint(method: str, path: str, body: object) -> str:
    """The same request gives the same fingerprint, whatever the key order of its JSON."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def once(key: RequestKey | None, work: Callable[[], T],
         answer: Callable[[T], Answer] | None = None) -> tuple[Answer | T, bool]:
    """Run `work` in one write transaction and keep `answer` of its outcome under `key`, in
    the same transaction; a retry gets the kept answer and no new effect. Returns (the
    answer, or the outcome itself without `answer`; replayed). A key needs an answer to keep.
    Refusals are not kept: they changed nothing, so the same key may be tried again once
    the cause is fixed."""
    if key is not None and answer is None:
        raise TypeError("an Idempotency-Key needs an answer to keep")
    for attempt in range(2):
        try:
            with write_transaction():
                stored = _stored(key)
                if stored is not None:
                    return stored, True
                outcome = work()
                if answer is None:
                    return outcome, False
                given = answer(outcome)
                if key is not None:
                    insert_row(ApiRequest(store_id=key.store_id, key=key.key,
                                          request_hash=key.request_hash,
                                          status_code=given.status, response=given.body,
                                          created_at=utcnow()))
                return given, False
        except IntegrityError:
            # A concurrent retry won the race (unique key or reference): answer as it did.
            if attempt:
                raise
    raise AssertionError("unreachable")


@built_once
def _kept():
    return select(ApiRequest.request_hash, ApiRequest.status_code, ApiRequest.response).where(
        ApiRequest.store_id == bindparam("store_id"), ApiRequest.key == bindparam("key"))


def _stored(key: RequestKey | None) -> Answer | None:
    if key is None:
        return None
    row = read(_kept(), {"store_id": key.store_id, "key": key.key}).first()
    if row is None:
        return None
    if row.request_hash != key.request_hash:
        raise KeyReused(key=key.key)
    return Answer(row.status_code, row.response)
