"""members.member_no: random 15-digit numbers with a Luhn check digit, required for everyone

Every member is given a new number ("88", twelve random digits, a Luhn check digit) in
place of "88" + their zero-padded id, which gave the membership away in sequence.
Downgrading gives back the old numbers, which follow from the ids.

Revision ID: 0010
Revises: 0009
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The form as of this revision, kept here so that the migration never changes with the app.
PREFIX, RANDOM_DIGITS = "88", 12


def _check_digit(payload: str) -> str:
    total = 0
    for position, digit in enumerate(reversed(payload)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def _new_number(taken: set[str]) -> str:
    while True:
        payload = PREFIX + "".join(secrets.choice("0123456789") for _ in range(RANDOM_DIGITS))
        number = payload + _check_digit(payload)
        if number not in taken:
            taken.add(number)
            return number


members = sa.table("members", sa.column("id", sa.Integer), sa.column("member_no", sa.String))


def _renumber(number_of) -> None:
    """Give every member `number_of(id)`, in one executemany."""
    bind = op.get_bind()
    ids = bind.execute(sa.select(members.c.id).order_by(members.c.id)).scalars().all()
    if ids:
        bind.execute(members.update().where(members.c.id == sa.bindparam("member_id"))
                     .values(member_no=sa.bindparam("number")),
                     [{"member_id": i, "number": number_of(i)} for i in ids])


def upgrade():
    # The new numbers are 15 digits and the old ones 10: no update meets the unique key.
    taken: set[str] = set()
    _renumber(lambda _member_id: _new_number(taken))
    with op.batch_alter_table("members") as batch_op:
        batch_op.alter_column("member_no", existing_type=sa.String(length=16), nullable=False)


def downgrade():
    with op.batch_alter_table("members") as batch_op:
        batch_op.alter_column("member_no", existing_type=sa.String(length=16), nullable=True)
    _renumber(lambda member_id: f"88{member_id:08d}")
