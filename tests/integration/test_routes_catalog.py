"""The catalog: filters, sort order, the htmx grid, why a card is disabled; item pages."""
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import event

from app.extensions import db
from app.loyalty import redemption
from app.loyalty.models import Category, Item
from tests.integration.route_support import (
    HTMX,
    attrs,
    bulk_items,
    by_testid,
    card,
    item_ids,
    new_key,
    text,
)
from tests.support import csrf_token


@pytest.fixture
def drinks(make_item):
    """A second category with one item in it."""
    category = Category(slug="drinks", name="饮品", name_en="Drinks", position=1)
    db.session.add(category)
    db.session.commit()
    return make_item(points_price=250, category_id=category.id, name_en="Latte")


def catalog(client, **params) -> str:
    response = client.get("/catalog", query_string=params)
    assert response.status_code == 200
    return text(response)


def test_the_catalog_lists_active_items_cheapest_first(shopper, make_item):
    dear, cheap = make_item(points_price=900), make_item(points_price=100)
    make_item(points_price=50, active=False)

    assert item_ids(catalog(shopper)) == [cheap.id, dear.id]


def test_the_category_filter_shows_only_that_category(shopper, make_item, drinks):
    make_item(points_price=100)

    assert item_ids(catalog(shopper, category="drinks")) == [drinks.id]


def test_an_unknown_category_shows_the_empty_state(shopper, make_item):
    make_item()

    html = catalog(shopper, category="no-such-thing")

    assert item_ids(html) == []
    assert 'class="empty"' in html


def test_the_affordable_filter_shows_only_items_the_member_can_redeem(shopper, member,
                                                                      make_item):
    # The member has 5,000 points and is Silver; 4,900 once they have the item limited to one.
    fits, exact = make_item(points_price=100), make_item(points_price=4900)
    make_item(points_price=4901)
    make_item(points_price=100, stock=0)
    make_item(points_price=100, min_tier="gold")
    make_item(points_price=100, sale_starts_at=timedelta(days=1))
    make_item(points_price=100, sale_ends_at=timedelta(days=-1))
    bought_out = make_item(points_price=100, per_member_limit=1)
    redemption.redeem(member.id, bought_out.id, new_key())

    assert item_ids(catalog(shopper, affordable="1")) == [fits.id, exact.id]
    assert "Page 1 of" not in catalog(shopper, affordable="1")


@pytest.mark.parametrize("sort, expected", [("points", [100, 500, 900]),
                                            ("-points", [900, 500, 100]),
                                            ("name", [100, 500, 900]),
                                            ("; DROP TABLE items", [100, 500, 900])])
def test_sorting_by_points_either_way_and_an_unknown_sort_is_ignored(shopper, make_item,
                                                                     sort, expected):
    by_price = {p: make_item(points_price=p).id for p in (500, 900, 100)}

    assert item_ids(catalog(shopper, sort=sort)) == [by_price[p] for p in expected]


def test_an_htmx_request_gets_the_grid_fragment_only(shopper, make_item):
    item = make_item()

    response = shopper.get("/catalog", query_string={"sort": "-points"}, headers=HTMX)

    html = text(response)
    assert response.status_code == 200
    assert "<html" not in html and 'class="topbar"' not in html
    assert html.lstrip().startswith('<section id="catalog-grid"')
    assert item_ids(html) == [item.id]


def test_a_boosted_request_gets_the_whole_page(shopper, make_item):
    make_item()

    response = shopper.get("/catalog", headers={**HTMX, "HX-Boosted": "true"})

    assert "<html" in text(response)


@pytest.mark.parametrize("path", ["/catalog?category=gifts", "/catalog/{id}/redeem"])
def test_a_history_restore_request_gets_the_whole_page(shopper, make_item, path):
    # htmx sends the back button's request, when its history cache has no copy, as an htmx
    # request; what comes back replaces the whole body.
    item = make_item()
    restore = {**HTMX, "HX-History-Restore-Request": "true"}

    response = shopper.get(path.format(id=item.id), headers=restore)

    html = text(response)
    assert response.status_code == 200
    assert "<html" in html and 'class="topbar"' in html


