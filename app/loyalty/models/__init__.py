"""The program's tables, one module per part of the domain."""
from .adjustments import ADJUSTMENT_STATUSES, APPROVED, AWAITING, REJECTED, AdjustmentRequest
from .cash import CAPTURED, REFUNDED, REQUESTED, CashMovement
from .catalog import COUPON, DAY, MONTH, PICKUP, QUOTA_PERIODS, SERVICE, Category, Item
from .codes import CODE_PURPOSES, JOIN, RESET_PASSWORD, SIGN_IN, PhoneCode
from .cost import CostBudget, ItemPriceStep
from .earning import (
    CREDITED,
    PENDING,
    ApiKey,
    ApiRequest,
    Campaign,
    Purchase,
    PurchaseRefund,
    Store,
)
from .kiosks import CardToken, Kiosk
from .ledger import (
    ADJUST,
    CLAWBACK,
    EARN,
    ENTRY_KINDS,
    EXPIRE,
    REDEEM,
    RETURN,
    ExpiringPointsRow,
    LedgerDayTotal,
    LedgerEntry,
    LotAllocation,
    PointLot,
)
from .members import DOWNGRADE, KEPT, UNDONE, UPGRADE, Member, Tier, TierChange
from .notices import EMAIL, INBOX, Notice, OutboxEmail, Reminder
from .orders import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    COUNTED_STATUSES,
    FULFILLED,
    LAPSED,
    OPEN_STATUSES,
    Order,
)
from .reports import ReportMonth
from .risk import BlockEntry, RiskCase, RiskRule, RiskSignal
from .settings import ProgramSetting
from .staff import ADMIN, CLERK, ROLES, AuditEntry, Staff
from .stock import (
    CODE_MAX_LENGTH,
    CODES_ADDED,
    CORRECTION,
    OPENING,
    REDEMPTION,
    RESTOCK,
    RETURNED,
    STOCK_REASONS,
    CouponCode,
    StockMovement,
)
from .tasks import (
    BIRTHDAY,
    CHECK_IN,
    PROFILE,
    REFERRAL_INVITER,
    REFERRAL_NEW,
    CheckIn,
    TaskReward,
)
from .types import UTCDateTime, utcnow

__all__ = [
    "ADJUSTMENT_STATUSES", "APPROVED", "AWAITING", "REJECTED", "AdjustmentRequest",
    "ADMIN", "AuditEntry", "CLERK", "ROLES", "Staff",
    "ADJUST", "AWAITING_PAYMENT", "ApiKey", "ApiRequest", "BIRTHDAY", "CANCELLED", "CAPTURED",
    "CLAWBACK", "CODE_PURPOSES", "CashMovement", "JOIN", "PhoneCode", "REFUNDED", "REQUESTED",
    "RESET_PASSWORD", "SIGN_IN",
    "CHECK_IN", "CONFIRMED", "COUNTED_STATUSES", "COUPON", "CREDITED", "Campaign", "Category",
    "CheckIn",
    "DOWNGRADE", "EARN", "EMAIL", "ENTRY_KINDS", "EXPIRE", "ExpiringPointsRow", "FULFILLED",
    "INBOX", "Item", "KEPT",
    "LAPSED", "LedgerDayTotal", "LedgerEntry", "LotAllocation", "Member", "Notice",
    "OPEN_STATUSES", "Order",
    "OutboxEmail", "PENDING", "PICKUP", "PROFILE", "PointLot", "Purchase", "PurchaseRefund",
    "REDEEM", "REFERRAL_INVITER", "REFERRAL_NEW", "RETURN", "Reminder", "SERVICE", "Store",
    "TaskReward", "Tier", "TierChange", "UNDONE", "UPGRADE", "UTCDateTime", "utcnow",
    "CODE_MAX_LENGTH", "CODES_ADDED", "CORRECTION", "OPENING", "REDEMPTION", "RESTOCK",
    "RETURNED", "STOCK_REASONS", "CouponCode", "StockMovement",
    "ProgramSetting",
    "ReportMonth",
    "CardToken", "Kiosk",
    "BlockEntry", "RiskCase", "RiskRule", "RiskSignal",
    "CostBudget", "DAY", "ItemPriceStep", "MONTH", "QUOTA_PERIODS",
]
