"""The catalog as staff run it: list, edit, hide and show items, restock or correct their
stock. Each use case is one transaction and returns the item's details before and after,
for the caller's audit entry. Details the catalog refuses raise InvalidItem naming every
field at fault, and change nothing."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from . import audit_log, stock
from .errors import InvalidItem, NotFound
from .models import (
    CORRECTION,
    COUPON,
    MONTH,
    OPENING,
    PICKUP,
    QUOTA_PERIODS,
    RESTOCK,
    SERVICE,
    Category,
    Item,
    Tier,
    utcnow,
)
from .transaction import write_transaction

KINDS = (PICKUP, COUPON, SERVICE)
FIELDS = ("name", "name_en", "description", "description_en", "category_id", "kind",
          "points_price", "cash_fen", "stock", "per_member_limit", "min_tier_id",
          "sale_starts_at", "sale_ends_at", "image", "active", "cost_fen", "quota",
          "quota_period")
NAME_MAX, DESCRIPTION_MAX, IMAGE_MAX, NOTE_MAX = 80, 2000, 120, 200
STAFF_REASONS = (RESTOCK, CORRECTION)
# What can be wrong with a field, as InvalidItem's problems name it.
REQUIRED, TOO_LONG, NOT_POSITIVE, NEGATIVE, UNKNOWN, ENDS_BEFORE_START, BELOW_ONE = (
    "required", "too_long", "not_positive", "negative", "unknown", "ends_before_start",
    "below_one")
NOT_A_NUMBER, SET_BY_CODES, ZERO = "not_a_number", "set_by_codes", "zero"


@dataclass(frozen=True)
class Change:
    """What a use case did to an item: its details before (None when created) and after."""

    item_id: int
    before: dict | None
    after: dict


def details(item: Item) -> dict:
    """An item's details as plain values (times as ISO 8601), for an audit entry."""
    values = {name: getattr(item, name) for name in FIELDS}
    for name in ("sale_starts_at", "sale_ends_at"):
        values[name] = values[name].isoformat() if values[name] else None
    return values


def problems(values: dict) -> dict[str, str]:
    """Every field of a full set of item details that the catalog refuses, and why."""
    found = {}
    for name, limit in (("name", NAME_MAX), ("name_en", NAME_MAX),
                        ("description", DESCRIPTION_MAX), ("description_en", DESCRIPTION_MAX),
                        ("image", IMAGE_MAX)):
        text = values.get(name) or ""
        if not isinstance(text, str):
            found[name] = REQUIRED
        elif name.startswith("name") and not text.strip():
            found[name] = REQUIRED
        elif len(text) > limit:
            found[name] = TOO_LONG
    for name in ("points_price", "cash_fen", "stock", "per_member_limit", "cost_fen", "quota"):
        value = values.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            found[name] = NOT_A_NUMBER
    if "points_price" not in found and (values.get("points_price") or 0) <= 0:
        found["points_price"] = NOT_POSITIVE
    if "cash_fen" not in found and (values.get("cash_fen") or 0) < 0:
        found["cash_fen"] = NEGATIVE
    if "cost_fen" not in found and (values.get("cost_fen") or 0) < 0:
        found["cost_fen"] = NEGATIVE
    if "quota" not in found and values.get("quota") is not None and values["quota"] < 1:
        found["quota"] = BELOW_ONE
    if values.get("quota_period", MONTH) not in QUOTA_PERIODS:
        found["quota_period"] = UNKNOWN
    if "stock" not in found and values.get("stock") is not None and values["stock"] < 0:
        found["stock"] = NEGATIVE
    limit = values.get("per_member_limit")
    if "per_member_limit" not in found and limit is not None and limit < 1:
        found["per_member_limit"] = BELOW_ONE
    if values.get("kind") not in KINDS:
        found["kind"] = UNKNOWN
    starts, ends = values.get("sale_starts_at"), values.get("sale_ends_at")
    if starts and ends and ends <= starts:
        found["sale_ends_at"] = ENDS_BEFORE_START
    if values.get("category_id") is None or db.session.get(Category,
                                                           values["category_id"]) is None:
        found["category_id"] = UNKNOWN
    tier = values.get("min_tier_id")
    if tier is not None and db.session.get(Tier, tier) is None:
        found["min_tier_id"] = UNKNOWN
    return found


def create_item(values: dict, *, staff_id: int | None = None, actor_id: int | None = None,
                address: str = "", now: datetime | None = None) -> Change:
    """List a new item. Limited stock opens with a movement; a coupon item starts with an
    empty pool (sold out until codes are added), so it takes no stock of its own. With an
    `actor_id` (staff acting from `address`) the change is audited in the same transaction."""
    now = now or utcnow()
    with write_transaction():
        change = create_locked(values, staff_id=actor_id or staff_id, now=now)
        audit_change(change, actor_id, address, now)
        return change


def audit_change(change: Change, actor_id: int | None, address: str, now: datetime) -> None:
    """The audit entry of an item created or edited by staff (none without an actor)."""
    if actor_id is None:
        return
    before = change.before
    if before is not None:
        before = {k: v for k, v in before.items() if change.after.get(k) != v}
    after = change.after if before is None else {k: change.after[k] for k in before}
    audit_log.record(actor_id, audit_log.ITEM_CHANGE, f"item {change.item_id}", address,
                     before=before, after=after, now=now)


