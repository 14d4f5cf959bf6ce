"""The audit log: one row per staff action, written in the transaction of the action itself.

A service that does something on behalf of staff calls `record(...)` inside its own
`write_transaction()`: the row commits or rolls back with the change it describes.
Rows are never changed or removed; the database refuses it (migration 0012).
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from .models import AuditEntry, Staff, utcnow

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_OUT = "sign_out"
TWO_STEP_ENROLLED = "two_step_enrolled"
ADJUSTMENT = "adjustment"
APPROVAL = "approval"
REJECTION = "rejection"
SETTING_CHANGE = "setting_change"
ITEM_CHANGE = "item_change"
STOCK_CHANGE = "stock_change"
CODE_POOL_UPLOAD = "code_pool_upload"
HAND_OVER = "hand_over"
CANCEL = "cancel"
FREEZE = "freeze"
UNFREEZE = "unfreeze"
PHONE_SHOWN = "phone_shown"
CAMPAIGN_CHANGE = "campaign_change"
STORE_CHANGE = "store_change"
TILL_KEY_ISSUED = "till_key_issued"
TILL_KEY_REVOKED = "till_key_revoked"
CASH_TAKEN = "cash_taken"
KIOSK_CREATED = "kiosk_created"
KIOSK_CODE_ISSUED = "kiosk_code_issued"
KIOSK_REVOKED = "kiosk_revoked"
MEMBER_FOUND_BY_CARD = "member_found_by_card"
RISK_APPROVAL = "risk_approval"
RISK_REJECTION = "risk_rejection"
RISK_RULE_CHANGE = "risk_rule_change"
BLOCK_ADDED = "block_added"
BLOCK_REMOVED = "block_removed"
PRICE_STEP_ADDED = "price_step_added"
PRICE_STEP_REMOVED = "price_step_removed"
BUDGET_SET = "budget_set"

ACTIONS = (SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, TWO_STEP_ENROLLED, ADJUSTMENT, APPROVAL,
           REJECTION, SETTING_CHANGE, ITEM_CHANGE, STOCK_CHANGE, CODE_POOL_UPLOAD, HAND_OVER,
           CANCEL, FREEZE, UNFREEZE, PHONE_SHOWN, CAMPAIGN_CHANGE, STORE_CHANGE, TILL_KEY_ISSUED,
           TILL_KEY_REVOKED, CASH_TAKEN, KIOSK_CREATED, KIOSK_CODE_ISSUED, KIOSK_REVOKED,
           MEMBER_FOUND_BY_CARD, RISK_APPROVAL, RISK_REJECTION, RISK_RULE_CHANGE, BLOCK_ADDED,
           BLOCK_REMOVED, PRICE_STEP_ADDED, PRICE_STEP_REMOVED, BUDGET_SET)
PAGE_SIZE = 50


def record(actor: Staff | int | None, action: str, subject: str = "", address: str = "",
           before: dict | None = None, after: dict | None = None,
           now: datetime | None = None) -> AuditEntry:
    """Add one entry to the caller's open write transaction (it commits with the action)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    actor_id = actor.id if isinstance(actor, Staff) else actor
    entry = AuditEntry(at=now or utcnow(), actor_id=actor_id, action=action,
                       subject=subject[:200], address=(address or "")[:64],
                       before=before, after=after)
    db.session.add(entry)
    return entry


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    number: int
    pages: int
    total: int


def search(actor_id: int | None = None, action: str | None = None,
           since: datetime | None = None, until: datetime | None = None,
           page: int = 1, size: int = PAGE_SIZE) -> Page:
    """Entries newest first, filtered by actor, action and an [since, until) time range."""
    query = select(AuditEntry)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // size))
    number = min(max(page, 1), pages)
    entries = db.session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                 .limit(size).offset((number - 1) * size)).all()
    return Page(list(entries), number, pages, total)
