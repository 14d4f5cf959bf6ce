"""task_rewards.purchase_id: the purchase that paid a referral reward, so a refund of it
takes the reward back; tier_changes.since_before and review_before: what an upgrade replaced,
so undoing it after a refund gives the member their tier's dates back

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("task_rewards") as batch_op:
        batch_op.add_column(sa.Column("purchase_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_task_rewards_purchase", "purchases",
                                    ["purchase_id"], ["id"])
        batch_op.create_index("ix_task_rewards_purchase_id", ["purchase_id"], unique=False)
    with op.batch_alter_table("tier_changes") as batch_op:
        batch_op.add_column(sa.Column("since_before", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("review_before", sa.DateTime(), nullable=True))
    # Referral rewards given so far were paid by the new member's first purchase.
    op.execute("""
        UPDATE task_rewards SET purchase_id = (
            SELECT MIN(purchases.id) FROM purchases
            WHERE purchases.member_id = task_rewards.member_id)
        WHERE task = 'referral_new'""")
    op.execute("""
        UPDATE task_rewards SET purchase_id = (
            SELECT MIN(purchases.id) FROM purchases
            WHERE CAST(purchases.member_id AS VARCHAR(20)) = task_rewards.period)
        WHERE task = 'referral_inviter'""")


def downgrade():
    with op.batch_alter_table("tier_changes") as batch_op:
        batch_op.drop_column("review_before")
        batch_op.drop_column("since_before")
    with op.batch_alter_table("task_rewards") as batch_op:
        batch_op.drop_index("ix_task_rewards_purchase_id")
        batch_op.drop_constraint("fk_task_rewards_purchase", type_="foreignkey")
        batch_op.drop_column("purchase_id")
