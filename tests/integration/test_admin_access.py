"""The console's access sweep: every route under /admin, found in the app's URL map, checked
for who may use it (signed out, a member, a clerk on an administrator's page), for CSRF on
every write, and for no writes on GET. A console page added later is swept without editing
this file; a URL argument it does not know is filled with a harmless value."""
import re
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from app.extensions import db
from app.loyalty import accounts, redemption
from app.loyalty.models import ADJUST, Category, Item
from tests.conftest import PASSWORD, STAFF_PASSWORD, sign_in, staff_sign_in
from tests.databases import first_requested
from tests.integration.sweep_support import (
    WRITES,
    Route,
    changes,
    module_app,
    route_map,
    routes,
    snapshot,
)
from tests.support import csrf_token

# The only console pages for staff who have not signed in yet.
PUBLIC = {"admin.login", "admin.login_code"}


@dataclass(frozen=True)
class Console:
    member_phone: str
    member_id: int
    member_no: str
    item_id: int
    order_code: str
    admin: str
    clerk: str

    def url(self, route: Route) -> str:
        """The route's address, its arguments filled with things that exist (or a harmless
        value where the sweep knows no such thing)."""
        known = {"item_id": self.item_id, "member_id": self.member_id, "code": self.order_code,
                 "member_no": self.member_no, "order_code": self.order_code}
        path = route.rule
        for argument in route.arguments:
            value = quote(str(known.get(argument, 1)), safe="")
            path = re.sub(rf"<(?:[^<>:]+:)?{argument}>", value, path)
        return path


@pytest.fixture(scope="module", params=first_requested())
def console_app(request, tmp_path_factory):
    yield from module_app(request, tmp_path_factory.mktemp("console"))


@pytest.fixture(scope="module")
def console(console_app) -> Console:
    from app.loyalty import staff as staff_accounts
    from app.loyalty import stores

    member = accounts.join("13977770011", "控制台会员", PASSWORD)
    accounts.award(member.id, 5000, "welcome", kind=ADJUST)
    category = Category(slug="console", name="后台", name_en="Console")
    db.session.add(category)
    db.session.flush()
    item = Item(category_id=category.id, name="后台杯", name_en="Console mug",
                points_price=100, stock=10)
    db.session.add(item)
    db.session.commit()
    order = redemption.redeem(member.id, item.id, uuid.uuid4().hex)
    stores.create_store("SH001", "测试门店")
    staff_accounts.create_staff("sweep-admin", "巡检管理员", STAFF_PASSWORD, "admin")
    staff_accounts.create_staff("sweep-clerk", "巡检店员", STAFF_PASSWORD, "clerk", "SH001")
    return Console(member_phone=member.phone, member_id=member.id, member_no=member.member_no,
                   item_id=item.id, order_code=order.code, admin="sweep-admin",
                   clerk="sweep-clerk")


def _staff(app, username: str):
    client = app.test_client()
    assert staff_sign_in(client, username).status_code == 302
    return client


@pytest.fixture
def admin(console_app, console):
    return _staff(console_app, console.admin)


@pytest.fixture
def clerk(console_app, console):
    return _staff(console_app, console.clerk)


@pytest.fixture
def member(console_app, console):
    client = console_app.test_client()
    assert sign_in(client, console.member_phone).status_code == 302
    return client


@pytest.fixture
def visitor(console_app, console):
    return console_app.test_client()


def _for_clerks(app, route: Route) -> bool:
    return "clerk" in getattr(app.view_functions[route.endpoint], "staff_roles", ())


def _sent_to_staff_sign_in(response, path: str) -> bool:
    if response.status_code != 302:
        return False
    target = urlsplit(response.headers["Location"])
    return target.path == "/admin/login" and parse_qs(target.query).get("next") == [path]


def _unchanged(before, route) -> None:
    changed = changes(before, snapshot())
    assert not changed, f"{route} changed the database: {changed[:5]}"


def _private(route: Route) -> bool:
    return route.endpoint not in PUBLIC


def test_the_sweep_finds_the_consoles_pages():
    found = {str(r) for r in route_map()}
    assert {"GET /admin/", "GET /admin/audit", "GET /admin/login", "POST /admin/login",
            "POST /admin/logout", "GET /admin/account", "POST /admin/account"} <= found


def test_only_the_sign_in_pages_of_the_console_are_open_to_everyone(console_app):
    marked = {endpoint for endpoint, view in console_app.view_functions.items()
              if endpoint.startswith("admin.") and getattr(view, "staff_public", False)}
    assert marked == PUBLIC


@pytest.mark.parametrize("route", routes(console=True, where=_private))
def test_a_signed_out_visitor_is_sent_to_the_staff_sign_in_and_nothing_changes(
        visitor, console, route):
    path, before = console.url(route), snapshot()
    data = {"csrf_token": csrf_token(visitor, "/admin/login")} if route.method in WRITES else None
    response = visitor.open(path, method=route.method, data=data)
    assert _sent_to_staff_sign_in(response, path), \
        f"{route} answered {response.status_code} {response.headers.get('Location')}"
    _unchanged(before, route)


@pytest.mark.parametrize("route", routes(console=True, where=_private))
def test_a_signed_in_member_is_refused_the_console_like_a_stranger(member, console, route):
    path, before = console.url(route), snapshot()
    data = {"csrf_token": csrf_token(member)} if route.method in WRITES else None
    response = member.open(path, method=route.method, data=data)
    assert _sent_to_staff_sign_in(response, path), \
        f"{route} answered a member {response.status_code} {response.headers.get('Location')}"
    _unchanged(before, route)


@pytest.mark.parametrize("route", routes(console=True, where=_private))
def test_a_clerk_gets_403_on_every_administrators_page_and_nothing_changes(
        console_app, clerk, console, route):
    if _for_clerks(console_app, route):
        pytest.skip("a page for clerks too")
    path, before = console.url(route), snapshot()
    data = {"csrf_token": csrf_token(clerk, "/admin/")} if route.method in WRITES else None
    response = clerk.open(path, method=route.method, data=data)
    assert response.status_code == 403, f"{route} answered a clerk {response.status_code}"
    _unchanged(before, route)


@pytest.mark.parametrize("route", routes(console=True, methods=set(WRITES)))
def test_a_console_write_without_a_csrf_token_is_refused_with_400_and_changes_nothing(
        admin, console, route):
    path, before = console.url(route), snapshot()
    response = admin.open(path, method=route.method, data={"code": "123456",
                                                           "username": console.admin,
                                                           "password": STAFF_PASSWORD})
    assert response.status_code == 400, f"{route} answered {response.status_code}"
    _unchanged(before, route)
    assert admin.get("/admin/").status_code == 200, f"{route} signed the administrator out"


@pytest.mark.parametrize("who", ["admin", "clerk", "visitor"])
@pytest.mark.parametrize("route", routes(console=True, methods={"GET"}))
def test_reading_a_console_page_changes_nothing_in_the_database(request, console, route, who):
    client = request.getfixturevalue(who)
    path, before = console.url(route), snapshot()
    for method in ("GET", "HEAD"):
        response = client.open(path, method=method)
        assert response.status_code < 500, f"{method} {route} answered {response.status_code}"
    _unchanged(before, route)
