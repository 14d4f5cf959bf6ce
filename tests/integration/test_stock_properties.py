"""Stock equals its opening plus every movement since, whatever members and staff do."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.loyalty import catalog, coupon_pools, redemption, stock
from app.loyalty.errors import DomainError
from app.loyalty.models import CORRECTION, COUPON, RESTOCK, Item

STEP = st.one_of(
    st.tuples(st.just("redeem"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("cancel"), st.integers(0, 50), st.just(0)),
    st.tuples(st.just("restock"), st.integers(0, 2), st.integers(1, 5)),
    st.tuples(st.just("correct"), st.integers(0, 2), st.integers(-4, 4)),
    st.tuples(st.just("codes"), st.just(2), st.integers(1, 3)),
)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=25))
def test_stock_is_its_opening_plus_its_movements_after_any_history(app, make_member,
                                                                   make_item, steps):
    members = [make_member(points=100_000).id for _ in range(2)]
    items = [make_item(points_price=10, stock=2).id, make_item(points_price=10, stock=0).id,
             make_item(points_price=10, kind=COUPON, stock=1).id]
    orders = []
    for step, which, amount in steps:
        try:
            if step == "redeem":
                member = members[which % 2]
                orders.append((member, redemption.redeem(
                    member, items[amount], f"k{len(orders)}-{id(steps)}").code))
            elif step == "cancel" and orders:
                redemption.cancel(*orders[which % len(orders)])
            elif step == "restock":
                catalog.adjust_stock(items[which % 2], amount, RESTOCK)
            elif step == "correct":
                catalog.adjust_stock(items[which % 2], amount, CORRECTION)
            elif step == "codes":
                coupon_pools.add_codes(items[2], "\n".join(
                    redemption.new_code(12) for _ in range(amount)))
        except DomainError:
            pass
        assert stock.check_stock() == []
    db.session.expire_all()
    assert all(db.session.get(Item, item_id).stock >= 0 for item_id in items)
    assert db.session.get(Item, items[2]).stock == coupon_pools.pool_status(items[2]).unused
