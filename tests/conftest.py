"""Fixtures: an app on a real database migrated by Alembic (a SQLite file, and a throwaway
PostgreSQL cluster), members, lots and items."""
import contextvars
import gc
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.loyalty import accounts, coupon_pools, stock
from app.loyalty.models import ADJUST, COUPON, EARN, OPENING, Category, Item, Tier, utcnow
from app.loyalty.redemption import new_code
from tests.app_build import ReusedApp, compile_once_per_process
from tests.databases import (
    SQLITE,
    PostgresCluster,
    ReusableDatabase,
    ReusableSqlite,
    postgres_bindir,
    requested,
)
from tests.support import csrf_token

PASSWORD = "correct-horse-42"
ROOT = Path(__file__).resolve().parent.parent

compile_once_per_process()
# Each test builds an app, a database and a few thousand objects; with the collector's default
# thresholds a test process spends about a fifth of its time re-scanning the long-lived
# ones (modules, compiled templates, table metadata). Collect less often, for a little
# more memory per process.
gc.set_threshold(50_000, 20, 20)


def pytest_sessionstart(session):
    """Compile the translations, as `make` does, so any way of running the tests sees them.
    With parallel workers the first process does it, before the workers start."""
    if hasattr(session.config, "workerinput"):
        return
    for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as source:
            catalog = read_po(source)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog, use_fuzzy=True)


def chosen_now() -> datetime | None:
    """MALL_TEST_NOW as an aware instant: ISO 8601, read as Shanghai time without an offset
    (`2028-02-29T23:59:30`, `2027-12-31 23:59:59+08:00`); None when it is not set."""
    value = os.environ.get("MALL_TEST_NOW", "").strip()
    if not value:
        return None
    instant = datetime.fromisoformat(value)
    return instant if instant.tzinfo else instant.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock(request):
    """Each test runs at one instant that stands still, so none straddles a local midnight:
    MALL_TEST_NOW if set (to replay any day and hour), else the moment the test starts.
    The app and the test read the same clock; `clock.shift(timedelta)` moves it.
    Tests marked `real_clock` share the database with processes of their own, which the
    standing clock cannot reach, and keep the real one."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(chosen_now() or datetime.now(timezone.utc), tick=False) as moved:
        yield moved


def _config(database) -> dict:
    """Test settings for a database URL (or a SQLite file path)."""
    url = str(database) if "://" in str(database) else f"sqlite:///{database}"
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret", "SERVER_NAME": None,
            # Sign-in failures are counted in the test's own database, as by default.
            "RATELIMIT_STORAGE_URI": "database://",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}  # hashing cost is not under test


def _migrate(url: str) -> None:
    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory):
    """One SQLite database migrated once per run; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "mall.sqlite3"
    _migrate(str(path))
    return path


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL cluster for the session, with a migrated template database."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.fail("PostgreSQL is not installed: `make test` installs it, or set "
                    "MALL_TEST_DATABASES=sqlite to run on SQLite alone.")
    cluster = PostgresCluster(bindir).start()
    try:
        cluster.execute('CREATE DATABASE "mall"')
        _migrate(cluster.url("mall"))
        shared = ReusableDatabase(cluster.url("mall"))
        yield cluster, shared
        shared.dispose()
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory, migrated_db):
    """One SQLite file for the test process, restored from the migrated template after
    each test."""
    shared = ReusableSqlite(tmp_path_factory.mktemp("shared") / "mall.sqlite3", migrated_db)
    yield shared
    shared.dispose()


@pytest.fixture(params=requested())
def database(request):
    """A freshly migrated database for one test: its URL (the process's own SQLite file or
    the shared PostgreSQL database, each put back as migrated after the test)."""
    if request.param == SQLITE:
        shared = request.getfixturevalue("sqlite_database")
    else:
        _, shared = request.getfixturevalue("postgres")
    yield shared.url
    shared.reset()


class RequestClient(FlaskClient):
    """Each request runs in its own app context, as in a server, even though the test
    itself holds one open for services and factories (otherwise `g` leaks across requests)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def _apps():
    """The test process's apps, one per database URL, built by the first test to need one."""
    apps: dict[str, ReusedApp] = {}
    yield apps
    for reused in apps.values():
        with reused.app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(database, _apps):
    """The app on the test's database, as a freshly built one would be: the process's app
    for that database, with its configuration and what it keeps between requests put back."""
    reused = _apps.get(database)
    if reused is None:
        reused = _apps[database] = ReusedApp(own_app(database))
    reused.restore()
    with reused.app.app_context():
        yield reused.app
        db.session.remove()


def own_app(database: str, **config):
    """An app built for the test alone (to add routes to, or with settings of its own)."""
    app = create_app({**_config(database), **config})
    app.test_client_class = RequestClient
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_member(app):
    """A member in `tier`, optionally with points credited now or at a given time.
    The points are an adjustment that doesn't count towards a tier, unless `qualifying`."""
    count = iter(range(10**6))

    def make(points: int = 0, phone: str | None = None, tier: str = "silver",
             earned_at: datetime | None = None, qualifying: bool = False):
        member = accounts.join(phone or f"139{next(count):08d}", "测试会员", PASSWORD)
        if points:
            accounts.award(member.id, points, "welcome", kind=EARN if qualifying else ADJUST,
                           now=earned_at)
        if tier != "silver":
            db.session.get(type(member), member.id).tier_id = tier_id(tier)
            db.session.commit()
        return db.session.get(type(member), member.id)

    return make


