"""Expiry reminders: tell members, ahead of time, which points expire when.

For a member's expiring points (live lots grouped by when they expire) a reminder goes out at
each lead time (running_program().reminder_days, local days before their last day), in the
inbox and, for members with an address, by email. A `reminders` row per expiring points,
lead time and channel makes it once only, even when two hosts run the job at the same moment.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from .lots import end_of_local_day, expiry_day
from .models import EMAIL, INBOX, Member, Notice, OutboxEmail, PointLot, Reminder, utcnow
from .program import running_program
from .transaction import write_transaction

EXPIRY = "expiry"     # the kind of notice a reminder writes
CHUNK = 200           # members per transaction


@dataclass(frozen=True)
class Due:
    """Expiring points with a reminder due: `points` expire at the end of local day `day`."""

    member_id: int
    expires_at: datetime
    day: date
    points: int
    days_before: int


@dataclass(frozen=True)
class Message:
    """A reminder in words: for the inbox (title, body, a path in the mall) and by email."""

    title: str
    body: str
    link: str
    subject: str
    text: str
    html: str


Compose = Callable[[Due, str], Message]  # (expiring points due, member's name) -> words


def nearest_lead(day: date, today: date, leads: tuple[int, ...]) -> int | None:
    """The nearest lead time that `today` has reached for points lasting through `day`;
    None if none has. Reached several at once, only the nearest one counts."""
    reached = [n for n in leads if today >= day - timedelta(days=n)]
    return min(reached) if reached else None


def send_due(now: datetime | None, compose: Compose) -> int:
    """Write every reminder now due, in the words `compose` gives (the edge's templates);
    returns how many expiring points were reminded."""
    now = now or utcnow()
    program = running_program()
    if not program.reminder_days:
        return 0
    today = now.astimezone(program.tz).date()
    horizon = end_of_local_day(today + timedelta(days=max(program.reminder_days)), program.tz)
    live = (PointLot.remaining > 0, PointLot.expires_at > now, PointLot.expires_at <= horizon)
    reminded, after = 0, 0
    while True:
        with write_transaction() as session:
            ids = session.scalars(
                select(PointLot.member_id).where(*live, PointLot.member_id > after)
                .group_by(PointLot.member_id).order_by(PointLot.member_id).limit(CHUNK)).all()
            if not ids:
                return reminded
            due = _due(ids, live, today, program)
            reminded += _write(due, now, compose)
        after = ids[-1]


def _due(member_ids: list[int], live: tuple, today: date, program) -> list[Due]:
    """The chunk's expiring points in the reminder window with a lead time reached, in one
    query."""
    rows = db.session.execute(
        select(PointLot.member_id, PointLot.expires_at, func.sum(PointLot.remaining))
        .where(*live, PointLot.member_id.in_(member_ids))
        .group_by(PointLot.member_id, PointLot.expires_at)
        .order_by(PointLot.member_id, PointLot.expires_at)).all()
    due = []
    for member_id, expires_at, points in rows:
        day = expiry_day(expires_at, program.tz)
        lead = nearest_lead(day, today, program.reminder_days)
        if lead is not None:
            due.append(Due(member_id, expires_at, day, int(points), lead))
    return due


def _write(due: list[Due], now: datetime, compose: Compose) -> int:
    """Claim the reminders not yet sent, then write their notices and emails."""
    if not due:
        return 0
    members = {m.id: m for m in db.session.execute(
        select(Member.id, Member.name, Member.email)
        .where(Member.id.in_({d.member_id for d in due}))).all()}
    wanted = []
    for d in due:
        channels = [INBOX] + ([EMAIL] if members[d.member_id].email else [])
        wanted += [{"member_id": d.member_id, "expires_at": d.expires_at,
                    "days_before": d.days_before, "channel": c, "points": d.points,
                    "created_at": now} for c in channels]
    claimed = _claim(wanted)
    notices, emails, reminded = [], [], set()
    for d in due:
        key = (d.member_id, d.expires_at, d.days_before)
        sent = {c for c in (INBOX, EMAIL) if (*key, c) in claimed}
        if not sent:
            continue
        member = members[d.member_id]
        words = compose(d, member.name)
        reminded.add(key)
        if INBOX in sent:
            notices.append({"member_id": d.member_id, "kind": EXPIRY, "title": words.title,
                            "body": words.body, "link": words.link, "created_at": now})
        if EMAIL in sent:
            emails.append({"member_id": d.member_id, "to_address": member.email,
                           "subject": words.subject, "body_text": words.text,
                           "body_html": words.html, "created_at": now})
    if notices:
        db.session.execute(Notice.__table__.insert(), notices)
    if emails:
        db.session.execute(OutboxEmail.__table__.insert(), emails)
    return len(reminded)


def _claim(rows: list[dict]) -> set[tuple]:
    """Insert reminder rows, skipping any already there (unique per expiring points,
    lead time and channel); the keys of those this transaction inserted."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Reminder.__table__
    stmt = (insert(table).values(rows).on_conflict_do_nothing()
            .returning(table.c.member_id, table.c.expires_at, table.c.days_before,
                       table.c.channel))
    return {tuple(r) for r in db.session.execute(stmt).all()}
