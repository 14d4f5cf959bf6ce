"""The email outbox sent to a real SMTP server (aiosmtpd) on a free local port."""
import email
import re
import threading
from datetime import date, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.loyalty import ledger
from app.loyalty.lots import end_of_local_day
from app.loyalty.models import ADJUST, OutboxEmail
from app.loyalty.program import running_program
from app.loyalty.transaction import lock_member, write_transaction
from app.notify import outbox
from app.notify.expiry import remind as send_due_reminders
from tests.conftest import utc
from tests.support import free_port

NOW = utc(2026, 11, 20, 2, 0)   # 10:00 on 20 November in Shanghai
MALL_URL = "https://mall.example.cn"


class Collector:
    """An SMTP handler that keeps what arrives, and refuses recipients named bounce@..."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app):
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, MALL_URL=MALL_URL,
                      MAIL_FROM="积分商城 <no-reply@mall.example.cn>")
    yield handler
    controller.stop()


@pytest.fixture
def refused(app):
    """Settings naming a port where nothing listens."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())


def queue(to: str = "li.na@example.cn", subject: str = "主题", created_at=NOW) -> int:
    row = OutboxEmail(to_address=to, subject=subject, body_text="正文", body_html="<p>正文</p>",
                      created_at=created_at)
    db.session.add(row)
    db.session.commit()
    return row.id


def row(email_id: int) -> OutboxEmail:
    db.session.rollback()
    return db.session.scalar(select(OutboxEmail).where(OutboxEmail.id == email_id)
                             .execution_options(populate_existing=True))


def remind(make_member, address: str, points: int, last_day: date) -> None:
    member = make_member()
    member.email = address
    db.session.commit()
    with write_transaction():
        ledger.credit(lock_member(member.id), points, kind=ADJUST, detail="test",
                      now=NOW - timedelta(days=90),
                      expires_at=end_of_local_day(last_day, running_program().tz))
    assert send_due_reminders(NOW) == 1


def parts(message) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content())


def test_a_reminder_arrives_by_smtp_with_the_figure_the_date_and_links_only_to_the_mall(
        smtp_server, make_member):
    remind(make_member, "li.na@example.cn", 1200, date(2026, 11, 30))

    assert outbox.send_pending(NOW) == 1

    [(recipients, message)] = smtp_server.messages
    assert recipients == ["li.na@example.cn"]
    assert message["To"] == "li.na@example.cn"
    assert message["From"] == "积分商城 <no-reply@mall.example.cn>"
    assert message["Subject"] == "1,200 积分将于 2026年11月30日 过期"
    text, html = parts(message)
    for body in (text, html):
        assert "1,200 积分将于 2026年11月30日 过期" in body
        links = re.findall(r"https?://[^\s\"'<>]+", body)
        assert f"{MALL_URL}/catalog?affordable=1" in links
        assert all(link.startswith(MALL_URL + "/") for link in links), links
    assert "<img" not in html
    sent = db.session.scalars(select(OutboxEmail)).one()
    assert sent.sent_at == NOW and sent.attempts == 1 and sent.last_error == ""


def test_a_sent_email_is_not_sent_again(smtp_server):
    queue()

    assert outbox.send_pending(NOW) == 1
    assert outbox.send_pending(NOW + timedelta(hours=1)) == 0

    assert len(smtp_server.messages) == 1


def test_two_senders_at_once_send_each_email_exactly_once(app, smtp_server):
    ids = [queue(to=f"member{n}@example.cn") for n in range(12)]
    sent, start = [], threading.Barrier(2)

    def sender():
        with app.app_context():
            start.wait()
            sent.append(outbox.send_pending(NOW))
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sum(sent) == 12
    delivered = sorted(r for recipients, _ in smtp_server.messages for r in recipients)
    assert delivered == sorted(f"member{n}@example.cn" for n in range(12))
    assert all(row(i).attempts == 1 and row(i).sent_at is not None for i in ids)


def test_a_refused_connection_leaves_the_email_unsent_with_one_attempt(refused):
    email_id = queue()

    assert outbox.send_pending(NOW) == 0

    failed = row(email_id)
    assert failed.sent_at is None and failed.attempts == 1
    assert "ConnectionRefusedError" in failed.last_error