def tier_id(code: str) -> int:
    return db.session.scalar(db.select(Tier.id).where(Tier.code == code))


@pytest.fixture
def make_item(app):
    """A catalog item; keyword arguments override the defaults (a timedelta for a time,
    such as `sale_starts_at`, counts from now, so that parameters need no clock)."""

    def make(**fields):
        fields = {name: utcnow() + value if isinstance(value, timedelta) else value
                  for name, value in fields.items()}
        category = db.session.scalar(db.select(Category).where(Category.slug == "test"))
        if category is None:
            category = Category(slug="test", name="测试", name_en="Test")
            db.session.add(category)
            db.session.flush()
        values = {"name": "测试商品", "name_en": "Test item", "points_price": 100,
                  "stock": 10, "category_id": category.id}
        if "min_tier" in fields:
            fields["min_tier_id"] = tier_id(fields.pop("min_tier"))
        values.update(fields)
        codes = values["stock"] if values["stock"] is not None else 10
        if values.get("kind") == COUPON:  # a coupon item's stock is its pool of codes
            values["stock"] = 0
        item = Item(**values)
        db.session.add(item)
        db.session.flush()
        if item.stock is not None:
            stock.record(item.id, item.stock, OPENING, item.stock)
        db.session.commit()
        if item.kind == COUPON and codes:
            coupon_pools.add_codes(item.id, "\n".join(new_code(12) for _ in range(codes)))
            db.session.refresh(item)
        return item

    return make


def sign_in(client, phone: str, password: str = PASSWORD):
    response = client.post("/login", data={"phone": phone, "password": password,
                                           "csrf_token": csrf_token(client)})
    # Signing in writes (its risk signal) in the request's own session: the test's session
    # reads afresh, so that its next write does not start from an older snapshot.
    db.session.rollback()
    return response


@pytest.fixture
def member(make_member):
    return make_member(points=5000)


@pytest.fixture
def member_client(client, member):
    """A test client signed in as `member`."""
    response = sign_in(client, member.phone)
    assert response.status_code == 302
    return client


def fresh(obj):
    """The object as the database has it now (requests ran in their own sessions)."""
    db.session.rollback()
    db.session.refresh(obj)
    return obj


def days(n: float) -> timedelta:
    return timedelta(days=n)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


# Staff of the console ------------------------------------------------------------------

STAFF_PASSWORD = "staff-horse-4242"


@pytest.fixture
def make_staff(app):
    """A console account: `make_staff("clerk")` works at store SH001 (made if missing);
    `two_step=True` enrols a TOTP secret (read it back as `staff.totp_secret`)."""
    from app.loyalty import staff as staff_accounts
    from app.loyalty import stores
    from app.loyalty.models import Store

    count = iter(range(10**6))

    def make(role: str = "admin", username: str | None = None, store: str = "SH001",
             password: str = STAFF_PASSWORD, two_step: bool = False, name: str = ""):
        if role == "clerk" and db.session.scalar(
                db.select(Store.id).where(Store.code == store)) is None:
            stores.create_store(store, "测试门店")
        username = username or f"{role}{next(count)}"
        staff = staff_accounts.create_staff(username, name or f"{role} {username}", password,
                                            role, store if role == "clerk" else None)
        if two_step:
            import pyotp
            secret = staff_accounts.new_secret()
            assert staff_accounts.enrol_two_step(staff.id, secret,
                                                 pyotp.TOTP(secret).at(utcnow()), "test")
        db.session.commit()
        return db.session.get(type(staff), staff.id)

    return make


def staff_sign_in(client, username: str, password: str = STAFF_PASSWORD, next: str = ""):
    """Post the console's sign-in form, as a browser would."""
    url = "/admin/login" + (f"?next={next}" if next else "")
    return client.post(url, data={"username": username, "password": password,
                                  "csrf_token": csrf_token(client, "/admin/login")})


@pytest.fixture
def staff_client(app, make_staff):
    """`staff_client("clerk")`: a new test client signed in to the console through its
    form as new staff of that role (or as `staff=`, whose password is STAFF_PASSWORD);
    the account is `client.staff`."""

    def signed_in(role: str = "admin", staff=None):
        staff = staff or make_staff(role)
        client = app.test_client()
        response = staff_sign_in(client, staff.username)
        if staff.two_step_enrolled:
            import pyotp
            response = client.post("/admin/login/code", data={
                "code": pyotp.TOTP(staff.totp_secret).at(utcnow()),
                "csrf_token": csrf_token(client, "/admin/login")})
        assert response.status_code == 302, response.get_data(as_text=True)
        assert response.headers["Location"] != "/admin/login"
        client.staff = staff
        return client

    return signed_in
