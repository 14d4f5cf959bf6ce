"""Bad input: a JSON problem with the right status, every bad field named, nothing written."""
import json
from datetime import timedelta

import pytest

from app.loyalty.models import utcnow
from tests.integration.api_support import purchase_body, snapshot


def line(amount, category="coffee"):
    return [{"category": category, "amount_fen": amount}]


# (what changes in a good purchase body, the field the problem names)
BAD_PURCHASES = [
    ({"amount_fen": 0, "lines": line(0)}, "amount_fen"),
    ({"amount_fen": -100, "lines": line(-100)}, "amount_fen"),
    ({"amount_fen": 99.5}, "amount_fen"),
    ({"amount_fen": "100"}, "amount_fen"),
    ({"amount_fen": True, "lines": line(1)}, "amount_fen"),
    ({"amount_fen": 10_000_001, "lines": line(10_000_001)}, "amount_fen"),
    ({"amount_fen": 10**30, "lines": line(10**30)}, "amount_fen"),
    ({"amount_fen": None}, "amount_fen"),
    ({"reference": None}, "reference"),
    ({"reference": ""}, "reference"),
    ({"reference": "has space"}, "reference"),
    ({"reference": "x" * 65}, "reference"),
    ({"reference": "R-1\n"}, "reference"),                    # $ ends the text, no newline
    ({"reference": 12345}, "reference"),
    ({"lines": None}, "lines"),
    ({"lines": []}, "lines"),
    ({"lines": "coffee"}, "lines"),
    ({"lines": ["coffee"]}, "lines[0]"),
    ({"lines": line(9_999)}, "lines"),                        # lines don't add up
    ({"lines": line(5_000) + line(4_000)}, "lines"),
    ({"lines": [{"amount_fen": 10_000}]}, "lines[0].category"),
    ({"lines": [{"category": "co ffee", "amount_fen": 10_000}]}, "lines[0].category"),
    ({"lines": [{"category": "coffee", "amount_fen": 0}]}, "lines[0].amount_fen"),
    ({"lines": [{"category": "coffee", "amount_fen": 10_000, "quantity": 0}]},
     "lines[0].quantity"),
    ({"lines": [{"category": "coffee", "amount_fen": 10_000, "quantity": 1.5}]},
     "lines[0].quantity"),
    ({"occurred_at": None}, "occurred_at"),
    ({"occurred_at": "yesterday"}, "occurred_at"),
    ({"occurred_at": "2026-05-01T10:00:00"}, "occurred_at"),  # no offset
    ({"occurred_at": 1714557600}, "occurred_at"),
    ("future", "occurred_at"),
    ("too old", "occurred_at"),
    ("leap second", "occurred_at"),                           # 23:59:60 UTC: no datetime holds it
    ({"member_phone": None}, "member"),                       # neither phone nor number
    ("both members", "member"),
    ({"member_phone": "13000000000"}, "member_phone"),        # unknown member
    ({"member_phone": "not a phone"}, "member_phone"),
    ("unknown member_no", "member_no"),
    ({"member_phone": None, "member_no": "880000000000006"}, "member_no"),  # wrong check digit
    ({"member_phone": None, "member_no": "8800000001"}, "member_no"),  # the old sequential form
    ({"member_phone": None, "member_no": "770000000000007"}, "member_no"),  # another prefix
    ({"member_phone": None, "member_no": "８８0000000000005"}, "member_no"),  # full-width digits
    ({"member_phone": None, "member_no": 880000000000005}, "member_no"),  # a number, not text
    ({"member_phone": None, "member_no": ""}, "member_no"),
    ({"member_phone": None, "member_no": "880000000000005\n"}, "member_no"),
    ({"lines": [{"category": "coffee\n", "amount_fen": 10_000}]}, "lines[0].category"),
    ({"lines": [{"category": "coffee", "amount_fen": 10_000, "sku": ""}]}, "lines[0].sku"),
    ({"lines": [{"category": "coffee", "amount_fen": 10_000, "name": "n" * 121}]},
     "lines[0].name"),
]


