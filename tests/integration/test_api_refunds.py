"""Refunds claw back points in proportion; what was already spent is owed, never negative."""
from sqlalchemy import select

from app.extensions import db
from app.loyalty import purchases, redemption
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import CLAWBACK, LedgerEntry, Member, PurchaseRefund, Store
from tests.conftest import fresh
from tests.integration.api_support import Api, count, new_store, purchase_body, snapshot
from tests.support import balance


def bought(till, member, amount_fen=10_000, reference="P-1"):
    response = till.post("/purchases", purchase_body(member, amount_fen=amount_fen,
                                                     reference=reference))
    assert response.status_code == 201
    return response.get_json()


def refund(till, amount_fen, reference="RF-1", purchase="P-1", **kwargs):
    return till.post(f"/purchases/{purchase}/refunds",
                     {"reference": reference, "amount_fen": amount_fen}, **kwargs)


def test_a_partial_refund_claws_back_its_share_of_the_points(till, make_member):
    member = make_member()
    bought(till, member, amount_fen=30_000)  # 300 points

    response = refund(till, 10_000)

    assert response.status_code == 201
    body = response.get_json()
    assert body["points_clawed"] == 100 and body["points_owed"] == 0
    assert body["purchase"]["refunded_fen"] == 10_000
    assert body["purchase"]["points_clawed"] == 100
    assert balance(member.id) == 200
    entry = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == CLAWBACK)).one()
    assert entry.points == -100 and entry.ref_type == "refund"
    assert check_ledger() == []


def test_partial_refunds_adding_up_to_the_purchase_claw_back_every_point(till, make_member):
    member = make_member()
    bought(till, member, amount_fen=1_000)  # 10 points

    clawed = [refund(till, 300, reference=f"RF-{n}").get_json()["points_clawed"]
              for n in range(3)]
    clawed.append(refund(till, 100, reference="RF-last").get_json()["points_clawed"])

    assert clawed == [3, 3, 3, 1] and balance(member.id) == 0
    assert check_ledger() == []


def test_a_refund_beyond_the_purchase_amount_is_refused_and_changes_nothing(till, make_member):
    member = make_member()
    bought(till, member, amount_fen=10_000)
    refund(till, 6_000, reference="RF-1")
    before = snapshot()

    response = refund(till, 4_001, reference="RF-2")

    assert response.status_code == 409
    assert response.get_json()["code"] == "refund_exceeds_purchase"
    assert "4000" in response.get_json()["detail"]
    assert snapshot() == before


def test_points_already_spent_are_owed_and_taken_from_the_next_purchase(till, make_member,
                                                                       make_item):
    member = make_member()
    item = make_item(points_price=400, stock=None)
    bought(till, member, amount_fen=50_000)  # 500 points
    redemption.redeem(member.id, item.id, "spend-it")  # 100 left

    response = refund(till, 50_000)

    body = response.get_json()
    assert body["points_clawed"] == 100 and body["points_owed"] == 400
    assert body["member_points_owed"] == 400
    assert balance(member.id) == 0
    assert check_ledger() == []

    bought(till, member, amount_fen=30_000, reference="P-2")  # 300 points, all owed

    assert balance(member.id) == 0
    assert fresh(db.session.get(Member, member.id)).points_owed == 100
    bought(till, member, amount_fen=25_000, reference="P-3")  # 250: 100 settle the rest
    assert balance(member.id) == 150
    assert fresh(db.session.get(Member, member.id)).points_owed == 0
    assert check_ledger() == []


def test_a_refund_retried_replays_and_its_reference_is_used_once(till, make_member):
    member = make_member()
    bought(till, member, amount_fen=10_000)

    first = refund(till, 5_000, idempotency="rf-key")
    replay = refund(till, 5_000, idempotency="rf-key")
    resent = refund(till, 5_000)

    assert first.status_code == replay.status_code == 201
    assert replay.get_json() == first.get_json()
    assert resent.status_code == 200 and resent.get_json()["id"] == first.get_json()["id"]
    assert count(PurchaseRefund) == 1 and balance(member.id) == 50


def test_refunding_an_unknown_or_another_stores_purchase_is_not_found(client, till,
                                                                      make_member):
    member = make_member()
    bought(till, member)
    _, other_key = new_store("HZ001", "杭州湖滨银泰店")
    before = snapshot()

    unknown = refund(till, 100, purchase="NOPE")
    theirs = Api(client, other_key).post("/purchases/P-1/refunds",
                                         {"reference": "RF-1", "amount_fen": 100})

    assert unknown.status_code == theirs.status_code == 404
    assert snapshot() == before


def test_the_history_names_the_refund_and_owed_points(app, till, make_member, make_item):
    from flask_babel import gettext

    from app.web.messages import entry_label

    member = make_member()
    item = make_item(points_price=450, stock=None)
    bought(till, member, amount_fen=50_000)
    redemption.redeem(member.id, item.id, "spend")
    refund(till, 50_000)
    bought(till, member, amount_fen=60_000, reference="P-2")

    db.session.rollback()
    with app.test_request_context():
        labels = [entry_label(e) for e in db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.kind == CLAWBACK).order_by(LedgerEntry.id))]
        assert labels == [f"{gettext('Purchase refunded')} · 上海南京西路店",
                          gettext("Points owed from a refunded purchase")]


def test_refund_service_totals_match_the_purchase(till, make_member):
    member = make_member()
    bought(till, member, amount_fen=9_999)
    for n, amount in enumerate([1, 3_333, 3_333, 3_332]):
        refund(till, amount, reference=f"R{n}")
    db.session.rollback()
    purchase = purchases.find(db.session.scalar(select(Store.id)), "P-1")
    assert purchase.refunded_fen == 9_999 and purchase.points_clawed == purchase.points == 99
    assert sum(r.points_clawed + r.points_owed for r in db.session.scalars(
        select(PurchaseRefund))) == 99


def test_points_returned_by_a_cancelled_order_first_settle_points_owed(till, make_member,
                                                                       make_item):
    item = make_item(points_price=400, stock=None)
    member = make_member()
    bought(till, member, amount_fen=50_000)  # 500 points
    order = redemption.redeem(member.id, item.id, "spend-it")  # 100 left
    refund(till, 50_000)  # 100 clawed, 400 owed
    assert balance(member.id) == 0

    redemption.cancel(member.id, order.code)

    assert balance(member.id) == 0
    assert fresh(db.session.get(Member, member.id)).points_owed == 0
    owed = db.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == CLAWBACK)
                              .order_by(LedgerEntry.id.desc()).limit(1)).one()
    assert (owed.points, owed.detail) == (-400, "owed")
    assert check_ledger() == []


def test_points_returned_by_a_lapsed_unpaid_order_settle_only_what_is_owed(
        till, make_member, make_item):
    from datetime import timedelta

    from app.loyalty.models import utcnow

    item = make_item(points_price=300, cash_fen=990, stock=None)
    member = make_member()
    bought(till, member, amount_fen=50_000)  # 500 points
    redemption.redeem(member.id, item.id, "hold-it")  # 200 left, awaiting payment
    refund(till, 30_000)  # 300 clawed: 200 taken, 100 owed

    assert redemption.lapse_unpaid(now=utcnow() + timedelta(hours=1)) == 1

    assert balance(member.id) == 200
    assert fresh(db.session.get(Member, member.id)).points_owed == 0
    assert check_ledger() == []
