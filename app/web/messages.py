"""Words for what the core reports: refusals, statuses and ledger entries."""
from flask_babel import format_datetime
from flask_babel import gettext as _

from app.loyalty.errors import DomainError
from app.loyalty.reads import Offer
from .i18n import localized


def describe(error: DomainError, item=None) -> str:
    """A domain error as a sentence a member understands."""
    d = error.details
    match error.code:
        case "insufficient_points":
            return _("Not enough points: you need %(short)s more.", short=f"{d['short']:,}")
        case "sold_out":
            return _("Sold out. Check back soon.")
        case "limit_reached":
            return _("You have reached the limit of %(limit)s per member.", limit=d["limit"])
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
        case "not_cancellable":
            return _("This order can no longer be cancelled.")
        case "not_collectable" if d.get("status") == "awaiting_payment":
            return _("Pay for this order first.")
        case "not_collectable":
            return _("There is nothing to collect for this order.")
        case "payment_rejected":
            return _("The payment notification was not accepted.")
        case _:
            return _("That could not be done.")


def refusal_label(offer: Offer) -> str:
    """The short label of a disabled redeem button."""
    labels = {"sold_out": _("Sold out"), "insufficient_points": _("Not enough points"),
              "limit_reached": _("Limit reached"),
              "not_on_sale": _("Coming soon") if offer.refusal.details.get("starts_at")
              else _("Not on sale"),
              "tier_too_low": _("Higher tier only")}
    return labels.get(offer.refusal.code, _("Unavailable"))


def refusal_reason(offer: Offer) -> str:
    return describe(offer.refusal, offer.item)


def status_label(status: str, kind: str = "pickup") -> str:
    """An order's status in words; what "confirmed" means depends on the item's kind."""
    if status == "confirmed":
        return {"coupon": _("Ready to use"), "service": _("Booked")}.get(
            kind, _("Ready for pickup"))
    if status == "fulfilled" and kind == "coupon":
        return _("Code shown")
    return {"awaiting_payment": _("Awaiting payment"),
            "fulfilled": _("Collected"), "cancelled": _("Cancelled"),
            "lapsed": _("Lapsed")}.get(status, status)


def kind_label(kind: str) -> str:
    return {"pickup": _("Collect in store"), "coupon": _("Coupon code"),
            "service": _("In-store service")}.get(kind, kind)


def entry_label(entry) -> str:
    """What a ledger entry was, in words: the kind, then its detail."""
    if entry.kind == "clawback" and entry.detail == "owed":
        return _("Points owed from a refunded purchase")
    if entry.ref_type in ("purchase", "refund"):
        kind = _("Purchase") if entry.ref_type == "purchase" else _("Purchase refunded")
        return f"{kind} · {entry.detail}" if entry.detail else kind
    task = {"check_in": _("Daily check-in"), "profile": _("Profile completed"),
            "birthday": _("Birthday gift"), "referral_new": _("Welcome: joined through a friend"),
            "referral_inviter": _("A friend you invited made their first purchase")
            }.get(entry.ref_type or "")
    if task and entry.kind == "earn":
        return f"{_('Earned')} · {task}"
    taken_back = {"referral_new": _("Welcome points taken back: your purchase was refunded"),
                  "referral_inviter": _("Invite points taken back: your friend's purchase "
                                        "was refunded")}.get(entry.ref_type or "")
    if taken_back and entry.kind == "clawback":
        return f"{_('Deducted')} · {taken_back}"
    kind = {"earn": _("Earned"), "redeem": _("Redeemed"), "refund": _("Returned"),
            "expire": _("Expired"), "adjust": _("Adjustment"),
            "clawback": _("Deducted")}.get(entry.kind, entry.kind)
    return f"{kind} · {entry.detail}" if entry.detail else kind


def register(app) -> None:
    app.jinja_env.globals.update(describe=describe, refusal_label=refusal_label,
                                 refusal_reason=refusal_reason, status_label=status_label,
                                 kind_label=kind_label, entry_label=entry_label)
