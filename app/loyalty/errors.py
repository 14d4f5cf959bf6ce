"""Domain errors: raised by the core before anything is changed, shown at the edge."""


class DomainError(Exception):
    """A request the program refuses. `status` is the HTTP status the edge answers with."""

    status = 409
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


class TierTooLow(DomainError):
    code = "tier_too_low"


class NotOnSale(DomainError):
    code = "not_on_sale"


class InvalidQuantity(DomainError):
    status = 422
    code = "invalid_quantity"


class NotCancellable(DomainError):
    code = "not_cancellable"


class NotCollectable(DomainError):
    """An order that is not paid for, or closed, has nothing to collect or show."""

    code = "not_collectable"


class PaymentRejected(DomainError):
    status = 400
    code = "payment_rejected"


class NotFound(DomainError):
    """An object that does not exist, or that belongs to someone else."""

    status = 404
    code = "not_found"