@pytest.mark.parametrize("change, field", BAD_PURCHASES)
def test_a_bad_purchase_is_refused_with_the_field_named_and_nothing_written(till, make_member,
                                                                           change, field):
    member = make_member(points=10)
    body = purchase_body(member, amount_fen=10_000)
    if change == "future":
        body["occurred_at"] = (utcnow() + timedelta(minutes=10)).isoformat()
    elif change == "too old":
        body["occurred_at"] = (utcnow() - timedelta(days=31)).isoformat()
    elif change == "leap second":
        body["occurred_at"] = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT23:59:60Z")
    elif change == "both members":
        body["member_no"] = member.member_no
    elif change == "unknown member_no":
        del body["member_phone"]
        body["member_no"] = "880000000000005"  # well formed, nobody's
    else:
        body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    before = snapshot()

    response = till.post("/purchases", body)

    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"], response.get_json()
    assert snapshot() == before


@pytest.mark.parametrize("body, field", [
    ({"reference": "RF-1", "amount_fen": 0}, "amount_fen"),
    ({"reference": "RF-1", "amount_fen": -5}, "amount_fen"),
    ({"reference": "RF-1", "amount_fen": 1.5}, "amount_fen"),
    ({"reference": "RF-1", "amount_fen": False}, "amount_fen"),
    ({"reference": "RF-1"}, "amount_fen"),
    ({"amount_fen": 100}, "reference"),
    ({"reference": "bad ref", "amount_fen": 100}, "reference"),
])
def test_a_bad_refund_is_refused_with_the_field_named_and_nothing_written(till, make_member,
                                                                         body, field):
    member = make_member()
    till.post("/purchases", purchase_body(member, reference="P-1"))
    before = snapshot()

    response = till.post("/purchases/P-1/refunds", body)

    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert snapshot() == before


@pytest.mark.parametrize("body", [
    {"reference": "R-\u0000"},
    {"lines": [{"category": "coffee", "amount_fen": 10_000, "name": "a\u0000b"}]},
    {"note\u0000": 1},
    {"note": [{"deep": "\u0000"}]},
])
def test_a_nul_character_anywhere_in_the_body_is_refused_as_the_document_states(
        till, make_member, body):
    member = make_member()
    before = snapshot()

    response = till.post("/purchases", {**purchase_body(member), **body})

    assert response.status_code == 400
    assert snapshot() == before


@pytest.mark.parametrize("send, status", [
    ({"data": "amount_fen=100", "content_type": "application/x-www-form-urlencoded"}, 415),
    ({"data": "{}", "content_type": "text/plain"}, 415),
    ({"data": ""}, 415),
    ({"data": "{not json", "content_type": "application/json"}, 400),
    ({"data": "[1, 2]", "content_type": "application/json"}, 400),
    ({"data": "null", "content_type": "application/json"}, 400),
    ({"data": json.dumps({"reference": "x" * 70_000}), "content_type": "application/json"}, 413),
    ({"data": "[" * 50_000, "content_type": "application/json"}, 400),
    ({"data": "[" * 20_000 + "]" * 20_000, "content_type": "application/json"}, 400),
    ({"data": '{"a":' * 10_000 + "1" + "}" * 10_000, "content_type": "application/json"}, 400),
    ({"data": json.dumps({"lines": [[[[[[[[[1]]]]]]]]]}), "content_type": "application/json"},
     400),
])
def test_a_body_that_is_not_a_small_json_object_is_refused(till, make_member, send, status):
    make_member()
    before = snapshot()

    response = till.post("/purchases", **send)

    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == status
    assert snapshot() == before


def test_a_body_nested_within_the_limit_is_read_and_its_fields_checked(till, make_member):
    make_member()
    before = snapshot()

    response = till.post("/purchases", {"lines": [[[[[[1]]]]]]})

    assert response.status_code == 422 and "lines[0]" in response.get_json()["errors"]
    assert snapshot() == before


def test_brackets_inside_a_text_do_not_count_as_nesting(till, make_member):
    member = make_member()

    response = till.post("/purchases", purchase_body(member, reference="[" * 60))

    assert response.status_code == 422 and "reference" in response.get_json()["errors"]


def test_an_unknown_api_path_and_a_wrong_method_answer_json_problems(till):
    missing = till.get("/nothing-here")
    wrong = till.request("DELETE", "/purchases")

    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json"
    assert "POST" in wrong.headers["Allow"]


def test_the_mall_keeps_its_html_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
