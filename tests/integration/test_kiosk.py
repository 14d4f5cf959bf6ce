"""Store kiosks: enrolment, revoking, the member card's codes and the kiosk session's limits."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import card_tokens, kiosks, redemption
from app.loyalty.models import COUPON, CardToken, Kiosk
from tests.conftest import sign_in
from tests.integration.route_support import bulk_items, by_testid, hidden_fields, item_ids
from tests.integration.sweep_support import changes, routes, snapshot
from tests.kiosk_support import card_code, enrol, enrolled, make_kiosk, scan
from tests.support import csrf_token


def page(response) -> str:
    return response.get_data(as_text=True)


def test_an_enrolment_code_enrols_the_browser_once(app, client):
    issued = make_kiosk()
    response = enrol(client, issued.code.lower())
    cookie = response.headers["Set-Cookie"]
    assert response.status_code == 302 and response.location.endswith("/kiosk")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/kiosk" in cookie
    assert 'data-testid="kiosk-attract"' in page(client.get("/kiosk"))
    other = app.test_client()
    assert enrol(other, issued.code).status_code == 422
    assert other.get("/kiosk").status_code == 403


@pytest.mark.parametrize("code", ["", "ABC", "x" * 500, "-1", "' OR 1=1 --", "ABCD\u202eEFGH"])
def test_a_wrong_enrolment_code_is_refused_with_words(app, client, code):
    make_kiosk()
    response = enrol(client, code)
    assert response.status_code == 422
    assert 'data-testid="error-message"' in page(response)
    assert "Set-Cookie" not in response.headers or "kiosk=" not in response.headers["Set-Cookie"]


def test_an_expired_enrolment_code_is_refused(app, client, clock):
    issued = make_kiosk()
    clock.shift(timedelta(hours=kiosks.ENROL_HOURS, seconds=1))
    assert enrol(client, issued.code).status_code == 422


def test_a_browser_that_is_not_enrolled_gets_the_kiosk_only_page(client):
    for path in ("/kiosk", "/kiosk/member", "/kiosk/items/1", "/kiosk/orders/ABC"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "store kiosks" in page(response).lower() or "自助" in page(response)
        assert response.headers["Cache-Control"] == "no-store"


def test_a_forged_kiosk_cookie_opens_nothing(app, client):
    enrolled(client)
    forged = app.test_client()
    forged.set_cookie("kiosk", "eyJrIjoxLCJzIjoieCJ9.forged", path="/kiosk")
    assert forged.get("/kiosk").status_code == 403


def test_a_revoked_kiosk_stops_at_its_next_request(app, client, make_member):
    client, kiosk_id = enrolled(client)
    member = make_member(points=500)
    assert scan(client, card_code(member.id)).status_code == 302
    assert client.get("/kiosk/member").status_code == 200
    kiosks.revoke(kiosk_id)
    assert client.get("/kiosk/member").status_code == 403
    assert client.get("/kiosk").status_code == 403


def test_a_new_code_enrols_a_new_device_and_the_old_one_stops(app, client):
    client, kiosk_id = enrolled(client)
    other = app.test_client()
    assert enrol(other, kiosks.new_code(kiosk_id).code).status_code == 302
    assert other.get("/kiosk").status_code == 200
    assert client.get("/kiosk").status_code == 403


def test_a_card_code_signs_the_member_in_once(app, client, make_member):
    client, _ = enrolled(client)
    member = make_member(points=1234)
    code = card_code(member.id)
    response = scan(client, code)
    assert response.status_code == 302 and response.location.endswith("/kiosk/member")
    html = page(client.get("/kiosk/member"))
    assert "1,234" in html and "测**员" in html and member.phone not in html
    client.post("/kiosk/done", data={"csrf_token": csrf(client)})
    again = scan(client, code)
    assert again.status_code == 422 and 'data-testid="error-message"' in page(again)
    assert client.get("/kiosk/member").status_code == 302


def csrf(client) -> str:
    return csrf_token(client, "/kiosk/enrol")


def test_a_card_code_used_on_one_kiosk_does_not_work_on_another(app, client, make_member):
    first, _ = enrolled(client, name="A")
    second, _ = enrolled(app.test_client(), name="B")
    code = card_code(make_member().id)
    assert scan(first, code).status_code == 302
    assert scan(second, code).status_code == 422
    assert second.get("/kiosk/member").status_code == 302


def test_an_expired_card_code_is_refused(app, client, make_member, clock):
    client, _ = enrolled(client)
    code = card_code(make_member().id)
    clock.shift(timedelta(seconds=card_tokens.VALID_SECONDS))
    assert scan(client, code).status_code == 422


def test_a_new_card_code_ends_the_earlier_one(app, client, make_member):
    client, _ = enrolled(client)
    member = make_member()
    old = card_code(member.id)
    new = card_code(member.id)
    assert scan(client, old).status_code == 422
    assert scan(client, new).status_code == 302


@pytest.mark.parametrize("garbage", ["", "12345", "1234567", "abcdef", "\x1b[A123456",
                                     "https://evil.example/?q=1", "9" * 200, "-123456"])
def test_scanner_garbage_gets_a_clear_message_and_the_attract_screen(app, client, garbage):
    client, _ = enrolled(client)
    response = scan(client, garbage)
    html = page(response)
    assert response.status_code == 422
    assert 'data-testid="error-message"' in html and 'data-testid="kiosk-scan-input"' in html
    assert db.session.scalar(select(CardToken.id).where(CardToken.used_at.is_not(None))) is None


def test_a_kiosk_trying_many_codes_is_slowed_down(app, client, make_member):
    app.config["KIOSK_CODE_LIMITS"] = "3 per minute"
    client, _ = enrolled(client)
    for _ in range(3):
        assert scan(client, "000000").status_code == 422
    assert scan(client, card_code(make_member().id)).status_code == 429


def test_the_kiosk_session_ends_when_idle_too_long(app, client, make_member, clock):
    client, _ = enrolled(client)
    assert scan(client, card_code(make_member().id)).status_code == 302
    idle = app.config["KIOSK_IDLE_SECONDS"] + app.config["KIOSK_WARNING_SECONDS"]
    clock.shift(timedelta(seconds=idle - 1))
    assert client.get("/kiosk/member").status_code == 200
    clock.shift(timedelta(seconds=idle + 1))
    assert client.get("/kiosk/member").status_code == 302


@pytest.mark.parametrize("path", ["/", "/account/password", "/account/phone", "/profile",
                                  "/orders", "/card", "/admin/", "/admin/members"])
def test_a_kiosk_session_reaches_no_member_or_console_page(app, client, make_member, path):
    client, _ = enrolled(client)
    assert scan(client, card_code(make_member(points=100).id)).status_code == 302
    response = client.get(path)
    assert response.status_code in (302, 401, 403)
    assert "/login" in response.location


def test_every_kiosk_page_is_no_store(app, client, make_member):
    client, _ = enrolled(client)
    assert scan(client, card_code(make_member().id)).status_code == 302
    for path in ("/kiosk", "/kiosk/member", "/kiosk/enrol"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_redeeming_on_a_kiosk_shows_the_order_code_to_collect(app, client, make_member,
                                                              make_item):
    client, _ = enrolled(client)
    member = make_member(points=500)
    item = make_item(points_price=200)
    assert scan(client, card_code(member.id)).status_code == 302
    data = hidden_fields(page(client.get(f"/kiosk/items/{item.id}")))
    assert data.keys() >= {"csrf_token", "key", "quantity", "points_price", "cash_fen"}
    first = client.post(f"/kiosk/items/{item.id}", data=data)
    second = client.post(f"/kiosk/items/{item.id}", data=data)
    assert first.status_code == 302 and first.location == second.location
    result = page(client.get(first.location))
    assert 'data-testid="order-code"' in result and 'data-testid="redeem-result"' in result
    assert "300" in page(client.get("/kiosk/member"))


def test_a_member_card_code_is_issued_by_post_and_the_page_writes_nothing(member_client):
    assert db.session.scalar(select(CardToken.id)) is None
    html = page(member_client.get("/card"))
    assert db.session.scalar(select(CardToken.id)) is None
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    shown = page(member_client.post("/card/code", data={"csrf_token": token}))
    assert 'data-testid="member-card-qr"' in shown and "<svg" in shown
    assert 'data-testid="member-card-code"' in shown


def test_the_card_page_is_for_signed_in_members(client):
    assert client.get("/card").status_code == 302


def test_the_kiosk_listing_has_every_kiosk(app):
    make_kiosk(name="A")
    kiosks.revoke(make_kiosk(name="B").kiosk.id)
    listed = {k.name: k.revoked_at is not None for k in kiosks.listing()}
    assert listed == {"A": False, "B": True}
    assert db.session.get(Kiosk, 1) is not None


def test_signing_in_on_the_phone_is_unaffected_by_the_kiosk(app, client, member):
    assert sign_in(client, member.phone).status_code == 302


def _filled(rule: str) -> str:
    return re.sub(r"<(?:[^<>:]+:)?[^<>]+>", "1", rule)


@pytest.mark.parametrize("route", routes(kiosk=True, where=lambda r: r.endpoint != "kiosk.enrol"))
def test_every_kiosk_route_refuses_a_browser_that_is_not_enrolled(client, route):
    before = snapshot()
    response = client.open(_filled(route.rule), method=route.method,
                           data={"csrf_token": csrf(client), "code": "123456", "key": "k" * 16})
    assert response.status_code == 403, f"{route}: {response.status_code}"
    assert response.headers["Cache-Control"] == "no-store"
    assert not changes(before, snapshot())


@pytest.mark.parametrize("route", routes(kiosk=True, methods={"GET"}))
def test_reading_a_kiosk_page_changes_nothing_in_the_database(app, client, make_member,
                                                              make_item, route):
    client, _ = enrolled(client)
    item = make_item(points_price=10)
    assert scan(client, card_code(make_member(points=100).id)).status_code == 302
    order = redemption.redeem(db.session.scalar(select(CardToken.member_id)), item.id, "k" * 16)
    path = route.rule.replace("<int:item_id>", str(item.id)).replace("<code>", order.code)
    before = snapshot()
    response = client.get(path)
    assert response.status_code in (200, 302), f"{route}: {response.status_code}"
    assert not changes(before, snapshot())


def language_next(response) -> str:
    match = re.search(r'name="next" value="([^"]*)"', page(response))
    assert match, "no language button on the page"
    return match.group(1)


def switch_language(client, response):
    return client.post("/lang/en", data={"next": language_next(response),
                                             "csrf_token": csrf_token(client, "/kiosk/enrol")})


def test_the_language_button_comes_back_to_a_kiosk_page_after_every_screen(app, client,
                                                                            make_member):
    enrolled(client)
    refused = scan(client, "000000")
    assert refused.status_code == 422
    back = switch_language(client, refused)
    assert back.status_code == 302 and back.location.endswith("/kiosk")
    assert 'data-testid="kiosk-attract"' in page(client.get(back.location))

    keypad = client.post("/kiosk/pin", data={"key": "1", "phone": "", "step": "phone",
                                             "csrf_token": csrf_token(client, "/kiosk/enrol")})
    assert switch_language(client, keypad).location.endswith("/kiosk/pin")

    person = make_member()
    scan(client, card_code(person.id))
    back = switch_language(client, client.get("/kiosk/member"))
    assert back.location.endswith("/kiosk/member")
    assert 'data-testid="balance"' in page(client.get(back.location))


def test_the_kiosk_lists_the_stores_pickup_items_eight_a_page_with_large_page_links(
        app, client, make_member, category_id):
    client, _ = enrolled(client)
    pickup = bulk_items(9, category_id)
    bulk_items(3, category_id, kind=COUPON)
    assert scan(client, card_code(make_member(points=500).id)).status_code == 302

    first, second = page(client.get("/kiosk/member")), page(client.get("/kiosk/member?page=2"))

    assert item_ids(first) == pickup[:8] and item_ids(second) == pickup[8:]
    assert re.search(r'class="btn btn--light kiosk-btn" href="/kiosk/member\?page=2"', first)
    assert by_testid(second, "page-number") == ["第 2 页，共 2 页"]
    assert client.get(f"/kiosk/items/{pickup[8]}").status_code == 200
