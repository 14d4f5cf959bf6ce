"""program settings set by staff in the console, over the configuration's

Rows are added, never changed: a setting's newest row is its value, and the highest id is
the version every process compares to know when to read the settings again.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "program_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.Integer(),
                  sa.ForeignKey("staff.id", name="fk_program_settings_changed_by"),
                  nullable=True),
    )
    op.create_index("ix_program_settings_name", "program_settings", ["name"])


def downgrade():
    op.drop_index("ix_program_settings_name", table_name="program_settings")
    op.drop_table("program_settings")
