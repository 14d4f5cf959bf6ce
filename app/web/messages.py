"""Words for what the core reports: refusals, statuses and ledger entries."""
from markupsafe import Markup

from app.loyalty import ledger, phone_codes
from app.loyalty.errors import DomainError
from app.loyalty.reads import Offer
from . import catalog_words, pin_words, report_words, risk_words
from .dates import format_date, format_datetime
from .i18n import gettext as _
from .i18n import lazy_gettext as _l
from .i18n import localized, yuan


def describe(error: DomainError, item=None) -> str:
    """A domain error as a sentence a member understands: every refusal has its own."""
    d = error.details
    match error.code:
        case "insufficient_points":
            return _("Not enough points: you need %(short)s more.", short=f"{d['short']:,}")
        case "sold_out":
            return _("Sold out. Check back soon.")
        case "limit_reached":
            return _("You have reached the limit of %(limit)s per member.", limit=d["limit"])
        case "quota_reached" if d.get("period") == "day" and d.get("resumes_at"):
            return _("Today's quota is gone: more on %(when)s.",
                     when=format_date(d["resumes_at"], "long"))
        case "quota_reached" if d.get("resumes_at"):
            return _("This month's quota is gone: more on %(when)s.",
                     when=format_date(d["resumes_at"], "long"))
        case "quota_reached":
            return _("This item's quota for now is gone.")
        case "tier_too_low" if item is not None and item.min_tier is not None:
            return _("For %(tier)s members and above.", tier=localized(item.min_tier, "name"))
        case "tier_too_low":
            return _("This item is for higher tiers.")
        case "not_on_sale" if d.get("starts_at"):
            return _("On sale from %(when)s.", when=format_datetime(d["starts_at"], "short"))
        case "not_on_sale":
            return _("This item is not on sale now.")
        case "invalid_quantity":
            return _("Choose a quantity from 1 to %(maximum)s.", maximum=d["maximum"])
        case "price_changed" if item is not None and d.get("cash_fen"):
            return _("The price of %(name)s is now %(points)s points + %(cash)s; look again "
                     "before you redeem.", name=localized(item, "name"),
                     points=f"{d['points']:,}", cash=yuan(d["cash_fen"]))
        case "price_changed" if item is not None and "points" in d:
            return _("The price of %(name)s is now %(points)s points; look again before you "
                     "redeem.", name=localized(item, "name"), points=f"{d['points']:,}")
        case "price_changed":
            return _("The price of this item has changed; look again before you redeem.")
        case "not_cancellable":
            return _("This order can no longer be cancelled.")
        case "not_collectable" if d.get("status") == "awaiting_payment":
            return _("Pay for this order first.")
        case "not_collectable":
            return _("There is nothing to collect for this order.")
        case "payment_rejected":
            return _("The payment notification was not accepted.")
        case "not_found":
            return _("We could not find that.")
        case "too_soon":
            return wait_message(d["seconds"])
        case "code_refused":
            return _code_refusal(d["reason"], d.get("tries_left", 0))
        case "adjustment_below_zero" if "most" in d:
            return _("That would take the balance below zero: at most %(most)s points can be "
                     "taken.", most=f"{d['most']:,}")
        case "adjustment_below_zero":
            return _("That would take the balance below zero.")
        case "invalid_adjustment" if d.get("field") == "reason":
            return _("Enter a reason: the member reads it in their points history.")
        case "invalid_adjustment":
            return _("Enter a whole number of points other than 0, at most %(most)s either "
                     "way.", most=f"{d['maximum']:,}")
        case "invalid_freeze" if d.get("problem") == "already_frozen":
            return _("This account is already frozen.")
        case "invalid_freeze" if d.get("problem") == "not_frozen":
            return _("This account is not frozen.")
        case "invalid_freeze":
            return _("Enter a reason.")
        case "invalid_item" | "invalid_codes" | "invalid_catalog_file":
            return catalog_words.describe(error)
        case "weak_pin" | "pin_refused":
            return pin_words.describe(error)
        case ("risk_blocked" | "case_decided" | "case_reason_needed" | "invalid_rule"
              | "invalid_block"):
            return risk_words.describe(error)
        case "invalid_budget" if d.get("field") == "year":
            return _("Choose a year from 2000 to 2999.")
        case "invalid_budget" if d.get("problem") == "too_large":
            return _("A budget is at most ¥10,000,000,000.")
        case "invalid_budget":
            return _("Enter a budget in yuan above 0, like 250000.")
        case "invalid_period":
            return report_words.period_problem(d.get("reason"))
        case "invalid_kiosk" if d.get("field") == "name":
            return _("Enter a name of at most 60 characters, without line breaks or control "
                     "characters.")
        case "invalid_kiosk":
            return _("Choose a store from the list.")
        case _:
            return _fixed_sentence(error.code)


