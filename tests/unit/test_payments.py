"""The sandbox payment provider: only notifications it signed are believed."""
import pytest
from werkzeug.test import EnvironBuilder

from app.loyalty.errors import PaymentRejected
from app.loyalty.payments import Notification, RefundFailed, SandboxProvider

KEY = "sandbox-test-key"


@pytest.fixture
def sandbox():
    return SandboxProvider(KEY)


def verify(provider, fields):
    return provider.verify(fields, fields.get("signature", ""))


@pytest.mark.parametrize("approved", [True, False])
def test_a_signed_notification_is_believed(sandbox, approved):
    fields = sandbox.notification("ABCDEF2345", approved, 1990)
    assert verify(sandbox, fields) == Notification("ABCDEF2345", approved, 1990,
                                                   "SBX-P-ABCDEF2345")


def test_a_notification_survives_a_round_trip_through_a_form(sandbox):
    fields = sandbox.notification("ABCDEF2345", True, 0)
    posted = EnvironBuilder(method="POST", data=fields).get_request().form

    assert verify(sandbox, posted.to_dict()) == Notification("ABCDEF2345", True, 0,
                                                             "SBX-P-ABCDEF2345")


@pytest.mark.parametrize("field, value", [
    ("amount_fen", "1"), ("amount_fen", "19900"), ("result", "approved"),
    ("order_code", "ZZZZZZZZZZ"),
], ids=["amount-lower", "amount-higher", "declined-turned-approved", "other-order"])
def test_a_tampered_notification_is_rejected(sandbox, field, value):
    fields = sandbox.notification("ABCDEF2345", False, 1990)
    fields[field] = value
    with pytest.raises(PaymentRejected):
        verify(sandbox, fields)


def test_a_notification_signed_with_another_key_is_rejected(sandbox):
    fields = SandboxProvider("someone-else").notification("ABCDEF2345", True, 1990)
    with pytest.raises(PaymentRejected):
        verify(sandbox, fields)


@pytest.mark.parametrize("signature", ["", "0" * 64, None])
def test_a_notification_without_a_valid_signature_is_rejected(sandbox, signature):
    fields = sandbox.notification("ABCDEF2345", True, 1990)
    with pytest.raises(PaymentRejected):
        sandbox.verify(fields, signature)


def test_a_notification_missing_a_field_is_rejected(sandbox):
    fields = sandbox.notification("ABCDEF2345", True, 1990)
    del fields["amount_fen"]
    with pytest.raises(PaymentRejected):
        verify(sandbox, fields)


@pytest.mark.parametrize("amount", ["", "-1", "19.90", "1e3", "abc", " 199", "²", "١٢"])
def test_a_signed_notification_with_a_malformed_amount_is_rejected(sandbox, amount):
    fields = {"order_code": "ABCDEF2345", "result": "approved", "amount_fen": amount}
    fields["signature"] = sandbox.sign(fields)
    with pytest.raises(PaymentRejected):
        verify(sandbox, fields)


@pytest.mark.parametrize("result", ["", "APPROVED", "ok", "pending"])
def test_a_signed_notification_with_an_unknown_result_is_rejected(sandbox, result):
    fields = {"order_code": "ABCDEF2345", "result": result, "amount_fen": "100"}
    fields["signature"] = sandbox.sign(fields)
    with pytest.raises(PaymentRejected):
        verify(sandbox, fields)


def test_the_checkout_page_is_the_sandbox_page_for_the_order(sandbox):
    assert sandbox.checkout_url("ABCDEF2345") == "/pay/sandbox/ABCDEF2345"


def test_a_notification_carries_the_providers_reference_signed_with_the_rest(sandbox):
    fields = sandbox.notification("ABCDEF2345", True, 1990, reference="TX-42")
    assert verify(sandbox, fields).reference == "TX-42"
    with pytest.raises(PaymentRejected):
        verify(sandbox, {**fields, "reference": "TX-43"})


@pytest.mark.parametrize("reference", ["", " ", "a b", "x" * 65, "支付", "a\nb"])
def test_a_signed_notification_with_a_malformed_reference_is_rejected(sandbox, reference):
    fields = sandbox.notification("ABCDEF2345", True, 1990, reference=reference)
    with pytest.raises(PaymentRejected):
        verify(sandbox, fields)


def test_a_sandbox_refund_gives_the_same_reference_for_the_same_refund_id(sandbox):
    first = sandbox.refund("ABCDEF2345", 1990, "RF-ABCDEF2345-1")
    assert first.startswith("SBX-R-") and len(first) <= 64
    assert sandbox.refund("ABCDEF2345", 1990, "RF-ABCDEF2345-1") == first
    assert sandbox.refund("ABCDEF2345", 1990, "RF-ABCDEF2345-2") != first


@pytest.mark.parametrize("amount, refund_id", [(0, "RF-1"), (-1, "RF-1"), (100, ""),
                                               (100, "a b"), (100, "x" * 65)])
def test_a_malformed_sandbox_refund_fails(sandbox, amount, refund_id):
    with pytest.raises(RefundFailed):
        sandbox.refund("ABCDEF2345", amount, refund_id)
