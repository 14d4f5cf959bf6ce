"""How a write transaction locks the member, on each database."""
from sqlalchemy.dialects import postgresql, sqlite

from app.loyalty.transaction import member_lock


def test_postgresql_locks_only_the_member_row_not_the_joined_tier():
    sql = str(member_lock(7).compile(dialect=postgresql.dialect()))
    assert sql.rstrip().endswith("FOR UPDATE OF members")


def test_sqlite_relies_on_begin_immediate_and_adds_no_row_lock():
    assert "FOR UPDATE" not in str(member_lock(7).compile(dialect=sqlite.dialect()))
