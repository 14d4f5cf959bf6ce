"""Member pages read in a fixed number of SQL statements, however long the member's history,
however many orders and notices they have and however large the catalog."""
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, insert, select, update

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import (
    FULFILLED,
    REDEEM,
    Category,
    Item,
    LedgerEntry,
    LotAllocation,
    Member,
    Notice,
    Order,
    PointLot,
    utcnow,
)
from app.program_source import running_settings
from tests.conftest import sign_in
from tests.integration.route_support import bulk_history, new_key

PAGES = ["/", "/catalog", "/catalog?affordable=1", "/points", "/points?page=2", "/orders",
         "/inbox"]
MOST_STATEMENTS = 14   # with the program settings' version, asked on its own connection


@contextmanager
def counting():
    """The SQL statements run inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


SMALL, LARGE = 10, 10_000
# The catalog and the orders page show every item and order at once, so ten thousand of
# them would time the page rather than count its statements: a thousand show as well any
# statement run once per row.
LARGE_SHOWN_WHOLE = 1_000


def bulk_items(count: int) -> list[int]:
    """`count` catalog items, written in bulk; their ids."""
    category = db.session.scalar(select(Category.id).order_by(Category.id))
    rows = [{"category_id": category, "name": f"商品 {n}", "name_en": f"Item {n}",
             "points_price": 100 + n % 900, "stock": None, "per_member_limit": None}
            for n in range(count)]
    ids = db.session.scalars(insert(Item).returning(Item.id, sort_by_parameter_order=True),
                             rows).all()
    db.session.commit()
    return list(ids)


def bulk_orders(member_id: int, item_ids: list[int], count: int) -> None:
    """`count` fulfilled one-point orders of the items in turn, written in bulk with their
    ledger entries and the one-point lots of the member's earlier history that they drew, so
    the ledger still adds up (see `bulk_history`)."""
    db.session.rollback()
    now = utcnow()
    balance_now = db.session.scalar(select(Member.points_balance).where(Member.id == member_id))
    lots = db.session.scalars(select(PointLot.id).where(PointLot.member_id == member_id,
                                                        PointLot.points == 1,
                                                        PointLot.remaining == 1)
                              .order_by(PointLot.id).limit(count)).all()
    assert len(lots) == count, "bulk_history first: each order draws one lot"
    codes = [f"Q{uuid.uuid4().hex[:12].upper()}" for _ in range(count)]
    entries = db.session.scalars(
        insert(LedgerEntry).returning(LedgerEntry.id, sort_by_parameter_order=True),
        [{"member_id": member_id, "kind": REDEEM, "points": -1,
          "balance_after": balance_now - n - 1, "detail": "bulk", "ref_type": "order",
          "ref_id": code, "lot_id": None, "created_at": now} for n, code in enumerate(codes)]
    ).all()
    db.session.execute(insert(LotAllocation), [{"entry_id": entry, "lot_id": lot, "points": 1}
                                               for entry, lot in zip(entries, lots, strict=True)])
    db.session.execute(update(PointLot).where(PointLot.id.in_(lots)).values(remaining=0))
    db.session.execute(insert(Order), [
        {"code": code, "member_id": member_id, "item_id": item_ids[n % len(item_ids)],
         "quantity": 1, "points": 1, "cash_fen": 0, "status": FULFILLED, "idempotency_key": code,
         "redeem_entry_id": entry, "fulfilled_at": now, "created_at": now}
        for n, (code, entry) in enumerate(zip(codes, entries, strict=True))])
    db.session.execute(update(Member).where(Member.id == member_id)
                       .values(points_balance=balance_now - count))
    db.session.commit()


def bulk_notices(member_id: int, count: int) -> None:
    """`count` notices in the member's inbox, half of them unread, written in bulk."""
    now = utcnow()
    db.session.execute(insert(Notice), [
        {"member_id": member_id, "kind": "expiry", "title": f"通知 {n}", "body": "积分即将过期。",
         "link": "/points", "created_at": now, "read_at": now if n % 2 else None}
        for n in range(count)])
    db.session.commit()


def grow(member_id: int, size: int, shown_whole: int) -> None:
    """Bring the member's history and inbox to `size` entries and notices, and their orders
    and the catalog to `shown_whole` orders and items."""
    bulk_items(shown_whole - db.session.scalar(select(func.count()).select_from(Item)))
    orders = shown_whole - count(Order, member_id)
    bulk_history(member_id, size + orders)      # the orders below draw `orders` of these
    bulk_orders(member_id, db.session.scalars(select(Item.id)).all(), orders)
    bulk_notices(member_id, size - count(Notice, member_id))


def count(model, member_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(model)
                             .where(model.member_id == member_id))


def statements_for(client, url: str) -> int:
    client.get(url)  # warm caches that are not per request (templates, compiled SQL)
    # The stored program settings are asked after every few seconds of the clock; ask at
    # every counted page, so each count holds that one statement and no page is spared it.
    running_settings().forget()
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.fixture
def shopper(app, make_member, make_item):
    """A signed-in member with a little of everything, and a few catalog items."""
    catalog = [make_item(points_price=p).id for p in (5, 100, 500, 2000, 9000)]
    make_item(points_price=300, min_tier="gold")
    make_item(points_price=300, stock=0)
    member = make_member(points=0)
    grow(member.id, SMALL, SMALL)
    redemption.redeem(member.id, catalog[0], new_key())
    client = app.test_client()
    assert sign_in(client, member.phone).status_code == 302
    return client, member.id


def test_pages_take_as_many_statements_for_long_histories_many_orders_notices_and_items(
        shopper):
    client, member_id = shopper
    few = {url: statements_for(client, url) for url in PAGES}

    grow(member_id, LARGE, LARGE_SHOWN_WHOLE)
    assert check_ledger() == []
    many = {url: statements_for(client, url) for url in PAGES}

    assert many == few
    assert max(few.values()) <= MOST_STATEMENTS


def test_the_counter_sees_the_statements_of_a_request(shopper):
    client, _ = shopper

    assert statements_for(client, "/points") >= 3
