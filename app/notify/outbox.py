"""Sending the email outbox over SMTP.

Each row is claimed in a short write transaction (PostgreSQL: SELECT ... FOR UPDATE SKIP
LOCKED, so a second sender passes it by; SQLite: BEGIN IMMEDIATE makes senders take turns
and the second finds it claimed), sent over a connection opened beforehand with no
transaction open — a slow mail server must not hold up members' redemptions — and the
outcome recorded in a second short transaction. A failure counts an attempt and keeps the
error; the row is tried again after a growing pause, and given up after MAX_ATTEMPTS. A
sender that dies holding a claim lets it go after CLAIM_LEASE; the email then goes again,
with the same Message-ID so that a mail system can drop the duplicate.
"""
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import partial

from flask import current_app
from sqlalchemy import and_, or_, select

from app.extensions import db
from app.loyalty.models import OutboxEmail, utcnow
from app.loyalty.transaction import write_transaction

log = logging.getLogger(__name__)

# Pause after a row was written before each attempt: at once, then 1 minute, 10 minutes,
# an hour and six hours after it was written. After the last one the row is given up.
BACKOFF = (timedelta(0), timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1),
           timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF)
CLAIM_LEASE = timedelta(minutes=15)  # far longer than one send may take (SMTP_TIMEOUT)
BATCH = 100
SENT, FAILED, SKIPPED = "sent", "failed", "skipped"


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: int = 10
    sender: str = "Points Mall <no-reply@localhost>"

    @classmethod
    def from_config(cls, c) -> "SmtpSettings":
        return cls(host=c["SMTP_HOST"], port=c["SMTP_PORT"], username=c["SMTP_USERNAME"],
                   password=c["SMTP_PASSWORD"], starttls=c["SMTP_STARTTLS"],
                   timeout=c["SMTP_TIMEOUT"], sender=c["MAIL_FROM"])


def send_pending(now: datetime | None = None, limit: int = BATCH,
                 settings: SmtpSettings | None = None) -> int:
    """Send the unsent emails that are due; returns how many were sent."""
    now = now or utcnow()
    settings = settings or SmtpSettings.from_config(current_app.config)
    due = db.session.scalars(select(OutboxEmail.id).where(_due(now))
                             .order_by(OutboxEmail.id).limit(limit)).all()
    db.session.rollback()
    if not due:
        return 0
    try:
        smtp = connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("SMTP server %s:%s unavailable: %s", settings.host, settings.port, error)
        for email_id in due:
            _attempt(email_id, now, lambda row: _failed(row, error))
        return 0
    sent = 0
    with smtp:
        for email_id in due:
            claimed = _claim(email_id, now, settings.sender)
            if claimed is None:
                continue
            error = _send(smtp, claimed)
            outcome = _attempt(email_id, now, partial(_record, error=error, now=now),
                               claimed=True)
            sent += outcome == SENT
            if _connection_lost(error):
                break  # the rest wait for the next run
    return sent


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An SMTP connection, upgraded to TLS and signed in if the settings say so."""
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


class BadRecipient(ValueError):
    """The stored address is not exactly one mailbox: the email goes to no one."""


def recipient(address: str) -> Address:
    """The one mailbox an address names; BadRecipient for anything else (a list, a display
    name, angle brackets, a line break), so no stored text can add recipients."""
    try:
        return Address(addr_spec=address)
    except (ValueError, IndexError, HeaderParseError) as error:
        raise BadRecipient(f"not a single email address: {error}") from None


def message(row: OutboxEmail, sender: str) -> EmailMessage:
    """The email for an outbox row: plain text, with the HTML as an alternative.
    BadRecipient when its address is not exactly one mailbox."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = recipient(row.to_address)
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(row.created_at)
    # The same id on every attempt, so a mail system can drop a duplicate delivery.
    msg["Message-ID"] = f"<outbox-{row.id}.{int(row.created_at.timestamp())}@{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.body_text)
    if row.body_html:
        msg.add_alternative(row.body_html, subtype="html")
    return msg


def _due(now: datetime):
    """Unsent rows, not given up or in another sender's hands, whose pause before the next
    attempt is over."""
    waited = [and_(OutboxEmail.attempts == n, OutboxEmail.created_at <= now - pause)
              for n, pause in enumerate(BACKOFF)]
    free = or_(OutboxEmail.claimed_at.is_(None), OutboxEmail.claimed_at <= now - CLAIM_LEASE)
    return and_(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < MAX_ATTEMPTS, free,
                or_(*waited))


def _claim(email_id: int, now: datetime, sender: str) -> EmailMessage | None:
    """Take the row for this sender if it is still due; the email to send, or None."""
    with write_transaction() as session:
        row = session.scalar(select(OutboxEmail).where(OutboxEmail.id == email_id, _due(now))
                             .with_for_update(skip_locked=True))
        if row is None:  # sent, given up, or in another sender's hands
            return None
        try:
            email = message(row, sender)
        except BadRecipient as error:  # no retry can make it a good address
            row.attempts = MAX_ATTEMPTS
            _failed(row, error)
            return None
        row.claimed_at = now
        return email


def _attempt(email_id: int, now: datetime, act, claimed: bool = False) -> str:
    """Count an attempt on one row (still due, or claimed by this sender) and commit what
    `act` made of it."""
    with write_transaction() as session:
        which = OutboxEmail.claimed_at == now if claimed else _due(now)
        row = session.scalar(select(OutboxEmail).where(OutboxEmail.id == email_id, which)
                             .with_for_update(skip_locked=True))
        if row is None:
            return SKIPPED
        row.attempts += 1
        row.claimed_at = None
        return act(row)


def _send(smtp: smtplib.SMTP, email: EmailMessage) -> Exception | None:
    """Hand one email to the server; the error, if it was refused or the line dropped."""
    try:
        smtp.send_message(email)
    except OSError as error:  # SMTPException is an OSError too
        return error
    return None


def _connection_lost(error: Exception | None) -> bool:
    """Whether the connection itself failed, not just the server refusing this one email."""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _record(row: OutboxEmail, error: Exception | None, now: datetime) -> str:
    if error is not None:
        return _failed(row, error)
    row.sent_at = now
    row.last_error = ""
    return SENT


def _failed(row: OutboxEmail, error: Exception) -> str:
    row.last_error = f"{type(error).__name__}: {error}"[:300]
    if row.attempts >= MAX_ATTEMPTS:
        log.error("Gave up on email %s to %s after %s attempts: %s", row.id, row.to_address,
                  row.attempts, row.last_error)
    return FAILED
