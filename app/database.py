"""Engine settings that make SQLite safe for several server processes.

WAL lets readers run beside one writer; every write transaction starts with
BEGIN IMMEDIATE so two writers queue on the database lock (up to the busy timeout)
instead of failing halfway. synchronous=FULL makes a commit durable across a power
loss at the cost of one more fsync per commit. A 32 MB page cache per connection keeps
the indexes a batch of writes touches in memory as the tables grow. PostgreSQL needs none
of this: there the services lock the member row with SELECT ... FOR UPDATE.
"""
from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15000


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
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # Every request that reads begins here: straight to the driver, which costs a
            # tenth of a statement run through the engine. A deferred BEGIN takes no lock
            # and so never waits; a write's BEGIN IMMEDIATE may, and keeps the engine's
            # error for a database that stayed locked.
            connection.connection.driver_connection.execute("BEGIN")
