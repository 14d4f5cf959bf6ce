"""Helpers for the API tests: a store with a key, a client that speaks to /api/v1 and checks
every answer against the OpenAPI document, and a snapshot of everything a write may touch."""
import re
import uuid
from datetime import timedelta
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import stores
from app.loyalty.models import (
    ApiRequest,
    LedgerEntry,
    Member,
    PointLot,
    Purchase,
    PurchaseRefund,
    TaskReward,
    utcnow,
)

DOC = yaml.safe_load((Path(__file__).resolve().parents[2] / "app/api/openapi.yaml")
                     .read_text(encoding="utf-8"))
REGISTRY = Registry().with_resource("urn:openapi", Resource.from_contents(
    DOC, default_specification=DRAFT202012))
PREFIX = DOC["servers"][0]["url"]


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _operation(path: str, method: str) -> tuple[str, dict]:
    assert path.startswith(PREFIX), path
    rest = path[len(PREFIX):].split("?")[0]
    for template, item in DOC["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), rest) and method in item:
            return template, item[method]
    raise AssertionError(f"{method.upper()} {rest} is not in the OpenAPI document")


def check_against_openapi(method: str, path: str, response) -> None:
    """The response's status is documented for the operation and its body fits the schema."""
    content_type = response.mimetype
    try:
        template, operation = _operation(path, method.lower())
        responses = operation["responses"]
        assert str(response.status_code) in responses, \
            f"{response.status_code} undocumented for {method} {template}"
        answer = responses[str(response.status_code)]
        base = ("paths", template, method.lower(), "responses", str(response.status_code))
    except AssertionError:
        if response.status_code not in (404, 405):  # no such route: a problem all the same
            raise
        answer, base = {"$ref": "#/components/responses/NotFound"}, ()
    if "$ref" in answer:
        base = tuple(answer["$ref"][2:].split("/"))
        answer = DOC["components"]["responses"][base[-1]]
    assert content_type in answer["content"], f"{content_type} undocumented"
    ref = "urn:openapi#/" + _pointer(*base, "content", content_type, "schema")
    validator = Draft202012Validator({"$ref": ref}, registry=REGISTRY,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    body = response.get_data(as_text=True)
    if "json" in content_type:
        body = response.get_json()
    elif "yaml" in content_type:
        body = yaml.safe_load(body)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{method} {path} -> {response.status_code}: {errors[0].message}"


class Api:
    """Requests to the API as a till sends them; every answer is checked against the document."""

    def __init__(self, client, key: str | None):
        self.client, self.key = client, key

    def headers(self, key: str | None = "default", idempotency: str | None = "new") -> dict:
        headers = {}
        key = self.key if key == "default" else key
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        if idempotency == "new":
            idempotency = uuid.uuid4().hex
        if idempotency is not None:
            headers["Idempotency-Key"] = idempotency
        return headers

    def request(self, method: str, path: str, *, key="default", idempotency="new", **kwargs):
        headers = {**self.headers(key, idempotency), **kwargs.pop("headers", {})}
        response = self.client.open(PREFIX + path, method=method, headers=headers, **kwargs)
        check_against_openapi(method, PREFIX + path, response)
        return response

    def post(self, path: str, body=None, **kwargs):
        if body is not None:
            kwargs["json"] = body
        return self.request("POST", path, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, idempotency=None, **kwargs)


def purchase_body(member, amount_fen: int = 10_000, reference: str | None = None,
                  lines: list | None = None, occurred_at=None, **extra) -> dict:
    body = {"member_phone": member.phone, "reference": reference or uuid.uuid4().hex[:16],
            "amount_fen": amount_fen,
            "lines": lines or [{"category": "coffee", "amount_fen": amount_fen}],
            "occurred_at": (occurred_at or utcnow() - timedelta(minutes=1)).isoformat()}
    body.update(extra)
    return body


def new_store(code: str = "SH001", name: str = "上海南京西路店") -> tuple[int, str]:
    """(store id, API key) for a new store."""
    store = stores.create_store(code, name)
    return store.id, stores.create_key(code)


def count(model, *where) -> int:
    """Rows now (after what requests committed in their own sessions)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def snapshot() -> tuple:
    """Everything an API write may change: refused requests must leave it as it was."""
    db.session.rollback()
    db.session.expire_all()
    return (tuple(db.session.execute(select(Member.id, Member.points_balance, Member.points_owed)
                                     .order_by(Member.id)).all()),
            count(LedgerEntry), count(PointLot), count(Purchase), count(PurchaseRefund),
            count(ApiRequest), count(TaskReward),
            tuple(db.session.execute(select(Purchase.id, Purchase.refunded_fen,
                                            Purchase.points_clawed, Purchase.status)).all()))
