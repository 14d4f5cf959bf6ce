"""The audit log: written in the transaction of the action it records, refused any change
by the database itself, and read by administrators newest first with filters and pages."""
from datetime import timedelta

import pytest
import sqlalchemy.exc
from sqlalchemy import func, select, text

from app.extensions import db
from app.loyalty import audit_log
from app.loyalty.models import AuditEntry, utcnow
from app.loyalty.transaction import write_transaction


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def _rows(response) -> int:
    return response.get_data(as_text=True).count('data-testid="audit-row"')


def _write(entries) -> None:
    with write_transaction():
        for actor, action, at in entries:
            audit_log.record(actor, action, f"item {action}", "10.0.0.1",
                             before={"stock": 1}, after={"stock": 2}, now=at)


def test_an_entry_commits_with_the_action_it_records_and_rolls_back_with_it(app, make_staff):
    admin = make_staff("admin")
    start = _count()

    with pytest.raises(RuntimeError):
        with write_transaction():
            audit_log.record(admin, audit_log.ITEM_CHANGE, "item 12", "10.0.0.1")
            raise RuntimeError("the action failed")
    assert _count() == start

    with write_transaction():
        audit_log.record(admin, audit_log.ITEM_CHANGE, "item 12", "10.0.0.1",
                         before={"name": "杯"}, after={"name": "保温杯"})
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.actor_id, entry.action, entry.subject, entry.address) == (
        admin.id, "item_change", "item 12", "10.0.0.1")
    assert entry.after == {"name": "保温杯"} and entry.at.tzinfo is not None


def test_an_action_outside_the_vocabulary_is_refused(app, make_staff):
    with pytest.raises(ValueError):
        audit_log.record(make_staff("admin"), "delete_everything", "", "")
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'sign_out'",
    "UPDATE audit_log SET after = NULL WHERE id = :id",
    "DELETE FROM audit_log",
    "DELETE FROM audit_log WHERE id = :id"])
def test_the_database_refuses_to_change_or_delete_an_audit_entry(app, make_staff, statement):
    admin = make_staff("admin")
    _write([(admin, audit_log.SETTING_CHANGE, utcnow())])
    entry_id = db.session.scalar(select(func.max(AuditEntry.id)))
    before = db.session.execute(select(AuditEntry.__table__)).all()

    with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"):
        with write_transaction():
            db.session.execute(text(statement), {"id": entry_id})

    db.session.rollback()
    assert db.session.execute(select(AuditEntry.__table__)).all() == before


def test_administrators_see_the_log_newest_first(staff_client, make_staff):
    client = staff_client("admin")
    clerk = make_staff("clerk")
    now = utcnow()
    _write([(clerk, audit_log.HAND_OVER, now - timedelta(hours=2)),
            (clerk, audit_log.CANCEL, now - timedelta(hours=1))])

    html = client.get("/admin/audit").get_data(as_text=True)

    cancel, hand_over, sign_in = (html.index(f'data-action="{a}"')
                                  for a in ("cancel", "hand_over", "sign_in"))
    assert sign_in < cancel < hand_over
    assert clerk.username in html and "10.0.0.1" in html


def test_the_log_filters_by_staff_action_and_dates(staff_client, make_staff):
    client = staff_client("admin")
    clerk, other = make_staff("clerk"), make_staff("admin")
    now = utcnow()
    _write([(clerk, audit_log.HAND_OVER, now - timedelta(days=10)),
            (clerk, audit_log.HAND_OVER, now - timedelta(days=3)),
            (clerk, audit_log.CANCEL, now - timedelta(days=3)),
            (other, audit_log.HAND_OVER, now - timedelta(days=3))])
    day = lambda d: (now - timedelta(days=d)).astimezone(  # noqa: E731
        __import__("zoneinfo").ZoneInfo("Asia/Shanghai")).date().isoformat()

    assert _rows(client.get(f"/admin/audit?actor={clerk.id}")) == 3
    assert _rows(client.get("/admin/audit?action=hand_over")) == 3
    assert _rows(client.get(f"/admin/audit?actor={clerk.id}&action=hand_over"
                            f"&since={day(4)}&until={day(2)}")) == 1
    assert _rows(client.get(f"/admin/audit?until={day(5)}")) == 1
    assert _rows(client.get(f"/admin/audit?since={day(3)}&until={day(3)}")) == 3


def test_the_log_shows_fifty_entries_a_page_with_links_to_the_others(staff_client, make_staff):
    client = staff_client("admin")    # one sign_in entry of its own
    clerk = make_staff("clerk")
    now = utcnow()
    _write([(clerk, audit_log.STOCK_CHANGE, now - timedelta(minutes=n)) for n in range(1, 61)])

    first = client.get("/admin/audit")
    second = client.get("/admin/audit?page=2")
    beyond = client.get("/admin/audit?page=99")

    assert _rows(first) == 50 and 'data-testid="audit-older"' in first.get_data(as_text=True)
    assert _rows(second) == 11 and 'data-testid="audit-newer"' in second.get_data(as_text=True)
    assert _rows(beyond) == 11
    assert _rows(client.get("/admin/audit?page=2&action=stock_change")) == 10


@pytest.mark.parametrize("query", [
    "since=yesterday", "until=2026-02-30", "since=2026-03-05&until=2026-03-01",
    "action=drop_table", "actor=999999", "actor=abc", "page=0", "page=-1", "page=1e3",
    "page=" + "9" * 40, "since=" + "2" * 500, "action=%3Cscript%3E"])
def test_a_bad_filter_gets_a_message_and_no_entries(staff_client, query):
    client = staff_client("admin")

    response = client.get(f"/admin/audit?{query}")

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-testid="error-message"' in html and _rows(response) == 0
    assert "<script>" not in html


def test_the_console_offers_no_way_to_edit_or_delete_an_entry(app):
    console_writes = {str(rule) for rule in app.url_map.iter_rules()
                      if str(rule).startswith("/admin") and rule.methods & {"POST", "PUT",
                                                                             "PATCH", "DELETE"}}
    assert not any("audit" in rule for rule in console_writes)
