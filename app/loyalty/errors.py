"""Domain errors: raised by the core before anything is changed, shown at the edge."""


class DomainError(Exception):
    """A request the program refuses; `code` names which refusal, `details` what the words
    about it need. The edges give it words and a status (app/web/messages.py, app/api)."""

    code = "refused"

    def __init__(self, **details):
        super().__init__(self.code)
        self.details = details


class InsufficientPoints(DomainError):
    code = "insufficient_points"


class SoldOut(DomainError):
    code = "sold_out"


class LimitReached(DomainError):
    code = "limit_reached"


class QuotaReached(DomainError):
    """The item's quota for this day or month is gone: `period` ("day" or "month"),
    `quota`, and `resumes_at`, when the next period's begin."""

    code = "quota_reached"


class TierTooLow(DomainError):
    code = "tier_too_low"


class NotOnSale(DomainError):
    code = "not_on_sale"


class AccountFrozen(DomainError):
    """The member's account is frozen by staff: nothing may be redeemed or earned for now."""

    code = "account_frozen"


class InvalidQuantity(DomainError):
    code = "invalid_quantity"


class PriceChanged(DomainError):
    """The item's price is no longer the one the member was shown: they look again first.
    `points` and `cash_fen` are its price now."""

    code = "price_changed"


class NotCancellable(DomainError):
    code = "not_cancellable"


class NotCollectable(DomainError):
    """An order that is not paid for, or closed, has nothing to collect or show."""

    code = "not_collectable"


class PaymentRejected(DomainError):
    code = "payment_rejected"


class NotFound(DomainError):
    """An object that does not exist, or that belongs to someone else."""

    code = "not_found"


class InvalidItem(DomainError):
    """Staff's details of an item that the catalog refuses: `problems` maps each field to
    what is wrong with it (`field` is the first of them)."""

    code = "invalid_item"


class InvalidCodes(DomainError):
    """A batch of coupon codes refused as a whole: `problems` lists (line, problem, code)."""

    code = "invalid_codes"


class InvalidCatalogFile(DomainError):
    """A catalog CSV refused as a whole: `problems` lists (line, field, problem)."""

    code = "invalid_catalog_file"


class AlreadyHandedOver(DomainError):
    """An order handed over before: `at`, `by` (staff name) and `store` (name, or None)."""

    code = "already_handed_over"


class NotAwaitingPayment(DomainError):
    """Cash offered at the counter for an order that is not waiting for it (`status`)."""

    code = "not_awaiting_payment"


class ReasonRequired(DomainError):
    """Staff cancel an order only with a reason the member can read."""

    code = "reason_required"
