"""The words of risk control's refusals."""
from flask_babel import gettext as _

from app.loyalty.errors import DomainError


def describe(error: DomainError) -> str:
    d = error.details
    match error.code, d.get("problem"):
        case "risk_blocked", _any:
            return _("This cannot be done from this account or device for now. Please contact "
                     "customer service.")
        case "case_decided", _any:
            return _("This case has already been decided.")
        case "case_reason_needed", _any:
            return _("Enter a reason of at most 200 characters: the member reads it.")
        case "invalid_rule", "threshold":
            return _("Enter a threshold of 0 or more.")
        case "invalid_rule", "window":
            return _("Enter a window of at least 1 second and at most 366 days.")
        case "invalid_rule", _any:
            return _("Choose flag, hold or block.")
        case "invalid_block", "kind":
            return _("Choose a phone, a device or an address.")
        case "invalid_block", "value":
            return _("Enter the phone number, device identifier or address to block.")
        case "invalid_block", "listed":
            return _("This is on the block list already.")
        case _:
            return _("Enter a reason of at most 200 characters.")
