"""Orders: the list, one order with its pickup QR or coupon code, and cancelling."""
from datetime import timedelta

import pytest

from app.loyalty import redemption
from app.loyalty.models import CANCELLED, CONFIRMED, COUPON, utcnow
from tests.integration.route_support import by_testid, new_key, order_by_code, snapshot, stock, text
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