def create_locked(values: dict, *, staff_id: int | None, now: datetime) -> Change:
    """create_item() in the caller's transaction."""
    values = {"description": "", "description_en": "", "image": "", "kind": PICKUP,
              "cash_fen": 0, "stock": None, "per_member_limit": None, "min_tier_id": None,
              "sale_starts_at": None, "sale_ends_at": None, "active": True, "cost_fen": 0,
              "quota": None, "quota_period": MONTH, **values}
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not item fields: {sorted(unknown)}")
    if values["kind"] == COUPON and values["stock"]:
        _refuse({"stock": SET_BY_CODES})
    if values["kind"] == COUPON:
        values["stock"] = 0
    _refuse(problems(values))
    item = Item(**values, created_at=now)
    db.session.add(item)
    db.session.flush()
    if item.stock is not None:
        stock.record(item.id, item.stock, OPENING, item.stock, staff_id=staff_id, now=now)
    return Change(item.id, None, details(item))


def edit_item(item_id: int, changes: dict, *, staff_id: int | None = None,
              actor_id: int | None = None, address: str = "",
              now: datetime | None = None) -> Change:
    """Change some of an item's details. A new stock is a correction (one movement); a
    coupon item's stock follows its pool and cannot be set. Audited as create_item()."""
    now = now or utcnow()
    with write_transaction():
        change = edit_locked(lock_item(item_id), changes, staff_id=actor_id or staff_id, now=now)
        audit_change(change, actor_id, address, now)
        return change


def edit_locked(item: Item, changes: dict, *, staff_id: int | None, now: datetime) -> Change:
    """edit_item() in the caller's transaction, of an item it has locked."""
    _refuse(edit_problems(item, changes))
    before = details(item)
    values = {**_values(item), **changes}
    new_stock = values.pop("stock")
    if values["kind"] == COUPON and item.kind != COUPON:
        new_stock = 0  # its pool is empty until codes are added
    for name, value in values.items():
        setattr(item, name, value)
    _set_stock(item, new_stock, staff_id, now)
    db.session.flush()
    return Change(item.id, before, details(item))


def edit_problems(item: Item, changes: dict) -> dict[str, str]:
    """Every field of these changes to an item that the catalog refuses, and why."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"not item fields: {sorted(unknown)}")
    values = {**_values(item), **changes}
    found = problems(values)
    coupon = values["kind"] == COUPON
    if "stock" in changes and changes["stock"] != item.stock and (coupon or
                                                                  item.kind == COUPON):
        found.setdefault("stock", SET_BY_CODES)
    if item.kind == COUPON and not coupon and item.stock:
        found.setdefault("kind", SET_BY_CODES)  # unused codes would be stranded
    return found


def _values(item: Item) -> dict:
    return {name: getattr(item, name) for name in FIELDS}


def set_active(item_id: int, active: bool, *, staff_id: int | None = None,
               actor_id: int | None = None, address: str = "",
               now: datetime | None = None) -> Change:
    """Show an item to members, or hide it (its orders stand)."""
    with write_transaction():
        item = lock_item(item_id)
        before = details(item)
        item.active = bool(active)
        db.session.flush()
        change = Change(item.id, before, details(item))
        audit_change(change, actor_id, address, now or utcnow())
        return change


def adjust_stock(item_id: int, change: int, reason: str, note: str = "", *,
                 staff_id: int | None = None, actor_id: int | None = None, address: str = "",
                 now: datetime | None = None) -> Change:
    """Restock (a positive change) or correct (either way) a limited item's stock, with a
    reason; never below zero. Coupon items are stocked by adding codes."""
    now = now or utcnow()
    found = {}
    if reason not in STAFF_REASONS:
        found["reason"] = UNKNOWN
    if isinstance(change, bool) or not isinstance(change, int):
        found["change"] = NOT_A_NUMBER
    elif change == 0:
        found["change"] = ZERO
    elif reason == RESTOCK and change < 0:
        found["change"] = NOT_POSITIVE
    if len(note or "") > NOTE_MAX:
        found["note"] = TOO_LONG
    _refuse(found)
    with write_transaction():
        item = lock_item(item_id)
        if item.kind == COUPON:
            _refuse({"stock": SET_BY_CODES})
        if item.stock is None:
            _refuse({"stock": REQUIRED})  # unlimited: set a stock by editing the item first
        if item.stock + change < 0:
            _refuse({"change": NEGATIVE})
        before = details(item)
        stock.move(item.id, change, reason, staff_id=actor_id or staff_id, note=note or "",
                   now=now)
        db.session.refresh(item)
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.STOCK_CHANGE, f"item {item.id}", address,
                             before={"stock": before["stock"]},
                             after={"stock": item.stock, "change": change, "reason": reason,
                                    "note": note or ""}, now=now)
        return Change(item.id, before, details(item))


def category_ids() -> dict[str, int]:
    """Category ids by slug."""
    return dict(db.session.execute(select(Category.slug, Category.id)).all())


def _set_stock(item: Item, new: int | None, staff_id: int | None, now: datetime) -> None:
    """Set a stock and write its one movement. Becoming unlimited writes off what the
    movements add up to, so that becoming limited again opens from zero."""
    old = item.stock
    if new == old:
        return
    item.stock = new
    db.session.flush()
    if new is None:
        stock.record(item.id, -stock.total(item.id), CORRECTION, None, staff_id=staff_id,
                     note="unlimited", now=now)
    elif old is None:
        stock.record(item.id, new - stock.total(item.id), OPENING, new, staff_id=staff_id,
                     now=now)
    else:
        stock.record(item.id, new - old, CORRECTION, new, staff_id=staff_id, now=now)


def lock_item(item_id: int) -> Item:
    """The item row, read afresh and locked for the rest of the transaction."""
    item = db.session.scalar(select(Item).where(Item.id == item_id).with_for_update(of=Item)
                             .execution_options(populate_existing=True))
    if item is None:
        raise NotFound(item_id=item_id)
    return item


def _refuse(found: dict[str, str]) -> None:
    if found:
        raise InvalidItem(field=next(iter(found)), problems=found)
