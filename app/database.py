"""Engine settings that make SQLite safe for several server processes.

WAL lets readers run beside one writer; every write transaction starts with
BEGIN IMMEDIATE so two writers queue on the database lock (up to the busy timeout)
instead of failing halfway. synchronous=FULL makes a commit durable across a power
loss at the cost of one more fsync per commit. A 32 MB page cache per connection keeps
the indexes a batch of writes touches in memory as the tables grow. PostgreSQL needs none
of this: there the services lock the member row with SELECT ... FOR UPDATE.
"""
import sqlite3
import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15000
FIRST_PAUSE, LONGEST_PAUSE = 0.0001, 0.001   # seconds between a queued writer's tries
SQLITE_BUSY = 5


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # transactions are begun below, not by pysqlite
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-32000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get("write_transaction", False):
            try:
                begin_immediate(connection.connection.driver_connection)
            except sqlite3.OperationalError as error:   # as the engine would raise it
                raise exc.OperationalError("BEGIN IMMEDIATE", None, error) from error
        else:
            # Every request that reads begins here: straight to the driver, which costs a
            # tenth of a statement run through the engine. A deferred BEGIN takes no lock
            # and so never waits.
            connection.connection.driver_connection.execute("BEGIN")


def begin_immediate(driver: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting up to the busy timeout for another writer to commit.

    SQLite's own wait sleeps 1, 2, 5, 10, 15, 20 and 25 ms between tries, so a writer queued
    behind one that holds the lock for a few milliseconds often sleeps well past its commit.
    Here a writer tries again after 0.1 ms, then twice as long each time up to 1 ms: a queue
    of writers moves as soon as the lock is free (about a tenth more redemptions a second
    from two processes). Past the timeout, the driver's "database is locked" error is raised,
    as SQLite's own wait would. The connection's own busy timeout is put back after."""
    own = driver.execute("PRAGMA busy_timeout").fetchone()[0]
    driver.execute("PRAGMA busy_timeout=0")
    try:
        deadline, pause = time.monotonic() + BUSY_TIMEOUT_MS / 1000, FIRST_PAUSE
        while True:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if not _busy(error) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
    finally:
        driver.execute(f"PRAGMA busy_timeout={int(own)}")


def _busy(error: sqlite3.OperationalError) -> bool:
    """Whether SQLite said the database is busy (SQLITE_BUSY or one of its variants)."""
    code = getattr(error, "sqlite_errorcode", None)   # Python 3.11 on
    return "database is locked" in str(error) if code is None else code & 0xFF == SQLITE_BUSY
