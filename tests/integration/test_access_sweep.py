"""The access sweep: every route of the app, found in its URL map, checked for who may use it
(signed out, another member), for CSRF on every write, and for no writes on GET.

A route added later is swept without editing this file; a route with a URL argument the
sweep cannot fill fails until sweep_support.py knows a sample value for it."""
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import sign_in
from tests.databases import first_requested
from tests.integration.sweep_support import (
    CSRF_EXEMPT,
    FOREIGN_BODIES,
    NON_FORM_BODIES,
    PUBLIC,
    WRITES,
    Route,
    World,
    build_world,
    changed_rows,
    changes,
    endpoints,
    leaks,
    module_app,
    owner,
    route_map,
    routes,
    snapshot,
)
from tests.support import csrf_token


@pytest.fixture(scope="module", params=first_requested())
def sweep_app(request, tmp_path_factory):
    """One app and database for the whole sweep, on the first database requested."""
    yield from module_app(request, tmp_path_factory.mktemp("sweep"))


@pytest.fixture(scope="module")
def world(sweep_app) -> World:
    return build_world(sweep_app.test_client())


def _signed_in(app, phone: str):
    client = app.test_client()
    assert sign_in(client, phone).status_code == 302
    return client


# Each test signs in afresh: a sweep that signs B out must not leave later tests signed out.
@pytest.fixture
def member_a(sweep_app, world):
    return _signed_in(sweep_app, world.a_phone)


@pytest.fixture
def member_b(sweep_app, world):
    return _signed_in(sweep_app, world.b_phone)


@pytest.fixture
def visitor(sweep_app, world):
    return sweep_app.test_client()


def _call(client, route: Route, path: str, method: str | None = None, **kwargs):
    return client.open(path, method=method or route.method, **kwargs)


def _refused_to_sign_in(response, path: str) -> bool:
    """A redirect to /login whose `next` brings the visitor back to the page."""
    if response.status_code != 302:
        return False
    target = urlsplit(response.headers["Location"])
    return target.path == "/login" and parse_qs(target.query).get("next") == [path]


def _unchanged(before: dict, route: Route) -> None:
    changed = changes(before, snapshot())
    assert not changed, f"{route} changed the database: {changed[:5]}"


# The sweep's own map -------------------------------------------------------------------

@pytest.mark.parametrize("route", routes())
def test_every_url_argument_of_a_route_has_a_sample_value(route):
    assert not route.unknown_arguments(), (
        f"{route} ({route.endpoint}) has URL arguments {route.unknown_arguments()} that the "
        "access sweep cannot fill: add them to ARGUMENTS in tests/integration/sweep_support.py "
        "(and to OWNED if they name a member's own thing)")


def test_the_public_and_exempt_lists_name_only_routes_that_exist():
    known = endpoints()
    assert PUBLIC <= known, f"PUBLIC names routes that are gone: {sorted(PUBLIC - known)}"
    assert CSRF_EXEMPT <= known, f"CSRF_EXEMPT names routes that are gone: {CSRF_EXEMPT - known}"


def test_the_sweep_finds_the_members_pages_and_the_api():
    found = {str(r) for r in route_map()}
    assert {"GET /orders/<code>", "POST /orders/<code>/cancel", "GET /inbox/<int:notice_id>",
            "POST /inbox/<int:notice_id>/read", "GET /api/v1/members/<member_no>",
            "POST /logout", "POST /join/code", "POST /login/code/verify",
            "POST /password/reset", "GET /dev/sms"} <= found


# Signed out -----------------------------------------------------------------------------

@pytest.mark.parametrize("route", routes(methods={"GET"}, where=lambda r: not r.is_public))
def test_a_signed_out_visitor_is_sent_to_sign_in_and_shown_nothing(visitor, world, route):
    path = world.url(route)
    response = _call(visitor, route, path)
    if route.is_api:
        assert response.status_code == 401, f"{route} answered {response.status_code}"
        assert response.mimetype == "application/problem+json"
    else:
        assert _refused_to_sign_in(response, path), \
            f"{route} answered {response.status_code} {response.headers.get('Location')}"
    assert not leaks(response, world, path), f"{route} showed {leaks(response, world, path)}"


