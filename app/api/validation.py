"""Checks on what the tills send: every field, with one message per bad field."""
import re
from datetime import datetime, timedelta

from app.loyalty import member_numbers
from app.loyalty.purchases import PurchaseInput

REFERENCE = re.compile(r"[A-Za-z0-9_-]{1,64}")
CATEGORY = re.compile(r"[A-Za-z0-9_-]{1,40}")
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,64}")  # printable ASCII, no spaces
MAX_AMOUNT_FEN = 10_000_000           # ¥100,000: more is a typo, not a purchase
MAX_LINES = 200
MAX_QUANTITY = 10_000
CLOCK_SKEW = timedelta(minutes=5)     # a till's clock may run a little fast
MAX_AGE = timedelta(days=30)          # older purchases are settled by customer service
MAX_DEPTH = 8                         # a purchase nests 3 deep: body, lines, a line
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
BRACKET = re.compile(r"[\[\]{}]")


class Invalid(Exception):
    """The request's fields that are wrong, each with a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid request")
        self.errors = errors


def nesting_depth(raw: bytes) -> int:
    """How deep objects and lists nest in a JSON text, read without parsing it (a parser
    recurses, and a deep enough body would exhaust its stack)."""
    text = JSON_STRING.sub("", raw.decode("utf-8", errors="replace"))
    depth = deepest = 0
    for bracket in BRACKET.findall(text):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _amount(value, field: str, errors: dict) -> int | None:
    if value is None:
        errors[field] = "is required"
    elif isinstance(value, bool) or not isinstance(value, int):
        errors[field] = "must be a whole number of fen"
    elif not 0 < value <= MAX_AMOUNT_FEN:
        errors[field] = f"must be from 1 to {MAX_AMOUNT_FEN} fen"
    else:
        return value
    return None


def _text(body: dict, field: str, errors: dict, pattern: re.Pattern | None = None,
          max_length: int = 64, required: bool = True) -> str | None:
    value = body.get(field)
    if value is None:
        if required:
            errors[field] = "is required"
        return None
    if not isinstance(value, str) or not 0 < len(value) <= max_length:
        errors[field] = f"must be text of 1 to {max_length} characters"
    elif pattern is not None and not pattern.fullmatch(value):
        errors[field] = "may contain only letters, digits, - and _"
    else:
        return value
    return None


def reference(body: dict, errors: dict, field: str = "reference") -> str | None:
    return _text(body, field, errors, REFERENCE)


def member_no(value, errors: dict, field: str = "member_no") -> str | None:
    """A member number in its one form, check digit included; anything else is named as
    malformed, so no look-up is ever made for it."""
    if member_numbers.is_valid(value):
        return value
    errors[field] = f"must be a member number of {member_numbers.DESCRIPTION}"
    return None


def occurred_at(value, now: datetime, errors: dict) -> datetime | None:
    if not isinstance(value, str):
        errors["occurred_at"] = "is required, as an ISO 8601 time with its UTC offset"
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors["occurred_at"] = "must be an ISO 8601 time with its UTC offset"
    elif moment > now + CLOCK_SKEW:
        errors["occurred_at"] = "is in the future"
    elif moment < now - MAX_AGE:
        errors["occurred_at"] = f"is more than {MAX_AGE.days} days ago"
    else:
        return moment
    return None


def lines(value, errors: dict) -> list[dict]:
    if not isinstance(value, list) or not 0 < len(value) <= MAX_LINES:
        errors["lines"] = f"must be a list of 1 to {MAX_LINES} lines"
        return []
    clean = []
    for n, line in enumerate(value):
        field = f"lines[{n}]"
        if not isinstance(line, dict):
            errors[field] = "must be an object"
            continue
        category = _text(line, "category", line_errors := {}, CATEGORY, 40)
        amount = _amount(line.get("amount_fen"), "amount_fen", line_errors)
        sku = _text(line, "sku", line_errors, max_length=64, required=False)
        name = _text(line, "name", line_errors, max_length=120, required=False)
        quantity = line.get("quantity")
        if quantity is not None and (isinstance(quantity, bool) or not isinstance(quantity, int)
                                     or not 0 < quantity <= MAX_QUANTITY):
            line_errors["quantity"] = f"must be a whole number from 1 to {MAX_QUANTITY}"
        errors.update({f"{field}.{k}": v for k, v in line_errors.items()})
        if not line_errors:
            clean.append({"category": category.lower(), "amount_fen": amount,
                          **({"sku": sku} if sku is not None else {}),
                          **({"name": name} if name is not None else {}),
                          **({"quantity": quantity} if quantity is not None else {})})
    return clean


def purchase(body: dict, now: datetime) -> PurchaseInput:
    """A purchase from the JSON body; Invalid with every bad field otherwise."""
    errors: dict[str, str] = {}
    phone = _text(body, "member_phone", errors, re.compile(r"\+?[0-9]{5,19}"), 20, False)
    number = member_no(body["member_no"], errors) if "member_no" in body else None
    if "member_phone" in body and "member_no" in body:
        errors["member"] = "give either member_phone or member_no, not both"
    elif "member_phone" not in body and "member_no" not in body:
        errors["member"] = "give member_phone or member_no"
    ref = reference(body, errors)
    amount = _amount(body.get("amount_fen"), "amount_fen", errors)
    clean_lines = lines(body.get("lines"), errors)
    when = occurred_at(body.get("occurred_at"), now, errors)
    if amount is not None and clean_lines and not any(k.startswith("lines") for k in errors) \
            and sum(line["amount_fen"] for line in clean_lines) != amount:
        errors["lines"] = "the lines' amounts must add up to amount_fen"
    if errors:
        raise Invalid(errors)
    return PurchaseInput(reference=ref, amount_fen=amount, lines=clean_lines, occurred_at=when,
                         member_phone=phone, member_no=number)


def refund(body: dict) -> tuple[str, int]:
    """(refund reference, amount in fen) from the JSON body; Invalid otherwise."""
    errors: dict[str, str] = {}
    ref = reference(body, errors)
    amount = _amount(body.get("amount_fen"), "amount_fen", errors)
    if errors:
        raise Invalid(errors)
    return ref, amount
