"""Scheduled price steps: a new item starts high and its price steps down on set dates.

A step names the moment it starts and the price from then on. When its moment comes it
is written onto the item, so that every list and sort reads the current price from the
item itself. Three things write due steps, all through `apply_due_locked`: the
`price-steps` job, every minute; a page that shows prices, before it reads them
(`bring_up_to_date`: one indexed statement asks whether any step is due, and only then
are they written); and a redemption, its own item's step first. So a member always sees
the current price, and a redemption carries the price the member was shown: when the
item's price is another by then (a step, or staff editing the item), it is refused with
the new price and nothing changes. An order keeps the price it was placed at. Staff add
steps for the future and remove those not yet reached; both are audited."""
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from . import audit_log
from .catalog import NEGATIVE, NOT_A_NUMBER, NOT_POSITIVE, lock_item
from .errors import InvalidItem, NotFound, PriceChanged
from .models import Item, ItemPriceStep, utcnow
from .statements import built_once, read
from .transaction import write_transaction

PAST, DUPLICATE, APPLIED = "past", "duplicate", "applied"  # why a step is refused
MAX_STEPS = 50                                              # not yet reached, per item


class Price(NamedTuple):
    """An item's price for one: points, and the cash part in fen."""

    points: int
    cash_fen: int = 0


def price_of(item: Item) -> Price:
    return Price(item.points_price, item.cash_fen)


def refuse_changed(item: Item, shown: Price | None) -> None:
    """PriceChanged, naming the price now, when the member was shown another one."""
    if shown is not None and price_of(item) != tuple(shown):
        raise PriceChanged(item_id=item.id, points=item.points_price, cash_fen=item.cash_fen)


def steps(item_id: int) -> list[ItemPriceStep]:
    """An item's steps, soonest first, those already reached included."""
    return db.session.scalars(select(ItemPriceStep).where(ItemPriceStep.item_id == item_id)
                              .order_by(ItemPriceStep.starts_at)).all()


def problems(starts_at, points_price, cash_fen, now: datetime) -> dict[str, str]:
    """What is wrong with a step's details, field by field."""
    found = {}
    if starts_at is None or starts_at.tzinfo is None:
        found["starts_at"] = "required"
    elif starts_at <= now:
        found["starts_at"] = PAST
    for name, value in (("points_price", points_price), ("cash_fen", cash_fen)):
        if isinstance(value, bool) or not isinstance(value, int):
            found[name] = NOT_A_NUMBER
    if "points_price" not in found and points_price <= 0:
        found["points_price"] = NOT_POSITIVE
    if "cash_fen" not in found and cash_fen < 0:
        found["cash_fen"] = NEGATIVE
    return found


def add_step(item_id: int, starts_at: datetime, points_price: int, cash_fen: int = 0, *,
             actor_id: int | None = None, address: str = "",
             now: datetime | None = None) -> ItemPriceStep:
    """Schedule a price for an item from `starts_at` on. A moment not in the future, a
    price of 0 or less, a negative cash part or a second step at the same moment is
    InvalidItem (naming each field) and changes nothing."""
    now = now or utcnow()
    _refuse(problems(starts_at, points_price, cash_fen, now))
    try:
        with write_transaction():
            item = lock_item(item_id)
            taken = db.session.scalar(select(ItemPriceStep.id).where(
                ItemPriceStep.item_id == item.id, ItemPriceStep.starts_at == starts_at))
            if taken is not None:
                _refuse({"starts_at": DUPLICATE})
            ahead = [s for s in steps(item.id) if s.applied_at is None]
            if len(ahead) >= MAX_STEPS:
                _refuse({"starts_at": "too_many"})
            step = ItemPriceStep(item_id=item.id, starts_at=starts_at,
                                 points_price=points_price, cash_fen=cash_fen,
                                 created_by=actor_id, created_at=now)
            db.session.add(step)
            db.session.flush()
            if actor_id is not None:
                audit_log.record(actor_id, audit_log.PRICE_STEP_ADDED, f"item {item.id}",
                                 address, after=_details(step), now=now)
            return step
    except IntegrityError:  # the same moment, added by someone else in between
        _refuse({"starts_at": DUPLICATE})


