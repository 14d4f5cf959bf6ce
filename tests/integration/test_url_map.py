"""Every route of the URL map, asked for what it cannot be: an id too large for any table
is no page (404, never a server error); a method the route doesn't take is 405 with Allow."""
import re

import pytest

from app import create_app
from tests.conftest import _config, sign_in
from tests.integration.sweep_support import route_map
from tests.kiosk_support import card_code, enrolled, scan
from tests.support import csrf_token

HUGE_IDS = [2**31, 2**63, 10**20, 10**400]
LARGEST_ID = 2**31 - 1  # the largest an <int:...> route takes: an INTEGER column's largest


def _int_routes() -> list:
    return [pytest.param(route, id=str(route)) for route in route_map() if "<int:" in route.rule]


def _rules() -> list:
    """One param per distinct rule: the rule, the methods its URL takes, one it doesn't."""
    app = create_app(_config("sqlite://"))  # reads the URL map only; never connects
    allowed: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            allowed.setdefault(rule.rule, set()).update(rule.methods)
    return [pytest.param(rule, methods, next(m for m in ("POST", "GET", "PUT", "DELETE")
                                              if m not in methods), id=rule)
            for rule, methods in sorted(allowed.items())]


def _filled(rule: str, value) -> str:
    return re.sub(r"<(?:[^<>:]+:)?[^<>]+>", str(value), rule)


def _signed_in(route, client, make_member, staff_client):
    """A member's client for the mall's routes, an administrator's for the console's, an
    enrolled kiosk with a member's session for the kiosks'."""
    if route.rule.startswith("/admin/"):
        return staff_client("admin")
    member = make_member(points=100)
    if route.rule.startswith("/kiosk/"):
        client, _ = enrolled(client)
        assert scan(client, card_code(member.id)).status_code == 302
        return client
    assert sign_in(client, member.phone).status_code == 302
    return client


def test_the_sweep_finds_routes_with_integer_ids():
    assert len(_int_routes()) >= 5


@pytest.mark.parametrize("route", _int_routes())
@pytest.mark.parametrize("huge", HUGE_IDS, ids=["2**31", "2**63", "10**20", "10**400"])
def test_an_id_larger_than_any_table_holds_is_no_page_on_every_integer_route(
        client, make_member, staff_client, route, huge):
    client = _signed_in(route, client, make_member, staff_client)
    path = _filled(route.rule, huge)
    data = {"csrf_token": csrf_token(client, "/rules"), "key": "k" * 16, "quantity": "1"}

    response = client.open(path, method=route.method,
                           data=data if route.method != "GET" else None)

    assert response.status_code == 404, f"{route.method} {path}: {response.status_code}"


@pytest.mark.parametrize("route", _int_routes())
def test_the_largest_id_a_route_takes_reaches_the_database_and_finds_nothing(
        client, make_member, staff_client, route):
    client = _signed_in(route, client, make_member, staff_client)
    path = _filled(route.rule, LARGEST_ID)
    data = {"csrf_token": csrf_token(client, "/rules"), "key": "k" * 16, "quantity": "1"}

    response = client.open(path, method=route.method,
                           data=data if route.method != "GET" else None)

    assert response.status_code == 404, f"{route.method} {path}: {response.status_code}"


@pytest.mark.parametrize("path", ["/catalog/１２", "/catalog/-1", "/catalog/1_0", "/catalog/+1"])
def test_an_id_in_anything_but_ascii_digits_is_no_page(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("rule, methods, wrong", _rules())
def test_a_method_a_route_does_not_take_answers_405_with_the_methods_it_does(
        client, rule, methods, wrong):
    response = client.open(_filled(rule, 1), method=wrong)

    assert response.status_code == 405
    allow = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
    assert allow == methods
