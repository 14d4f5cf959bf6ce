"""Checks on what the tills send, read from the API's OpenAPI document: its JSON Schemas,
and the rules beyond JSON Schema that it states as `x-` keywords. One message per bad field.
A whole number is one in JSON Schema's sense, so 100.0 is read as 100.

The `x-` keywords the document uses, and what the server does for each:
- `x-check-digit: luhn` (on a string of digits): the last digit is the Luhn check digit.
- `x-sum: {of: LIST, item: PROPERTY, equals: PROPERTY}` (on an object): the items' PROPERTY
  adds up to the object's own; reported under LIST.
- `x-max-age-days` and `x-max-ahead-minutes` (on a date-time): no older than so many days,
  nor later than so many minutes, when the server receives it.
- `x-field` (on a schema applied to a whole object): the name its errors are reported under.
- `x-max-depth` (on a request body): how deep it may nest, checked before it is parsed.

A request is first checked with jsonschema-rs, compiled once for each schema (JSON Schema in
Rust, its patterns matched as ECMA-262 does, `x-check-digit` given to it as a keyword of its
own): a request it finds valid is valid, and only a request it refuses is walked again with
jsonschema, which names every bad field in the document's words.
"""
import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator, ValidationError, validators

from app.loyalty import member_numbers
from app.loyalty.purchases import PurchaseInput

OPENAPI = Path(__file__).with_name("openapi.yaml")
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
BRACKET = re.compile(r"[\[\]{}]")
UNESCAPED_END = re.compile(r"(?<!\\)\$$")
TYPE_NAMES = {"integer": "a whole number", "string": "text", "array": "a list",
              "object": "an object", "boolean": "true or false", "number": "a number"}


class Invalid(Exception):
    """The request's fields that are wrong, each with a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid request")
        self.errors = errors


@cache
def document() -> dict:
    """The API's OpenAPI 3.1 description, as served at /api/v1/openapi.json."""
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def nesting_depth(raw: bytes) -> int:
    """How deep objects and lists nest in a JSON text, read without parsing it (a parser
    recurses, and a deep enough body would exhaust its stack)."""
    text = JSON_STRING.sub("", raw.decode("utf-8", errors="replace"))
    depth = deepest = 0
    for bracket in BRACKET.findall(text):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def max_depth() -> int:
    """How deep a request body may nest (its schemas' x-max-depth): a purchase needs 3,
    body, lines and a line."""
    return max(schema.get("x-max-depth", 0)
               for schema in document()["components"]["schemas"].values())


@cache
def _ecma_pattern(pattern: str) -> re.Pattern:
    # JSON Schema patterns are ECMA-262 regexes, where a final $ matches only at the very
    # end; Python's $ would also match before a trailing newline.
    return re.compile(UNESCAPED_END.sub(r"\\Z", pattern))


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _ecma_pattern(pattern).search(instance):
        yield ValidationError(f"does not match {pattern}")


def _wrong_check_digit(kind, instance) -> bool:
    return kind == "luhn" and isinstance(instance, str) and len(instance) > 1 \
        and instance.isascii() and instance.isdigit() \
        and member_numbers.check_digit(instance[:-1]) != instance[-1]


def _check_digit(validator, kind, instance, schema):
    if _wrong_check_digit(kind, instance):
        yield ValidationError("has a wrong check digit")


class _CheckDigit:
    """`x-check-digit` as jsonschema-rs calls a keyword of its own."""

    def __init__(self, _parent_schema, kind, _schema_path):
        self.kind = kind

    def validate(self, instance) -> None:
        if _wrong_check_digit(self.kind, instance):
            raise ValueError("has a wrong check digit")


RequestValidator = validators.extend(Draft202012Validator,
                                     {"pattern": _pattern, "x-check-digit": _check_digit})


@cache
def _validator(pointer: str):
    return RequestValidator(_inlined(_schema(pointer)),
                            format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _quick(pointer: str) -> jsonschema_rs.Draft202012Validator:
    """The schema at `pointer` compiled by jsonschema-rs, its references followed in the
    document itself."""
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": f"#{pointer}", "components": document()["components"]}
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True,
                                              keywords={"x-check-digit": _CheckDigit})


def _schema(pointer: str) -> dict:
    node = document()
    for part in pointer.strip("/").split("/"):
        node = node[part]
    return node


def _inlined(node, named: dict | None = None):
    """A schema with each of its `$ref`s replaced by the schema it names, itself inlined (a
    `$ref` beside other keywords becomes an `allOf` of one; a schema naming itself, as NoNul
    does, contains itself), so that checking a request follows no references. The document
    itself is left as it is."""
    named = {} if named is None else named
    if isinstance(node, list):
        return [_inlined(item, named) for item in node]
    if not isinstance(node, dict):
        return node
    inlined = {}
    for key, value in node.items():
        if key != "$ref":
            inlined[key] = _inlined(value, named)
            continue
        if not value.startswith("#/") or "allOf" in node:
            raise ValueError(f"cannot inline the reference {value}")
        if value not in named:
            named[value] = {}   # filled below; a schema naming itself finds it here
            named[value].update(_inlined(_schema(value[1:]), named))
        if len(node) == 1:
            return named[value]
        inlined["allOf"] = [named[value]]
    return inlined


