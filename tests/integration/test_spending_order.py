"""The order lots are spent in is written twice: in SQL, which reads a member's live lots in
that order only as far as a debit needs, and in Python (`lots.spending_order`, used by
`lots.allocate`), which draws from what was read. On random lots, full of ties, both agree:
a debit draws exactly what the rule draws from all of the member's lots."""
import re
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event

from app.extensions import db
from app.loyalty import expiring_points, redemption
from app.loyalty.ledger import _lots_to_spend
from app.loyalty.lots import LotView, allocate, spending_order
from app.loyalty.models import PointLot
from tests.conftest import utc

NOW = utc(2026, 6, 1, 4, 0)
# Few distinct instants, so that lots often tie on expiry and on when they were earned;
# some a microsecond apart and some a year apart, to catch an order of stored text.
INSTANTS = st.sampled_from([NOW - timedelta(days=400), NOW - timedelta(seconds=1), NOW,
                            NOW + timedelta(microseconds=1), NOW + timedelta(microseconds=999_999),
                            NOW + timedelta(days=30), NOW + timedelta(days=400)])
LOT = st.tuples(st.integers(1, 60), st.integers(0, 60), INSTANTS, st.one_of(st.none(), INSTANTS))


def views(lots) -> list[LotView]:
    return [LotView(lot.id, lot.remaining, lot.earned_at, lot.expires_at) for lot in lots]


def test_the_lots_a_debit_reads_in_sql_are_the_ones_the_rule_draws_in_its_order(make_member):
    member_id = make_member().id

    @given(lots=st.lists(LOT, max_size=12), amount=st.integers(1, 400))
    @settings(max_examples=60, deadline=None)
    def agree(lots, amount):
        db.session.execute(delete(PointLot).where(PointLot.member_id == member_id))
        rows = [PointLot(member_id=member_id, points=max(points, remaining),
                         remaining=remaining, earned_at=earned_at, expires_at=expires_at)
                for points, remaining, earned_at, expires_at in lots]
        db.session.add_all(rows)
        db.session.flush()
        expiring_points.recount([member_id])
        db.session.commit()
        everything = views(rows)
        live = [lot for lot in everything
                if lot.remaining > 0 and (lot.expires_at is None or lot.expires_at > NOW)]

        read_in_sql = _lots_to_spend(member_id, 10**9, NOW)

        assert [lot.id for lot in read_in_sql] == \
            [lot.id for lot in sorted(live, key=spending_order)]
        assert allocate(views(_lots_to_spend(member_id, amount, NOW)), amount, NOW) == \
            allocate(everything, amount, NOW)

    agree()


def test_a_redemption_reads_every_table_through_an_index_and_sorts_nothing(
        app, make_member, make_item):
    """However long a member's history, a redemption reads only what it needs: each of its
    queries finds its rows by an index, in the order it wants them (SQLite's plans)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plans read here are SQLite's")
    member_id = make_member(points=500, earned_at=NOW - timedelta(days=30)).id
    item_id = make_item(points_price=10, stock=50).id
    redemption.redeem(member_id, item_id, "first", now=NOW)  # an order to find the key among
    statements = []

    def remember(_connection, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        redemption.redeem(member_id, item_id, "second", now=NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert any("point_lots" in statement for statement, _ in statements)
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            plan = " ".join(row[3] for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters))
            assert "TEMP B-TREE" not in plan and not re.search(r"\bSCAN (orders|point_lots|"
                                                                r"ledger_entries)\b", plan), \
                (statement, plan)
