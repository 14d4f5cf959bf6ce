"""Where requests are rate-limited, and the counters.

Rate-limit counters live in the mall's own database (`RATELIMIT_STORAGE_URI=database://`, the
default), so every process of one installation counts the same sign-in failures without
Redis. Flask-Limiter's fixed-window strategy calls `incr`, `get`, `get_expiry` and `clear`.

Each call is its own short transaction on its own connection, never the request's session:
a counter is written in one atomic upsert, so two processes can never both pass the limit,
and no lock is held beyond that one statement."""
import hashlib
from datetime import datetime, timedelta

from flask import Flask
from limits.storage import Storage
from sqlalchemy import String, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db, limiter
from app.loyalty.models.types import UTCDateTime, utcnow

MAX_KEY = 255


class RateLimitCounter(db.Model):
    """Hits counted under one limit's key until the window ends at `expires_at`."""

    __tablename__ = "rate_limit_counters"
    key: Mapped[str] = mapped_column(String(MAX_KEY), primary_key=True)
    hits: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DatabaseStorage(Storage):
    """A `limits` storage on the table above, through the current app's engine."""

    STORAGE_SCHEME = ["database"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's counter, starting a new window if the last one ended."""
        now, table = utcnow(), RateLimitCounter.__table__
        engine = db.engine
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(table).values(key=_stored(key), hits=amount,
                                              expires_at=now + timedelta(seconds=expiry))
        ended = table.c.expires_at <= now
        upsert = insert.on_conflict_do_update(index_elements=[table.c.key], set_={
            "hits": case((ended, insert.excluded.hits), else_=table.c.hits + insert.excluded.hits),
            "expires_at": case((ended, insert.excluded.expires_at), else_=table.c.expires_at),
        }).returning(table.c.hits)
        with engine.execution_options(write_transaction=True).begin() as connection:
            hits = connection.execute(upsert).scalar_one()
        if hits == amount:  # a new window: counters whose windows ended go
            with engine.execution_options(write_transaction=True).begin() as connection:
                connection.execute(delete(table).where(table.c.expires_at <= now))
        return hits

    def get(self, key: str) -> int:
        """The key's hits in its current window, 0 if none."""
        table = RateLimitCounter.__table__
        with db.engine.connect() as connection:
            hits = connection.execute(select(table.c.hits).where(
                table.c.key == _stored(key), table.c.expires_at > utcnow())).scalar()
        return hits or 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends, in seconds since the epoch (now if it has none)."""
        table = RateLimitCounter.__table__
        now = utcnow()
        with db.engine.connect() as connection:
            at = connection.execute(select(table.c.expires_at).where(
                table.c.key == _stored(key), table.c.expires_at > now)).scalar()
        return (at or now).timestamp()

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.execution_options(write_transaction=True).begin() as connection:
            return connection.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        table = RateLimitCounter.__table__
        with db.engine.execution_options(write_transaction=True).begin() as connection:
            connection.execute(delete(table).where(table.c.key == _stored(key)))


def _stored(key: str) -> str:
    """The key as stored: a long one by its digest, so any key fits the column."""
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def check_only_where_limited(app: Flask) -> None:
    """Every limit the mall sets is on a view of its own (sign-in, the kiosk's codes and PINs,
    the till's member look-up), and Flask-Limiter checks such a limit in the view's wrapper.
    Its before-request hook checks only limits on the whole application, default limits
    and limits on a blueprint: with none of those set, it would work out an empty list on
    every request. It is taken out then, and left in if any such limit is ever set."""
    manager = limiter.limit_manager
    if (manager.application_limits or manager.default_limits
            or manager._blueprint_limits or limiter._meta_limits):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
