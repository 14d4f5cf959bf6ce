"""The databases the tests run on: a SQLite file, and a throwaway PostgreSQL cluster
started on a free loopback port for the test session and stopped after it."""
import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path

from sqlalchemy import MetaData, create_engine, insert, select, text

from tests.support import free_port

SQLITE, POSTGRESQL = "sqlite", "postgresql"


def requested() -> list[str]:
    """Which databases to run the database tests on: MALL_TEST_DATABASES, default both."""
    names = [n.strip() for n in os.environ.get("MALL_TEST_DATABASES", "sqlite,postgresql")
             .split(",") if n.strip()]
    unknown = set(names) - {SQLITE, POSTGRESQL}
    if unknown or not names:
        raise ValueError(f"MALL_TEST_DATABASES names unknown databases: {sorted(unknown)}")
    return names


def first_requested() -> list[str]:
    """The first of those databases alone, for the sweeps of every route: who may use a
    route, and its CSRF check, do not depend on the database (tests/integration/
    test_url_map.py, which checks ids past PostgreSQL's integer, runs on every database)."""
    return requested()[:1]


def postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl are: PG_BINDIR, else Debian's newest installed version."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """A PostgreSQL server of its own in a scratch folder, trusted on 127.0.0.1 only."""

    def __init__(self, bindir: Path):
        # Its own folder straight under /tmp: pytest's folders are closed to other users.
        self.bindir, self.root = bindir, Path(tempfile.mkdtemp(prefix="mall-postgres-"))
        self.data = self.root / "data"
        self.port = free_port()
        # PostgreSQL refuses to run as root: as root, the cluster belongs to `postgres`.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr or done.stdout}")

    def start(self) -> "PostgresCluster":
        try:
            if self._as:
                shutil.chown(self.root, "postgres")
            self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                      "--auth=trust", "-E", "UTF8", "--locale=C")
            options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                       "-c max_connections=300")
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                      "-w", "-l", str(self.root / "server.log"), "start")
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str) -> None:
        """Run statements outside a transaction (CREATE/DROP DATABASE need that)."""
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            engine.dispose()

    def copy(self, template: str, name: str) -> str:
        """A new database cloned from `template`; its URL."""
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ReusableDatabase:
    """One migrated PostgreSQL database shared by the tests one after another: after each
    test every row is deleted, the rows the migrations seeded are put back and the ids
    start again from where the migrations left them. That is many times faster than a
    database per test, and than TRUNCATE, which makes new files for every table.

    All of it is one script sent at once, written when the database is first read: the
    seeded rows as literal values, and each sequence's next id as a number (the seeded
    tables' largest id plus one, as the migrations left them), not looked up again."""

    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url)
        self.metadata = MetaData()
        self.metadata.reflect(self.engine)
        tables = [t for t in self.metadata.sorted_tables if t.name != "alembic_version"]
        with self.engine.connect() as connection:
            seeded = {table: [row._asdict() for row in connection.execute(select(table))]
                      for table in tables}
            sequences = {table.name: (connection.scalar(text(
                f"SELECT pg_get_serial_sequence('\"{table.name}\"', 'id')")), connection.scalar(
                text(f'SELECT coalesce(max(id), 0) + 1 FROM "{table.name}"')))
                for table in tables if "id" in table.c}
        # Children before parents; the audit log's append-only triggers are not for tests'
        # clean-up, so the deletes run as a replica, which fires no triggers.
        deletes = [f'DELETE FROM "{t.name}"' for t in reversed(tables)]
        inserts = [str(insert(table).values(rows).compile(
            dialect=self.engine.dialect, compile_kwargs={"literal_binds": True}))
            for table, rows in seeded.items() if rows]
        restarts = "SELECT " + ", ".join(f"setval('{sequence}', {start}, false)"
                                         for sequence, start in sequences.values() if sequence)
        self.script = ";\n".join(["SET LOCAL session_replication_role = replica",
                                   *deletes, *inserts, restarts])

    def reset(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.script)

    def dispose(self) -> None:
        self.engine.dispose()


class ReusableSqlite:
    """One SQLite file shared by a test process's tests one after another: after each test
    the migrated template is copied over it through SQLite's backup API, which takes the
    database's locks and rewrites its pages, so the app's open connections read the
    template's rows next (copying the file under them would not be safe) and keep their
    compiled statements. The template is read into memory once, and the copy is written
    without waiting for the disk: a reset that a power cut lost would not matter."""

    def __init__(self, path: Path, template: Path):
        shutil.copy(template, path)
        self.path, self.url = path, f"sqlite:///{path}"
        self.template = sqlite3.connect(":memory:")
        with closing(sqlite3.connect(template)) as source:
            source.backup(self.template)
        self.target = sqlite3.connect(path)
        self.target.execute("PRAGMA synchronous=OFF")

    def reset(self) -> None:
        self.template.backup(self.target)

    def dispose(self) -> None:
        self.target.close()
        self.template.close()