@pytest.mark.parametrize("route", routes(methods=set(WRITES), where=lambda r: not r.is_public))
def test_a_signed_out_visitor_writing_with_a_valid_token_is_sent_to_sign_in_and_nothing_changes(
        visitor, world, route):
    path, before = world.url(route), snapshot()
    response = _call(visitor, route, path, data={"csrf_token": csrf_token(visitor, "/login"),
                                                 "decision": "approve", "quantity": "1"})
    if route.is_api:
        assert response.status_code == 401, f"{route} answered {response.status_code}"
    else:
        assert _refused_to_sign_in(response, path), \
            f"{route} answered {response.status_code} {response.headers.get('Location')}"
    assert not leaks(response, world, path)
    _unchanged(before, route)


@pytest.mark.parametrize("route", routes(methods={"GET"}, where=lambda r: r.is_public))
def test_a_public_page_shows_a_signed_out_visitor_nothing_of_a_member(visitor, world, route):
    path = world.url(route)
    response = _call(visitor, route, path)
    assert response.status_code == 200, f"{route} answered {response.status_code}"
    assert not leaks(response, world, path), f"{route} showed {leaks(response, world, path)}"


@pytest.mark.parametrize("route", routes(
    methods=set(WRITES), where=lambda r: r.is_public and r.endpoint not in CSRF_EXEMPT))
def test_a_visitor_posting_a_members_phone_to_a_public_form_learns_and_touches_nothing(
        visitor, world, route):
    """Joining, signing in with a code, a forgotten password: given A's phone, a stranger
    sees nothing of A and changes none of A's rows (a code row for the phone is no row of A)."""
    path, before = world.url(route), snapshot()
    response = _call(visitor, route, path, data={
        "csrf_token": csrf_token(visitor, "/login"), "phone": world.a_phone, "password": "wrong-1",
        "code": "000000", "name": "Mallory", "new_password": "taken-over-9",
        "confirm": "taken-over-9"})
    shown = [what for what in leaks(response, world, path) if what != "A's phone"]  # echoed
    assert response.status_code < 500, f"{route} answered {response.status_code}"
    assert not shown, f"{route} showed {shown}"
    touched = [c for c in changed_rows(before, snapshot())
               if world.a_id in (owner(c[0], c[2]), owner(c[0], c[3]))]
    assert not touched, f"{route} changed member A's rows: {touched[:5]}"


# Another member -------------------------------------------------------------------------

@pytest.mark.parametrize("route", routes(methods={"GET"}, where=lambda r: r.owned))
def test_another_member_asking_for_a_members_things_gets_404_and_sees_nothing(
        member_b, world, route):
    path, before = world.url(route), snapshot()
    response = _call(member_b, route, path)
    expected = (401,) if route.is_api else (404,)  # a cookie is no store key
    assert response.status_code in expected or _refused_to_sign_in(response, path), \
        f"{route} answered member B {response.status_code}"
    assert not leaks(response, world, path), f"{route} showed B {leaks(response, world, path)}"
    _unchanged(before, route)


@pytest.mark.parametrize("route", routes(methods=set(WRITES), where=lambda r: r.owned))
def test_another_members_write_on_a_members_things_gets_404_and_changes_nothing(
        member_b, world, route):
    path, before = world.url(route), snapshot()
    response = _call(member_b, route, path, data={"csrf_token": csrf_token(member_b),
                                                  "decision": "approve", "quantity": "1"})
    expected = (401,) if route.is_api else (404,)
    assert response.status_code in expected or _refused_to_sign_in(response, path), \
        f"{route} answered member B {response.status_code}"
    assert not leaks(response, world, path), f"{route} showed B {leaks(response, world, path)}"
    _unchanged(before, route)


@pytest.mark.parametrize("route", routes(methods={"GET"}, where=lambda r: not r.owned))
def test_another_members_own_pages_show_nothing_of_a_member(member_b, world, route):
    path = world.url(route)
    response = _call(member_b, route, path)
    assert response.status_code < 500, f"{route} answered member B {response.status_code}"
    assert not leaks(response, world, path), f"{route} showed B {leaks(response, world, path)}"


@pytest.mark.parametrize("route", routes(
    methods=set(WRITES), where=lambda r: not r.owned and not r.is_api and not r.is_public))
