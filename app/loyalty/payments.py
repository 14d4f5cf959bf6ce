"""Payment providers. A provider takes the member to pay and tells us, in a signed
notification, whether they did. The sandbox stands in for a real one (WeChat Pay, Alipay)."""
import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from .errors import PaymentRejected


@dataclass(frozen=True)
class Notification:
    order_code: str
    approved: bool
    amount_fen: int


class PaymentProvider(Protocol):
    name: str

    def checkout_url(self, order_code: str) -> str:
        """Where the member goes to pay for an order."""

    def verify(self, fields: dict[str, str], signature: str) -> Notification:
        """The notification a provider sent, once its signature checks out."""


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

    def notification(self, order_code: str, approved: bool, amount_fen: int) -> dict[str, str]:
        """The fields the sandbox posts back, signature included."""
        fields = {"order_code": order_code, "result": "approved" if approved else "declined",
                  "amount_fen": str(amount_fen)}
        return {**fields, "signature": self.sign(fields)}

    def verify(self, fields: dict[str, str], signature: str) -> Notification:
        wanted = {k: fields.get(k, "") for k in ("order_code", "result", "amount_fen")}
        if not hmac.compare_digest(self.sign(wanted), signature or ""):
            raise PaymentRejected(reason="bad signature")
        amount = wanted["amount_fen"]
        # isdigit() alone accepts "²" and non-ASCII digits; an amount is plain ASCII digits.
        if wanted["result"] not in ("approved", "declined") or not (
                amount.isascii() and amount.isdigit()):
            raise PaymentRejected(reason="malformed notification")
        return Notification(wanted["order_code"], wanted["result"] == "approved",
                            int(amount))
