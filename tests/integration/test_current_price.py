"""A member always sees and pays an item's current price: pages write the price steps that
are due before they show prices, and a redemption is refused, naming the new price and
changing nothing, when the price is no longer the one the member was shown."""
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.loyalty import price_steps
from app.loyalty.models import CONFIRMED, utcnow
from tests.integration.route_support import (
    HTMX,
    attrs,
    by_testid,
    card,
    hidden_fields,
    only_order,
    redeem_form,
    snapshot,
    text,
)
from tests.integration.test_admin_catalog import form as item_form
from tests.integration.test_admin_catalog import post as console_post
from tests.kiosk_support import card_code, enrolled, scan
from tests.support import balance

MINUTE = timedelta(minutes=1)
UNREAD = "The price on this page could not be read; look at the item again before you redeem."


def shown_points(html: str) -> str:
    """The points price as the item or confirm page shows it."""
    return re.search(r'class="price__points">([^<]+)<', html).group(1)


def step_passed(item_id: int, ago: timedelta, points: int, cash_fen: int = 0) -> None:
    """A step whose moment passed `ago`, the job not run since."""
    price_steps.add_step(item_id, utcnow() - ago, points, cash_fen, now=utcnow() - 2 * ago)


def reprice(admin, item, points: int) -> None:
    """An administrator changes the item's points price in the console."""
    response = console_post(admin, f"/admin/items/{item.id}", item_form(
        item.category_id, name=item.name, name_en=item.name_en, points_price=str(points),
        stock=str(item.stock)))
    assert response.status_code == 302


def at_a_kiosk_confirm(client, make_member, make_item):
    """An enrolled kiosk with a member (500 points) scanned in, showing the confirm page of an
    item of 200 points: (the kiosk's client, the member, the item, the page's HTML)."""
    db.session.rollback()  # the sign-in wrote since this session last read
    client, _ = enrolled(client)
    member = make_member(points=500)
    item = make_item(points_price=200)
    assert scan(client, card_code(member.id)).status_code == 302
    return client, member, item, text(client.get(f"/kiosk/items/{item.id}"))


def test_a_step_whose_moment_has_passed_shows_on_the_card_the_item_page_and_the_confirm_page_and_the_redemption_pays_it(  # noqa: E501
        shopper, member, make_item):
    item = make_item(points_price=1000, stock=None)

    step_passed(item.id, 3 * MINUTE, 900)
    catalog = text(shopper.get("/catalog"))
    assert attrs(card(catalog, item.id), "catalog-item")["data-points"] == "900"
    step_passed(item.id, 2 * MINUTE, 800)
    assert shown_points(text(shopper.get(f"/catalog/{item.id}"))) == "800"
    step_passed(item.id, MINUTE, 700, 50)
    confirm = text(shopper.get(f"/catalog/{item.id}/redeem"))
    assert shown_points(confirm) == "700" and "Redeem for 700 points + ¥0.50?" in confirm

    response = shopper.post(f"/catalog/{item.id}/redeem", data=hidden_fields(confirm))

    assert response.status_code == 302
    order = only_order(member.id)
    assert (order.points, order.cash_fen) == (700, 50) and balance(member.id) == 4300


def test_a_member_shown_the_old_price_before_a_step_is_refused_with_the_new_one_and_confirming_again_pays_it(  # noqa: E501
        shopper, member, make_item, clock):
    item = make_item(points_price=1000)
    price_steps.add_step(item.id, utcnow() + MINUTE, 800)
    confirm = text(shopper.get(f"/catalog/{item.id}/redeem"))
    clock.shift(2 * MINUTE)
    before = snapshot(member.id, item.id)

    refused = shopper.post(f"/catalog/{item.id}/redeem", data=hidden_fields(confirm))

    html = text(refused)
    assert refused.status_code == 409
    assert by_testid(html, "error-message") == [
        "The price of Test item is now 800 points; look again before you redeem."]
    assert snapshot(member.id, item.id) == before
    assert shown_points(html) == "800" and hidden_fields(html)["points_price"] == "800"
    again = shopper.post(f"/catalog/{item.id}/redeem", data=hidden_fields(html))
    assert again.status_code == 302
    assert only_order(member.id).points == 800 and balance(member.id) == 4200


