"""kiosks (enrolled store touch screens) and the member card's sign-in tokens

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("store_id", sa.Integer(), sa.ForeignKey("stores.id", name="fk_kiosks_store"),
                  nullable=False),
        sa.Column("enrol_code_hash", sa.String(64), nullable=True),
        sa.Column("enrol_code_expires_at", sa.DateTime(), nullable=True),
        sa.Column("credential_hash", sa.String(64), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("enrol_code_hash", name="uq_kiosks_enrol_code_hash"),
    )
    op.create_index("ix_kiosks_store_id", "kiosks", ["store_id"])
    op.create_table(
        "card_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Integer(),
                  sa.ForeignKey("members.id", name="fk_card_tokens_member"), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("kiosk_id", sa.Integer(),
                  sa.ForeignKey("kiosks.id", name="fk_card_tokens_kiosk"), nullable=True),
    )
    op.create_index("ix_card_tokens_member_id", "card_tokens", ["member_id"])
    op.create_index("ix_card_tokens_code_hash", "card_tokens", ["code_hash"])
    op.create_index("ix_card_tokens_expires_at", "card_tokens", ["expires_at"])


def downgrade():
    op.drop_index("ix_card_tokens_expires_at", table_name="card_tokens")
    op.drop_index("ix_card_tokens_code_hash", table_name="card_tokens")
    op.drop_index("ix_card_tokens_member_id", table_name="card_tokens")
    op.drop_table("card_tokens")
    op.drop_index("ix_kiosks_store_id", table_name="kiosks")
    op.drop_table("kiosks")
