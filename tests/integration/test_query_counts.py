"""Member pages read in a fixed number of SQL statements, however long the history."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.audit import check_ledger
from tests.conftest import sign_in
from tests.integration.route_support import bulk_history, new_key

PAGES = ["/", "/catalog", "/catalog?affordable=1", "/points", "/points?page=2", "/orders"]
MOST_STATEMENTS = 12


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


@pytest.fixture
def catalog(make_item):
    items = [make_item(points_price=p) for p in (5, 100, 500, 2000, 9000)]
    make_item(points_price=300, min_tier="gold")
    make_item(points_price=300, stock=0)
    return items


def member_with_history(app, make_member, catalog, entries: int):
    """A signed-in client for a member with `entries` earn entries and one order."""
    member = make_member(points=0)
    bulk_history(member.id, entries)
    redemption.redeem(member.id, catalog[0].id, new_key())
    client = app.test_client()
    assert sign_in(client, member.phone).status_code == 302
    return client


def statements_for(client, url: str) -> int:
    client.get(url)  # warm caches that are not per request (templates, compiled SQL)
    with counting() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.fixture
def short_and_long(app, make_member, catalog):
    short = member_with_history(app, make_member, catalog, 10)
    long = member_with_history(app, make_member, catalog, 10_000)
    assert check_ledger() == []
    return short, long


@pytest.mark.parametrize("url", PAGES)
def test_a_page_takes_as_many_statements_for_ten_thousand_entries_as_for_ten(short_and_long,
                                                                             url):
    short, long = short_and_long

    few, many = statements_for(short, url), statements_for(long, url)

    assert few == many
    assert few <= MOST_STATEMENTS


def test_the_counter_sees_the_statements_of_a_request(short_and_long):
    short, _ = short_and_long

    assert statements_for(short, "/points") >= 3
