"""Browser tests: the mall served from a real server on 127.0.0.1, driven by Debian's Chromium.

One server and one catalog per run; every test that changes state gets its own member.
Tests find things by the `data-testid` hooks of DESIGN.md, never by visible text.
"""
import itertools
import logging
import uuid
from dataclasses import dataclass

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.loyalty import accounts, redemption
from app.loyalty.models import ADJUST, Category, Item
from .helpers import DESKTOP, PASSWORD, QUALIFYING, START_POINTS, Member, served

CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--disable-dev-shm-usage",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]}


# --- The served app -------------------------------------------------------------------

@dataclass(frozen=True)
class Catalog:
    """Item ids of the seeded catalog."""

    points_only: int    # 1,200 points, unlimited stock
    cash: int           # 2,000 points + ¥19.90, unlimited stock
    sold_out: int       # stock 0
    too_dear: int       # 50,000 points: more than any member here has


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("e2e") / "mall.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "SECRET_KEY": "e2e-secret", "SERVER_NAME": None})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def catalog(live_app) -> Catalog:
    with live_app.app_context():
        gifts = Category(slug="gifts", name="礼品", name_en="Gifts", position=1)
        db.session.add(gifts)
        db.session.flush()

        def item(**fields) -> int:
            values = {"category_id": gifts.id, "stock": None, "kind": "pickup",
                      "description": "浏览器测试用的商品。",
                      "description_en": "An item for browser tests."}
            values.update(fields)
            row = Item(**values)
            db.session.add(row)
            db.session.flush()
            return row.id

        seeded = Catalog(
            points_only=item(name="保温杯", name_en="Travel mug", points_price=1_200),
            cash=item(name="蓝牙耳机", name_en="Wireless earbuds", points_price=2_000,
                      cash_fen=1_990),
            sold_out=item(name="限量帆布袋", name_en="Limited tote bag", points_price=800, stock=0),
            too_dear=item(name="咖啡机", name_en="Coffee machine", points_price=50_000),
        )
        db.session.commit()
        db.session.remove()
    return seeded


@pytest.fixture(scope="session")
def live_server(live_app, catalog):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with served(live_app, "e2e-server") as address:
        yield address


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


# --- Members -------------------------------------------------------------------------

_phones = itertools.count(1)


@pytest.fixture
def member(live_app, live_server) -> Member:
    """A fresh Silver member with START_POINTS points credited now (so they expire in a
    year together), QUALIFYING of them earned from purchases and the rest a gift."""
    phone = f"138{next(_phones):08d}"
    with live_app.app_context():
        created = accounts.join(phone, "测试会员", PASSWORD)
        member_id = created.id
        accounts.award(member_id, START_POINTS - QUALIFYING, "welcome", kind=ADJUST)
        accounts.award(member_id, QUALIFYING, "purchase")
        db.session.remove()
    return Member(member_id, phone)


@pytest.fixture
def place_order(live_app):
    """Redeem an item for a member through the service, as if done earlier."""

    def place(member: Member, item_id: int) -> str:
        with live_app.app_context():
            order = redemption.redeem(member.id, item_id, uuid.uuid4().hex)
            code = order.code
            db.session.remove()
        return code

    return place


# --- Viewports -----------------------------------------------------------------------

@pytest.fixture(params=["iphone", "desktop"])
def viewport_name(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, playwright, viewport_name):
    """Every test that uses `page` runs on a phone and on a desktop."""
    device = dict(playwright.devices["iPhone 13"]) if viewport_name == "iphone" else DESKTOP
    return {**browser_context_args, **device}


@pytest.fixture
def is_phone(viewport_name) -> bool:
    return viewport_name == "iphone"


@pytest.fixture
def phone(browser, base_url, playwright):
    """A page on a phone, for the member's card."""
    context = browser.new_context(base_url=base_url, **playwright.devices["iPhone 13"])
    yield context.new_page()
    context.close()
