"""What the program takes as a member's phone number: a mainland mobile number, 11 ASCII
digits starting 13 to 19. Full-width or other scripts' digits look the same on a screen but
are not a number a till or an SMS gateway can reach, so they are refused everywhere."""
import re

from .errors import DomainError

# ASCII digits only (never \d, which matches every script's digits); \Z, since $ would
# also accept a trailing line break.
PHONE_PATTERN = r"^1[3-9][0-9]{9}\Z"
_PHONE = re.compile(PHONE_PATTERN)


class InvalidPhone(DomainError):
    code = "invalid_phone"


def is_mobile(phone: object) -> bool:
    """Whether `phone` is a mainland mobile number written in ASCII digits."""
    return isinstance(phone, str) and _PHONE.match(phone) is not None


def require_mobile(phone: object) -> str:
    """`phone` if it is a mainland mobile number; InvalidPhone otherwise."""
    if not is_mobile(phone):
        raise InvalidPhone()
    return phone


def mask(phone: str | None) -> str:
    """A phone as staff see it unless they ask: the first three and last four digits,
    138****8000."""
    phone = phone or ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"
