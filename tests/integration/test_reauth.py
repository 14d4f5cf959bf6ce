"""A redemption of more than 20,000 points asks for the password again unless it was entered
in the last ten minutes; smaller ones never do."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty.models import LedgerEntry
from tests.conftest import PASSWORD, sign_in
from tests.integration.route_support import HTMX, english, only_order, redeem_form, snapshot, text
from tests.support import csrf_token

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

    confirmed = rich_client.post(reauth_page, data={
        "password": PASSWORD, "csrf_token": csrf_token(rich_client, reauth_page)})
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
                     data={"password": PASSWORD, "csrf_token": csrf_token(rich_client)})
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
                                "csrf_token": csrf_token(device, "/login")})
    device.delete_cookie("session")  # the browser was closed; the remember cookie is left

    response = device.post(f"/catalog/{item.id}/redeem", data=redeem_form(device, item.id))

    assert response.headers["Location"] == f"/reauth?next=/catalog/{item.id}"
    assert snapshot(rich.id)[2] == 0


# Many orders add up: the points redeemed since the password was last entered count.

SMALL = 12000


def time_passes(client, member_id: int, minutes: float) -> None:
    """Move the session's last password entry and the member's ledger `minutes` into the
    past, as if that much time had gone by for both."""
    gone = timedelta(minutes=minutes)
    with client.session_transaction() as session:
        session["authenticated_at"] -= gone.total_seconds()
    db.session.rollback()
    for entry in db.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member_id)):
        entry.created_at -= gone
    db.session.commit()


def redeem(client, item_id: int):
    return client.post(f"/catalog/{item_id}/redeem", data=redeem_form(client, item_id))


def asked(response) -> bool:
    return "/reauth" in response.headers.get("Location", "")


def test_four_orders_of_12000_points_eleven_minutes_after_sign_in_ask_at_the_second(
        rich_client, rich, make_item):
    item = make_item(points_price=SMALL)
    time_passes(rich_client, rich.id, 11)

    answers = [asked(redeem(rich_client, item.id)) for _ in range(4)]

    assert answers == [False, True, True, True]
    assert snapshot(rich.id)[0] == 100000 - SMALL


def test_after_the_password_is_given_spending_is_counted_from_zero_again(
        rich_client, rich, make_item, clock):
    item = make_item(points_price=SMALL)
    time_passes(rich_client, rich.id, 11)
    assert not asked(redeem(rich_client, item.id))
    assert asked(redeem(rich_client, item.id))
    clock.shift(timedelta(seconds=1))  # the password is given after those redemptions
    confirmed = rich_client.post(f"/reauth?next=/catalog/{item.id}",
                                 data={"password": PASSWORD, "csrf_token": csrf_token(rich_client)})
    assert confirmed.status_code == 302
    time_passes(rich_client, rich.id, 11)

    answers = [asked(redeem(rich_client, item.id)) for _ in range(2)]

    assert answers == [False, True]
    assert snapshot(rich.id)[0] == 100000 - 2 * SMALL


def test_what_was_redeemed_in_the_ten_minutes_counts_once_they_are_over(
        rich_client, rich, make_item):
    item = make_item(points_price=SMALL)
    assert [asked(redeem(rich_client, item.id)) for _ in range(2)] == [False, False]
    time_passes(rich_client, rich.id, 11)

    assert asked(redeem(rich_client, item.id))
    assert snapshot(rich.id)[0] == 100000 - 2 * SMALL


def test_an_older_copy_of_the_session_cookie_does_not_forget_what_was_spent(
        rich_client, rich, make_item):
    item = make_item(points_price=SMALL)
    time_passes(rich_client, rich.id, 11)
    copy = rich_client.get_cookie("session").value
    assert not asked(redeem(rich_client, item.id))
    rich_client.set_cookie("session", copy)

    assert asked(redeem(rich_client, item.id))
    assert snapshot(rich.id)[0] == 100000 - SMALL


def test_a_session_restored_from_keep_me_signed_in_adds_up_what_it_redeemed(
        app, rich, make_item):
    item = make_item(points_price=SMALL)
    device = app.test_client()
    device.post("/login", data={"phone": rich.phone, "password": PASSWORD, "remember": "y",
                                "csrf_token": csrf_token(device, "/login")})
    device.delete_cookie("session")  # the browser was closed; the remember cookie is left

    answers = [asked(redeem(device, item.id)) for _ in range(2)]

    assert answers == [False, True]
