"""Words for members about the kiosk PIN: one they may not choose, and a refused sign-in."""
from flask_babel import gettext as _

from app.loyalty import pins
from app.loyalty.errors import DomainError


def describe(error: DomainError) -> str:
    """A refused PIN, or a refused sign-in with phone and PIN, in a sentence."""
    if error.code == "pin_refused":
        return _("That phone number and PIN don't match, or PIN sign-in is paused after too "
                 "many tries. Check them and try again, or scan your member code.")
    match error.details.get("reason"):
        case pins.REPEATED:
            return _("One digit six times is too easy to guess. Choose another PIN.")
        case pins.RUN:
            return _("Digits in a row, like 123456, are too easy to guess. Choose another PIN.")
        case pins.PHONE:
            return _("Don't use the end of your phone number as your PIN.")
    return _("Your PIN is 6 digits, 0 to 9.")
