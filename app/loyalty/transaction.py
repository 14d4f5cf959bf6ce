"""The unit of work: every use case writes inside one of these, and commits once."""
from contextlib import contextmanager

from sqlalchemy import select

from app.extensions import db
from .models import Member


@contextmanager
def write_transaction():
    """Begin a write transaction (BEGIN IMMEDIATE on SQLite), commit at the end,
    roll back if anything raises."""
    session = db.session
    session.rollback()  # a read transaction may be open from the request; start afresh
    session.connection(execution_options={"write_transaction": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def lock_member(member_id: int) -> Member:
    """The member row, locked for the rest of the transaction (FOR UPDATE on PostgreSQL)."""
    return db.session.execute(member_lock(member_id)).scalar_one()


def member_lock(member_id: int):
    # OF members: the member's tier is joined in, and PostgreSQL will not lock the
    # nullable side of an outer join; the tier row needs no lock anyway.
    return (select(Member).where(Member.id == member_id)
            .with_for_update(of=Member).execution_options(populate_existing=True))