@pytest.mark.parametrize("fields, label, reason", [
    ({"stock": 0}, "Sold out", "Sold out. Check back soon."),
    ({"points_price": 7000}, "Not enough points", "Not enough points: you need 2,000 more."),
    ({"min_tier": "gold"}, "Higher tier only", "For Gold members and above."),
    ({"sale_starts_at": timedelta(days=3)}, "Coming soon", "On sale from"),
    ({"sale_ends_at": timedelta(days=-1)}, "Not on sale", "This item is not on sale now."),
])
def test_a_card_says_why_it_cannot_be_redeemed(shopper, make_item, fields, label, reason):
    item = make_item(**fields)

    html = card(catalog(shopper), item.id)

    assert "item-card--unavailable" in html
    assert 'disabled data-testid="redeem-button"' in html
    assert f">{label}</button>" in html
    assert reason in html


def test_a_card_says_when_the_member_has_reached_the_limit(shopper, member, make_item):
    item = make_item(per_member_limit=1)
    redemption.redeem(member.id, item.id, new_key())

    html = card(catalog(shopper), item.id)

    assert 'disabled data-testid="redeem-button"' in html
    assert ">Limit reached</button>" in html
    assert "You have reached the limit of 1 per member." in html


def test_cards_refused_for_the_same_reason_with_other_details_each_say_their_own(
        shopper, make_item):
    gold, platinum = make_item(min_tier="gold"), make_item(min_tier="platinum")
    short_by_2000, short_by_3000 = make_item(points_price=7000), make_item(points_price=8000)
    gone = [make_item(stock=0).id for _ in range(2)]

    html = catalog(shopper)

    assert "For Gold members and above." in card(html, gold.id)
    assert "For Platinum members and above." in card(html, platinum.id)
    assert "you need 2,000 more." in card(html, short_by_2000.id)
    assert "you need 3,000 more." in card(html, short_by_3000.id)
    assert all("Sold out. Check back soon." in card(html, item_id) for item_id in gone)


def test_a_page_of_cards_and_home_s_suggestions_load_no_item_objects(shopper, make_item):
    gold = make_item(min_tier="gold", points_price=200).id
    make_item(points_price=300, stock=3)
    loaded = []

    def record(item, _context):
        loaded.append(item.id)

    event.listen(Item, "load", record)
    try:
        html = catalog(shopper)
        assert item_ids(text(shopper.get("/")))   # suggested
    finally:
        event.remove(Item, "load", record)

    assert loaded == []
    assert "For Gold members and above." in card(html, gold)


def test_a_redeemable_card_links_to_the_confirm_step(shopper, make_item):
    item = make_item()

    html = card(catalog(shopper), item.id)

    assert "item-card--unavailable" not in html and "disabled" not in html
    assert f'href="/catalog/{item.id}/redeem"' in html


def test_a_card_warns_when_stock_is_low(shopper, make_item):
    low, plenty, gone = make_item(stock=3), make_item(stock=50), make_item(stock=0)

    html = catalog(shopper)

    assert "Only 3 left" in card(html, low.id)
    assert "stock-low" not in card(html, plenty.id)
    assert "stock-low" not in card(html, gone.id)


def test_an_item_page_opens(shopper, make_item):
    item = make_item(name_en="Canvas tote", per_member_limit=2)

    response = shopper.get(f"/catalog/{item.id}")

    assert response.status_code == 200
    assert "Canvas tote" in text(response)
    assert "Limit 2 per member" in text(response)
    assert 'data-testid="redeem-button"' in text(response)


def test_an_item_page_and_its_confirm_step_load_no_item_objects(shopper, make_item):
    gold = make_item(min_tier="gold", description_en="For the gold card").id
    tote = make_item(points_price=300, stock=3, cash_fen=500, name_en="Canvas tote").id
    loaded = []

    def record(item, _context):
        loaded.append(item.id)

    event.listen(Item, "load", record)
    try:
        refused = text(shopper.get(f"/catalog/{gold}"))
        page = text(shopper.get(f"/catalog/{tote}"))
        confirm = text(shopper.get(f"/catalog/{tote}/redeem"))
        fragment = text(shopper.get(f"/catalog/{tote}/redeem", headers=HTMX))
    finally:
        event.remove(Item, "load", record)

    assert loaded == []
    assert "For Gold members and above." in refused and "For the gold card" in refused
    assert "← Test" in page and "3 in stock" in page and "+ ¥5.00" in page
    assert "Canvas tote" in confirm
    assert all('data-testid="redeem-confirm"' in html for html in (confirm, fragment))


