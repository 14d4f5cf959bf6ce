"""Redeeming through the web: the plain form without JavaScript, and the htmx one-tap flow."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.models import AWAITING_PAYMENT, CONFIRMED, LedgerEntry, Order
from tests.integration.route_support import (
    HTMX,
    by_testid,
    new_key,
    only_order,
    redeem_form,
    snapshot,
    stock,
    text,
)
from tests.support import balance, csrf_token


def orders_and_entries(member_id: int) -> tuple[int, int]:
    db.session.rollback()
    return (db.session.scalar(select(func.count()).select_from(Order)
                              .where(Order.member_id == member_id)),
            db.session.scalar(select(func.count()).select_from(LedgerEntry)
                              .where(LedgerEntry.member_id == member_id)))


REFUSALS = [
    pytest.param({"points_price": 6000}, "Not enough points: you need 1,000 more.",
                 id="not-enough-points"),
    pytest.param({"stock": 0}, "Sold out. Check back soon.", id="sold-out"),
    pytest.param({"min_tier": "gold"}, "For Gold members and above.", id="tier-too-low"),
    pytest.param({"sale_starts_at": timedelta(days=2)}, "On sale from",
                 id="not-on-sale-yet"),
    pytest.param({"sale_ends_at": timedelta(days=-1)},
                 "This item is not on sale now.", id="sale-over"),
]

BAD_INPUT = [
    pytest.param({"quantity": "-1"}, id="negative-quantity"),
    pytest.param({"quantity": "0"}, id="zero-quantity"),
    pytest.param({"quantity": "11"}, id="quantity-over-limit"),
    pytest.param({"quantity": "abc"}, id="quantity-not-a-number"),
    pytest.param({"quantity": "1.5"}, id="quantity-not-whole"),
    pytest.param({"quantity": "99999999999999999999999"}, id="quantity-huge"),
    pytest.param({"quantity": None}, id="quantity-missing"),
    pytest.param({"key": None}, id="key-missing"),
    pytest.param({"key": ""}, id="key-empty"),
    pytest.param({"key": "bad key!<script>"}, id="key-bad-characters"),
    pytest.param({"key": "short"}, id="key-too-short"),
    pytest.param({"key": "k" * 65}, id="key-too-long"),
]


# Without JavaScript

def test_the_redeem_link_opens_a_confirm_form(shopper, make_item):
    item = make_item()

    response = shopper.get(f"/catalog/{item.id}/redeem")

    html = text(response)
    assert response.status_code == 200 and "<html" in html
    assert f'action="/catalog/{item.id}/redeem"' in html
    assert 'data-testid="redeem-confirm"' in html
    assert re.search(r'name="key" type="hidden" value="[0-9a-f]{32}"', html)


def test_redeeming_takes_points_and_stock_and_shows_the_order(shopper, member, make_item):
    item = make_item(points_price=300, stock=10)

    response = shopper.post(f"/catalog/{item.id}/redeem", data=redeem_form(shopper, item.id))

    order = only_order(member.id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/orders/{order.code}"
    assert order.status == CONFIRMED
    assert balance(member.id) == 4700
    assert stock(item.id) == 9
    page = shopper.get(response.headers["Location"])
    assert by_testid(text(page), "order-code") == [order.code]


def test_redeeming_several_at_once_takes_points_and_stock_for_each(shopper, member, make_item):
    item = make_item(points_price=300, stock=10)

    shopper.post(f"/catalog/{item.id}/redeem", data=redeem_form(shopper, item.id, quantity="3"))

    assert only_order(member.id).quantity == 3
    assert (balance(member.id), stock(item.id)) == (4100, 7)


def test_posting_the_same_key_twice_makes_one_order(shopper, member, make_item):
    item = make_item(points_price=300, stock=10)
    form = redeem_form(shopper, item.id)
    before = orders_and_entries(member.id)

    first = shopper.post(f"/catalog/{item.id}/redeem", data=form)
    second = shopper.post(f"/catalog/{item.id}/redeem", data=form)

    assert first.headers["Location"] == second.headers["Location"]
    assert orders_and_entries(member.id) == (before[0] + 1, before[1] + 1)
    assert (balance(member.id), stock(item.id)) == (4700, 9)


def test_redeeming_without_a_csrf_token_is_refused_on_the_malls_error_page(shopper, member,
                                                                         make_item):
    item = make_item()
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem",
                            data=redeem_form(shopper, item.id, csrf_token=None))

    assert response.status_code == 400
    assert 'class="card error-page"' in text(response)
    assert 'class="topbar"' in text(response)
    assert by_testid(text(response), "error-message")
    assert snapshot(member.id, item.id) == before


@pytest.mark.parametrize("overrides", BAD_INPUT)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(shopper, member, make_item,
                                                                overrides):
    item = make_item()
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem",
                            data=redeem_form(shopper, item.id, **overrides))

    assert response.status_code == 422
    messages = by_testid(text(response), "error-message")
    assert len(messages) == 1 and messages[0]
    assert snapshot(member.id, item.id) == before


@pytest.mark.parametrize("quantity", ["1_0", "+10", " 10 ", "10.0", "１０", "١٠", "۱۰", "²",
                                      "0x10", "1e1", "-0"],
                         ids=["underscore", "plus", "spaces", "decimal", "full-width",
                              "arabic-indic", "persian", "superscript", "hex", "exponent",
                              "minus-zero"])
def test_a_quantity_not_written_in_ascii_digits_is_refused_with_a_message_and_changes_nothing(
        shopper, member, make_item, quantity):
    item = make_item()
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem",
                            data=redeem_form(shopper, item.id, quantity=quantity))

    assert response.status_code == 422
    assert by_testid(text(response), "error-message") == [
        "Enter a whole number using the digits 0 to 9."]
    assert snapshot(member.id, item.id) == before


@pytest.mark.parametrize("fields, message", REFUSALS)
def test_a_refusal_is_a_409_with_its_reason_and_changes_nothing(shopper, member, make_item,
                                                                fields, message):
    item = make_item(**fields)
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem", data=redeem_form(shopper, item.id))

    assert response.status_code == 409
    assert message in by_testid(text(response), "error-message")[0]
    assert snapshot(member.id, item.id) == before


def test_redeeming_past_the_limit_is_a_409_and_changes_nothing(shopper, member, make_item):
    item = make_item(per_member_limit=1)
    redemption.redeem(member.id, item.id, new_key())
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem", data=redeem_form(shopper, item.id))

    assert response.status_code == 409
    assert by_testid(text(response), "error-message") == [
        "You have reached the limit of 1 per member."]
    assert snapshot(member.id, item.id) == before


def test_redeeming_more_than_the_stock_is_a_409(shopper, member, make_item):
    item = make_item(stock=2)
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem",
                            data=redeem_form(shopper, item.id, quantity="3"))

    assert response.status_code == 409
    assert snapshot(member.id, item.id) == before


@pytest.mark.parametrize("overrides", [{}, {"quantity": "0"}], ids=["valid", "invalid"])
def test_redeeming_an_unknown_item_is_not_found(shopper, member, overrides):
    before = snapshot(member.id)

    response = shopper.post("/catalog/999999/redeem",
                            data=redeem_form(shopper, 999999, page="/rules", **overrides))

    assert response.status_code == 404
    assert snapshot(member.id) == before


def test_redeeming_an_inactive_item_is_not_found_and_changes_nothing(shopper, member, make_item):
    item = make_item(active=False)
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem",
                            data=redeem_form(shopper, item.id, page="/rules"))

    assert response.status_code == 404
    assert snapshot(member.id, item.id) == before


def test_a_points_and_cash_item_goes_to_the_payment_page(shopper, member, make_item):
    item = make_item(points_price=500, cash_fen=990)

    response = shopper.post(f"/catalog/{item.id}/redeem", data=redeem_form(shopper, item.id))

    order = only_order(member.id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/pay/sandbox/{order.code}"
    assert order.status == AWAITING_PAYMENT
    assert (balance(member.id), stock(item.id)) == (4500, 9)


# With htmx

def test_htmx_gets_the_confirm_step_as_a_fragment(shopper, make_item):
    item = make_item()

    response = shopper.get(f"/catalog/{item.id}/redeem", headers=HTMX)

    html = text(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith(f'<div class="redeem" id="redeem-{item.id}">')
    assert 'data-testid="redeem-confirm"' in html


def test_htmx_not_now_puts_the_redeem_button_back(shopper, make_item):
    item = make_item()

    response = shopper.get(f"/catalog/{item.id}/redeem?back=1", headers=HTMX)

    assert 'data-testid="redeem-button"' in text(response)
    assert 'data-testid="redeem-confirm"' not in text(response)


def test_htmx_redeeming_returns_the_result_and_the_new_balance_out_of_band(shopper, member,
                                                                          make_item):
    item = make_item(points_price=1234)
    form = redeem_form(shopper, item.id, csrf_token=None)

    response = shopper.post(f"/catalog/{item.id}/redeem", data=form,
                            headers={**HTMX, "X-CSRFToken": csrf_token(shopper)})

    html = text(response)
    order = only_order(member.id)
    assert response.status_code == 200 and "<html" not in html
    assert 'data-testid="redeem-result"' in html
    assert by_testid(html, "order-code") == [order.code]
    assert re.search(r'<a id="wallet"[^>]*hx-swap-oob="true"', html)
    assert by_testid(html, "balance") == ["3,766"]
    assert balance(member.id) == 3766


@pytest.mark.parametrize("fields, message", REFUSALS)
def test_htmx_refusals_are_a_409_fragment_with_the_reason(shopper, member, make_item, fields,
                                                         message):
    item = make_item(**fields)
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem", data=redeem_form(shopper, item.id),
                            headers=HTMX)

    html = text(response)
    assert response.status_code == 409 and "<html" not in html
    assert message in by_testid(html, "error-message")[0]
    assert snapshot(member.id, item.id) == before


@pytest.mark.parametrize("overrides", BAD_INPUT[:4] + BAD_INPUT[7:10])
def test_htmx_bad_input_is_a_422_fragment_with_a_message(shopper, member, make_item, overrides):
    item = make_item()
    before = snapshot(member.id, item.id)

    response = shopper.post(f"/catalog/{item.id}/redeem",
                            data=redeem_form(shopper, item.id, **overrides), headers=HTMX)

    html = text(response)
    assert response.status_code == 422 and "<html" not in html
    assert len(by_testid(html, "error-message")) == 1
    assert snapshot(member.id, item.id) == before


def test_htmx_a_points_and_cash_item_redirects_to_the_payment_page(shopper, member, make_item):
    item = make_item(points_price=500, cash_fen=990)

    response = shopper.post(f"/catalog/{item.id}/redeem", data=redeem_form(shopper, item.id),
                            headers=HTMX)

    order = only_order(member.id)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/pay/sandbox/{order.code}"
    assert order.status == AWAITING_PAYMENT


def test_an_htmx_request_with_an_expired_form_reloads_the_page(shopper, make_item):
    item = make_item(points_price=100)

    response = shopper.post(f"/catalog/{item.id}/redeem", data={"key": "k" * 16, "quantity": "1"},
                            headers={"HX-Request": "true"})

    assert response.status_code == 400
    assert response.headers.get("HX-Refresh") == "true"
