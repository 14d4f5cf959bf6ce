"""The program's tables, one module per part of the domain."""
from .catalog import COUPON, PICKUP, SERVICE, Category, Item
from .ledger import (ADJUST, CLAWBACK, EARN, ENTRY_KINDS, EXPIRE, REDEEM, REFUND,
                     LedgerEntry, LotAllocation, PointLot)
from .members import Member, Tier
from .orders import (AWAITING_PAYMENT, CANCELLED, CONFIRMED, COUNTED_STATUSES, FULFILLED,
                     LAPSED, OPEN_STATUSES, Order)
from .types import UTCDateTime, utcnow

__all__ = [
    "ADJUST", "AWAITING_PAYMENT", "CANCELLED", "CLAWBACK", "CONFIRMED", "COUNTED_STATUSES",
    "COUPON", "Category", "EARN", "ENTRY_KINDS", "EXPIRE", "FULFILLED", "Item", "LAPSED",
    "LedgerEntry", "LotAllocation", "Member", "OPEN_STATUSES", "Order", "PICKUP", "PointLot",
    "REDEEM", "REFUND", "SERVICE", "Tier", "UTCDateTime", "utcnow",
]
