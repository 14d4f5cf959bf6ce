"""The access sweep's map of the mall: every route from the app's URL map, a sample value
for every URL argument, a small world of two members, and a snapshot of every table."""
import io
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from html import escape
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.loyalty import accounts, redemption, stores
from app.loyalty.models import ADJUST, Category, Item, Notice, utcnow
from app.media import images
from tests.conftest import PASSWORD, RequestClient, _config
from tests.databases import SQLITE
from tests.support import balance

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def module_app(request, folder: Path):
    """One app and database for a whole module, on the database `request.param` names: a
    copy of the migrated SQLite file in `folder`, or the shared PostgreSQL one, reset after."""
    if request.param == SQLITE:
        path = folder / "mall.sqlite3"
        shutil.copy(request.getfixturevalue("migrated_db"), path)
        url, reset = f"sqlite:///{path}", None
    else:
        cluster, shared = request.getfixturevalue("postgres")
        url, reset = cluster.url("mall"), shared.reset
    app = create_app(_config(url))
    app.test_client_class = RequestClient
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if reset:
            reset()

# Routes anyone may use without signing in. The POS API is not here: it has keys of its own.
PUBLIC = {"auth.login", "auth.join", "auth.join_code", "auth.login_code",
          "auth.login_code_verify", "auth.forgot_password", "auth.reset_password",
          "dev_sms.inbox", "storefront.rules", "set_language", "payments.notify",
          "api.openapi_json", "api.openapi_yaml", "media.image"}
# The staff console has sign-ins of its own: tests/integration/test_admin_access.py sweeps it.
CONSOLE_BLUEPRINT = "admin"
# Store kiosks open only on an enrolled device: tests/integration/test_kiosk.py sweeps them.
KIOSK_BLUEPRINT = "kiosk"
# Routes a store's till calls with `Authorization: Bearer <key>`; cookies count for nothing.
BEARER_BLUEPRINT = "api"
# Callers that hold no session cookie, so no CSRF token either: tills (bearer keys) and the
# payment provider's signed server-to-server notification.
CSRF_EXEMPT = {"payments.notify"}

# URL argument name -> the World attribute that fills it; per-endpoint meanings first.
ARGUMENTS = {"item_id": "item_id", "code": "order_code", "notice_id": "notice_id",
             "reference": "reference", "member_no": "member_no", "name": "provider"}
ENDPOINT_ARGUMENTS = {("set_language", "code"): "language",
                      ("payments.sandbox_checkout", "code"): "awaiting_code",
                      ("media.image", "name"): "image_name"}
# World attributes that belong to member A: another member must get nothing of them.
OWNED = {"order_code", "awaiting_code", "notice_id", "reference", "member_no"}


# Bodies no HTML form sends, each as test-client arguments given a valid CSRF token (carried
# where a careless parser might look for it): pages refuse them all with 415.
NON_FORM_BODIES = {
    "json-object-as-phone": lambda t: {"json": {"phone": {"a": 1}, "csrf_token": t}},
    "json-number-as-password": lambda t: {"json": {"phone": "13977770001", "password": 12345678,
                                                  "csrf_token": t}},
    "json-deeply-nested": lambda t: {"data": "[" * 50000, "content_type": "application/json"},
    "multipart-file-as-phone": lambda t: {
        "data": {"phone": (io.BytesIO(b"13977770001"), "phone.txt"), "csrf_token": t},
        "content_type": "multipart/form-data"},
    "text-plain": lambda t: {"data": f"phone=13977770001&csrf_token={t}",
                             "content_type": "text/plain"},
    "xml": lambda t: {"data": f"<form><csrf_token>{t}</csrf_token></form>",
                      "content_type": "application/xml"},
    "no-content-type": lambda t: {"data": f"csrf_token={t}&quantity=1".encode()},
}
# What the machines' routes must refuse without a server error: not the API's JSON, not a
# provider's form.
FOREIGN_BODIES = ("multipart-file-as-phone", "text-plain", "xml", "no-content-type")


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    method: str
    arguments: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"

    @property
    def is_api(self) -> bool:
        return self.endpoint.split(".")[0] == BEARER_BLUEPRINT

    @property
    def is_console(self) -> bool:
        return self.endpoint.split(".")[0] == CONSOLE_BLUEPRINT

    @property
    def is_kiosk(self) -> bool:
        return self.endpoint.split(".")[0] == KIOSK_BLUEPRINT

    @property
    def is_public(self) -> bool:
        return self.endpoint in PUBLIC

    def attribute(self, argument: str) -> str | None:
        return ENDPOINT_ARGUMENTS.get((self.endpoint, argument)) or ARGUMENTS.get(argument)

    def unknown_arguments(self) -> list[str]:
        return [a for a in self.arguments if self.attribute(a) is None]

    @property
    def owned(self) -> bool:
        """Whether the route names one of member A's own things."""
        return any(self.attribute(a) in OWNED for a in self.arguments)


