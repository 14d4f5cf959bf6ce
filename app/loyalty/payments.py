"""Payment providers. A provider takes the member to pay, tells us in a signed
notification whether they did (with its own reference for the payment), and gives cash
back when asked. The sandbox stands in for a real one (WeChat Pay, Alipay)."""
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Protocol

from .errors import PaymentRejected


@dataclass(frozen=True)
class Notification:
    order_code: str
    approved: bool
    amount_fen: int
    reference: str = ""  # the provider's reference for the payment; approvals always have one


class RefundFailed(Exception):
    """The provider did not confirm a refund; it is asked again later, with the same id."""


# A provider's reference: printable ASCII, no spaces, as long as the column that keeps it.
REFERENCE = re.compile(r"[\x21-\x7e]{1,64}")


class PaymentProvider(Protocol):
    name: str

    def checkout_url(self, order_code: str) -> str:
        """Where the member goes to pay for an order."""

    def verify(self, fields: dict[str, str], signature: str) -> Notification:
        """The notification a provider sent, once its signature checks out."""

    def refund(self, order_code: str, amount_fen: int, refund_id: str) -> str:
        """Give back cash paid for an order; the provider's reference for the refund.
        Asking again with the same refund_id refunds nothing more and gives the same
        reference. Raises RefundFailed when the provider does not confirm it."""


class SandboxProvider:
    """Approve or decline on a page of our own; notifications signed with HMAC-SHA256."""

    name = "sandbox"

    def __init__(self, secret: str):
        self._key = secret.encode()

    def checkout_url(self, order_code: str) -> str:
        return f"/pay/sandbox/{order_code}"

    def sign(self, fields: dict[str, str]) -> str:
        message = "&".join(f"{k}={fields[k]}" for k in sorted(fields)).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def notification(self, order_code: str, approved: bool, amount_fen: int,
                     reference: str | None = None) -> dict[str, str]:
        """The fields the sandbox posts back, signature included. The sandbox takes one
        payment per order, so the order code makes its reference."""
        fields = {"order_code": order_code, "result": "approved" if approved else "declined",
                  "amount_fen": str(amount_fen),
                  "reference": f"SBX-P-{order_code}" if reference is None else reference}
        return {**fields, "signature": self.sign(fields)}

    def verify(self, fields: dict[str, str], signature: str) -> Notification:
        wanted = {k: fields.get(k, "") for k in ("order_code", "result", "amount_fen",
                                                 "reference")}
        if not hmac.compare_digest(self.sign(wanted), signature or ""):
            raise PaymentRejected(reason="bad signature")
        amount, reference = wanted["amount_fen"], wanted["reference"]
        # isdigit() alone accepts "²" and non-ASCII digits; an amount is plain ASCII digits.
        if wanted["result"] not in ("approved", "declined") or not (
                amount.isascii() and amount.isdigit()):
            raise PaymentRejected(reason="malformed notification")
        if not REFERENCE.fullmatch(reference):
            raise PaymentRejected(reason="malformed notification")
        return Notification(wanted["order_code"], wanted["result"] == "approved",
                            int(amount), reference)

    def refund(self, order_code: str, amount_fen: int, refund_id: str) -> str:
        """Refunds at once, with no network; the same refund id gives the same reference."""
        if amount_fen <= 0 or not REFERENCE.fullmatch(refund_id or ""):
            raise RefundFailed("malformed refund")
        digest = hmac.new(self._key, f"refund:{refund_id}".encode(), hashlib.sha256)
        return f"SBX-R-{digest.hexdigest()[:20].upper()}"