def test_a_staff_price_edit_between_view_and_confirm_is_refused_with_the_new_price_and_confirming_again_pays_it(  # noqa: E501
        shopper, member, make_item, admin):
    db.session.rollback()  # the sign-in wrote since this session last read
    item = make_item(points_price=1000)
    confirm = text(shopper.get(f"/catalog/{item.id}/redeem", headers=HTMX))
    reprice(admin, item, 1200)
    before = snapshot(member.id, item.id)

    refused = shopper.post(f"/catalog/{item.id}/redeem", data=hidden_fields(confirm),
                           headers=HTMX)

    html = text(refused)
    assert refused.status_code == 409 and "<html" not in html
    assert by_testid(html, "error-message") == [
        "The price of Test item is now 1,200 points; look again before you redeem."]
    assert snapshot(member.id, item.id) == before
    assert 'data-testid="redeem-confirm"' in html and "Redeem for 1,200 points?" in html
    again = shopper.post(f"/catalog/{item.id}/redeem", data=hidden_fields(html), headers=HTMX)
    assert again.status_code == 200 and 'data-testid="redeem-result"' in text(again)
    assert only_order(member.id).points == 1200 and balance(member.id) == 3800


def test_a_staff_price_edit_between_a_kiosks_confirm_and_the_tap_is_refused_and_tapping_again_pays_it(  # noqa: E501
        app, client, make_member, make_item, admin):
    client, member, item, confirm = at_a_kiosk_confirm(client, make_member, make_item)
    reprice(admin, item, 250)
    before = snapshot(member.id, item.id)

    refused = client.post(f"/kiosk/items/{item.id}", data=hidden_fields(confirm))

    html = text(refused)
    assert refused.status_code == 409
    assert "250" in by_testid(html, "error-message")[0]
    assert snapshot(member.id, item.id) == before
    again = client.post(f"/kiosk/items/{item.id}", data=hidden_fields(html))
    assert again.status_code == 302
    order = only_order(member.id)
    assert (order.points, order.status) == (250, CONFIRMED) and balance(member.id) == 250


@pytest.mark.parametrize("overrides", [
    pytest.param({"points_price": None}, id="points-missing"),
    pytest.param({"cash_fen": ""}, id="cash-empty"),
    pytest.param({"points_price": "abc"}, id="points-not-a-number"),
    pytest.param({"cash_fen": "-1"}, id="cash-negative"),
    pytest.param({"points_price": "9" * 30}, id="points-huge"),
    pytest.param({"points_price": "１００"}, id="points-full-width"),
])
def test_a_bad_shown_price_is_refused_with_a_message_and_changes_nothing(shopper, member,
                                                                         make_item, overrides):
    item = make_item(points_price=100)
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem",
                            data=redeem_form(shopper, item.id, **overrides))

    assert response.status_code == 422
    assert by_testid(text(response), "error-message") == [UNREAD]
    assert snapshot(member.id, item.id) == before


@pytest.mark.parametrize("bad", ["", "-1", "abc", "9" * 30])
def test_a_kiosk_tap_with_an_unreadable_shown_price_is_refused_and_redeems_nothing(
        app, client, make_member, make_item, bad):
    client, member, item, confirm = at_a_kiosk_confirm(client, make_member, make_item)
    fields = hidden_fields(confirm)
    before = snapshot(member.id, item.id)

    refused = client.post(f"/kiosk/items/{item.id}", data={**fields, "points_price": bad})

    assert refused.status_code == 422
    assert by_testid(text(refused), "error-message") == ["请再点一次商品。"]   # tap the item again
    assert snapshot(member.id, item.id) == before
