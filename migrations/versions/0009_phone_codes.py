"""phone_codes: SMS codes for joining, signing in and resetting a password;
sandbox_sms: the messages the sandbox sender kept for the development inbox

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "phone_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=128), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("wrong_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("phone_codes") as batch_op:
        batch_op.create_index("ix_phone_codes_phone_created", ["phone", "created_at"])
        batch_op.create_index("ix_phone_codes_address_created", ["address", "created_at"])
    op.create_table(
        "sandbox_sms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sandbox_sms") as batch_op:
        batch_op.create_index("ix_sandbox_sms_created_at", ["created_at"])


def downgrade():
    with op.batch_alter_table("sandbox_sms") as batch_op:
        batch_op.drop_index("ix_sandbox_sms_created_at")
    op.drop_table("sandbox_sms")
    with op.batch_alter_table("phone_codes") as batch_op:
        batch_op.drop_index("ix_phone_codes_address_created")
        batch_op.drop_index("ix_phone_codes_phone_created")
    op.drop_table("phone_codes")
