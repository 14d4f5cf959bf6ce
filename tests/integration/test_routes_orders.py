"""Orders: the list, one order with its pickup QR or coupon code, and cancelling."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import CANCELLED, CONFIRMED, COUPON, Order, utcnow
from tests.integration.route_support import (
    bulk_history,
    bulk_orders,
    by_testid,
    new_key,
    order_by_code,
    snapshot,
    stock,
    text,
)
from tests.support import balance, csrf_token


@pytest.fixture
def pickup_order(member, make_item):
    item = make_item(points_price=400, stock=5)
    return redemption.redeem(member.id, item.id, new_key())


@pytest.fixture
def someone_elses_order(make_member, make_item):
    other = make_member(points=1000)
    return redemption.redeem(other.id, make_item(points_price=100).id, new_key())


def cancel(client, code: str):
    return client.post(f"/orders/{code}/cancel", data={"csrf_token": csrf_token(client)})


def test_the_orders_page_lists_the_members_orders_newest_first(shopper, member, make_item,
                                                              someone_elses_order):
    first = redemption.redeem(member.id, make_item(points_price=100).id, new_key())
    second = redemption.redeem(member.id, make_item(points_price=200).id, new_key())

    html = text(shopper.get("/orders"))

    rows = by_testid(html, "order-row")
    assert len(rows) == 2
    assert html.index(second.code) < html.index(first.code)
    assert someone_elses_order.code not in html


def test_the_orders_page_says_when_there_are_none(shopper):
    html = text(shopper.get("/orders"))

    assert by_testid(html, "order-row") == []
    assert "No orders yet." in html


@pytest.fixture
def many_orders(member, make_item) -> list[str]:
    """25 orders of the member: their codes, oldest first."""
    bulk_history(member.id, 25)
    bulk_orders(member.id, [make_item().id], 25)
    assert check_ledger() == []
    return list(db.session.scalars(select(Order.code).where(Order.member_id == member.id)
                                   .order_by(Order.id)))


def test_the_orders_page_shows_twenty_orders_at_a_time_and_links_to_the_others(shopper,
                                                                               many_orders):
    first, second = text(shopper.get("/orders")), text(shopper.get("/orders?page=2"))

    assert len(by_testid(first, "order-row")) == 20 and len(by_testid(second, "order-row")) == 5
    assert all(code in first for code in many_orders[5:])
    assert all(code in second for code in many_orders[:5])
    assert 'href="/orders?page=2"' in first and 'href="/orders?page=1"' not in first
    assert 'href="/orders?page=1"' in second and 'href="/orders?page=3"' not in second


@pytest.mark.parametrize("page", ["-1", "0", "abc", "", "999999999999", "²", "2.0", "%20"])
def test_a_bogus_orders_page_number_shows_the_first_page(shopper, many_orders, page):
    response = shopper.get(f"/orders?page={page}")

    assert response.status_code == 200
    assert len(by_testid(text(response), "order-row")) == 20


def test_an_orders_page_past_the_end_lists_nothing_and_leads_back(shopper, many_orders):
    html = text(shopper.get("/orders?page=9"))

    assert by_testid(html, "order-row") == [] and "No orders yet." not in html
    assert 'href="/orders?page=8"' in html


def test_an_order_for_pickup_shows_its_code_and_a_pickup_qr(shopper, pickup_order):
    response = shopper.get(f"/orders/{pickup_order.code}")

    html = text(response)
    assert response.status_code == 200
    assert by_testid(html, "order-code") == [pickup_order.code]
    assert f'<img src="/orders/{pickup_order.code}/pickup.svg"' in html
    assert 'data-testid="coupon-code"' not in html


def test_a_coupon_order_shows_the_coupon_code_once_revealed_and_no_qr(shopper, member,
                                                                    make_item):
    order = redemption.redeem(member.id, make_item(kind=COUPON).id, new_key())
    redemption.reveal(member.id, order.code)

    html = text(shopper.get(f"/orders/{order.code}"))

    assert by_testid(html, "coupon-code") == [order.coupon_code]
    assert "pickup.svg" not in html


def test_the_pickup_qr_is_an_svg_image(shopper, pickup_order):
    response = shopper.get(f"/orders/{pickup_order.code}/pickup.svg")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).lstrip().startswith("<svg")


@pytest.mark.parametrize("path", ["/orders/{code}", "/orders/{code}/pickup.svg"])
def test_someone_elses_order_is_not_found(shopper, someone_elses_order, path):
    response = shopper.get(path.format(code=someone_elses_order.code))

    assert response.status_code == 404


@pytest.mark.parametrize("code", ["NOSUCHCODE", "x" * 300, "%20", "<script>"])
def test_an_unknown_order_is_not_found(shopper, code):
    assert shopper.get(f"/orders/{code}").status_code == 404
    assert shopper.get(f"/orders/{code}/pickup.svg").status_code == 404


def test_cancelling_someone_elses_order_is_not_found_and_changes_nothing(shopper, make_item,
                                                                        someone_elses_order):
    other = someone_elses_order
    before = snapshot(other.member_id, other.item_id)

    response = cancel(shopper, other.code)

    assert response.status_code == 404
    assert snapshot(other.member_id, other.item_id) == before
    assert order_by_code(other.code).status == CONFIRMED


def test_cancelling_returns_points_and_stock(shopper, member, pickup_order):
    assert (balance(member.id), stock(pickup_order.item_id)) == (4600, 4)

    response = cancel(shopper, pickup_order.code)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/orders/{pickup_order.code}"
    assert order_by_code(pickup_order.code).status == CANCELLED
    assert (balance(member.id), stock(pickup_order.item_id)) == (5000, 5)
    page = text(shopper.get(response.headers["Location"]))
    assert "Order cancelled. Your points are back." in page
    assert "/cancel" not in page


def test_cancelling_twice_refunds_once_and_says_why(shopper, member, pickup_order):
    cancel(shopper, pickup_order.code)
    after_first = snapshot(member.id, pickup_order.item_id)

    response = cancel(shopper, pickup_order.code)

    assert response.status_code == 303
    page = text(shopper.get(response.headers["Location"]))
    assert by_testid(page, "error-message") == ["This order can no longer be cancelled."]
    assert snapshot(member.id, pickup_order.item_id) == after_first
    assert balance(member.id) == 5000


def test_an_order_past_the_cancel_window_cannot_be_cancelled(shopper, member, make_item):
    order = redemption.redeem(member.id, make_item().id, new_key(),
                              now=utcnow() - timedelta(hours=25))
    before = snapshot(member.id, order.item_id)

    assert "/cancel" not in text(shopper.get(f"/orders/{order.code}"))
    response = cancel(shopper, order.code)

    page = text(shopper.get(response.headers["Location"]))
    assert by_testid(page, "error-message") == ["This order can no longer be cancelled."]
    assert snapshot(member.id, order.item_id) == before


def test_cancelling_without_a_csrf_token_is_refused_and_changes_nothing(shopper, member,
                                                                       pickup_order):
    before = snapshot(member.id, pickup_order.item_id)

    response = shopper.post(f"/orders/{pickup_order.code}/cancel")

    assert response.status_code == 400
    assert "error-page" in text(response)
    assert snapshot(member.id, pickup_order.item_id) == before


def test_cancelling_with_get_is_not_allowed(shopper, pickup_order):
    assert shopper.get(f"/orders/{pickup_order.code}/cancel").status_code == 405
    assert order_by_code(pickup_order.code).status == CONFIRMED
