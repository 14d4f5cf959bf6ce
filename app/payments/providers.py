"""The payment provider this mall is set up with."""
from flask import current_app

from app.loyalty.payments import PaymentProvider, SandboxProvider


def provider() -> PaymentProvider:
    name = current_app.config["PAYMENT_PROVIDER"]
    if name == "sandbox":
        return SandboxProvider(current_app.config["SANDBOX_PAYMENT_SECRET"])
    raise RuntimeError(f"unknown payment provider {name!r}")
