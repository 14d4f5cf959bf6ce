"""Fulfilment: a coupon code counts as used once shown, a pickup order once handed over,
and a fulfilled order can no longer be cancelled. Codes are shown only for orders that can
be collected."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.errors import AlreadyHandedOver, NotCancellable, NotCollectable, NotFound
from app.loyalty.models import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    COUPON,
    FULFILLED,
    LAPSED,
    Order,
    utcnow,
)
from tests.integration.route_support import HTMX, by_testid, new_key, order_by_code, snapshot, text
from tests.support import csrf_token

MINUTE = timedelta(minutes=1)


@pytest.fixture
def coupon_order(member, make_item):
    return redemption.redeem(member.id, make_item(kind=COUPON, points_price=500).id, new_key())


@pytest.fixture
def pickup_order(member, make_item):
    return redemption.redeem(member.id, make_item(points_price=400).id, new_key())


@pytest.fixture
def someone_elses_coupon(make_member, make_item):
    other = make_member(points=1000)
    return redemption.redeem(other.id, make_item(kind=COUPON).id, new_key())


def order_in(state: str, member, make_item, kind: str = "pickup") -> Order:
    """An order of the member's that is unpaid, cancelled or lapsed."""
    cash = make_item(kind=kind, points_price=300, cash_fen=990)
    order = redemption.redeem(member.id, cash.id, new_key())
    if state == "cancelled":
        redemption.cancel(member.id, order.code)
    elif state == "lapsed":
        redemption.settle_payment(order.code, False, 990)
    return order_by_code(order.code)


def reveal(client, code: str, headers=None):
    return client.post(f"/orders/{code}/reveal", data={"csrf_token": csrf_token(client)},
                       headers=headers or {})


# The core: revealing a coupon code

def test_revealing_a_coupon_fulfils_the_order_and_it_can_no_longer_be_cancelled(member,
                                                                                coupon_order):
    now = utcnow()

    revealed = redemption.reveal(member.id, coupon_order.code, now=now)

    assert (revealed.status, revealed.fulfilled_at) == (FULFILLED, now)
    assert not redemption.cancellable(revealed, now)
    before = snapshot(member.id, coupon_order.item_id)
    with pytest.raises(NotCancellable):
        redemption.cancel(member.id, coupon_order.code, now=now + MINUTE)
    assert snapshot(member.id, coupon_order.item_id) == before
    assert order_by_code(coupon_order.code).status == FULFILLED


def test_revealing_twice_changes_nothing_the_second_time(member, coupon_order):
    first = utcnow()
    redemption.reveal(member.id, coupon_order.code, now=first)
    before = snapshot(member.id, coupon_order.item_id)

    again = redemption.reveal(member.id, coupon_order.code, now=first + MINUTE)

    assert (again.status, again.fulfilled_at) == (FULFILLED, first)
    assert snapshot(member.id, coupon_order.item_id) == before


def test_revealing_someone_elses_coupon_is_not_found_and_changes_nothing(member,
                                                                        someone_elses_coupon):
    with pytest.raises(NotFound):
        redemption.reveal(member.id, someone_elses_coupon.code)

    assert order_by_code(someone_elses_coupon.code).status == CONFIRMED


@pytest.mark.parametrize("state", ["unpaid", "cancelled", "lapsed"])
def test_a_coupon_that_cannot_be_collected_cannot_be_revealed(member, make_item, state):
    order = order_in(state, member, make_item, kind=COUPON)

    with pytest.raises(NotCollectable):
        redemption.reveal(member.id, order.code)

    after = order_by_code(order.code)
    assert after.status == order.status and after.fulfilled_at is None


def test_a_pickup_order_has_no_coupon_code_to_reveal(member, pickup_order):
    with pytest.raises(NotCollectable):
        redemption.reveal(member.id, pickup_order.code)
    assert order_by_code(pickup_order.code).status == CONFIRMED


# The core: handing a pickup order over at the counter

def test_handing_over_fulfils_a_pickup_order_and_it_can_no_longer_be_cancelled(member,
                                                                              pickup_order):
    now = utcnow()

    handed = redemption.hand_over(pickup_order.code, now=now)

    assert (handed.status, handed.fulfilled_at) == (FULFILLED, now)
    assert not redemption.cancellable(handed, now)
    before = snapshot(member.id, pickup_order.item_id)
    with pytest.raises(NotCancellable):
        redemption.cancel(member.id, pickup_order.code, now=now + MINUTE)
    assert snapshot(member.id, pickup_order.item_id) == before