def remove_step(item_id: int, step_id: int, *, actor_id: int | None = None,
                address: str = "", now: datetime | None = None) -> None:
    """Remove a step not reached yet; one already written onto the item stays, as history."""
    now = now or utcnow()
    with write_transaction():
        item = lock_item(item_id)
        step = db.session.get(ItemPriceStep, step_id, populate_existing=True)
        if step is None or step.item_id != item.id:
            raise NotFound(step_id=step_id)
        if step.applied_at is not None or step.starts_at <= now:
            _refuse({"starts_at": APPLIED})
        before = _details(step)
        db.session.delete(step)
        if actor_id is not None:
            audit_log.record(actor_id, audit_log.PRICE_STEP_REMOVED, f"item {item.id}",
                             address, before=before, now=now)


@built_once
def _due_steps():
    # Only the columns written onto the item: the steps themselves are not changed here.
    return select(ItemPriceStep.id, ItemPriceStep.points_price, ItemPriceStep.cash_fen).where(
        ItemPriceStep.item_id == bindparam("item_id"), ItemPriceStep.applied_at.is_(None),
        ItemPriceStep.starts_at <= bindparam("now", type_=ItemPriceStep.starts_at.type)
    ).order_by(ItemPriceStep.starts_at)


def apply_due_locked(item: Item, now: datetime) -> bool:
    """Write the latest step of `item` whose moment has come onto it, in the caller's
    transaction (the item row locked or about to be written); whether a step was due."""
    due = read(_due_steps(), {"item_id": item.id, "now": now}).all()
    if not due:
        return False
    latest = due[-1]
    item.points_price, item.cash_fen = latest.points_price, latest.cash_fen
    db.session.execute(update(ItemPriceStep).where(
        ItemPriceStep.id.in_([s.id for s in due]), ItemPriceStep.applied_at.is_(None))
        .values(applied_at=now))
    db.session.flush()
    return True


def apply_due(now: datetime | None = None) -> int:
    """The `price-steps` job: write every step whose moment has come onto its item; the
    number of items whose price changed. Safe to run twice, or on two hosts at once."""
    now = now or utcnow()
    item_ids = db.session.scalars(select(ItemPriceStep.item_id).where(
        ItemPriceStep.applied_at.is_(None), ItemPriceStep.starts_at <= now).distinct()).all()
    db.session.rollback()
    changed = 0
    for item_id in item_ids:
        with write_transaction():
            changed += apply_due_locked(lock_item(item_id), now)
    return changed


@built_once
def _one_due():
    # On the table's columns: an id is all it reads, and the ORM would add nothing to it.
    steps_table = ItemPriceStep.__table__
    return select(steps_table.c.id).where(
        steps_table.c.applied_at.is_(None),
        steps_table.c.starts_at <= bindparam("now", type_=steps_table.c.starts_at.type)
    ).limit(1)


def any_due(now: datetime) -> bool:
    """Whether a step's moment has come and it is not written yet: one statement, served by
    the index of steps not yet written."""
    return read(_one_due(), {"now": now}).scalar() is not None


def bring_up_to_date(now: datetime | None = None) -> int:
    """Before a page shows prices: write the steps that are due, as the job does, but only
    when one is; the number of items whose price changed."""
    now = now or utcnow()
    return apply_due(now) if any_due(now) else 0


def _details(step: ItemPriceStep) -> dict:
    return {"starts_at": step.starts_at.isoformat(), "points_price": step.points_price,
            "cash_fen": step.cash_fen}


def _refuse(found: dict[str, str]) -> None:
    if found:
        raise InvalidItem(field=next(iter(found)), problems=found)
