"""risk control: risk_signals, risk_rules (seeded with the defaults), risk_cases and the
block list; held check-ins and task rewards have no ledger entry until a review posts it

A signal is one action (join, sign-in, check-in, task reward, redemption, purchase, referral
reward, refund) with its address, device cookie, store and till. Rules are data: each with
a threshold, a window and an action (flag, hold or block). A case is what a flag or hold
puts in the review queue.

Revision ID: 0023
Revises: 0022
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

MINUTE, DAY = 60, 24 * 3600
# code, threshold, window (seconds), action: the defaults (app/loyalty/risk/rules.py).
DEFAULT_RULES = [
    ("join_per_device", 3, DAY, "flag"),
    ("join_per_address", 10, DAY, "flag"),
    ("check_in_per_device", 3, DAY, "hold"),
    ("task_points_per_day", 600, DAY, "hold"),
    ("points_per_month", 50_000, 30 * DAY, "flag"),
    ("new_member_points", 5_000, 7 * DAY, "flag"),
    ("till_purchases_per_minute", 30, MINUTE, "hold"),
    ("purchase_amount", 5_000_000, MINUTE, "hold"),
    ("till_members_per_minute", 20, MINUTE, "flag"),
    ("referral_shared_device", 0, 30 * DAY, "hold"),
    ("referral_no_purchase", 3, 90 * DAY, "flag"),
    ("redemptions_per_day", 20, DAY, "flag"),
    ("item_new_accounts_per_device", 3, DAY, "flag"),
    ("refunds_after_spending", 2, 30 * DAY, "flag"),
]


def upgrade():
    op.create_table(
        "risk_signals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=True),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("device", sa.String(length=64), nullable=True),
        sa.Column("store_id", sa.Integer(), sa.ForeignKey("stores.id"), nullable=True),
        sa.Column("till", sa.String(length=40), nullable=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id"), nullable=True),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("other_member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_risk_signals_device", "risk_signals", ["device", "kind", "occurred_at"])
    op.create_index("ix_risk_signals_address", "risk_signals",
                    ["address", "kind", "occurred_at"])
    op.create_index("ix_risk_signals_member", "risk_signals",
                    ["member_id", "kind", "occurred_at"])
    op.create_index("ix_risk_signals_store", "risk_signals", ["store_id", "kind", "occurred_at"])
    op.create_index("ix_risk_signals_occurred_at", "risk_signals", ["occurred_at"])
    rules = op.create_table(
        "risk_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=40), nullable=False, unique=True),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("window_seconds", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("dry_run_only", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("threshold >= 0", name="risk_rule_threshold"),
        sa.CheckConstraint("window_seconds > 0", name="risk_rule_window"),
        sa.CheckConstraint("action IN ('flag', 'hold', 'block')", name="risk_rule_action"),
    )
    seeded = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(rules, [{"code": code, "threshold": threshold, "window_seconds": window,
                            "action": action, "enabled": True, "dry_run_only": False,
                            "updated_at": seeded}
                           for code, threshold, window, action in DEFAULT_RULES])
    op.create_table(
        "risk_cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule_code", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("credit_kind", sa.String(length=12), nullable=False),
        sa.Column("ref_type", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.String(length=64), nullable=False),
        sa.Column("purchase_id", sa.Integer(), sa.ForeignKey("purchases.id"), nullable=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("ledger_entries.id"), nullable=True),
        sa.Column("clawback_entry_id", sa.Integer(), sa.ForeignKey("ledger_entries.id"),
                  nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'approved', 'rejected')",
                           name="risk_case_status"),
        sa.CheckConstraint("action IN ('flag', 'hold')", name="risk_case_action"),
    )
    op.create_index("ix_risk_cases_status", "risk_cases", ["status", "created_at"])
    op.create_index("ix_risk_cases_member_id", "risk_cases", ["member_id"])
    op.create_table(
        "risk_blocks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("kind", "value", name="uq_risk_blocks_kind_value"),
        sa.CheckConstraint("kind IN ('phone', 'device', 'address')", name="risk_block_kind"),
    )
    # A held check-in or task reward has no ledger entry until a review posts it.
    for table in ("check_ins", "task_rewards"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("entry_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    for table in ("check_ins", "task_rewards"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("entry_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("risk_blocks")
    op.drop_index("ix_risk_cases_member_id", table_name="risk_cases")
    op.drop_index("ix_risk_cases_status", table_name="risk_cases")
    op.drop_table("risk_cases")
    op.drop_table("risk_rules")
    for name in ("occurred_at", "store", "member", "address", "device"):
        op.drop_index(f"ix_risk_signals_{name}", table_name="risk_signals")
    op.drop_table("risk_signals")
