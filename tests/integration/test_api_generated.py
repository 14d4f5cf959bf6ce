"""Requests generated from the OpenAPI document (schemathesis): every request the document
allows is answered as the document says, never with a server error, and is refused only for
a reason the document states.

Each operation gets requests in two kinds, drawn by hypothesis:
- as generated: the only refusals allowed are those for the rules stated beyond JSON Schema
  (`x-` keywords: the fields they name) and for what the document says may not exist
  (an unknown member, a purchase this store never reported, a refund over the purchase);
- made to keep the `x-` rules and to name a member and a purchase that exist: then
  schemathesis' own positive-data check must pass too.
"""
import contextvars
import uuid
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.loyalty.models import utcnow
from tests.integration.api_support import DOC, PREFIX, purchase_body

SCHEMA = schemathesis.openapi.from_dict(DOC)
OPERATIONS = [(path, method) for path, item in DOC["paths"].items() for method in item]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
EXAMPLES = 25


def stated_rule_fields(document: dict) -> set[str]:
    """The fields the document's x- rules are reported under."""
    schemas = document["components"]["schemas"]
    fields = set()
    for schema in schemas.values():
        if "x-sum" in schema:
            fields.add(schema["x-sum"]["of"])
        for prop, rule in schema.get("properties", {}).items():
            target = schemas.get(rule.get("$ref", "").rsplit("/", 1)[-1], {})
            if any(key.startswith("x-") for key in {**rule, **target}):
                fields.add(prop)
    fields.update(p["name"] for item in document["paths"].values() for op in item.values()
                  for p in op.get("parameters", []) if "x-check-digit" in
                  schemas.get(p.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1], {}))
    return fields


STATED = stated_rule_fields(DOC)


def test_the_rules_beyond_json_schema_are_stated_on_the_fields_they_name():
    assert STATED == {"lines", "occurred_at", "member_no"}


def keep_the_rules(case, member, purchase_reference: str) -> None:
    """The case, changed only where the x- rules and existing records ask."""
    if "member_no" in case.path_parameters:
        case.path_parameters["member_no"] = member.member_no
    if "reference" in case.path_parameters:
        case.path_parameters["reference"] = purchase_reference
    body = case.body
    limit = body_schema(case.operation.path, case.operation.method).get("x-max-depth")
    if limit is not None and isinstance(body, dict | list):
        case.body = body = within_depth(body, limit)
    if isinstance(body, dict) and "occurred_at" in body:
        body["occurred_at"] = (utcnow() - timedelta(minutes=1)).isoformat()
        body["lines"] = body["lines"][:1]
        body["amount_fen"] = body["lines"][0]["amount_fen"]
        if "member_no" in body:
            body["member_no"] = member.member_no
        else:
            body["member_phone"] = member.phone


def within_depth(value, limit: int):
    """The value with whatever nests deeper than `limit` (the value itself counted) made
    null: the x-max-depth rule kept, and nothing the schemas require is that deep."""
    if not isinstance(value, dict | list):
        return value
    if limit <= 0:
        return None
    if isinstance(value, dict):
        return {key: within_depth(item, limit - 1) for key, item in value.items()}
    return [within_depth(item, limit - 1) for item in value]


def depth(value) -> int:
    """How deep objects and lists nest in a JSON value, the value itself counted."""
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


def body_schema(path: str, method: str) -> dict:
    body = DOC["paths"][path][method].get("requestBody")
    if body is None:
        return {}
    ref = body["content"]["application/json"]["schema"]["$ref"]
    return DOC["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def check_refusal_is_stated(schema: dict, body, response, kept_rules: bool) -> None:
    status, problem = response.status_code, response.json() if response.status_code >= 400 \
        else {}
    assert status != 415, problem  # the body is sent as the document says
    if status == 400:  # the one rule on a body that the document states for 400
        assert depth(body) > schema.get("x-max-depth", depth(body)), problem
    if status == 422:
        code = problem.get("code")
        assert code != "idempotency_key_reused", problem  # every request has a fresh key
        if code == "invalid_request":
            assert not kept_rules, problem
            assert set(problem["errors"]) <= STATED, problem
        else:
            assert code == "unknown_member" and not kept_rules, problem


@pytest.mark.parametrize("path, method", OPERATIONS)
def test_a_request_the_document_allows_is_answered_as_the_document_says(
        app, till, make_member, path, method):
    member = make_member(points=500)
    purchase = till.post("/purchases", purchase_body(member, amount_fen=50_000))
    assert purchase.status_code == 201
    operation = SCHEMA[path][method.upper()]
    schema = body_schema(path, method)
    used_keys: set[str] = set()

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), keep=st.booleans())
    def answer(case, keep):
        if keep:
            keep_the_rules(case, member, purchase.get_json()["reference"])
        key = case.headers.get("Idempotency-Key")
        if key is None or key in used_keys:
            key = uuid.uuid4().hex
        used_keys.add(key)
        headers = {"Authorization": f"Bearer {till.key}", "Idempotency-Key": key}
        response = contextvars.Context().run(case.call, app=app, base_url=PREFIX,
                                             headers=headers)
        case.validate_response(response, checks=CHECKS + ([positive_data_acceptance]
                                                          if keep else []))
        check_refusal_is_stated(schema, case.body, response, keep)

    answer()
