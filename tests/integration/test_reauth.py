"""A redemption of more than 20,000 points asks for the password again unless it was entered
in the last ten minutes; smaller ones never do."""
import pytest

from tests.conftest import PASSWORD, sign_in
from tests.integration.route_support import (HTMX, english, only_order, redeem_form, snapshot,
                                             text, token)

BIG = 25000


def later(monkeypatch, minutes: float) -> None:
    """Move the clock that sign-in times are read against on by `minutes`."""
    import app.web.reauth as reauth

    moved = reauth.now() + int(minutes * 60)
    monkeypatch.setattr(reauth, "now", lambda: moved)


@pytest.fixture
def rich(make_member):
    return make_member(points=100000)


@pytest.fixture
def rich_client(client, rich):
    assert sign_in(client, rich.phone).status_code == 302
    english(client)
    return client


def test_a_big_redemption_long_after_sign_in_asks_for_the_password_and_changes_nothing(
        rich_client, rich, make_item, monkeypatch):
    item = make_item(points_price=BIG)
    form = redeem_form(rich_client, item.id)
    before = snapshot(rich.id, item.id)
    later(monkeypatch, 11)

    response = rich_client.post(f"/catalog/{item.id}/redeem", data=form)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/reauth?next=/catalog/{item.id}"
    assert snapshot(rich.id, item.id) == before


def test_htmx_gets_sent_to_the_password_page_and_nothing_changes(rich_client, rich, make_item,
                                                                  monkeypatch):
    item = make_item(points_price=BIG)
    form = redeem_form(rich_client, item.id)
    before = snapshot(rich.id, item.id)
    later(monkeypatch, 11)

    response = rich_client.post(f"/catalog/{item.id}/redeem", data=form, headers=HTMX)

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/reauth?next=/catalog/{item.id}"
    assert snapshot(rich.id, item.id) == before


def test_a_big_redemption_just_after_signing_in_goes_through(rich_client, rich, make_item):
    item = make_item(points_price=BIG)

    response = rich_client.post(f"/catalog/{item.id}/redeem",
                                data=redeem_form(rich_client, item.id))

    order = only_order(rich.id)
    assert response.headers["Location"] == f"/orders/{order.code}"
    assert order.points == BIG


@pytest.mark.parametrize("minutes, asked", [(9, False), (11, True)])
def test_the_password_counts_as_recent_for_ten_minutes(rich_client, rich, make_item,
                                                        monkeypatch, minutes, asked):
    item = make_item(points_price=BIG)
    form = redeem_form(rich_client, item.id)
    later(monkeypatch, minutes)

    response = rich_client.post(f"/catalog/{item.id}/redeem", data=form)

    assert ("/reauth" in response.headers["Location"]) is asked
    assert snapshot(rich.id)[2] == (0 if asked else 1)


def test_after_confirming_the_password_the_member_taps_redeem_again_and_it_goes_through(
        rich_client, rich, make_item, monkeypatch):
    item = make_item(points_price=BIG)
    later(monkeypatch, 30 - 1)  # the session itself is still alive
    asked = rich_client.post(f"/catalog/{item.id}/redeem", data=redeem_form(rich_client, item.id))
    reauth_page = asked.headers["Location"]

    confirmed = rich_client.post(reauth_page, data={"password": PASSWORD,
                                                    "csrf_token": token(rich_client, reauth_page)})
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == f"/catalog/{item.id}"
    again = rich_client.post(f"/catalog/{item.id}/redeem", data=redeem_form(rich_client, item.id))

    order = only_order(rich.id)
    assert again.headers["Location"] == f"/orders/{order.code}"
    assert snapshot(rich.id)[0] == 100000 - BIG


def test_ten_minutes_after_confirming_it_is_asked_again(rich_client, rich, make_item,
                                                        monkeypatch):
    item = make_item(points_price=BIG)
    later(monkeypatch, 15)
    rich_client.post(f"/reauth?next=/catalog/{item.id}",
                     data={"password": PASSWORD, "csrf_token": token(rich_client)})
    later(monkeypatch, 11)

    response = rich_client.post(f"/catalog/{item.id}/redeem",
                                data=redeem_form(rich_client, item.id))

    assert response.headers["Location"] == f"/reauth?next=/catalog/{item.id}"
    assert snapshot(rich.id)[2] == 0


@pytest.mark.parametrize("price, quantity", [(100, 1), (20000, 1), (10000, 2), (5000, 3)])
def test_a_redemption_of_20000_points_or_fewer_never_asks(rich_client, rich, make_item,
                                                           monkeypatch, price, quantity):
    item = make_item(points_price=price)
    form = redeem_form(rich_client, item.id, quantity=str(quantity))
    later(monkeypatch, 600)

    response = rich_client.post(f"/catalog/{item.id}/redeem", data=form)

    assert response.headers["Location"] == f"/orders/{only_order(rich.id).code}"


def test_several_of_an_item_that_add_up_to_more_than_20000_points_ask(rich_client, rich,
                                                                      make_item, monkeypatch):
    item = make_item(points_price=7000)
    form = redeem_form(rich_client, item.id, quantity="3")
    before = snapshot(rich.id, item.id)
    later(monkeypatch, 11)

    response = rich_client.post(f"/catalog/{item.id}/redeem", data=form)

    assert response.headers["Location"] == f"/reauth?next=/catalog/{item.id}"
    assert snapshot(rich.id, item.id) == before


@pytest.mark.parametrize("headers, status", [({}, 303), (HTMX, 204)])
def test_the_confirm_step_of_a_big_item_asks_for_the_password_first(
        rich_client, make_item, monkeypatch, headers, status):
    item = make_item(points_price=BIG)
    later(monkeypatch, 11)

    response = rich_client.get(f"/catalog/{item.id}/redeem", headers=headers)

    assert response.status_code == status
    target = response.headers.get("HX-Redirect") or response.headers["Location"]
    assert target == f"/reauth?next=/catalog/{item.id}/redeem"


def test_the_password_page_says_why_and_shows_the_phone_masked(rich_client, rich, make_item,
                                                               monkeypatch):
    item = make_item(points_price=BIG)
    later(monkeypatch, 11)

    html = text(rich_client.get(f"/reauth?next=/catalog/{item.id}"))

    assert "For a redemption of more than 20,000 points, confirm it's you." in html
    assert f"{rich.phone[:3]}****{rich.phone[-4:]}" in html
    assert rich.phone not in html
    assert f'href="/catalog/{item.id}"' in html  # "Not now" goes back to the item


def test_a_session_restored_from_keep_me_signed_in_asks_before_a_big_redemption(
        app, rich, make_item):
    item = make_item(points_price=BIG)
    device = app.test_client()
    device.post("/login", data={"phone": rich.phone, "password": PASSWORD, "remember": "y",
                                "csrf_token": token(device, "/login")})
    device.delete_cookie("session")  # the browser was closed; the remember cookie is left

    response = device.post(f"/catalog/{item.id}/redeem", data=redeem_form(device, item.id))

    assert response.headers["Location"] == f"/reauth?next=/catalog/{item.id}"
    assert snapshot(rich.id)[2] == 0
