"""The order lots are spent in is written twice: in SQL, which reads a member's live lots in
that order only as far as a debit needs, and in Python (`lots.spending_order`, used by
`lots.allocate`), which draws from what was read. On random lots, full of ties, both agree:
a debit draws exactly what the rule draws from all of the member's lots."""
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from app.extensions import db
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
