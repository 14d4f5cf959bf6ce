"""Risk control's refusal."""
from ..errors import DomainError


class Blocked(DomainError):
    """Refused by risk control: a block-list entry or a rule whose action is block."""

    code = "risk_blocked"
