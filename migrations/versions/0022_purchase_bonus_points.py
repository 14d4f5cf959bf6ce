"""purchases.bonus_points: the points a purchase earned beyond what its lines earn without a
bonus, so the reports split purchase points from campaign points exactly

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("purchases") as batch_op:
        batch_op.add_column(sa.Column("bonus_points", sa.Integer(), nullable=False,
                                      server_default="0"))
    # Purchases made before: the best that can be known is the bonus worked back out of the
    # best multiplier that applied, as the reports did until now.
    purchases = sa.table("purchases", sa.column("points", sa.Integer),
                         sa.column("multiplier_pct", sa.Integer),
                         sa.column("bonus_points", sa.Integer))
    op.execute(purchases.update().where(purchases.c.multiplier_pct > 100).values(
        bonus_points=purchases.c.points
        - purchases.c.points * 100 // purchases.c.multiplier_pct))


def downgrade():
    # Dropped in place (SQLite 3.35+ and PostgreSQL): copying the purchases table, as a batch
    # would on SQLite, cannot drop it while refunds refer to its rows.
    op.drop_column("purchases", "bonus_points")
