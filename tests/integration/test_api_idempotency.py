"""Retries earn once: the Idempotency-Key replays the first answer, a known purchase reference
answers with the purchase as first recorded, and racing retries serialize."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import ApiRequest, LedgerEntry, Purchase
from tests.integration.api_support import count, purchase_body, snapshot
from tests.support import balance, race


def test_a_retry_with_the_same_key_and_body_replays_the_first_answer_and_earns_once(
        till, make_member):
    member = make_member()
    body = purchase_body(member, amount_fen=10_000)

    first = till.post("/purchases", body, idempotency="till-7-0001")
    again = till.post("/purchases", body, idempotency="till-7-0001")

    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(LedgerEntry) == 1 and count(Purchase) == 1 and balance(member.id) == 100


def test_the_replay_does_not_depend_on_the_order_of_the_json_keys(till, make_member):
    member = make_member()
    body = purchase_body(member)
    reordered = dict(reversed(list(body.items())))

    first = till.post("/purchases", body, idempotency="k1")
    again = till.post("/purchases", reordered, idempotency="k1")

    assert again.status_code == 201 and again.get_json() == first.get_json()


def test_the_same_key_with_a_different_body_is_refused_and_changes_nothing(till, make_member):
    member = make_member()
    till.post("/purchases", purchase_body(member, reference="A1"), idempotency="k1")
    before = snapshot()

    response = till.post("/purchases", purchase_body(member, reference="A2"), idempotency="k1")

    assert response.status_code == 422
    assert response.get_json()["code"] == "idempotency_key_reused"
    assert snapshot() == before


def test_the_same_reference_with_a_new_key_earns_once_and_answers_with_the_first_purchase(
        till, make_member):
    member = make_member()
    body = purchase_body(member, amount_fen=10_000, reference="R-42")

    first = till.post("/purchases", body)
    again = till.post("/purchases", body)
    changed = till.post("/purchases", {**body, "amount_fen": 20_000,
                                       "lines": [{"category": "coffee", "amount_fen": 20_000}]})

    assert first.status_code == 201
    assert again.status_code == changed.status_code == 200
    assert again.get_json()["id"] == changed.get_json()["id"] == first.get_json()["id"]
    assert changed.get_json()["amount_fen"] == 10_000
    assert count(LedgerEntry) == 1 and balance(member.id) == 100


def test_the_same_key_may_be_used_by_two_stores(client, till, make_member):
    from tests.integration.api_support import Api, new_store

    _, other_key = new_store("HZ001", "杭州湖滨银泰店")
    member = make_member()

    one = till.post("/purchases", purchase_body(member), idempotency="shared")
    two = Api(client, other_key).post("/purchases", purchase_body(member), idempotency="shared")

    assert one.status_code == two.status_code == 201 and count(ApiRequest) == 2


def test_a_refused_request_keeps_no_answer_so_the_key_works_once_the_cause_is_fixed(
        till, make_member):
    member = make_member()
    body = purchase_body(member, member_phone="13000000000")

    refused = till.post("/purchases", body, idempotency="k9")
    assert refused.status_code == 422 and count(ApiRequest) == 0
    fixed = till.post("/purchases", {**body, "member_phone": member.phone}, idempotency="k9")

    assert fixed.status_code == 201


@pytest.mark.parametrize("key", [None, "", "x" * 65, "has space", "tab\tkey", "非ASCII"])
def test_a_post_without_a_good_idempotency_key_is_refused_and_changes_nothing(
        till, make_member, key):
    member = make_member()
    before = snapshot()

    response = till.post("/purchases", purchase_body(member), idempotency=None,
                         headers={} if key is None else {"Idempotency-Key": key})

    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["errors"]
    assert snapshot() == before


def test_eight_retries_racing_with_the_same_key_record_one_purchase_and_answer_alike(
        app, till, make_member):
    member = make_member()
    body = purchase_body(member, amount_fen=10_000)

    def post():
        response = till.post("/purchases", body, idempotency="racing-key")
        return response.status_code, response.get_json()

    results = race([post] * 8, app)

    assert all(not isinstance(r, Exception) for r in results), results
    assert {r[0] for r in results} == {201}
    assert all(r[1] == results[0][1] for r in results)
    assert count(Purchase) == 1 and count(ApiRequest) == 1
    assert count(LedgerEntry) == 1 and balance(member.id) == 100
    assert check_ledger() == []


def test_eight_resends_racing_with_new_keys_for_one_reference_earn_once(app, till, make_member):
    member = make_member()
    body = purchase_body(member, amount_fen=10_000, reference="RACE-1")

    def post():
        response = till.post("/purchases", body)
        return response.status_code, response.get_json()

    results = race([post] * 8, app)

    assert sorted(r[0] for r in results) == [200] * 7 + [201]
    assert len({r[1]["id"] for r in results}) == 1
    assert count(Purchase) == 1 and balance(member.id) == 100
    entries = db.session.scalars(select(LedgerEntry)).all()
    assert [e.points for e in entries] == [100]