def test_a_failed_email_waits_before_it_is_tried_again_and_is_given_up_after_five_attempts(
        refused):
    email_id = queue()
    outbox.send_pending(NOW)

    outbox.send_pending(NOW + timedelta(seconds=30))
    assert row(email_id).attempts == 1           # too soon to try again
    outbox.send_pending(NOW + timedelta(minutes=1))
    assert row(email_id).attempts == 2

    for later in (timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6),
                  timedelta(days=2), timedelta(days=30)):
        outbox.send_pending(NOW + later)
    assert row(email_id).attempts == outbox.MAX_ATTEMPTS
    assert row(email_id).sent_at is None


def test_an_email_that_failed_once_is_sent_when_the_server_is_back(app, refused, smtp_server):
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()       # down at first
    email_id = queue()
    outbox.send_pending(NOW)
    app.config["SMTP_PORT"] = port              # back up

    assert outbox.send_pending(NOW + timedelta(minutes=1)) == 1

    assert row(email_id).sent_at is not None and row(email_id).attempts == 2
    assert len(smtp_server.messages) == 1


def test_a_refused_recipient_fails_alone_and_the_others_are_sent(smtp_server):
    bounced = queue(to="bounce@example.cn")
    fine = queue(to="li.na@example.cn")

    assert outbox.send_pending(NOW) == 1

    assert row(bounced).sent_at is None and row(bounced).attempts == 1
    assert "550" in row(bounced).last_error
    assert row(fine).sent_at is not None
    assert [r for r, _ in smtp_server.messages] == [["li.na@example.cn"]]


@pytest.mark.parametrize("stored", ["li.na@example.cn,victim@example.org",
                                    "victim,li.na@example.cn", "<victim@example.org>",
                                    "Li Na <li.na@example.cn>, victim@example.org",
                                    "li.na@example.cn\r\nBcc: victim@example.org"])
def test_a_reminder_to_a_stored_address_that_is_not_one_mailbox_goes_to_nobody(
        smtp_server, make_member, stored):
    remind(make_member, stored, 1200, date(2026, 11, 30))
    good = queue("li.na@example.cn")

    assert outbox.send_pending(NOW) == 1
    assert outbox.send_pending(NOW + timedelta(days=1)) == 0

    assert [recipients for recipients, _ in smtp_server.messages] == [["li.na@example.cn"]]
    bad = db.session.scalars(select(OutboxEmail).where(OutboxEmail.id != good)).one()
    assert bad.sent_at is None and bad.attempts == outbox.MAX_ATTEMPTS
    assert "not a single email address" in bad.last_error


def test_the_error_kept_never_contains_the_smtp_password(app, refused):
    app.config.update(SMTP_USERNAME="mall", SMTP_PASSWORD="s3cret-pass")
    email_id = queue()

    outbox.send_pending(NOW)

    assert "s3cret-pass" not in row(email_id).last_error


def test_flask_notify_send_sends_the_outbox(app, smtp_server):
    queue(created_at=utc(2020, 1, 1))

    result = app.test_cli_runner().invoke(args=["notify", "send"])

    assert result.exit_code == 0, result.output
    assert "1 email(s) sent." in result.output
    assert len(smtp_server.messages) == 1


class Prober(Collector):
    """While the sender waits on the mail server, try to take the locks a member's
    redemption needs, without waiting for them."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.writes_possible = url, []

    async def handle_DATA(self, server, session, envelope):
        sqlite = self.url.startswith("sqlite")
        engine = create_engine(self.url, connect_args={"timeout": 0} if sqlite else {},
                               isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                if sqlite:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    connection.exec_driver_sql("BEGIN")
                    connection.exec_driver_sql("SELECT id FROM outbox_emails FOR UPDATE NOWAIT")
                connection.exec_driver_sql("ROLLBACK")
            self.writes_possible.append(True)
        except OperationalError:
            self.writes_possible.append(False)
        finally:
            engine.dispose()
        return await super().handle_DATA(server, session, envelope)


def test_no_database_lock_is_held_while_an_email_is_with_the_mail_server(app):
    handler = Prober(app.config["SQLALCHEMY_DATABASE_URI"])
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    try:
        email_id = queue()
        assert outbox.send_pending(NOW) == 1
    finally:
        controller.stop()

    assert handler.writes_possible == [True]
    assert row(email_id).sent_at is not None and row(email_id).claimed_at is None