@pytest.mark.parametrize("path", ["/catalog/999999", "/catalog/abc", "/catalog/-1",
                                  "/catalog/1.5"])
def test_an_unknown_item_is_not_found(shopper, path):
    response = shopper.get(path)

    assert response.status_code == 404
    assert "error-page" in text(response)


def test_an_inactive_item_is_not_found(shopper, make_item):
    item = make_item(active=False)

    assert shopper.get(f"/catalog/{item.id}").status_code == 404
    assert shopper.get(f"/catalog/{item.id}/redeem").status_code == 404


def link(html: str, testid: str) -> str:
    """Where the pager's link `testid` goes."""
    return unescape(attrs(html, testid)["href"])


def test_the_catalog_shows_24_items_a_page_and_links_to_the_next_keeping_the_filters(
        shopper, make_item, drinks):
    ids = bulk_items(50, category_id=drinks.category_id)     # 100 to 149 points; a latte 250

    first = catalog(shopper, category="drinks", sort="-points")
    third = catalog(shopper, category="drinks", sort="-points", page="3")

    assert item_ids(first) == [drinks.id, *ids[::-1][:23]]
    assert by_testid(first, "page-number") == ["Page 1 of 3"]
    assert link(first, "page-next") == "/catalog?page=2&category=drinks&sort=-points"
    assert item_ids(third) == [ids[2], ids[1], ids[0]]
    assert link(third, "page-previous") == "/catalog?page=2&category=drinks&sort=-points"
    assert 'data-testid="page-next"' not in third


def test_what_i_can_afford_is_counted_and_paged_among_the_items_the_member_can_redeem(
        shopper, category_id):
    # 5,000 points: the 30 items from 100 to 129 points, not those of 5,001 and more.
    fits = bulk_items(30, category_id)
    bulk_items(30, category_id, points_price=5001)

    second = catalog(shopper, affordable="1", page="2")

    assert item_ids(second) == fits[24:]
    assert by_testid(second, "page-number") == ["Page 2 of 2"]
    assert link(second, "page-previous") == "/catalog?page=1&affordable=1&sort=points"


@pytest.mark.parametrize("page", ["0", "-1", "abc", "", "1.5", "²", str(10**30), "%00"])
def test_a_bad_page_number_shows_the_first_page(shopper, category_id, page):
    ids = bulk_items(30, category_id)

    html = catalog(shopper, page=page)

    assert item_ids(html) == ids[:24]
    assert by_testid(html, "page-number") == ["Page 1 of 2"]


@pytest.mark.parametrize("on_show, pages", [(24, []), (25, ["Page 1 of 2"])])
def test_items_off_show_are_not_counted_among_the_catalog_s_pages(shopper, category_id,
                                                                   on_show, pages):
    bulk_items(on_show, category_id)
    bulk_items(30, category_id, active=False)

    assert by_testid(catalog(shopper), "page-number") == pages


def test_a_page_past_the_end_shows_the_last_page(shopper, category_id):
    ids = bulk_items(30, category_id)

    html = catalog(shopper, page="99999")

    assert item_ids(html) == ids[24:]
    assert by_testid(html, "page-number") == ["Page 2 of 2"]


def test_the_next_page_comes_into_the_grid_for_htmx_and_the_address_follows(shopper, category_id):
    ids = bulk_items(30, category_id)

    pager = attrs(catalog(shopper), "page-next")
    response = shopper.get(unescape(pager["hx-get"]), headers=HTMX)

    assert pager["hx-target"] == "#catalog-grid" and pager["hx-push-url"] == "true"
    assert text(response).lstrip().startswith('<section id="catalog-grid"')
    assert item_ids(text(response)) == ids[24:]


def test_a_cards_tier_badge_names_the_tier_in_the_members_language(shopper, make_item):
    make_item(points_price=300, min_tier="gold", name="金卡礼盒", name_en="Gold box")

    in_english = catalog(shopper)      # the shopper reads the mall in English
    shopper.post("/lang/zh_CN", data={"csrf_token": csrf_token(shopper)})
    chinese = catalog(shopper)

    assert 'badge badge--tier tier--gold">Gold+</span>' in in_english
    assert "Gold box" in in_english
    assert 'badge badge--tier tier--gold">金卡及以上</span>' in chinese and "金卡礼盒" in chinese