def test_another_members_writes_touch_nothing_of_a_member(member_b, world, route):
    """B's own actions (check in, mark all read, sign out ...) change B's rows, never A's."""
    path, before = world.url(route), snapshot()
    response = _call(member_b, route, path, data={"csrf_token": csrf_token(member_b),
                                                  "decision": "approve", "quantity": "1"})
    assert response.status_code < 500, f"{route} answered member B {response.status_code}"
    touched = [c for c in changed_rows(before, snapshot())
               if world.a_id in (owner(c[0], c[2]), owner(c[0], c[3]))]
    assert not touched, f"{route} by member B changed member A's rows: {touched[:5]}"


# CSRF -----------------------------------------------------------------------------------

def test_the_sweep_runs_with_csrf_protection_on(sweep_app):
    assert sweep_app.config.get("WTF_CSRF_ENABLED", True) is True
    assert sweep_app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True


@pytest.mark.parametrize("route", routes(
    methods=set(WRITES), where=lambda r: not r.is_api and r.endpoint not in CSRF_EXEMPT))
def test_a_write_without_a_csrf_token_is_refused_with_400_and_changes_nothing(
        member_a, world, route):
    path, before = world.url(route), snapshot()
    response = _call(member_a, route, path, data={"decision": "approve", "quantity": "1"})
    assert response.status_code == 400, f"{route} answered {response.status_code} without a token"
    _unchanged(before, route)
    assert member_a.get("/").status_code == 200, f"{route} signed member A out"


@pytest.mark.parametrize("route", routes(
    methods=set(WRITES), where=lambda r: r.is_api or r.endpoint in CSRF_EXEMPT))
def test_a_csrf_exempt_write_does_nothing_for_a_session_cookie_alone(member_a, world, route):
    """The API and the payment notification take no cookie: a signed-in member's browser,
    tricked into posting there, has nothing to offer (no store key, no signature)."""
    path, before = world.url(route), snapshot()
    response = _call(member_a, route, path, data={"decision": "approve", "quantity": "1"})
    assert 400 <= response.status_code < 500, f"{route} answered {response.status_code}"
    assert response.is_json, f"{route} answered a page, not JSON"
    _unchanged(before, route)


# Bodies no form sends ----------------------------------------------------------------------

@pytest.mark.parametrize("body", NON_FORM_BODIES)
@pytest.mark.parametrize("route", routes(
    methods=set(WRITES), where=lambda r: not r.is_api and r.endpoint not in CSRF_EXEMPT))
def test_a_write_to_a_page_in_a_shape_no_form_sends_gets_415_and_changes_nothing(
        member_a, world, route, body):
    path, before, csrf = world.url(route), snapshot(), csrf_token(member_a)
    response = _call(member_a, route, path, headers={"X-CSRFToken": csrf},
                     **NON_FORM_BODIES[body](csrf))
    assert response.status_code == 415, f"{route} answered {response.status_code} to {body}"
    _unchanged(before, route)
    assert member_a.get("/").status_code == 200, f"{route} signed member A out"


@pytest.mark.parametrize("body", FOREIGN_BODIES)
@pytest.mark.parametrize("route", routes(
    methods=set(WRITES), where=lambda r: r.is_api or r.endpoint in CSRF_EXEMPT))
def test_a_machines_route_refuses_a_body_of_another_shape_with_json_and_changes_nothing(
        visitor, world, route, body):
    path, before = world.url(route), snapshot()
    headers = ({"Authorization": f"Bearer {world.api_key}", "Idempotency-Key": uuid.uuid4().hex}
               if route.is_api else {})
    response = _call(visitor, route, path, headers=headers, **NON_FORM_BODIES[body]("x"))
    assert 400 <= response.status_code < 500, f"{route} answered {response.status_code}"
    assert response.is_json, f"{route} answered a page, not JSON"
    _unchanged(before, route)


# No state change on GET -----------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("route", routes(methods={"GET"}))
def test_reading_a_page_changes_nothing_in_the_database(member_a, world, route, method):
    path, before = world.url(route), snapshot()
    headers = {"Authorization": f"Bearer {world.api_key}"} if route.is_api else {}
    response = _call(member_a, route, path, method=method, headers=headers)
    # The page is really there for A: B's 404s elsewhere are not down to a wrong sample URL.
    assert response.status_code in (200, 302, 303), f"{method} {route.rule} answered " \
        f"member A {response.status_code}"
    changed = changes(before, snapshot())
    assert not changed, f"{method} {route.rule} changed the database: {changed[:5]}"
