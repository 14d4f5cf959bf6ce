"""A write transaction holds the member: a second writer for the same member waits until the
first commits, then sees what it wrote (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite)."""
import threading

from sqlalchemy import select

from app.extensions import db
from app.loyalty.models import Member
from app.loyalty.transaction import lock_member, write_transaction

WAIT = 0.5  # long enough for a writer that does not wait to get through


def hold(app, member_id: int, locked: threading.Event, release: threading.Event):
    """First writer: lock the member, rename them, and commit only when released."""
    with app.app_context(), write_transaction():
        lock_member(member_id).name = "第一位"
        locked.set()
        release.wait(timeout=30)


def follow(app, member_id: int, seen: list, done: threading.Event):
    """Second writer: lock the same member and note the name it finds."""
    with app.app_context(), write_transaction():
        seen.append(lock_member(member_id).name)
        done.set()


def test_a_second_writer_waits_on_the_member_lock_and_then_sees_the_first_ones_write(
        app, make_member):
    member_id = make_member().id
    locked, release, done, seen = threading.Event(), threading.Event(), threading.Event(), []
    first = threading.Thread(target=hold, args=(app, member_id, locked, release))
    second = threading.Thread(target=follow, args=(app, member_id, seen, done))
    first.start()
    try:
        assert locked.wait(timeout=30)
        second.start()
        waited = not done.wait(timeout=WAIT)
    finally:
        release.set()
        first.join(timeout=30)
    second.join(timeout=30)

    assert waited, "the second writer got the member while the first held it"
    assert seen == ["第一位"]
    db.session.rollback()
    assert db.session.scalar(select(Member.name).where(Member.id == member_id)) == "第一位"
