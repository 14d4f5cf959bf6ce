"""The words of risk control's refusals."""
from flask_babel import lazy_gettext as _l

from app.loyalty.errors import DomainError

# Risk control's refusals by their code and, for some, the problem they name; None stands
# for any other problem of that code.
REFUSALS = {
    ("risk_blocked", None): _l("This cannot be done from this account or device for now. "
                               "Please contact customer service."),
    ("case_decided", None): _l("This case has already been decided."),
    ("case_reason_needed", None): _l(
        "Enter a reason of at most 200 characters: the member reads it."),
    ("invalid_rule", "threshold"): _l("Enter a threshold of 0 or more."),
    ("invalid_rule", "window"): _l(
        "Enter a window of at least 1 second and at most 366 days."),
    ("invalid_rule", None): _l("Choose flag, hold or block."),
    ("invalid_block", "kind"): _l("Choose a phone, a device or an address."),
    ("invalid_block", "value"): _l(
        "Enter the phone number, device identifier or address to block."),
    ("invalid_block", "listed"): _l("This is on the block list already."),
}
OTHER_REFUSAL = _l("Enter a reason of at most 200 characters.")


def describe(error: DomainError) -> str:
    """A refusal of risk control as a sentence for staff or members."""
    problem = error.details.get("problem")
    words = REFUSALS.get((error.code, problem if isinstance(problem, str) else None))
    return str(words or REFUSALS.get((error.code, None), OTHER_REFUSAL))


RULE_NAMES = {
    "join_per_device": _l("Accounts joining from one device"),
    "join_per_address": _l("Accounts joining from one address"),
    "check_in_per_device": _l("Accounts checking in from one device"),
    "task_points_per_day": _l("Task points a member earns in a day"),
    "points_per_month": _l("Points a member earns from all sources"),
    "new_member_points": _l("Points a new member earns in their first 7 days"),
    "till_purchases_per_minute": _l("Purchases one till posts"),
    "purchase_amount": _l("One purchase's amount (fen)"),
    "till_members_per_minute": _l("Different members one till posts for"),
    "referral_shared_device": _l("Invitees sharing a device"),
    "referral_shared_address": _l("Invitees sharing an address"),
    "referral_no_purchase": _l("Invitees who never buy again after their reward"),
    "redemptions_per_day": _l("Redemptions by one member"),
    "item_new_accounts_per_device": _l("New accounts redeeming one item from one device"),
    "refunds_after_spending": _l("Refunds leaving points owed"),
}
ACTION_NAMES = {"flag": _l("Flag"), "hold": _l("Hold"), "block": _l("Block")}
SIGNAL_NAMES = {"join": _l("Join"), "sign_in": _l("Sign-in"), "check_in": _l("Check-in"),
                "redeem": _l("Redemption"), "purchase": _l("Purchase"),
                "task": _l("Task reward"), "referral": _l("Referral reward"),
                "refund": _l("Refund")}


def rule_name(code: str) -> str:
    return str(RULE_NAMES.get(code, code))
