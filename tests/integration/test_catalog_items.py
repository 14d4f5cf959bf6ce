"""Staff's item service: items listed, edited, hidden and restocked, each change with its
stock movement, and every bad detail refused with its field, changing nothing."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import catalog, redemption, stock
from app.loyalty.errors import InvalidItem, NotFound
from app.loyalty.models import (
    CORRECTION,
    COUPON,
    OPENING,
    RESTOCK,
    Item,
    StockMovement,
    utcnow,
)
from app.web.messages import describe
from tests.conftest import tier_id


@pytest.fixture
def valid(category_id):
    return {"name": "乌龙茶", "name_en": "Oolong", "category_id": category_id,
            "points_price": 800, "stock": 5}


def movements(item_id):
    return db.session.execute(select(StockMovement.change, StockMovement.reason,
                                     StockMovement.stock_after)
                              .where(StockMovement.item_id == item_id)
                              .order_by(StockMovement.id)).all()


def count_items():
    return db.session.scalar(select(func.count()).select_from(Item))


def test_a_new_item_opens_its_stock_with_a_movement_and_reports_its_details(app, valid):
    change = catalog.create_item({**valid, "cash_fen": 990, "per_member_limit": 2,
                                  "min_tier_id": tier_id("gold")}, staff_id=7)

    item = db.session.get(Item, change.item_id)
    assert (item.points_price, item.cash_fen, item.stock, item.per_member_limit) == (800, 990,
                                                                                    5, 2)
    assert change.before is None and change.after["name_en"] == "Oolong"
    assert movements(item.id) == [(5, OPENING, 5)]
    assert db.session.scalar(select(StockMovement.staff_id)) == 7
    assert stock.check_stock() == []


def test_an_item_with_unlimited_stock_has_no_movements(app, valid):
    change = catalog.create_item({**valid, "stock": None})
    assert movements(change.item_id) == []


def test_a_new_coupon_item_is_sold_out_until_codes_are_added(app, valid):
    change = catalog.create_item({**valid, "kind": COUPON, "stock": None})
    assert db.session.get(Item, change.item_id).stock == 0


BAD_DETAILS = [
    ({"stock": -1}, "stock", catalog.NEGATIVE),
    ({"points_price": 0}, "points_price", catalog.NOT_POSITIVE),
    ({"points_price": -5}, "points_price", catalog.NOT_POSITIVE),
    ({"points_price": "100"}, "points_price", catalog.NOT_A_NUMBER),
    ({"cash_fen": -1}, "cash_fen", catalog.NEGATIVE),
    ({"per_member_limit": 0}, "per_member_limit", catalog.BELOW_ONE),
    ({"name": "  "}, "name", catalog.REQUIRED),
    ({"name_en": ""}, "name_en", catalog.REQUIRED),
    ({"name": "长" * 81}, "name", catalog.TOO_LONG),
    ({"description_en": "x" * 2001}, "description_en", catalog.TOO_LONG),
    ({"kind": "lottery"}, "kind", catalog.UNKNOWN),
    ({"category_id": 9999}, "category_id", catalog.UNKNOWN),
    ({"min_tier_id": 9999}, "min_tier_id", catalog.UNKNOWN),
    ({"sale_starts_at": timedelta(days=2), "sale_ends_at": timedelta(days=1)},
     "sale_ends_at", catalog.ENDS_BEFORE_START),
    ({"sale_starts_at": timedelta(days=1), "sale_ends_at": timedelta(days=1)},
     "sale_ends_at", catalog.ENDS_BEFORE_START),
    ({"kind": COUPON, "stock": 5}, "stock", catalog.SET_BY_CODES),
]


def _timed(values):
    return {name: utcnow() + value if isinstance(value, timedelta) else value
            for name, value in values.items()}


@pytest.mark.parametrize("bad, field, problem", BAD_DETAILS)
def test_bad_details_of_a_new_item_are_refused_by_field_and_list_nothing(app, valid, bad,
                                                                        field, problem):
    with pytest.raises(InvalidItem) as refused:
        catalog.create_item({**valid, **_timed(bad)})

    assert refused.value.details["problems"][field] == problem
    assert count_items() == 0
    assert db.session.scalar(select(func.count()).select_from(StockMovement)) == 0


@pytest.mark.parametrize("bad, field, problem", [b for b in BAD_DETAILS if "kind" not in b[0]])
def test_bad_details_of_an_edit_are_refused_by_field_and_change_nothing(app, valid, bad, field,
                                                                       problem):
    item_id = catalog.create_item(valid).item_id
    before = catalog.details(db.session.get(Item, item_id))

    with pytest.raises(InvalidItem) as refused:
        catalog.edit_item(item_id, _timed(bad))

    assert refused.value.details["problems"][field] == problem
    db.session.expire_all()
    assert catalog.details(db.session.get(Item, item_id)) == before
    assert movements(item_id) == [(5, OPENING, 5)]


def test_every_refusal_names_its_field_in_words_for_staff(app, valid):
    with pytest.raises(InvalidItem) as refused:
        catalog.create_item({**valid, "points_price": 0, "cash_fen": -1})
    assert set(refused.value.details["problems"]) == {"points_price", "cash_fen"}
    assert refused.value.details["field"] == "points_price"


def test_editing_the_stock_writes_one_correction(app, valid):
    item_id = catalog.create_item(valid).item_id

    change = catalog.edit_item(item_id, {"stock": 12, "points_price": 900}, staff_id=3)

    assert (change.before["stock"], change.after["stock"]) == (5, 12)
    assert (change.before["points_price"], change.after["points_price"]) == (800, 900)
    assert movements(item_id) == [(5, OPENING, 5), (7, CORRECTION, 12)]
    assert stock.check_stock() == []


def test_an_item_made_unlimited_and_limited_again_opens_from_its_new_stock(app, valid):
    item_id = catalog.create_item(valid).item_id
    catalog.edit_item(item_id, {"stock": None})
    catalog.edit_item(item_id, {"stock": 3})

    assert movements(item_id) == [(5, OPENING, 5), (-5, CORRECTION, None), (3, OPENING, 3)]
    assert stock.check_stock() == []


def test_a_hidden_item_is_inactive_and_shown_again_on_request(app, valid):
    item_id = catalog.create_item(valid).item_id
    hidden = catalog.set_active(item_id, False)
    assert (hidden.before["active"], hidden.after["active"]) == (True, False)
    assert catalog.set_active(item_id, True).after["active"] is True


def test_a_restock_adds_stock_with_its_reason_and_note(app, valid):
    item_id = catalog.create_item(valid).item_id

    change = catalog.adjust_stock(item_id, 20, RESTOCK, "delivery 42", staff_id=5)

    assert (change.before["stock"], change.after["stock"]) == (5, 25)
    assert movements(item_id)[-1] == (20, RESTOCK, 25)
    assert stock.history(item_id)[0].note == "delivery 42"


@pytest.mark.parametrize("change, reason, field, problem", [
    (-1, RESTOCK, "change", catalog.NOT_POSITIVE),
    (0, CORRECTION, "change", catalog.ZERO),
    (-6, CORRECTION, "change", catalog.NEGATIVE),
    (3, "gift", "reason", catalog.UNKNOWN),
    ("3", RESTOCK, "change", catalog.NOT_A_NUMBER),
])
def test_a_bad_stock_change_is_refused_and_changes_nothing(app, valid, change, reason, field,
                                                          problem):
    item_id = catalog.create_item(valid).item_id

    with pytest.raises(InvalidItem) as refused:
        catalog.adjust_stock(item_id, change, reason)

    assert refused.value.details["problems"] == {field: problem}
    db.session.expire_all()
    assert db.session.get(Item, item_id).stock == 5
    assert len(movements(item_id)) == 1


def test_a_coupon_items_stock_cannot_be_set_by_hand(app, make_item):
    item = make_item(kind=COUPON, stock=3)
    for call in (lambda: catalog.adjust_stock(item.id, 2, RESTOCK),
                 lambda: catalog.edit_item(item.id, {"stock": 9})):
        with pytest.raises(InvalidItem) as refused:
            call()
        assert refused.value.details["problems"]["stock"] == catalog.SET_BY_CODES


def test_an_unknown_item_is_not_found(app):
    with pytest.raises(NotFound):
        catalog.edit_item(999, {"name": "x"})


def test_redeeming_and_cancelling_write_a_movement_each(app, make_member, make_item):
    member = make_member(points=1000)
    item = make_item(points_price=100, stock=4)

    order = redemption.redeem(member.id, item.id, "k1")
    redemption.cancel(member.id, order.code)

    assert [(c, r) for c, r, _ in movements(item.id)] == [(4, OPENING), (-1, "redemption"),
                                                          (1, "returned")]
    assert db.session.scalar(select(StockMovement.order_id).where(
        StockMovement.reason == "redemption")) == order.id
    assert stock.check_stock() == []


def test_the_stock_check_finds_stock_changed_without_a_movement(app, make_item):
    item = make_item(stock=4)
    db.session.get(Item, item.id).stock = 9
    db.session.commit()

    assert [m.item_id for m in stock.check_stock()] == [item.id]


def test_a_refusal_reads_field_by_field_in_chinese_and_english(app, valid):
    with pytest.raises(InvalidItem) as refused:
        catalog.create_item({**valid, "points_price": 0, "stock": -2})
    with app.test_request_context():
        with force_locale("en"):
            english = describe(refused.value)
        with force_locale("zh_CN"):
            chinese = describe(refused.value)
    assert english == "The points price must be more than 0. Stock cannot go below zero."
    assert chinese == "积分价格必须大于 0。 库存不能低于 0。"
