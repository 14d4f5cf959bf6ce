"""Member pages read in a fixed number of SQL statements, however long the member's history,
however many orders and notices they have and however large the catalog."""
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import Item, Notice, Order
from app.program_source import running_settings
from tests.conftest import sign_in
from tests.integration.route_support import (
    HTMX,
    bulk_history,
    bulk_items,
    bulk_notices,
    bulk_orders,
    new_key,
    redeem_form,
)
from tests.support import csrf_token

PAGES = ["/", "/catalog", "/catalog?affordable=1", "/catalog?page=2",
         "/catalog?affordable=1&sort=-points&page=2", "/catalog/{item}",
         "/catalog/{item}/redeem", "/points", "/points?page=2",
         "/orders", "/orders?page=2", "/inbox", "/inbox?page=2"]
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
# The catalog shows a page of its items: thirty have a second page, five thousand are as
# large a catalog as a busy program's.
SMALL_CATALOG, LARGE_CATALOG = 30, 5_000


def grow(member_id: int, size: int, items: int) -> None:
    """Bring the member's history, orders and inbox to `size` entries, orders and notices,
    and the catalog to `items` items."""
    bulk_items(items - db.session.scalar(select(func.count()).select_from(Item)))
    orders = size - count(Order, member_id)
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
    grow(member.id, SMALL, SMALL_CATALOG)
    redemption.redeem(member.id, catalog[0], new_key())
    client = app.test_client()
    assert sign_in(client, member.phone).status_code == 302
    return client, member.id, catalog[1]


def test_pages_take_as_many_statements_for_long_histories_many_orders_notices_and_items(
        shopper):
    client, member_id, item_id = shopper
    pages = [page.format(item=item_id) for page in PAGES]
    few = {url: statements_for(client, url) for url in pages}

    grow(member_id, LARGE, LARGE_CATALOG)
    assert check_ledger() == []
    assert count(Order, member_id) == count(Notice, member_id) == LARGE
    many = {url: statements_for(client, url) for url in pages}

    assert many == few
    assert max(few.values()) <= MOST_STATEMENTS


@pytest.mark.parametrize("url", ["/", "/rules", "/inbox"])
def test_the_header_bells_count_is_read_in_the_statement_that_reads_the_wallet(shopper, url):
    client, _, _ = shopper
    client.get(url)

    with counting() as statements:
        client.get(url)

    counts_of_notices = [s for s in statements if re.search(r"count\(\*\)[^;]*\bnotices\b", s)]
    assert len(counts_of_notices) == 1 and "point_lots" in counts_of_notices[0]


def test_the_counter_sees_the_statements_of_a_request(shopper):
    client, _, _ = shopper

    assert statements_for(client, "/points") >= 3


def test_an_htmx_redemption_reads_the_members_row_only_to_sign_in_and_to_lock_it(
        shopper, make_item):
    client, _, _ = shopper
    item_id = make_item(points_price=5).id   # what the member has left
    form = redeem_form(client, item_id, csrf_token=None)
    headers = {**HTMX, "X-CSRFToken": csrf_token(client)}

    with counting() as statements:
        response = client.post(f"/catalog/{item_id}/redeem", data=form, headers=headers)

    assert response.status_code == 200 and 'data-testid="redeem-result"' in response.text
    member_rows = [s for s in statements if re.match(r"\s*SELECT members\.id", s)]
    assert len(member_rows) == 2   # the session's member, then the member locked to redeem
