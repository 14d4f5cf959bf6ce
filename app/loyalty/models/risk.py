"""Risk control: the signals actions leave, the rules read over them, the cases they open
for review, and the block list."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from .types import UTCDateTime, utcnow

# What a signal records: the action a member (or a till, for them) took.
JOIN_SIGNAL, SIGN_IN_SIGNAL, CHECK_IN_SIGNAL = "join", "sign_in", "check_in"
REDEEM_SIGNAL, PURCHASE_SIGNAL, TASK_SIGNAL = "redeem", "purchase", "task"
REFERRAL_SIGNAL, REFUND_SIGNAL = "referral", "refund"
SIGNAL_KINDS = (JOIN_SIGNAL, SIGN_IN_SIGNAL, CHECK_IN_SIGNAL, REDEEM_SIGNAL, PURCHASE_SIGNAL,
                TASK_SIGNAL, REFERRAL_SIGNAL, REFUND_SIGNAL)

FLAG, HOLD, BLOCK = "flag", "hold", "block"
ACTIONS = (FLAG, HOLD, BLOCK)

OPEN, APPROVED, REJECTED = "open", "approved", "rejected"
CASE_STATUSES = (OPEN, APPROVED, REJECTED)

PHONE, DEVICE, ADDRESS = "phone", "device", "address"
BLOCK_KINDS = (PHONE, DEVICE, ADDRESS)


class RiskSignal(db.Model):
    """One action with where it came from: the address, our device cookie, the store and
    till, and what it was worth (points earned, amount spent, item redeemed)."""

    __tablename__ = "risk_signals"
    __table_args__ = (
        Index("ix_risk_signals_device", "device", "kind", "occurred_at"),
        Index("ix_risk_signals_address", "address", "kind", "occurred_at"),
        Index("ix_risk_signals_member", "member_id", "kind", "occurred_at"),
        Index("ix_risk_signals_store", "store_id", "kind", "occurred_at"),
        Index("ix_risk_signals_occurred_at", "occurred_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    address: Mapped[str | None] = mapped_column(String(45))
    device: Mapped[str | None] = mapped_column(String(64))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    till: Mapped[str | None] = mapped_column(String(40))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    amount_fen: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)
    # The member who invited this one (a referral reward's signal), for the ring rules.
    other_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskRule(db.Model):
    """A rule as administrators set it: more than `threshold` in `window_seconds` trips it,
    and `action` says what then happens. A dry-run-only rule is never acted on."""

    __tablename__ = "risk_rules"
    __table_args__ = (
        CheckConstraint("threshold >= 0", name="risk_rule_threshold"),
        CheckConstraint("window_seconds > 0", name="risk_rule_window"),
        CheckConstraint("action IN ('flag', 'hold', 'block')", name="risk_rule_action"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    threshold: Mapped[int]
    window_seconds: Mapped[int]
    action: Mapped[str] = mapped_column(String(8))
    enabled: Mapped[bool] = mapped_column(default=True)
    dry_run_only: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskCase(db.Model):
    """What a flag or hold puts in the review queue: the rule, the evidence, the member and
    the others involved. A hold carries the credit it keeps back (posted on approval); a
    flagged credit names its ledger entry (clawed back if rejected)."""

    __tablename__ = "risk_cases"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'approved', 'rejected')", name="risk_case_status"),
        CheckConstraint("action IN ('flag', 'hold')", name="risk_case_action"),
        Index("ix_risk_cases_status", "status", "created_at"),
        Index("ix_risk_cases_member_id", "member_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    rule_code: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default=OPEN)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    subject: Mapped[str] = mapped_column(String(60))
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    # The credit a hold keeps back, or a flag let through: points, the words the member
    # reads, the ledger kind and reference the credit is posted with.
    points: Mapped[int] = mapped_column(default=0)
    detail: Mapped[str] = mapped_column(String(200), default="")
    credit_kind: Mapped[str] = mapped_column(String(12), default="")
    ref_type: Mapped[str] = mapped_column(String(20), default="")
    ref_id: Mapped[str] = mapped_column(String(64), default="")
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchases.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    clawback_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BlockEntry(db.Model):
    """A phone, device or address on the block list, with the reason staff gave."""

    __tablename__ = "risk_blocks"
    __table_args__ = (
        UniqueConstraint("kind", "value", name="uq_risk_blocks_kind_value"),
        CheckConstraint("kind IN ('phone', 'device', 'address')", name="risk_block_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
