"""Coupon code pools: codes added all or none, one code to an order and never the same one
twice, an empty pool sold out, unseen codes back in the pool when an order closes."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import coupon_pools, redemption, stock
from app.loyalty.errors import InvalidCodes, InvalidItem, NotCancellable, SoldOut
from app.loyalty.models import CODES_ADDED, COUPON, CouponCode, Item, Order, StockMovement
from tests.support import race


@pytest.fixture
def coupon(make_item):
    return make_item(kind=COUPON, stock=0, points_price=100)


def pool(item_id):
    return db.session.scalars(select(CouponCode.code).where(CouponCode.item_id == item_id)
                              .order_by(CouponCode.id)).all()


def stock_of(item_id):
    db.session.expire_all()
    return db.session.get(Item, item_id).stock


def test_pasted_codes_fill_the_pool_skipping_blanks_and_stock_follows(app, coupon):
    added = coupon_pools.add_codes(coupon.id, " A-1 \n\n  B-2\r\nC-3\n", staff_id=4)

    assert (added.added, added.stock_before, added.stock_after) == (3, 0, 3)
    assert pool(coupon.id) == ["A-1", "B-2", "C-3"]
    assert stock_of(coupon.id) == 3
    assert db.session.execute(select(StockMovement.change, StockMovement.reason,
                                     StockMovement.staff_id)
                              .where(StockMovement.reason == CODES_ADDED)).all() == [
        (3, CODES_ADDED, 4)]
    assert stock.check_stock() == []


def test_a_csv_file_with_a_bom_and_a_header_gives_its_first_column(app, coupon):
    coupon_pools.add_codes(coupon.id, "\ufeffcode,value\nX1,10\nX2,10\n")
    assert pool(coupon.id) == ["X1", "X2"]


@pytest.mark.parametrize("text, expected", [
    ("A\nB\nA\n", [(3, coupon_pools.DUPLICATE, "A")]),
    ("A\n" + "X" * 25 + "\n", [(2, coupon_pools.TOO_LONG, "X" * 24)]),
    ("A\nB C\n", [(2, coupon_pools.BAD_CHARACTERS, "B C")]),
    ("A\n优惠\n", [(2, coupon_pools.BAD_CHARACTERS, "??")]),
    ("A\nB\x00\n", [(2, coupon_pools.BAD_CHARACTERS, "B\x00")]),
    ("\n  \n", [(0, coupon_pools.EMPTY, "")]),
    ("\n".join(f"C{n}" for n in range(10_001)), [(0, coupon_pools.TOO_MANY, "10000")]),
])
def test_a_bad_batch_is_refused_whole_with_its_line_numbers(app, coupon, text, expected):
    with pytest.raises(InvalidCodes) as refused:
        coupon_pools.add_codes(coupon.id, text)

    assert refused.value.details["problems"] == expected
    assert pool(coupon.id) == [] and stock_of(coupon.id) == 0


def test_a_code_already_in_any_pool_refuses_the_batch(app, coupon, make_item):
    other = make_item(kind=COUPON, stock=0)
    coupon_pools.add_codes(other.id, "SAME\n")

    with pytest.raises(InvalidCodes) as refused:
        coupon_pools.add_codes(coupon.id, "NEW\nSAME\n")

    assert refused.value.details["problems"] == [(2, coupon_pools.IN_POOL, "SAME")]
    assert pool(coupon.id) == [] and stock_of(coupon.id) == 0


def test_codes_are_only_for_coupon_items(app, make_item):
    item = make_item(stock=3)
    with pytest.raises(InvalidItem):
        coupon_pools.add_codes(item.id, "A\n")


def test_a_redemption_takes_the_oldest_unused_code(app, coupon, make_member):
    coupon_pools.add_codes(coupon.id, "FIRST\nSECOND\n")
    member = make_member(points=1000)

    order = redemption.redeem(member.id, coupon.id, "k1")

    assert order.coupon_code == "FIRST"
    assert db.session.scalar(select(CouponCode.order_id).where(CouponCode.code == "FIRST")) \
        == order.id
    assert coupon_pools.pool_status(coupon.id).unused == 1 and stock_of(coupon.id) == 1


def test_an_empty_pool_is_sold_out(app, coupon, make_member):
    member = make_member(points=1000)
    with pytest.raises(SoldOut):
        redemption.redeem(member.id, coupon.id, "k1")
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_a_coupon_order_takes_one_code_only(app, coupon, make_member):
    coupon_pools.add_codes(coupon.id, "A\nB\n")
    member = make_member(points=1000)
    with pytest.raises(Exception) as refused:
        redemption.redeem(member.id, coupon.id, "k1", quantity=2)
    assert refused.value.code == "invalid_quantity"
    assert stock_of(coupon.id) == 2


def test_a_cancelled_order_returns_its_unseen_code_to_the_pool(app, coupon, make_member):
    coupon_pools.add_codes(coupon.id, "ONLY\n")
    first, second = make_member(points=1000), make_member(points=1000)
    order = redemption.redeem(first.id, coupon.id, "k1")

    redemption.cancel(first.id, order.code)
    again = redemption.redeem(second.id, coupon.id, "k2")

    assert again.coupon_code == "ONLY"
    assert db.session.get(Order, order.id).coupon_code is None
    assert stock.check_stock() == []


def test_a_lapsed_unpaid_order_returns_its_code(app, make_item, make_member):
    item = make_item(kind=COUPON, stock=1, cash_fen=500)
    member = make_member(points=1000)
    order = redemption.redeem(member.id, item.id, "k1")
    assert stock_of(item.id) == 0

    redemption.settle_payment(order.code, approved=False, amount_fen=500)

    assert coupon_pools.pool_status(item.id).unused == 1 and stock_of(item.id) == 1


def test_a_revealed_code_never_returns(app, coupon, make_member):
    coupon_pools.add_codes(coupon.id, "SEEN\n")
    member = make_member(points=1000)
    order = redemption.redeem(member.id, coupon.id, "k1")
    redemption.reveal(member.id, order.code)

    with pytest.raises(NotCancellable):
        redemption.cancel(member.id, order.code)

    assert coupon_pools.pool_status(coupon.id).unused == 0 and stock_of(coupon.id) == 0


def test_the_pool_runs_low_at_the_programs_low_stock(app, coupon):
    coupon_pools.add_codes(coupon.id, "\n".join(f"L{n}" for n in range(10)))
    assert coupon_pools.pool_status(coupon.id).low is True
    coupon_pools.add_codes(coupon.id, "L10\n")
    status = coupon_pools.pool_status(coupon.id)
    assert (status.unused, status.taken, status.low) == (11, 0, False)


def test_members_racing_for_a_pool_never_get_the_same_code(app, coupon, make_member):
    coupon_pools.add_codes(coupon.id, "\n".join(f"R{n}" for n in range(5)))
    members = [make_member(points=1000).id for _ in range(12)]

    def call(member_id):
        return lambda: redemption.redeem(member_id, coupon.id, f"k{member_id}").coupon_code

    results = race([call(m) for m in members], app)

    codes = [r for r in results if isinstance(r, str)]
    assert sorted(codes) == [f"R{n}" for n in range(5)]
    assert all(isinstance(r, SoldOut) for r in results if not isinstance(r, str)), results
    assert stock_of(coupon.id) == 0 and stock.check_stock() == []