def _fixed_sentence(code: str) -> str:
    """The refusals whose sentence needs no details."""
    match code:
        case "already_handed_over":
            return _("Already handed over.")
        case "not_awaiting_payment":
            return _("This order is not waiting for cash: nothing was taken.")
        case "reason_required":
            return _("Give a reason for cancelling: the member reads it.")
        case "enrolment_refused":
            return _("That enrolment code is not valid. Ask an administrator for a new one.")
        case "card_code_refused":
            return _("That code did not work. Open your member card on your phone and "
                     "scan the new code, or type its 6 digits.")
        case "invalid_staff":
            return _("That staff account cannot be saved: check the username, password, "
                     "role and store.")
        case "invalid_settings":
            return _("These program settings cannot be used: check each value.")
        case "invalid_tiers":
            return _("These tiers cannot be saved: each threshold must be above the tier "
                     "beneath it, from 0 for the base tier.")
        case "account_frozen":
            return _("Your account is frozen for now: you can look, but not redeem or earn "
                     "points. Please contact customer service.")
        case "own_adjustment":
            return _("An adjustment is approved or rejected by another administrator.")
        case "adjustment_decided":
            return _("This adjustment has already been decided.")
        case "invalid_member_search":
            return _("Enter at least 4 digits of a phone number, or a member number.")
        case "birthday_gift_not_offered":
            return _("There is no birthday gift to claim: your birthday month earns double points.")
        case "no_birthday":
            return _("Add your birthday to your profile first.")
        case "not_birthday_month":
            return _("The birthday gift can be claimed during your birthday month.")
        case "already_claimed":
            return _("You have already claimed this year's birthday gift.")
        case "birthday_locked":
            return _("Your birthday is already set and cannot be changed.")
        case "unknown_referral":
            return _("This invite code is not valid. Check it, or leave it empty.")
        case "invalid_phone":
            return _("Enter an 11-digit mainland mobile number, e.g. 13800138000.")
        case "wrong_password":
            return _("That password is not right. Try again.")
        case "same_phone":
            return _("This is already your phone number.")
        case "phone_in_use":
            return _("Another member signs in with this phone number.")
        case "details_needed":
            return _("Enter your name and choose a password to join.")
        case "unknown_member":
            return _("No member has this phone number or member number.")
        case "refund_exceeds_purchase":
            return _("The refund is more than what is left of the purchase.")
        case "idempotency_key_reused":
            return _("This request was already made with other details.")
        case "invalid_campaign":
            return _("This campaign's details are not valid.")
        case "invalid_store":
            return _("This store's code or name is not valid.")
    return _("That could not be done.")


