"""Paying the cash part: the sandbox checkout page and the signed notification endpoint."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.models import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    LAPSED,
    CashMovement,
    Order,
    utcnow,
)
from app.loyalty.payments import RefundFailed, SandboxProvider
from app.payments import refunds
from tests.conftest import sign_in
from tests.integration.route_support import by_testid, new_key, order_by_code, snapshot, stock, text
from tests.support import balance, csrf_token


@pytest.fixture
def unpaid(member, make_item):
    """An order for 500 points + ¥9.90 awaiting payment; the member had 5,000 points."""
    item = make_item(points_price=500, cash_fen=990, stock=5)
    return redemption.redeem(member.id, item.id, new_key())


@pytest.fixture
def sandbox(app):
    return SandboxProvider(app.config["SANDBOX_PAYMENT_SECRET"])


def pay(client, code: str, decision: str | None, **extra):
    data = {"csrf_token": csrf_token(client), "decision": decision, **extra}
    return client.post(f"/pay/sandbox/{code}", data={k: v for k, v in data.items() if v})


def notify(client, fields: dict, provider: str = "sandbox"):
    return client.post(f"/payments/notify/{provider}", data=fields)


def test_the_sandbox_page_offers_approve_and_decline(shopper, unpaid):
    response = shopper.get(f"/pay/sandbox/{unpaid.code}")

    html = text(response)
    assert response.status_code == 200
    assert 'data-testid="pay-approve"' in html and 'data-testid="pay-decline"' in html
    assert "¥9.90" in html


def test_approving_confirms_the_order(shopper, member, unpaid):
    response = pay(shopper, unpaid.code, "approve")

    order = order_by_code(unpaid.code)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/orders/{unpaid.code}"
    assert order.status == CONFIRMED and order.paid_at is not None
    assert (balance(member.id), stock(order.item_id)) == (4500, 4)
    page = text(shopper.get(f"/orders/{unpaid.code}"))
    assert "Payment received. Your order is confirmed." in page


def test_declining_lapses_the_order_and_returns_points_and_stock(shopper, member, unpaid):
    response = pay(shopper, unpaid.code, "decline")

    order = order_by_code(unpaid.code)
    assert response.status_code == 303
    assert order.status == LAPSED and order.paid_at is None
    assert (balance(member.id), stock(order.item_id)) == (5000, 5)
    page = text(shopper.get(f"/orders/{unpaid.code}"))
    assert by_testid(page, "error-message") == [
        "The payment did not go through. Your points are back."]


def test_a_settled_order_no_longer_offers_payment(shopper, unpaid):
    pay(shopper, unpaid.code, "approve")

    html = text(shopper.get(f"/pay/sandbox/{unpaid.code}"))

    assert 'data-testid="pay-approve"' not in html
    assert "This order no longer awaits payment." in html


def test_declining_after_approving_changes_nothing(shopper, member, unpaid):
    pay(shopper, unpaid.code, "approve")
    before = snapshot(member.id, unpaid.item_id)

    pay(shopper, unpaid.code, "decline")

    assert order_by_code(unpaid.code).status == CONFIRMED
    assert snapshot(member.id, unpaid.item_id) == before


@pytest.mark.parametrize("decision", [None, "maybe", "APPROVE"])
def test_an_unknown_decision_is_refused_and_changes_nothing(shopper, member, unpaid, decision):
    before = snapshot(member.id, unpaid.item_id)

    response = pay(shopper, unpaid.code, decision)

    assert response.status_code == 400
    assert snapshot(member.id, unpaid.item_id) == before
    assert order_by_code(unpaid.code).status == AWAITING_PAYMENT


def test_paying_without_a_csrf_token_is_refused(shopper, member, unpaid):
    response = shopper.post(f"/pay/sandbox/{unpaid.code}", data={"decision": "approve"})

    assert response.status_code == 400
    assert order_by_code(unpaid.code).status == AWAITING_PAYMENT


def test_someone_elses_order_cannot_be_paid_or_seen(client, make_member, unpaid):
    other = make_member(points=100)
    sign_in(client, other.phone)

    assert client.get(f"/pay/sandbox/{unpaid.code}").status_code == 404
    assert pay(client, unpaid.code, "approve").status_code == 404
    assert order_by_code(unpaid.code).status == AWAITING_PAYMENT


# The provider's notification

def test_a_signed_approval_confirms_the_order(client, sandbox, member, unpaid):
    response = notify(client, sandbox.notification(unpaid.code, True, 990))

    order = order_by_code(unpaid.code)
    assert response.status_code == 200 and response.json == {"ok": True}
    assert order.status == CONFIRMED and order.paid_at is not None
    assert balance(member.id) == 4500


def test_a_signed_decline_lapses_the_order_and_returns_the_points(client, sandbox, member,
                                                                  unpaid):
    response = notify(client, sandbox.notification(unpaid.code, False, 990))

    assert response.status_code == 200
    assert order_by_code(unpaid.code).status == LAPSED
    assert (balance(member.id), stock(unpaid.item_id)) == (5000, 5)


@pytest.mark.parametrize("approved", [True, False], ids=["approval", "decline"])
def test_a_replayed_notification_has_no_second_effect(client, sandbox, member, unpaid,
                                                      approved):
    fields = sandbox.notification(unpaid.code, approved, 990)
    notify(client, fields)
    after_first = snapshot(member.id, unpaid.item_id)

    response = notify(client, fields)

    assert response.status_code == 200
    assert snapshot(member.id, unpaid.item_id) == after_first


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda f: {**f, "signature": "0" * 64}, id="wrong-signature"),
    pytest.param(lambda f: {**f, "signature": ""}, id="empty-signature"),
    pytest.param(lambda f: {k: v for k, v in f.items() if k != "signature"}, id="no-signature"),
    pytest.param(lambda f: {**f, "amount_fen": "1"}, id="amount-changed"),
    pytest.param(lambda f: {**f, "result": "approved"}, id="decline-turned-approval"),
])
def test_a_tampered_notification_is_refused_and_changes_nothing(client, sandbox, member, unpaid,
                                                                tamper):
    before = snapshot(member.id, unpaid.item_id)

    response = notify(client, tamper(sandbox.notification(unpaid.code, False, 990)))

    assert response.status_code == 400
    assert response.json == {"ok": False, "error": "payment_rejected"}
    assert snapshot(member.id, unpaid.item_id) == before
    assert order_by_code(unpaid.code).status == AWAITING_PAYMENT


def test_a_signed_approval_for_the_wrong_amount_is_refused(client, sandbox, member, unpaid):
    before = snapshot(member.id, unpaid.item_id)

    response = notify(client, sandbox.notification(unpaid.code, True, 1))

    assert response.status_code == 400
    assert snapshot(member.id, unpaid.item_id) == before


def test_a_notification_signed_with_another_secret_is_refused(client, member, unpaid):
    forged = SandboxProvider("not-our-secret").notification(unpaid.code, True, 990)

    assert notify(client, forged).status_code == 400
    assert order_by_code(unpaid.code).status == AWAITING_PAYMENT


def test_a_notification_for_an_unknown_order_is_not_found(client, sandbox):
    response = notify(client, sandbox.notification("NOSUCHCODE", True, 990))

    assert response.status_code == 404


def test_a_notification_to_an_unknown_provider_is_not_found(client, sandbox, unpaid):
    response = notify(client, sandbox.notification(unpaid.code, True, 990), provider="paypal")

    assert response.status_code == 404
    assert order_by_code(unpaid.code).status == AWAITING_PAYMENT


def test_an_approval_after_the_payment_window_lapses_the_order(client, sandbox, member, unpaid):
    db.session.execute(update(Order).where(Order.id == unpaid.id)
                       .values(pay_by=utcnow() - timedelta(minutes=1)))
    db.session.commit()

    notify(client, sandbox.notification(unpaid.code, True, 990))

    assert order_by_code(unpaid.code).status == LAPSED
    assert balance(member.id) == 5000


# Cash movements and refunds

def cash_rows(order_id: int) -> list[tuple]:
    db.session.rollback()
    return [(m.kind, m.amount_fen, m.status, m.reference) for m in db.session.scalars(
        select(CashMovement).where(CashMovement.order_id == order_id)
        .order_by(CashMovement.id).execution_options(populate_existing=True))]


def cancel(client, code: str):
    return client.post(f"/orders/{code}/cancel", data={"csrf_token": csrf_token(client)})


def test_an_approval_notified_three_times_is_recorded_once(client, sandbox, unpaid):
    fields = sandbox.notification(unpaid.code, True, 990)

    answers = [notify(client, fields) for _ in range(3)]

    assert [(a.status_code, a.json) for a in answers] == [(200, {"ok": True})] * 3
    assert cash_rows(unpaid.id) == [("captured", 990, "captured", f"SBX-P-{unpaid.code}")]


def test_a_late_approval_is_recorded_refunded_at_once_and_then_acknowledged(client, sandbox,
                                                                           member, unpaid):
    db.session.execute(update(Order).where(Order.id == unpaid.id)
                       .values(pay_by=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    redemption.lapse_unpaid()

    response = notify(client, sandbox.notification(unpaid.code, True, 990))

    assert response.status_code == 200 and response.json == {"ok": True}
    assert order_by_code(unpaid.code).status == LAPSED
    rows = cash_rows(unpaid.id)
    assert [r[:3] for r in rows] == [("captured", 990, "captured"), ("refund", 990, "refunded")]
    assert rows[1][3].startswith("SBX-R-")
    assert balance(member.id) == 5000


@pytest.mark.parametrize("reference", ["", "has space", "x" * 65, "支付", "a\x00b"])
def test_a_notification_with_a_missing_or_malformed_reference_is_refused(client, sandbox,
                                                                         unpaid, reference):
    fields = sandbox.notification(unpaid.code, True, 990, reference=reference)

    response = notify(client, fields)

    assert response.status_code == 400
    assert cash_rows(unpaid.id) == []
    assert order_by_code(unpaid.code).status == AWAITING_PAYMENT


def test_a_notification_with_its_reference_changed_is_refused(client, sandbox, unpaid):
    fields = {**sandbox.notification(unpaid.code, True, 990), "reference": "TX-OTHER"}

    assert notify(client, fields).status_code == 400
    assert cash_rows(unpaid.id) == []


def test_cancelling_a_paid_order_refunds_the_cash_and_shows_it_on_the_order_page(
        shopper, member, unpaid):
    pay(shopper, unpaid.code, "approve")

    response = cancel(shopper, unpaid.code)

    assert response.status_code == 303
    assert order_by_code(unpaid.code).status == CANCELLED
    assert (balance(member.id), stock(unpaid.item_id)) == (5000, 5)
    rows = cash_rows(unpaid.id)
    assert [r[:3] for r in rows] == [("captured", 990, "captured"), ("refund", 990, "refunded")]
    assert rows[1][3].startswith("SBX-R-")
    page = text(shopper.get(response.headers["Location"]))
    assert "Order cancelled. Your points are back and your payment is being refunded." in page
    [shown] = by_testid(page, "cash-refund")
    assert shown.startswith("¥9.90 refunded to your payment method on ")


def test_a_refund_the_provider_has_not_confirmed_shows_as_under_way_until_the_job_sends_it(
        app, shopper, unpaid, monkeypatch):
    pay(shopper, unpaid.code, "approve")

    def unavailable(self, order_code, amount_fen, refund_id):
        raise RefundFailed("provider unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(SandboxProvider, "refund", unavailable)
        cancel(shopper, unpaid.code)

    page = text(shopper.get(f"/orders/{unpaid.code}"))
    assert by_testid(page, "cash-refund") == [
        "Refund of ¥9.90 under way: it goes back to your payment method."]
    order_id = unpaid.id
    later = utcnow() + timedelta(minutes=5)
    assert refunds.send_pending(later) == 1
    assert refunds.send_pending(later + timedelta(hours=1)) == 0
    assert [r[2] for r in cash_rows(order_id)] == ["captured", "refunded"]
    page = text(shopper.get(f"/orders/{unpaid.code}"))
    assert by_testid(page, "cash-refund")[0].startswith("¥9.90 refunded to your payment method")


def test_approving_on_the_sandbox_page_after_the_window_refunds_the_payment(shopper, member,
                                                                           unpaid):
    db.session.execute(update(Order).where(Order.id == unpaid.id)
                       .values(pay_by=utcnow() - timedelta(minutes=1)))
    db.session.commit()

    response = pay(shopper, unpaid.code, "approve")

    page = text(shopper.get(response.headers["Location"]))
    assert order_by_code(unpaid.code).status == LAPSED
    assert by_testid(page, "error-message") == [
        "The payment came in after the order had lapsed. Your points are back and the "
        "payment is being refunded."]
    assert by_testid(page, "cash-refund")[0].startswith("¥9.90 refunded")
    assert balance(member.id) == 5000


def test_an_unpaid_order_cancelled_shows_no_cash_refund(shopper, unpaid):
    cancel(shopper, unpaid.code)

    page = text(shopper.get(f"/orders/{unpaid.code}"))

    assert by_testid(page, "cash-refund") == []
    assert cash_rows(unpaid.id) == []