def test_handing_over_twice_is_refused_the_second_time_and_keeps_the_first(pickup_order):
    first = utcnow()
    redemption.hand_over(pickup_order.code, now=first)

    with pytest.raises(AlreadyHandedOver) as refused:
        redemption.hand_over(pickup_order.code, now=first + MINUTE)

    assert refused.value.details["at"] == first
    again = order_by_code(pickup_order.code)
    assert (again.status, again.fulfilled_at) == (FULFILLED, first)


@pytest.mark.parametrize("state", ["unpaid", "cancelled", "lapsed"])
def test_an_order_that_cannot_be_collected_cannot_be_handed_over(member, make_item, state):
    order = order_in(state, member, make_item)

    with pytest.raises(NotCollectable):
        redemption.hand_over(order.code)

    after = order_by_code(order.code)
    assert after.status == order.status and after.fulfilled_at is None


@pytest.mark.parametrize("code", ["NOSUCHCODE", "", "x" * 300, "'; DROP TABLE orders; --"])
def test_handing_over_an_unknown_order_is_not_found(app, code):
    with pytest.raises(NotFound):
        redemption.hand_over(code)


def test_a_coupon_order_is_not_handed_over(coupon_order):
    with pytest.raises(NotCollectable):
        redemption.hand_over(coupon_order.code)
    assert order_by_code(coupon_order.code).status == CONFIRMED


def test_a_fulfilled_order_is_never_cancellable_even_inside_the_window(pickup_order):
    order = order_by_code(pickup_order.code)
    assert redemption.cancellable(order, order.created_at)

    redemption.hand_over(order.code, now=order.created_at)

    assert not redemption.cancellable(order_by_code(order.code), order.created_at)


# The member's order page

def test_a_coupon_code_stays_hidden_until_the_member_reveals_it(shopper, coupon_order):
    html = text(shopper.get(f"/orders/{coupon_order.code}"))

    assert coupon_order.coupon_code not in html
    assert by_testid(html, "coupon-code") == []
    assert by_testid(html, "coupon-reveal") == ["Show code (counts as used)"]
    assert "Once shown, the code counts as used and this order can no longer be cancelled." \
        in html
    assert f"/orders/{coupon_order.code}/cancel" in html


def test_revealing_shows_the_code_for_good_and_takes_the_cancel_button_away(shopper, member,
                                                                           coupon_order):
    response = reveal(shopper, coupon_order.code)

    assert response.status_code == 303
    assert response.headers["Location"] == f"/orders/{coupon_order.code}"
    html = text(shopper.get(f"/orders/{coupon_order.code}"))
    assert by_testid(html, "coupon-code") == [coupon_order.coupon_code]
    assert by_testid(html, "order-status") == ["Code shown"]
    assert by_testid(html, "coupon-reveal") == []
    assert f"/orders/{coupon_order.code}/cancel" not in html
    before = snapshot(member.id, coupon_order.item_id)
    refused = shopper.post(f"/orders/{coupon_order.code}/cancel",
                           data={"csrf_token": csrf_token(shopper)})
    page = text(shopper.get(refused.headers["Location"]))
    assert by_testid(page, "error-message") == ["This order can no longer be cancelled."]
    assert snapshot(member.id, coupon_order.item_id) == before


def test_revealing_twice_through_the_page_is_harmless(shopper, coupon_order):
    reveal(shopper, coupon_order.code)
    first = order_by_code(coupon_order.code).fulfilled_at

    assert reveal(shopper, coupon_order.code).status_code == 303

    assert order_by_code(coupon_order.code).fulfilled_at == first


