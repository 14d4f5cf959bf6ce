"""Coupon code pools: staff add a partner's codes to a coupon item; each redemption takes
one unused code, never one that was taken before. A coupon item's stock is the number of
its unused codes, so an empty pool means sold out."""
import csv
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from . import audit_log, stock
from .errors import InvalidCodes, InvalidItem, NotFound, SoldOut
from .models import CODE_MAX_LENGTH, CODES_ADDED, COUPON, RETURNED, CouponCode, Item, utcnow
from .program import running_program
from .transaction import write_transaction

MAX_CODES = 10_000
# Problems with a line of codes, as InvalidCodes reports them.
DUPLICATE, IN_POOL, TOO_LONG, BAD_CHARACTERS, TOO_MANY, EMPTY = (
    "duplicate", "in_pool", "too_long", "bad_characters", "too_many", "empty")


@dataclass(frozen=True)
class CodesAdded:
    item_id: int
    added: int
    stock_before: int
    stock_after: int


@dataclass(frozen=True)
class PoolStatus:
    unused: int
    taken: int
    low: bool


def parse_codes(text: str) -> list[tuple[int, str]]:
    """The codes in a paste or a text/CSV file, one a line (a CSV's first column), with
    their line numbers; blank lines and a `code` header are skipped. InvalidCodes lists
    every bad line: a repeat, a code too long or with anything but printable ASCII."""
    text = text.removeprefix("\ufeff")
    codes, problems, seen = [], [], {}
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        code = row[0].strip() if row else ""
        if not code or (number == 1 and code.lower() == "code"):
            continue
        if len(code) > CODE_MAX_LENGTH:
            problems.append((number, TOO_LONG, code[:CODE_MAX_LENGTH]))
        elif not all("!" <= char <= "~" for char in code):
            problems.append((number, BAD_CHARACTERS, code.encode("ascii", "replace").decode()))
        elif code in seen:
            problems.append((number, DUPLICATE, code))
        else:
            seen[code] = number
            codes.append((number, code))
    if len(codes) + len(problems) > MAX_CODES:
        raise InvalidCodes(problems=[(0, TOO_MANY, str(MAX_CODES))])
    if problems:
        raise InvalidCodes(problems=problems)
    if not codes:
        raise InvalidCodes(problems=[(0, EMPTY, "")])
    return codes


def add_codes(item_id: int, text: str, *, staff_id: int | None = None,
              actor_id: int | None = None, address: str = "",
              now: datetime | None = None) -> CodesAdded:
    """Add the codes of a paste or file to a coupon item's pool, all or none: a batch with
    any bad line, or a code already in any pool, is refused with the lines at fault. With
    an `actor_id` the upload is audited (how many codes, never the codes)."""
    staff_id = actor_id or staff_id
    now = now or utcnow()
    codes = parse_codes(text)
    try:
        with write_transaction():
            item = _coupon_item(item_id)
            before = item.stock or 0
            taken = _already_pooled([code for _, code in codes])
            if taken:
                raise InvalidCodes(problems=[(n, IN_POOL, c) for n, c in codes if c in taken])
            db.session.add_all(CouponCode(item_id=item.id, code=code, added_at=now)
                               for _, code in codes)
            db.session.flush()
            if item.stock is None:  # a coupon item's stock always counts its codes
                item.stock = 0
                db.session.flush()
            movement = stock.move(item.id, len(codes), CODES_ADDED, staff_id=staff_id,
                                  note=f"{len(codes)}", now=now)
            if actor_id is not None:
                audit_log.record(actor_id, audit_log.CODE_POOL_UPLOAD, f"item {item.id}",
                                 address, before={"unused": before},
                                 after={"added": len(codes), "unused": movement.stock_after},
                                 now=now)
            return CodesAdded(item.id, len(codes), before, movement.stock_after)
    except IntegrityError:
        # Someone added some of the same codes between our check and our insert.
        raise InvalidCodes(problems=[(0, IN_POOL, "")]) from None


def pool_status(item_id: int) -> PoolStatus:
    """How many codes are unused and taken, and whether the pool runs low (at or below
    the program's low_stock)."""
    rows = dict(db.session.execute(
        select(CouponCode.order_id.is_(None), func.count())
        .where(CouponCode.item_id == item_id).group_by(CouponCode.order_id.is_(None))).all())
    unused, taken = rows.get(True, 0), rows.get(False, 0)
    return PoolStatus(unused, taken, unused <= running_program().low_stock)


def take_code(item_id: int, order_id: int) -> str:
    """Give an order one unused code of the item, in the caller's transaction, which has
    already taken a unit of the item's stock (and so holds the item row)."""
    for _ in range(3):
        row = db.session.execute(select(CouponCode.id, CouponCode.code).where(
            CouponCode.item_id == item_id, CouponCode.order_id.is_(None))
            .order_by(CouponCode.id).limit(1)).first()
        if row is None:
            break
        claimed = db.session.execute(update(CouponCode).where(
            CouponCode.id == row.id, CouponCode.order_id.is_(None)).values(order_id=order_id))
        if claimed.rowcount == 1:
            return row.code
    raise SoldOut(stock=0)


def return_code(order, now: datetime) -> bool:
    """A cancelled or lapsed order's code goes back to the pool, with a unit of stock,
    unless the member has seen it; True if it went back."""
    if order.fulfilled_at is not None or not order.coupon_code:
        return False
    released = db.session.execute(update(CouponCode).where(
        CouponCode.order_id == order.id, CouponCode.code == order.coupon_code)
        .values(order_id=None))
    if released.rowcount != 1:
        return False
    order.coupon_code = None
    stock.move(order.item_id, 1, RETURNED, order_id=order.id, now=now)
    return True


def _coupon_item(item_id: int) -> Item:
    item = db.session.scalar(select(Item).where(Item.id == item_id).with_for_update(of=Item)
                             .execution_options(populate_existing=True))
    if item is None:
        raise NotFound(item_id=item_id)
    if item.kind != COUPON:
        raise InvalidItem(field="kind", problems={"kind": "not_coupon"})
    return item


def _already_pooled(codes: list[str]) -> set[str]:
    found = set()
    for start in range(0, len(codes), 500):
        found.update(db.session.scalars(select(CouponCode.code).where(
            CouponCode.code.in_(codes[start:start + 500]))))
    return found