@cache
def route_map() -> tuple[Route, ...]:
    """Every route and method of the app (HEAD and OPTIONS aside), static files left out."""
    app = create_app(_config("sqlite://"))  # reads the URL map only; never connects
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append(Route(rule.endpoint, rule.rule, method, tuple(sorted(rule.arguments))))
    return tuple(sorted(found, key=lambda r: (r.rule, r.method)))


def routes(*, methods=None, where=lambda route: True, console: bool = False,
           kiosk: bool = False) -> list:
    """pytest params, one per route, each named by its method and rule: the members' side,
    or the staff console's routes alone with `console=True`, the kiosks' with `kiosk=True`."""
    return [pytest.param(r, id=str(r)) for r in route_map()
            if (methods is None or r.method in methods) and where(r)
            and r.is_console == console and r.is_kiosk == kiosk]


def endpoints() -> set[str]:
    return {r.endpoint for r in route_map()}


@dataclass(frozen=True)
class World:
    """Member A with points, two orders, a notice and a till purchase; member B beside."""

    a_id: int
    b_id: int
    a_phone: str
    b_phone: str
    a_name: str
    member_no: str
    item_id: int
    order_code: str
    awaiting_code: str
    notice_id: int
    notice_title: str
    notice_body: str
    reference: str
    api_key: str
    image_name: str = ""
    provider: str = "sandbox"
    language: str = "en"

    def url(self, route: Route) -> str:
        """The route's address filled with A's things; fails for an argument it can't fill."""
        unknown = route.unknown_arguments()
        if unknown:
            pytest.fail(f"{route} ({route.endpoint}) has URL arguments {unknown} that the "
                        "access sweep cannot fill: add a sample value to ARGUMENTS or "
                        "ENDPOINT_ARGUMENTS in tests/integration/sweep_support.py (and to "
                        "OWNED if it names a member's own thing)", pytrace=False)
        path = route.rule
        for argument in route.arguments:
            value = quote(str(getattr(self, route.attribute(argument))), safe="")
            path = re.sub(rf"<(?:[^<>:]+:)?{argument}>", value, path)
        return path

    def secrets(self) -> dict[str, str]:
        """What only A may see, by what it is."""
        return {"A's name": self.a_name, "A's phone": self.a_phone,
                "A's member number": self.member_no, "A's order code": self.order_code,
                "A's unpaid order code": self.awaiting_code,
                "A's notice title": self.notice_title, "A's notice": self.notice_body,
                "A's purchase reference": self.reference,
                "A's balance": f"{balance(self.a_id):,}"}


