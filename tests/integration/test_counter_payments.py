"""At the counter: cash for an order still waiting for payment, confirmed through the
provider's own path, and cancelling an unfulfilled order with a reason the member reads."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.models import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    FULFILLED,
    CashMovement,
)
from tests.integration.route_support import (
    audits,
    by_testid,
    new_key,
    order_by_code,
    snapshot,
    text,
)
from tests.support import csrf_token


@pytest.fixture
def unpaid(member, make_item):
    return redemption.redeem(member.id, make_item(points_price=300, cash_fen=1990).id,
                             new_key())


def cash_form(client, code: str) -> dict:
    html = text(client.get("/admin/counter", query_string={"code": code}))
    key = re.search(r'name="key"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="key"', html)
    return {"csrf_token": csrf_token(client, "/admin/counter"), "key": key.group(1)}


def pay(client, code: str, amount: str, form: dict | None = None):
    data = dict(form or cash_form(client, code), amount=amount)
    return client.post(f"/admin/counter/{code}/cash", data=data)


def cancel(client, code: str, reason: str | None):
    data = {"csrf_token": csrf_token(client, "/admin/counter")}
    if reason is not None:
        data["reason"] = reason
    return client.post(f"/admin/counter/{code}/cancel", data=data)


def captures(order_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(CashMovement)
                             .where(CashMovement.order_id == order_id))


# Cash

def test_cash_taken_confirms_the_order_through_the_payment_path_and_then_it_is_handed_over(
        clerk, shopper, unpaid):
    response = pay(clerk, unpaid.code, "19.90")

    assert response.status_code == 302
    order = order_by_code(unpaid.code)
    assert order.status == CONFIRMED and order.paid_at is not None
    capture = db.session.scalar(select(CashMovement).where(CashMovement.order_id == order.id))
    assert (capture.provider, capture.amount_fen) == ("counter", 1990)
    assert [e.after["cash_fen"] for e in audits("cash_taken")] == [1990]
    assert by_testid(text(shopper.get(f"/orders/{unpaid.code}")), "order-status") == [
        "Ready for pickup"]
    assert clerk.post(f"/admin/counter/{unpaid.code}/hand-over", data={
        "csrf_token": csrf_token(clerk, "/admin/counter")}).status_code == 302
    assert order_by_code(unpaid.code).status == FULFILLED
    assert by_testid(text(shopper.get(f"/orders/{unpaid.code}")), "order-status") == ["Collected"]


@pytest.mark.parametrize("amount", ["19.00", "0", "-19.90", "19.901", "1e3", "x" * 500,
                                    "<b>19.90</b>", "", "１９.９０"])
def test_a_wrong_amount_gets_a_message_beside_the_field_and_takes_nothing(clerk, member,
                                                                          unpaid, amount):
    before = snapshot(member.id, unpaid.item_id)

    response = pay(clerk, unpaid.code, amount)

    assert response.status_code == 422
    assert by_testid(text(response), "error-message")
    assert "<b>19.90</b>" not in text(response)
    assert order_by_code(unpaid.code).status == AWAITING_PAYMENT
    assert captures(unpaid.id) == 0 and audits("cash_taken") == []
    assert snapshot(member.id, unpaid.item_id) == before


def test_the_same_cash_form_submitted_twice_records_one_capture(clerk, unpaid):
    form = cash_form(clerk, unpaid.code)

    first, second = pay(clerk, unpaid.code, "19.90", form), pay(clerk, unpaid.code, "19.90", form)

    assert (first.status_code, second.status_code) == (302, 302)
    assert captures(unpaid.id) == 1 and len(audits("cash_taken")) == 1
    assert order_by_code(unpaid.code).status == CONFIRMED


def test_cash_for_an_order_already_paid_is_refused_and_takes_nothing(clerk, unpaid):
    pay(clerk, unpaid.code, "19.90")

    again = pay(clerk, unpaid.code, "19.90", {
        "csrf_token": csrf_token(clerk, "/admin/counter"), "key": new_key()[:20]})

    assert again.status_code == 409 and "not waiting for cash" in text(again)
    assert captures(unpaid.id) == 1


def test_cash_after_the_payment_window_is_refused(clerk, member, unpaid):
    redemption.settle_payment(unpaid.code, False, 1990)  # the window closed: lapsed

    response = pay(clerk, unpaid.code, "19.90", {
        "csrf_token": csrf_token(clerk, "/admin/counter"), "key": new_key()[:20]})

    assert response.status_code == 409
    assert captures(unpaid.id) == 0


# Cancelling

def test_a_clerk_cancels_with_a_reason_points_and_stock_return_and_the_member_reads_it(
        clerk, shopper, member, make_item):
    item = make_item(points_price=400, stock=5)
    order = redemption.redeem(member.id, item.id, new_key())
    balance_before = snapshot(member.id)[0]

    response = cancel(clerk, order.code, "  Damaged in the store  ")

    assert response.status_code == 302
    after = order_by_code(order.code)
    assert (after.status, after.cancel_reason) == (CANCELLED, "Damaged in the store")
    assert snapshot(member.id, item.id)[:2] == (balance_before + 400, 5)
    [entry] = audits("cancel")
    assert entry.after["reason"] == "Damaged in the store" and entry.actor_id == clerk.staff.id
    html = text(shopper.get(f"/orders/{order.code}"))
    assert by_testid(html, "cancel-reason") == ["Cancelled by the store: Damaged in the store"]


def test_a_staff_cancel_has_no_cancel_window(clerk, member, make_item):
    order = redemption.redeem(member.id, make_item().id, new_key())
    db.session.rollback()
    placed = order_by_code(order.code)
    placed.created_at = placed.created_at.replace(year=placed.created_at.year - 1)
    db.session.commit()

    assert cancel(clerk, order.code, "Never collected").status_code == 302
    assert order_by_code(order.code).status == CANCELLED


def test_cancelling_an_unpaid_order_at_the_counter_returns_its_points(clerk, member, unpaid):
    assert cancel(clerk, unpaid.code, "Member changed their mind").status_code == 302
    assert order_by_code(unpaid.code).status == CANCELLED


@pytest.mark.parametrize("reason", [None, "", "    ", "x" * 201])
def test_a_cancel_without_a_reason_is_refused_and_changes_nothing(clerk, member, make_item,
                                                                   reason):
    order = redemption.redeem(member.id, make_item().id, new_key())
    before = snapshot(member.id, order.item_id)

    response = cancel(clerk, order.code, reason)

    assert response.status_code == 422 and by_testid(text(response), "error-message")
    assert order_by_code(order.code).status == CONFIRMED
    assert snapshot(member.id, order.item_id) == before and audits("cancel") == []


def test_a_handed_over_order_cannot_be_cancelled(clerk, member, make_item):
    order = redemption.redeem(member.id, make_item().id, new_key())
    redemption.hand_over(order.code)
    before = snapshot(member.id, order.item_id)

    response = cancel(clerk, order.code, "Changed mind")

    assert response.status_code == 409 and "cannot be cancelled" in text(response)
    assert order_by_code(order.code).status == FULFILLED
    assert snapshot(member.id, order.item_id) == before


def test_a_cancelled_order_scanned_again_says_so_with_the_reason(clerk, member, make_item):
    order = redemption.redeem(member.id, make_item().id, new_key())
    cancel(clerk, order.code, "Out of stock")

    html = text(clerk.get("/admin/counter", query_string={"code": order.code}))

    assert "Reason: Out of stock" in by_testid(html, "fulfil-verdict")[0]
    assert cancel(clerk, order.code, "again").status_code == 409
