"""The catalog as CSV: exported with a header, imported all or nothing with every bad row
reported by line, and an unchanged round trip changes nothing."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import catalog_csv, stock
from app.loyalty.errors import InvalidCatalogFile
from app.loyalty.models import COUPON, Item, StockMovement


@pytest.fixture
def listed(make_item):
    return [make_item(stock=5, cash_fen=990, per_member_limit=2, min_tier="gold",
                      sale_starts_at=timedelta(days=1), sale_ends_at=timedelta(days=3),
                      description="带,逗号\n和换行", image="img/catalog/latte.svg"),
            make_item(stock=None, name_en='Quote "this"'),
            make_item(kind=COUPON, stock=2)]


def rows(text):
    return list(csv.reader(io.StringIO(text)))


def snapshot():
    db.session.expire_all()
    items = [tuple(getattr(i, c.key) for c in Item.__table__.columns)
             for i in db.session.scalars(select(Item).order_by(Item.id))]
    return items, db.session.scalar(select(func.count()).select_from(StockMovement))


def test_every_item_is_exported_under_a_header_row(app, listed):
    exported = rows(catalog_csv.export_items())
    assert tuple(exported[0]) == catalog_csv.COLUMNS
    first = dict(zip(exported[0], exported[1], strict=True))
    assert (first["category"], first["cash_fen"], first["stock"], first["min_tier"],
            first["active"]) == ("test", "990", "5", "gold", "1")
    assert first["sale_starts_at"].endswith("+08:00")
    assert dict(zip(exported[0], exported[2], strict=True))["stock"] == ""
    assert len(exported) == 4


def test_importing_an_unchanged_export_changes_nothing(app, listed):
    before = snapshot()
    result = catalog_csv.import_items(catalog_csv.export_items().encode())
    assert (result.created, result.updated) == ([], [])
    assert snapshot() == before


def test_an_excel_file_with_a_bom_creates_and_updates(app, listed):
    exported = rows(catalog_csv.export_items())
    exported[1][exported[0].index("points_price")] = "1234"
    exported[1][exported[0].index("stock")] = "8"
    new = list(exported[2])
    new[0], new[exported[0].index("name_en")] = "", "Brand new"
    out = io.StringIO()
    csv.writer(out).writerows(exported + [new])

    result = catalog_csv.import_items(b"\xef\xbb\xbf" + out.getvalue().encode())

    assert result.updated == [listed[0].id] and len(result.created) == 1
    assert db.session.get(Item, listed[0].id).points_price == 1234
    assert db.session.get(Item, result.created[0]).name_en == "Brand new"
    assert stock.check_stock() == []
    assert [c.after["stock"] for c in result.changes] == [8, None]


def with_rows(*changes):
    """The export with cells changed: (row index, column, value)."""
    exported = rows(catalog_csv.export_items())
    for index, column, value in changes:
        exported[index][exported[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows(exported)
    return out.getvalue().encode()


# The first item's description holds a line break: its row covers lines 2 and 3, and each
# row is reported by the line where it starts.
@pytest.mark.parametrize("changes, expected", [
    ([(1, "stock", "-3")], [(2, "stock", "negative")]),
    ([(1, "points_price", "0"), (2, "cash_fen", "-1")],
     [(2, "points_price", "not_positive"), (4, "cash_fen", "negative")]),
    ([(2, "id", "9999")], [(4, "id", "unknown")]),
    ([(1, "category", "nope")], [(2, "category_id", "unknown")]),
    ([(1, "min_tier", "diamond")], [(2, "min_tier_id", "unknown")]),
    ([(1, "sale_ends_at", "2020-01-01T00:00:00")], [(2, "sale_ends_at", "ends_before_start")]),
    ([(1, "sale_ends_at", "next week")], [(2, "sale_ends_at", "not_a_time")]),
    ([(1, "points_price", "1e3")], [(2, "points_price", "not_a_number")]),
    ([(1, "per_member_limit", "0")], [(2, "per_member_limit", "below_one")]),
    ([(1, "name", "")], [(2, "name", "required")]),
    ([(3, "stock", "50")], [(5, "stock", "set_by_codes")]),
    ([(1, "active", "maybe")], [(2, "active", "unknown")]),
])
def test_a_file_with_bad_rows_reports_each_by_line_and_imports_nothing(app, listed, changes,
                                                                      expected):
    data = with_rows((1, "points_price", "777"), *changes)
    before = snapshot()

    with pytest.raises(InvalidCatalogFile) as refused:
        catalog_csv.import_items(data)

    assert [p for p in refused.value.details["problems"] if p != (2, "points_price", "777")] \
        == expected
    assert snapshot() == before


@pytest.mark.parametrize("data, problem", [
    (b"", (1, "file", "header")),
    (b"id,name\n1,x\n", (1, "file", "header")),
    (b"\xff\xfe\x00bad", (0, "file", "not_text")),
    (b"x" * (2 * 1024 * 1024 + 1), (0, "file", "too_large")),
])
def test_a_file_that_is_not_a_catalog_is_refused(app, listed, data, problem):
    with pytest.raises(InvalidCatalogFile) as refused:
        catalog_csv.import_items(data)
    assert refused.value.details["problems"] == [problem]


def test_more_than_five_thousand_rows_are_refused(app, listed):
    line = catalog_csv.export_items().splitlines()[2].split(",", 1)[1]
    data = catalog_csv.export_items() + "".join(f",{line}\n" for _ in range(5001))
    with pytest.raises(InvalidCatalogFile) as refused:
        catalog_csv.import_items(data.encode())
    assert refused.value.details["problems"] == [(0, "file", "too_large")]
    assert db.session.scalar(select(func.count()).select_from(Item)) == 3


def test_a_row_with_missing_cells_is_a_bad_row(app, listed):
    data = catalog_csv.export_items() + ",test,只有名字\n"
    with pytest.raises(InvalidCatalogFile) as refused:
        catalog_csv.import_items(data.encode())
    assert refused.value.details["problems"] == [(6, "row", "columns")]


def test_an_items_cost_and_quota_go_out_and_come_back_in_the_file(app, make_item):
    item = make_item(cost_fen=1250, quota=200, quota_period="day")
    exported = rows(catalog_csv.export_items())
    row = dict(zip(exported[0], exported[1], strict=True))
    assert (row["cost_fen"], row["quota"], row["quota_period"]) == ("1250", "200", "day")

    exported[1][exported[0].index("cost_fen")] = "900"
    exported[1][exported[0].index("quota")] = ""
    out = io.StringIO()
    csv.writer(out).writerows(exported)
    catalog_csv.import_items(out.getvalue().encode())

    db.session.expire_all()
    item = db.session.get(Item, item.id)
    assert (item.cost_fen, item.quota, item.quota_period) == (900, None, "day")


def test_a_file_from_before_items_had_a_cost_still_imports_and_keeps_the_cost(app, make_item):
    item = make_item(cost_fen=1250, quota=5)
    exported = rows(catalog_csv.export_items())
    old = [row[:len(catalog_csv.EARLIER_COLUMNS)] for row in exported]
    old[1][old[0].index("points_price")] = "777"
    new = list(old[1])
    new[0], new[old[0].index("name_en")] = "", "Listed from an old file"
    out = io.StringIO()
    csv.writer(out).writerows([*old, new])

    result = catalog_csv.import_items(out.getvalue().encode())

    db.session.expire_all()
    kept = db.session.get(Item, item.id)
    assert (kept.points_price, kept.cost_fen, kept.quota) == (777, 1250, 5)
    created = db.session.get(Item, result.created[0])
    assert (created.cost_fen, created.quota, created.quota_period) == (0, None, "month")


@pytest.mark.parametrize("column, value, problem", [
    ("cost_fen", "-1", "negative"), ("cost_fen", "", "not_a_number"),
    ("quota", "0", "below_one"), ("quota_period", "week", "unknown"),
])
def test_a_bad_cost_or_quota_in_the_file_is_reported_and_nothing_is_imported(
        app, make_item, column, value, problem):
    make_item()
    exported = rows(catalog_csv.export_items())
    exported[1][exported[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows(exported)
    before = snapshot()

    with pytest.raises(InvalidCatalogFile) as refused:
        catalog_csv.import_items(out.getvalue().encode())

    assert [(p[1], p[2]) for p in refused.value.details["problems"]] == [
        ({"cost_fen": "cost_fen", "quota": "quota"}.get(column, column), problem)]
    assert snapshot() == before