def wait_message(seconds: int) -> str:
    """How long to wait before asking for another code."""
    if seconds < 120:
        return _("Wait %(seconds)s s before asking for another code.", seconds=seconds)
    return _("Wait %(minutes)s minutes before asking for another code.",
             minutes=-(-seconds // 60))


def _code_refusal(reason: str, tries: int) -> str:
    """A refused code in words: what is wrong with it and what to do."""
    match reason:
        case phone_codes.EXPIRED:
            return _("This code has expired. Ask for a new one.")
        case phone_codes.USED:
            return _("This code has already been used. Ask for a new one.")
        case phone_codes.DEAD:
            return _("Too many wrong tries: this code no longer works. Ask for a new one.")
    return _("That code is not right. %(tries)s tries left.", tries=tries) if tries else \
        _("That code is not right. Ask for a new one.")


# The words of each label, translated when one is shown: a page of fifty ledger entries or
# thirty catalog cards asks for the one it shows, not for every label each time.
REFUSAL_LABELS = {"sold_out": _l("Sold out"), "insufficient_points": _l("Not enough points"),
                  "limit_reached": _l("Limit reached"), "tier_too_low": _l("Higher tier only")}
STATUS_LABELS = {"awaiting_payment": _l("Awaiting payment"), "fulfilled": _l("Collected"),
                 "cancelled": _l("Cancelled"), "lapsed": _l("Lapsed")}
CONFIRMED_LABELS = {"coupon": _l("Ready to use"), "service": _l("Booked")}
KIND_LABELS = {"pickup": _l("Collect in store"), "coupon": _l("Coupon code"),
               "service": _l("In-store service")}
TASK_LABELS = {"check_in": _l("Daily check-in"), "profile": _l("Profile completed"),
               "birthday": _l("Birthday gift"),
               "referral_new": _l("Welcome: joined through a friend"),
               "referral_inviter": _l("A friend you invited made their first purchase")}
TAKEN_BACK_LABELS = {
    "referral_new": _l("Welcome points taken back: your purchase was refunded"),
    "referral_inviter": _l("Invite points taken back: your friend's purchase was refunded")}
ENTRY_LABELS = {"earn": _l("Earned"), "redeem": _l("Redeemed"), "return": _l("Returned"),
                "expire": _l("Expired"), "adjust": _l("Adjustment"), "clawback": _l("Deducted")}


def refusal_label(offer: Offer) -> str:
    """The short label of a disabled redeem button."""
    code = offer.refusal.code
    if code == "not_on_sale":
        return _("Coming soon") if offer.refusal.details.get("starts_at") else _("Not on sale")
    if code == "quota_reached":
        return _("Gone today") if offer.refusal.details.get("period") == "day" \
            else _("Gone this month")
    return str(REFUSAL_LABELS.get(code) or _("Unavailable"))


def card_words() -> dict[str, Markup]:
    """The words every item card says whatever its item, translated once for a page of cards
    (as a template's own `_()` gives them: marked safe)."""
    return {"pts": Markup(_("pts")), "redeem": Markup(_("Redeem"))}


def refusal_reason(offer: Offer) -> str:
    return describe(offer.refusal, offer.item)


def status_label(status: str, kind: str = "pickup") -> str:
    """An order's status in words; what "confirmed" means depends on the item's kind."""
    if status == "confirmed":
        return str(CONFIRMED_LABELS.get(kind) or _("Ready for pickup"))
    if status == "fulfilled" and kind == "coupon":
        return _("Code shown")
    return str(STATUS_LABELS.get(status, status))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def entry_label(entry) -> str:
    """What a ledger entry was, in words: the kind, then its detail."""
    if entry.kind == "clawback" and entry.detail == ledger.OWED:
        return _("Points owed from a refunded purchase")
    if entry.ref_type in ("purchase", "refund"):
        kind = _("Purchase") if entry.ref_type == "purchase" else _("Purchase refunded")
        return f"{kind} · {entry.detail}" if entry.detail else kind
    task = TASK_LABELS.get(entry.ref_type or "")
    if task is not None and entry.kind == "earn":
        return f"{_('Earned')} · {task}"
    taken_back = TAKEN_BACK_LABELS.get(entry.ref_type or "")
    if taken_back is not None and entry.kind == "clawback":
        return f"{_('Deducted')} · {taken_back}"
    kind = str(ENTRY_LABELS.get(entry.kind, entry.kind))
    return f"{kind} · {entry.detail}" if entry.detail else kind


def register(app) -> None:
    app.jinja_env.filters["entry_label"] = entry_label
    app.jinja_env.globals.update(describe=describe, refusal_label=refusal_label,
                                 refusal_reason=refusal_reason, status_label=status_label,
                                 kind_label=kind_label, entry_label=entry_label,
                                 card_words=card_words)
