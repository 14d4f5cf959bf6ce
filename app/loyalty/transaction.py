"""The unit of work: every use case writes inside one of these, and commits once."""
from contextlib import contextmanager

from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.orm import Session

from app.extensions import db
from .models import Member
from .statements import built_once

FLUSHED = "flushed_uncommitted"  # Session.info key: what was flushed and not yet committed


class UncommittedChanges(RuntimeError):
    """A write transaction was asked to begin over changes that nobody committed: beginning
    it afresh would throw them away without a word."""


@contextmanager
def write_transaction():
    """Begin a write transaction (BEGIN IMMEDIATE on SQLite), commit at the end,
    roll back if anything raises. Refuses to begin over uncommitted changes."""
    session = db.session
    pending = unsaved(session)
    if pending:
        raise UncommittedChanges(
            "A write transaction would discard changes that were never committed: "
            + ", ".join(pending) + ". Commit or roll them back first, or make them inside it.")
    # Only reads can be open here (from the request, say): end them, so that the write
    # transaction begins afresh (SQLite needs BEGIN IMMEDIATE as its first statement).
    session.rollback()
    session.connection(execution_options={"write_transaction": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def unsaved(session: Session) -> list[str]:
    """What the session would lose on a rollback: objects added, changed or deleted, flushed
    to the database or not, since its last commit."""
    return [*session.info.get(FLUSHED, []), *_changes(session)]


def _changes(session: Session) -> list[str]:
    changed = [obj for obj in session.dirty if session.is_modified(obj)]
    return ([_describe("new", obj) for obj in session.new]
            + [_describe("changed", obj) for obj in changed]
            + [_describe("deleted", obj) for obj in session.deleted])


def _describe(change: str, obj) -> str:
    identity = inspect(obj).identity
    key = "" if identity is None else " " + "/".join(str(part) for part in identity)
    return f"{change} {type(obj).__name__}{key}"


@event.listens_for(Session, "after_flush")
def _remember_flushed(session, _flush_context):
    session.info.setdefault(FLUSHED, []).extend(_changes(session))


@event.listens_for(Session, "after_transaction_end")
def _forget_flushed(session, transaction):
    if transaction.parent is None:  # committed or rolled back for good
        session.info.pop(FLUSHED, None)


def lock_member(member_id: int) -> Member:
    """The member row, locked for the rest of the transaction (FOR UPDATE on PostgreSQL)."""
    return db.session.execute(member_lock(), {"member_id": member_id}).scalar_one()


@built_once
def member_lock():
    """The statement that locks a member, its id bound as `member_id`."""
    # OF members: the member's tier is joined in, and PostgreSQL will not lock the
    # nullable side of an outer join; the tier row needs no lock anyway.
    return (select(Member).where(Member.id == bindparam("member_id"))
            .with_for_update(of=Member).execution_options(populate_existing=True))
