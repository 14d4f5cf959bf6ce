"""Held purchase points: pending until available_at, not spendable, released once."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.loyalty import purchases, redemption
from app.loyalty.errors import InsufficientPoints
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import CREDITED, PENDING, LedgerEntry, Purchase, utcnow
from app.loyalty.transaction import write_transaction
from tests.conftest import sign_in
from tests.integration.api_support import count, purchase_body
from tests.integration.route_support import by_testid, english, text
from tests.support import balance


def pending(member_id: int) -> purchases.Pending:
    db.session.rollback()
    return purchases.pending_points(member_id)


@pytest.fixture
def hold(app):
    app.config["PURCHASE_HOLD_DAYS"] = 7
    return timedelta(days=7)


def test_held_points_are_pending_with_no_ledger_entry_and_cannot_be_spent(
        hold, till, make_member, make_item):
    member = make_member()
    item = make_item(points_price=100)
    made = utcnow() - timedelta(hours=1)

    response = till.post("/purchases", purchase_body(member, amount_fen=10_000,
                                                     occurred_at=made))

    body = response.get_json()
    assert response.status_code == 201 and body["status"] == "pending"
    assert body["points"] == 100 and body["balance"] == 0
    assert body["available_at"].startswith((made + hold).strftime("%Y-%m-%dT%H:%M"))
    assert count(LedgerEntry) == 0
    with pytest.raises(InsufficientPoints):
        redemption.redeem(member.id, item.id, "too-soon")
    held = pending(member.id)
    assert held.points == 100 and held.next_available_at == made + hold


def test_release_credits_due_purchases_once_however_often_it_runs(hold, till, make_member):
    member = make_member()
    made = utcnow() - timedelta(hours=3)
    first = till.post("/purchases", purchase_body(member, amount_fen=10_000, occurred_at=made))
    second = till.post("/purchases", purchase_body(member, amount_fen=5_000,
                                                   occurred_at=made + timedelta(hours=2)))
    assert first.status_code == second.status_code == 201

    assert purchases.release_pending(made + hold - timedelta(seconds=1)) == 0
    assert purchases.release_pending(made + hold + timedelta(minutes=1)) == 1
    assert purchases.release_pending(made + hold + timedelta(minutes=1)) == 0

    assert balance(member.id) == 100
    statuses = db.session.scalars(select(Purchase.status).order_by(Purchase.id)).all()
    assert statuses == [CREDITED, PENDING]
    assert pending(member.id).points == 50
    assert purchases.release_pending(made + hold + timedelta(hours=2)) == 1
    assert balance(member.id) == 150 and count(LedgerEntry) == 2
    assert check_ledger() == []


def test_the_release_command_credits_due_purchases_once(app, hold, till, make_member):
    member = make_member()
    assert till.post("/purchases", purchase_body(member, amount_fen=10_000)).status_code == 201
    with write_transaction():  # the hold is over
        db.session.execute(update(Purchase).values(available_at=utcnow() - timedelta(minutes=1)))
    runner = app.test_cli_runner()

    first = runner.invoke(args=["purchases", "release"])
    second = runner.invoke(args=["purchases", "release"])

    assert first.exit_code == 0 and "1 pending purchase(s) released." in first.output
    assert second.exit_code == 0 and "0 pending purchase(s) released." in second.output
    assert balance(member.id) == 100


def test_a_refund_while_pending_reduces_the_pending_points_without_a_ledger_entry(
        hold, till, make_member):
    member = make_member()
    made = utcnow() - timedelta(hours=1)
    till.post("/purchases", purchase_body(member, amount_fen=10_000, reference="P-1",
                                          occurred_at=made))

    response = till.post("/purchases/P-1/refunds", {"reference": "RF-1", "amount_fen": 2_500})

    body = response.get_json()
    assert body["points_clawed"] == 25 and body["points_owed"] == 0
    assert body["purchase"]["status"] == "pending"
    assert count(LedgerEntry) == 0
    assert pending(member.id).points == 75

    purchases.release_pending(made + hold)

    assert balance(member.id) == 75
    assert till.post("/purchases/P-1/refunds", {"reference": "RF-2", "amount_fen": 7_500}
                     ).get_json()["points_clawed"] == 75
    assert balance(member.id) == 0 and check_ledger() == []


def test_a_fully_refunded_pending_purchase_releases_nothing(hold, till, make_member):
    member = make_member()
    made = utcnow() - timedelta(hours=1)
    till.post("/purchases", purchase_body(member, amount_fen=10_000, reference="P-1",
                                          occurred_at=made))
    till.post("/purchases/P-1/refunds", {"reference": "RF-1", "amount_fen": 10_000})

    assert purchases.release_pending(made + hold) == 1
    assert count(LedgerEntry) == 0 and balance(member.id) == 0
    assert pending(member.id).points == 0


def test_a_members_next_purchase_releases_their_due_pending_points_first(app, hold, till,
                                                                        make_member):
    member = make_member()
    old = utcnow() - timedelta(days=8)
    till.post("/purchases", purchase_body(member, amount_fen=10_000, occurred_at=old))
    assert balance(member.id) == 100  # already due when recorded: credited at once

    app.config["PURCHASE_HOLD_DAYS"] = 1
    recent = utcnow() - timedelta(hours=23, minutes=59, seconds=50)
    till.post("/purchases", purchase_body(member, amount_fen=5_000, occurred_at=recent))
    assert pending(member.id).points == 50
    db.session.rollback()
    db.session.execute(db.update(Purchase).where(Purchase.status == PENDING)
                       .values(available_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    till.post("/purchases", purchase_body(member, amount_fen=100))

    assert balance(member.id) == 150
    assert pending(member.id).points == 1


def test_the_points_page_shows_pending_points_and_when_they_come_free(hold, till, make_member,
                                                                      client):
    member = make_member()
    till.post("/purchases", purchase_body(member, amount_fen=123_400))
    sign_in(client, member.phone)
    english(client)

    html = text(client.get("/points"))

    assert by_testid(html, "pending-points")[0].startswith("1,234 points pending, available from")
    assert 'data-testid="pending-points"' not in text(client.get("/points?page=2"))


def test_the_rules_page_says_bonuses_do_not_stack_and_how_long_points_are_held(hold, client):
    english(client)
    html = text(client.get("/rules"))
    assert "Bonuses do not stack" in by_testid(html, "bonus-rule")[0]
    assert "birthday month" in by_testid(html, "bonus-rule")[0]
    assert "become available 7 days after it" in html
    assert "never goes below zero" in html
