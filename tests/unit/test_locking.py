"""The member lock as PostgreSQL receives it. That a second writer really waits, on both
databases, is shown in tests/integration/test_member_lock.py."""
from sqlalchemy.dialects import postgresql

from app.loyalty.transaction import member_lock


def test_postgresql_locks_only_the_member_row_not_the_joined_tier():
    sql = str(member_lock().compile(dialect=postgresql.dialect()))
    assert sql.rstrip().endswith("FOR UPDATE OF members")
