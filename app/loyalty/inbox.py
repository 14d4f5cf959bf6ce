"""The member's inbox: notices to read, and marking them read."""
from datetime import datetime

from sqlalchemy import Row, bindparam, select, update

from app.extensions import db
from .errors import NotFound
from .models import Notice, utcnow
from .statements import built_once, page_values, read
from .transaction import write_transaction

PAGE = 50


@built_once
def _page():
    # The notices' columns from the table: a page of rows to show needs no notice objects.
    table = Notice.__table__
    return (select(table).where(table.c.member_id == bindparam("member_id"))
            .order_by(table.c.id.desc()).limit(bindparam("size")).offset(bindparam("skip")))


def notices(member_id: int, page: int = 1, per_page: int = PAGE) -> tuple[list[Row], bool]:
    """A page of a member's notices (their columns), newest first, and whether an older page
    follows."""
    rows = read(_page(), page_values(member_id, page, per_page)).all()
    return list(rows[:per_page]), len(rows) > per_page


def notice(member_id: int, notice_id: int) -> Notice | None:
    """A member's own notice; someone else's is as good as missing."""
    return db.session.scalar(select(Notice).where(Notice.id == notice_id,
                                                  Notice.member_id == member_id))


def mark_read(member_id: int, notice_id: int, now: datetime | None = None) -> Notice:
    """Mark one of the member's notices read (reading it twice changes nothing)."""
    now = now or utcnow()
    with write_transaction():
        found = notice(member_id, notice_id)
        if found is None:
            raise NotFound(notice_id=notice_id)
        if found.read_at is None:
            found.read_at = now
        return found


def mark_all_read(member_id: int, now: datetime | None = None) -> int:
    """Mark every unread notice of the member read; returns how many."""
    now = now or utcnow()
    with write_transaction():
        return db.session.execute(
            update(Notice).where(Notice.member_id == member_id, Notice.read_at.is_(None))
            .values(read_at=now)).rowcount