def test_revealing_with_htmx_swaps_the_code_in_place_and_drops_the_cancel_button(
        shopper, coupon_order):
    response = reveal(shopper, coupon_order.code, headers=HTMX)

    html = text(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="coupon-{coupon_order.code}"' in html
    assert by_testid(html, "coupon-code") == [coupon_order.coupon_code]
    assert '<div id="order-cancel" hx-swap-oob="true"></div>' in html
    assert by_testid(html, "order-status") == ["Code shown"]


def test_revealing_someone_elses_coupon_through_the_page_is_not_found(shopper,
                                                                     someone_elses_coupon):
    response = reveal(shopper, someone_elses_coupon.code)

    assert response.status_code == 404
    assert order_by_code(someone_elses_coupon.code).status == CONFIRMED


@pytest.mark.parametrize("code", ["NOSUCHCODE", "x" * 300, "<script>"])
def test_revealing_an_unknown_order_is_not_found(shopper, code):
    assert reveal(shopper, code).status_code == 404


def test_revealing_without_a_csrf_token_is_refused(shopper, coupon_order):
    response = shopper.post(f"/orders/{coupon_order.code}/reveal")

    assert response.status_code == 400
    assert order_by_code(coupon_order.code).status == CONFIRMED


def test_revealing_with_get_is_not_allowed(shopper, coupon_order):
    assert shopper.get(f"/orders/{coupon_order.code}/reveal").status_code == 405
    assert order_by_code(coupon_order.code).status == CONFIRMED


def test_revealing_an_unpaid_coupon_says_to_pay_first(shopper, member, make_item):
    order = order_in("unpaid", member, make_item, kind=COUPON)

    response = reveal(shopper, order.code)

    page = text(shopper.get(response.headers["Location"]))
    assert by_testid(page, "error-message") == ["Pay for this order first."]
    assert order_by_code(order.code).status == AWAITING_PAYMENT


@pytest.mark.parametrize("state", ["unpaid", "cancelled", "lapsed"])
def test_a_coupon_order_that_cannot_be_collected_shows_no_code(shopper, member, make_item,
                                                              state):
    order = order_in(state, member, make_item, kind=COUPON)

    html = text(shopper.get(f"/orders/{order.code}"))

    # A closed order's unseen code went back to the pool: the order no longer holds one.
    assert (order.coupon_code is None) == (state != "unpaid")
    assert order.coupon_code is None or order.coupon_code not in html
    assert by_testid(html, "coupon-code") == by_testid(html, "coupon-reveal") == []


def test_a_handed_over_pickup_order_reads_collected_with_no_qr_and_no_cancel(shopper,
                                                                            pickup_order):
    redemption.hand_over(pickup_order.code)

    html = text(shopper.get(f"/orders/{pickup_order.code}"))

    assert by_testid(html, "order-status") == ["Collected"]
    assert "pickup.svg" not in html and "/cancel" not in html
    assert "Collected on" in html


# The pickup QR

def test_the_pickup_qr_is_never_cached(shopper, pickup_order):
    response = shopper.get(f"/orders/{pickup_order.code}/pickup.svg")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("state", ["unpaid", "cancelled", "lapsed", "collected"])
def test_the_pickup_qr_is_not_found_for_an_order_with_nothing_to_collect(shopper, member,
                                                                        make_item, state):
    if state == "collected":
        order = redemption.redeem(member.id, make_item().id, new_key())
        redemption.hand_over(order.code)
    else:
        order = order_in(state, member, make_item)

    html = text(shopper.get(f"/orders/{order.code}"))

    assert shopper.get(f"/orders/{order.code}/pickup.svg").status_code == 404
    assert "pickup.svg" not in html


def test_a_coupon_order_has_no_pickup_qr(shopper, coupon_order):
    assert shopper.get(f"/orders/{coupon_order.code}/pickup.svg").status_code == 404


def test_an_order_lapsed_by_its_window_has_no_pickup_qr(shopper, member, make_item):
    order = order_in("unpaid", member, make_item)
    db.session.execute(update(Order).where(Order.id == order.id)
                       .values(pay_by=utcnow() - MINUTE))
    db.session.commit()
    redemption.lapse_unpaid()

    assert order_by_code(order.code).status == LAPSED
    assert shopper.get(f"/orders/{order.code}/pickup.svg").status_code == 404


def test_a_cancelled_order_keeps_its_status_word(shopper, member, make_item):
    order = order_in("cancelled", member, make_item, kind=COUPON)
    assert order.status == CANCELLED
    assert by_testid(text(shopper.get(f"/orders/{order.code}")), "order-status") == [
        "Cancelled"]