def _path(parts) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


def _message(error: ValidationError) -> str:
    keyword, value, schema = error.validator, error.validator_value, error.schema
    if keyword == "type":
        names = [value] if isinstance(value, str) else value
        return "must be " + " or ".join(TYPE_NAMES.get(name, name) for name in names)
    if keyword in ("minimum", "maximum"):
        return f"must be from {schema.get('minimum')} to {schema.get('maximum')}"
    if keyword in ("minItems", "maxItems"):
        return f"must have {schema.get('minItems', 0)} to {schema.get('maxItems')} items"
    if keyword in ("minLength", "maxLength", "pattern"):
        if "pattern" in schema:
            return f"must match {schema['pattern']}"
        return f"must be text of {schema.get('minLength', 0)} to {schema.get('maxLength')} " \
               "characters"
    if keyword == "format":
        return "must be an RFC 3339 date-time with its UTC offset"
    if keyword == "x-check-digit":
        return error.message
    return schema.get("description", "is not allowed here").strip()


def _errors(pointer: str, instance) -> dict[str, str]:
    """Every field of `instance` that breaks the document's schema at `pointer`."""
    errors: dict[str, str] = {}
    if _quick(pointer).is_valid(instance):
        return errors
    for error in _validator(pointer).iter_errors(instance):
        if error.validator == "required":
            for name in error.validator_value:
                if isinstance(error.instance, dict) and name not in error.instance:
                    errors.setdefault(_path([*error.absolute_path, name]), "is required")
            continue
        path = list(error.absolute_path)
        if isinstance(error.schema, dict) and "x-field" in error.schema:
            path.append(error.schema["x-field"])
        errors.setdefault(_path(path) or "body", _message(error))
    return errors


def _sums(schema: dict, body: dict, errors: dict) -> None:
    rule = schema.get("x-sum")
    if rule and sum(item[rule["item"]] for item in body[rule["of"]]) != body[rule["equals"]]:
        errors[rule["of"]] = f"the {rule['of']}' {rule['item']} must add up to {rule['equals']}"


def _moment(value: str, rule: dict, now: datetime, field: str, errors: dict) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.upper())
    except ValueError:
        errors[field] = "must be an RFC 3339 date-time with its UTC offset"
        return None
    if "x-max-ahead-minutes" in rule and \
            moment > now + timedelta(minutes=rule["x-max-ahead-minutes"]):
        errors[field] = "is in the future"
    elif "x-max-age-days" in rule and moment < now - timedelta(days=rule["x-max-age-days"]):
        errors[field] = f"is more than {rule['x-max-age-days']} days ago"
    return moment


def member_no(value, errors: dict, field: str = "member_no") -> str | None:
    """A member number in its one form, check digit included; anything else is named as
    malformed, so no look-up is ever made for it."""
    if not _errors("/components/schemas/MemberNo", value):
        return value
    errors[field] = f"must be a member number of {member_numbers.DESCRIPTION}"
    return None


def is_idempotency_key(value) -> bool:
    """Whether an Idempotency-Key header is of the form the document states."""
    return value is not None and not _errors("/components/parameters/IdempotencyKey/schema",
                                             value)


def purchase(body: dict, now: datetime) -> PurchaseInput:
    """A purchase from the JSON body; Invalid with every bad field otherwise."""
    pointer = "/components/schemas/PurchaseRequest"
    errors = _errors(pointer, body)
    if "member_no" in errors:
        member_no(body["member_no"], errors)
    if errors:
        raise Invalid(errors)
    schema = _schema(pointer)
    _sums(schema, body, errors)
    when = _moment(body["occurred_at"], schema["properties"]["occurred_at"], now,
                   "occurred_at", errors)
    if errors:
        raise Invalid(errors)
    known = _schema("/components/schemas/PurchaseLine")["properties"]
    lines = [{**{k: v for k, v in line.items() if k in known},
              "category": line["category"].lower(), "amount_fen": int(line["amount_fen"]),
              **({"quantity": int(line["quantity"])} if "quantity" in line else {})}
             for line in body["lines"]]
    return PurchaseInput(reference=body["reference"], amount_fen=int(body["amount_fen"]),
                         lines=lines, occurred_at=when,
                         member_phone=body.get("member_phone"), member_no=body.get("member_no"),
                         till=body.get("till"))


def refund(body: dict) -> tuple[str, int]:
    """(refund reference, amount in fen) from the JSON body; Invalid otherwise."""
    errors = _errors("/components/schemas/RefundRequest", body)
    if errors:
        raise Invalid(errors)
    return body["reference"], int(body["amount_fen"])