def build_world(client) -> World:
    """Member A and member B with everything the routes can name; `client` posts A's
    till purchase through the API, as a store would."""
    a_phone, b_phone, a_name = "13977770001", "13977770002", "甲秘会员Quintessa"
    a = accounts.join(a_phone, a_name, PASSWORD)
    b = accounts.join(b_phone, "乙会员Bartholomew", PASSWORD)
    accounts.award(a.id, 8137, "welcome", kind=ADJUST)
    accounts.award(b.id, 500, "welcome", kind=ADJUST)
    category = Category(slug="sweep", name="巡检", name_en="Sweep")
    db.session.add(category)
    db.session.flush()
    item = Item(category_id=category.id, name="巡检杯", name_en="Sweep mug", points_price=100,
                stock=10)
    cash_item = Item(category_id=category.id, name="巡检包", name_en="Sweep bag",
                     points_price=200, cash_fen=990, stock=10)
    db.session.add_all([item, cash_item])
    notice = Notice(member_id=a.id, kind="expiry", title="甲的专属通知Zephyrine",
                    body="只给甲看的内容Marmaduke", link="/catalog?affordable=1")
    db.session.add(notice)
    db.session.commit()
    confirmed = redemption.redeem(a.id, item.id, uuid.uuid4().hex)
    awaiting = redemption.redeem(a.id, cash_item.id, uuid.uuid4().hex)
    stores.create_store("SW001", "巡检店")
    key = stores.create_key("SW001")
    reference = "SWEEP-REF-4471"
    response = client.post("/api/v1/purchases", json={
        "member_phone": a_phone, "reference": reference, "amount_fen": 10_000,
        "lines": [{"category": "coffee", "amount_fen": 10_000}],
        "occurred_at": (utcnow() - timedelta(minutes=1)).isoformat()},
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.get_data(as_text=True)
    client.application.instance_path = tempfile.mkdtemp(prefix="sweep-instance-")
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (90, 60, 30)).save(out, "PNG")
    image_name = f"{images.store(out.getvalue(), client.application.instance_path)}-240.webp"
    return World(image_name=image_name, a_id=a.id, b_id=b.id, a_phone=a_phone, b_phone=b_phone,
                 a_name=a_name,
                 member_no=a.member_no, item_id=item.id, order_code=confirmed.code,
                 awaiting_code=awaiting.code, notice_id=notice.id, notice_title=notice.title,
                 notice_body=notice.body, reference=reference, api_key=key)


def leaks(response, world: World, path: str) -> list[str]:
    """What of A's the response shows, beyond echoing the address that was asked for."""
    body = (response.get_data().decode("utf-8", "replace") + " "
            + response.headers.get("Location", ""))
    for echo in sorted({path, quote(path, safe=""), quote(path), escape(path)}, key=len,
                       reverse=True):
        body = body.replace(echo, "")
    return [what for what, value in world.secrets().items() if value in body]


# Rate-limit counters are how often someone asked, not the mall's data: a till's look-up
# counts as one even though it reads nothing else.
NOT_DATA = {"rate_limit_counters"}


def data_tables() -> list:
    return [table for table in db.metadata.sorted_tables if table.name not in NOT_DATA]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table of the mall's data, ordered by primary key (works on any
    database)."""
    db.session.rollback()
    db.session.expire_all()
    return {table.name: [tuple(row) for row in db.session.execute(
                select(table).order_by(*table.primary_key.columns))]
            for table in data_tables()}


def changed_rows(before: dict, after: dict) -> list[tuple]:
    """(table, primary key, row before, row after) for each row that came, went or changed."""
    found = []
    for table in data_tables():
        keys = [list(table.columns).index(c) for c in table.primary_key.columns]
        old = {tuple(r[i] for i in keys): r for r in before[table.name]}
        new = {tuple(r[i] for i in keys): r for r in after[table.name]}
        found += [(table.name, pk, old.get(pk), new.get(pk))
                  for pk in sorted(old.keys() | new.keys()) if old.get(pk) != new.get(pk)]
    return found


def changes(before: dict, after: dict) -> list[tuple]:
    """(table, primary key, column, before, after) for each value that differs; a row that
    came or went shows as column '*'."""
    found = []
    for name, pk, old, new in changed_rows(before, after):
        if old is None or new is None:
            found.append((name, pk, "*", old, new))
            continue
        columns = [c.name for c in db.metadata.tables[name].columns]
        found += [(name, pk, column, a, b) for column, a, b in zip(columns, old, new, strict=True)
                  if a != b]
    return found


def owner(table_name: str, row: tuple | None) -> int | None:
    """The member a row belongs to: members by id, others by their member_id column."""
    if row is None:
        return None
    table = db.metadata.tables[table_name]
    names = [c.name for c in table.columns]
    if table_name == "members":
        return row[names.index("id")]
    return row[names.index("member_id")] if "member_id" in names else None
