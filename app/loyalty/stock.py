"""Stock: every change of an item's stock goes through move(), which writes the change and
its movement together in the caller's transaction; check_stock() proves that every item
with limited stock holds exactly the sum of its movements."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from .errors import SoldOut
from .models import STOCK_REASONS, Item, StockMovement, utcnow
from .statements import built_once, insert_row


def move(item_id: int, change: int, reason: str, *, order_id: int | None = None,
         staff_id: int | None = None, note: str = "",
         now: datetime | None = None) -> StockMovement:
    """Change a limited item's stock by `change` and record why, in the caller's
    transaction. A conditional update: stock never goes below zero, whatever runs beside
    us (SoldOut when it would)."""
    if reason not in STOCK_REASONS:
        raise ValueError(f"unknown stock reason {reason!r}")
    db.session.flush()   # the item's own pending changes go first, as they always have
    after = db.session.execute(_change_stock(change < 0),
                               {"item_id": item_id, "change": change}).scalar_one_or_none()
    if after is None:
        raise SoldOut(stock=0)
    loaded = db.session.identity_map.get(db.session.identity_key(Item, item_id))
    if loaded is not None:   # the item read earlier in this transaction holds the new stock
        set_committed_value(loaded, "stock", after)
    return record(item_id, change, reason, after, order_id=order_id, staff_id=staff_id,
                  note=note, now=now)


@built_once
def _change_stock(taking: bool):
    items = Item.__table__
    stmt = update(items).where(items.c.id == bindparam("item_id"), items.c.stock.is_not(None))
    if taking:
        stmt = stmt.where(items.c.stock >= -bindparam("change"))
    return stmt.values(stock=items.c.stock + bindparam("change")).returning(items.c.stock)


def record(item_id: int, change: int, reason: str, stock_after: int | None, *,
           order_id: int | None = None, staff_id: int | None = None, note: str = "",
           now: datetime | None = None) -> StockMovement:
    """Write the movement of a change the caller made to the stock itself."""
    movement = StockMovement(item_id=item_id, change=change, reason=reason, order_id=order_id,
                             staff_id=staff_id, note=note, stock_after=stock_after,
                             created_at=now or utcnow())
    db.session.flush()   # the item and the order it names go first
    return insert_row(movement)


def total(item_id: int) -> int:
    """The sum of an item's movements: what a limited item holds."""
    return db.session.scalar(select(func.coalesce(func.sum(StockMovement.change), 0))
                             .where(StockMovement.item_id == item_id))


def history(item_id: int, limit: int = 200) -> list[StockMovement]:
    """An item's stock movements, newest first."""
    return db.session.scalars(select(StockMovement).where(StockMovement.item_id == item_id)
                              .order_by(StockMovement.id.desc()).limit(limit)).all()


@dataclass(frozen=True)
class StockMismatch:
    item_id: int
    what: str


def check_stock() -> list[StockMismatch]:
    """Every item with limited stock whose stock is not the sum of its movements (the
    opening one included), or whose last movement says otherwise; empty when all is well."""
    sums = dict(db.session.execute(select(StockMovement.item_id, func.sum(StockMovement.change))
                                   .group_by(StockMovement.item_id)).all())
    last_id = select(func.max(StockMovement.id)).group_by(StockMovement.item_id).subquery()
    last = dict(db.session.execute(select(StockMovement.item_id, StockMovement.stock_after)
                                   .where(StockMovement.id.in_(select(last_id)))).all())
    problems = []
    for item_id, stock in db.session.execute(select(Item.id, Item.stock)
                                             .where(Item.stock.is_not(None))):
        if sums.get(item_id, 0) != stock:
            problems.append(StockMismatch(item_id, f"stock {stock} != opening plus "
                                                   f"movements {sums.get(item_id, 0)}"))
        elif last.get(item_id) != stock:
            problems.append(StockMismatch(item_id, f"stock {stock} != the last movement's "
                                                   f"stock after {last.get(item_id)}"))
    return problems
