"""The catalog pages of the console: items listed, created, edited, hidden and shown, each
bad detail refused beside its field with nothing changed, and every change audited."""
import io

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from app.extensions import db
from app.loyalty import audit_log
from app.loyalty.models import Item, StockMovement
from app.media import images
from tests.conftest import tier_id
from tests.integration.route_support import audits, english
from tests.support import csrf_token


@pytest.fixture
def admin(app, staff_client, tmp_path):
    app.instance_path = str(tmp_path)
    client = staff_client("admin")
    db.session.rollback()  # the sign-in wrote since this session last read
    return client


def png(size=(400, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


def form(category_id, **fields):
    values = {"name": "乌龙茶", "name_en": "Oolong", "description": "", "description_en": "",
              "category_id": str(category_id), "kind": "pickup", "points_price": "800",
              "cash_fen": "", "stock": "5", "per_member_limit": "", "min_tier_id": "",
              "sale_starts_at": "", "sale_ends_at": ""}
    values.update(fields)
    return values


def post(client, url, data, page=None):
    data = {**data, "csrf_token": csrf_token(client, page or url)}
    db.session.rollback()  # read what the request writes, not an older snapshot
    if not any(isinstance(value, tuple) for value in data.values()):
        return client.post(url, data=data)
    environ = EnvironBuilder(path=url, method="POST", data=data).get_environ()
    try:  # a large body is spooled to a temporary file: close it after the request
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def errors(response) -> str:
    html = response.get_data(as_text=True)
    return html if 'data-testid="error-message"' in html else ""


def test_an_administrator_lists_an_item_with_every_detail_and_it_is_audited(
        admin, category_id, app):
    response = post(admin, "/admin/items/new", form(
        category_id, cash_fen="9.90", per_member_limit="2", min_tier_id=str(tier_id("gold")),
        sale_starts_at="2030-01-01T10:00", sale_ends_at="2030-01-02T10:00",
        image=(io.BytesIO(png()), "tea.png")))

    assert response.status_code == 302, errors(response)
    item = db.session.scalar(select(Item))
    assert (item.name, item.points_price, item.cash_fen, item.stock, item.per_member_limit) == (
        "乌龙茶", 800, 990, 5, 2)
    assert item.sale_starts_at.isoformat() == "2030-01-01T02:00:00+00:00"  # Shanghai time
    assert images.widths_of(item.image, app.instance_path) == list(images.WIDTHS)
    [entry] = audits(audit_log.ITEM_CHANGE)
    assert entry.actor_id == admin.staff.id and entry.before is None
    assert entry.after["name_en"] == "Oolong" and entry.subject == f"item {item.id}"
    assert db.session.scalar(select(StockMovement.staff_id)) == admin.staff.id


def test_the_list_shows_items_flags_low_stock_and_filters(admin, make_item):
    make_item(name="红茶", name_en="Black tea", stock=2)
    make_item(name="绿茶", name_en="Green tea", stock=500, active=False)

    html = admin.get("/admin/items").get_data(as_text=True)
    assert "红茶" in html and "绿茶" in html
    assert html.count('data-testid="item-low"') == 1 and 'data-testid="items-low-count"' in html

    assert "绿茶" not in admin.get("/admin/items?low=y").get_data(as_text=True)
    assert "红茶" not in admin.get("/admin/items?state=hidden").get_data(as_text=True)
    found = admin.get("/admin/items?q=green").get_data(as_text=True)
    assert "绿茶" in found and "红茶" not in found
    assert admin.get("/admin/items?page=-1").status_code == 422


@pytest.mark.parametrize("fields, field, words", [
    ({"stock": "-1"}, "stock", "Stock cannot go below zero."),
    ({"points_price": "0"}, "points_price", "The points price must be more than 0."),
    ({"sale_starts_at": "2030-01-02T10:00", "sale_ends_at": "2030-01-01T10:00"},
     "sale_ends_at", "The sale must end after it starts."),
    ({"name": ""}, "name", "Enter a name."),
    ({"cash_fen": "9.999"}, "cash_fen", "Enter an amount in yuan"),
    ({"points_price": "１００"}, "points_price", "Enter a whole number"),
    ({"kind": "coupon", "stock": "5"}, "stock", "add codes instead"),
    ({"name": "茶" * 81}, "name", "Field cannot be longer than 80"),
])
def test_a_bad_detail_is_refused_beside_its_field_and_nothing_is_listed(
        admin, category_id, app, fields, field, words):
    with app.test_request_context():
        from flask import session
        session["lang"] = "en"
    admin.post("/lang/en", data={"csrf_token": csrf_token(admin, "/admin/items")})
    response = post(admin, "/admin/items/new", form(category_id, **fields,
                                                    image=(io.BytesIO(png()), "tea.png")))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and words in html
    assert count(Item) == 0 and audits(audit_log.ITEM_CHANGE) == []
    assert not images.folder(app.instance_path).exists()  # the image waits for a valid item


@pytest.mark.parametrize("upload, words", [
    ((b"not an image at all", "photo.png"), "not a JPEG, PNG or WebP"),
    ((b"\x89PNG" + b"0" * images.MAX_BYTES, "big.png"), "too large"),
    ((png(), "tea.gif"), "Upload a JPEG, PNG or WebP image."),
])
def test_an_upload_that_is_not_an_image_or_too_large_is_refused(admin, category_id, app,
                                                                upload, words):
    admin.post("/lang/en", data={"csrf_token": csrf_token(admin, "/admin/items")})
    response = post(admin, "/admin/items/new", form(
        category_id, image=(io.BytesIO(upload[0]), upload[1])))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="image-error"' in html and words in html
    assert count(Item) == 0 and not images.folder(app.instance_path).exists()


def test_editing_an_item_audits_only_what_changed(admin, make_item):
    item = make_item(stock=10)
    page = admin.get(f"/admin/items/{item.id}").get_data(as_text=True)
    assert 'value="测试商品"' in page

    response = post(admin, f"/admin/items/{item.id}", form(
        item.category_id, name="新名字", name_en="Test item", points_price="100", stock="12"))

    assert response.status_code == 302, errors(response)
    db.session.rollback()
    assert (db.session.get(Item, item.id).name, db.session.get(Item, item.id).stock) == (
        "新名字", 12)
    [entry] = audits(audit_log.ITEM_CHANGE)
    assert entry.before == {"name": "测试商品", "stock": 10}
    assert entry.after == {"name": "新名字", "stock": 12}


def test_a_refused_edit_changes_nothing(admin, make_item):
    item = make_item(stock=10)
    response = post(admin, f"/admin/items/{item.id}", form(item.category_id, name="新名字",
                                                           stock="-3"))
    assert response.status_code == 422 and 'id="stock-error"' in response.get_data(True)
    db.session.rollback()
    assert db.session.get(Item, item.id).name == "测试商品"
    assert audits(audit_log.ITEM_CHANGE) == []


def test_hiding_and_showing_an_item_are_posts_and_audited(admin, make_item):
    item = make_item()
    url = f"/admin/items/{item.id}"
    assert admin.get(f"{url}/hidden").status_code == 405

    assert post(admin, f"{url}/hidden", {}, page=url).status_code == 302
    db.session.rollback()
    assert db.session.get(Item, item.id).active is False
    assert post(admin, f"{url}/shown", {}, page=url).status_code == 302
    db.session.rollback()
    assert db.session.get(Item, item.id).active is True
    entries = audits(audit_log.ITEM_CHANGE)
    assert [(e.before, e.after) for e in entries] == [
        ({"active": True}, {"active": False}), ({"active": False}, {"active": True})]


def test_a_restock_shows_in_the_history_and_is_audited(admin, make_item):
    item = make_item(stock=3)
    url = f"/admin/items/{item.id}/stock"

    response = post(admin, url, {"change": "20", "reason": "restock", "note": "到货"})

    assert response.status_code == 302, errors(response)
    html = admin.get(url).get_data(as_text=True)
    assert html.count('data-testid="stock-row"') == 2 and "到货" in html
    assert admin.staff.username in html
    [entry] = audits(audit_log.STOCK_CHANGE)
    assert entry.before == {"stock": 3}
    assert entry.after == {"stock": 23, "change": 20, "reason": "restock", "note": "到货"}


@pytest.mark.parametrize("change, reason, field", [
    ("0", "restock", "change"), ("", "restock", "change"), ("-5", "restock", "change"),
    ("-4", "correction", "change"), ("1.5", "restock", "change"), ("5", "theft", "reason"),
])
def test_a_bad_stock_change_is_refused_and_changes_nothing(admin, make_item, change, reason,
                                                           field):
    item = make_item(stock=3)
    response = post(admin, f"/admin/items/{item.id}/stock",
                    {"change": change, "reason": reason, "note": ""})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Item, item.id).stock == 3 and audits(audit_log.STOCK_CHANGE) == []


def test_codes_pasted_or_uploaded_fill_the_pool_and_the_upload_is_audited(admin, make_item):
    item = make_item(kind="coupon", stock=0)
    url = f"/admin/items/{item.id}/codes"
    assert 'data-testid="pool-low"' in admin.get(url).get_data(as_text=True)

    assert post(admin, url, {"codes": "AAA-1\nAAA-2\n"}).status_code == 302
    assert post(admin, url, {"codes": "", "file": (io.BytesIO(b"code\nBBB-1\n"),
                                                   "codes.csv")}).status_code == 302

    html = admin.get(url).get_data(as_text=True)
    assert 'data-testid="pool-unused">3<' in html
    entries = audits(audit_log.CODE_POOL_UPLOAD)
    assert [e.after["added"] for e in entries] == [2, 1]
    assert "AAA-1" not in str([(e.before, e.after, e.subject) for e in entries])


@pytest.mark.parametrize("text, words", [
    ("CCC-1\nCCC-2\nCCC-1\n", "Line 3: CCC-1 appears twice."),
    ("DDD-1\nEXISTING-1\n", "Line 2: EXISTING-1 is already in a pool."),
    ("", "There are no codes to add."),
    ("ok-1\nbad code\n", "Line 2: only letters"),
])
def test_a_bad_batch_of_codes_lists_each_line_and_adds_nothing(admin, make_item, text, words):
    from app.loyalty import coupon_pools
    item = make_item(kind="coupon", stock=0)
    coupon_pools.add_codes(item.id, "EXISTING-1")
    admin.post("/lang/en", data={"csrf_token": csrf_token(admin, "/admin/items")})

    response = post(admin, f"/admin/items/{item.id}/codes", {"codes": text})

    assert response.status_code == 422 and words in response.get_data(as_text=True)
    assert coupon_pools.pool_status(item.id).unused == 1
    assert audits(audit_log.CODE_POOL_UPLOAD) == []


def test_the_catalog_exports_with_a_byte_order_mark_and_imports_again(admin, make_item):
    make_item(name="红茶")
    response = admin.get("/admin/items/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers[
        "Content-Disposition"]
    data = response.get_data()
    assert data.startswith("\ufeff".encode()) and "红茶".encode() in data

    text = data.decode("utf-8-sig").replace("红茶", "新红茶")
    text += ",test,白茶,White tea,,,pickup,50,0,,,,,,1,,0,,month\r\n"
    done = post(admin, "/admin/items/import",
                {"file": (io.BytesIO(text.encode()), "catalog.csv")})

    assert done.status_code == 302
    assert "1" in admin.get("/admin/items/import").get_data(as_text=True)
    assert sorted(db.session.scalars(select(Item.name))) == ["新红茶", "白茶"]
    assert len(audits(audit_log.ITEM_CHANGE)) == 2


def test_a_bad_catalog_file_lists_its_rows_and_imports_nothing(admin, make_item):
    make_item(name="红茶")
    text = admin.get("/admin/items/export.csv").get_data().decode("utf-8-sig")
    text += ",test,白茶,White tea,,,pickup,0,0,-1,,,,,1,,0,,month\r\n"

    response = post(admin, "/admin/items/import",
                    {"file": (io.BytesIO(text.encode()), "catalog.csv")})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count('data-testid="import-problem"') == 2
    assert count(Item) == 1 and audits(audit_log.ITEM_CHANGE) == []


@pytest.mark.parametrize("url", ["/admin/items", "/admin/items/new", "/admin/items/import",
                                 "/admin/items/export.csv"])
def test_a_clerk_is_refused_every_catalog_page(staff_client, url):
    assert staff_client("clerk").get(url).status_code == 403


def test_every_problem_shows_at_once_when_the_form_refuses_some_fields(admin, category_id):
    response = post(admin, "/admin/items/new", form(
        category_id, name="", points_price="0", stock="-5",
        sale_starts_at="2030-01-02T10:00", sale_ends_at="2030-01-01T10:00"))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("name", "points_price", "stock", "sale_ends_at"):
        assert f'id="{field}-error"' in html
    assert count(Item) == 0


def test_a_post_with_no_fields_at_all_is_refused_with_messages(admin):
    response = post(admin, "/admin/items/new", {})
    assert response.status_code == 422 and 'id="name-error"' in response.get_data(True)
    assert count(Item) == 0


def test_an_administrator_sets_an_items_cost_and_quota_and_it_is_audited(admin, category_id):
    response = post(admin, "/admin/items/new", form(category_id, cost_fen="12.50", quota="200",
                                                    quota_period="day"))

    assert response.status_code == 302, errors(response)
    item = db.session.scalar(select(Item))
    assert (item.cost_fen, item.quota, item.quota_period) == (1250, 200, "day")
    [entry] = audits(audit_log.ITEM_CHANGE)
    assert (entry.after["cost_fen"], entry.after["quota"]) == (1250, 200)
    page = admin.get(f"/admin/items/{item.id}").get_data(as_text=True)
    assert 'value="12.50"' in page and 'value="200"' in page


@pytest.mark.parametrize("fields, field, words", [
    ({"cost_fen": "-1"}, "cost_fen", "Enter an amount in yuan"),
    ({"cost_fen": "12345678"}, "cost_fen", "Enter an amount in yuan"),
    ({"cost_fen": "abc"}, "cost_fen", "Enter an amount in yuan"),
    ({"quota": "0"}, "quota", "The quota must be at least 1"),
    ({"quota": "-5"}, "quota", "Enter a whole number"),
    ({"quota": "9999999999"}, "quota", "Enter a whole number"),
    ({"quota": "5", "quota_period": "week"}, "quota_period", "Not a valid choice"),
])
def test_a_bad_cost_or_quota_is_refused_beside_its_field_and_nothing_changes(
        admin, category_id, fields, field, words):
    english(admin)
    response = post(admin, "/admin/items/new", form(category_id, **fields))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and words in html
    assert count(Item) == 0 and audits(audit_log.ITEM_CHANGE) == []
