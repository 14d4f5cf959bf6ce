"""SQLite writers queue on the database lock: one waits while another holds it, begins as
soon as it is free, and gives up with the engine's "database is locked" after the timeout."""
import sqlite3
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import exc, select

from app import database as engine_settings
from app.extensions import db
from app.loyalty.models import Member
from app.loyalty.transaction import lock_member, write_transaction
from tests.databases import SQLITE


@pytest.fixture
def sqlite_path(app, database):
    if not database.startswith(SQLITE):
        pytest.skip("the write queue is SQLite's: PostgreSQL locks the member row")
    return database.removeprefix("sqlite:///")


def held_lock(path: str, locked: threading.Event, release: threading.Event) -> None:
    """Another process's writer: takes the write lock and keeps it until released."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(timeout=30)
        other.execute("COMMIT")
    finally:
        other.close()


@contextmanager
def another_writer(path: str):
    """The write lock held by another connection while the block runs (or until the event
    the block is given is set)."""
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=held_lock, args=(path, locked, release))
    holder.start()
    try:
        assert locked.wait(timeout=30)
        yield release
    finally:
        release.set()
        holder.join(timeout=30)


def test_a_writer_waits_for_the_lock_and_writes_once_it_is_free(app, sqlite_path,
                                                                make_member):
    member_id = make_member().id
    with another_writer(sqlite_path) as release:
        threading.Timer(0.3, release.set).start()
        with write_transaction():
            assert release.is_set(), "the writer began while another held the lock"
            lock_member(member_id).name = "排队之后"
    db.session.rollback()
    assert db.session.scalar(select(Member.name).where(Member.id == member_id)) == "排队之后"


def test_a_lock_held_past_the_timeout_fails_the_write_and_changes_nothing(
        app, sqlite_path, make_member, monkeypatch):
    member_id = make_member().id
    monkeypatch.setattr(engine_settings, "BUSY_TIMEOUT_MS", 200)
    with another_writer(sqlite_path), pytest.raises(exc.OperationalError,
                                                    match="database is locked"):
        with write_transaction():
            lock_member(member_id).name = "不该写入"
    db.session.rollback()
    assert db.session.scalar(select(Member.name).where(Member.id == member_id)) == "测试会员"


def test_begin_immediate_puts_back_the_connections_own_busy_timeout(tmp_path):
    driver = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    driver.execute("PRAGMA busy_timeout=1234")
    engine_settings.begin_immediate(driver)
    assert driver.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
    driver.execute("ROLLBACK")


def test_begin_immediate_raises_what_is_not_a_busy_database_at_once(tmp_path):
    driver = sqlite3.connect(tmp_path / "x.sqlite3", isolation_level=None)
    driver.execute("BEGIN")
    with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
        engine_settings.begin_immediate(driver)
