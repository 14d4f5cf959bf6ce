"""The counter: a clerk scans or types a pickup code, sees the order and hands the item over
once; a second scan says when, where and by whom; anything else says what it is."""
import pytest

from app.loyalty import counter, redemption
from app.loyalty.errors import AlreadyHandedOver, DomainError
from app.loyalty.models import AWAITING_PAYMENT, CONFIRMED, COUPON, FULFILLED
from tests.integration.route_support import (
    HTMX,
    audits,
    by_testid,
    english,
    new_key,
    order_by_code,
    snapshot,
    text,
)
from tests.support import csrf_token, race


@pytest.fixture
def pickup(member, make_item):
    return redemption.redeem(member.id, make_item(points_price=400, name_en="Tea mug").id,
                             new_key())


def scan(client, typed: str, headers=None):
    return client.get("/admin/counter", query_string={"code": typed}, headers=headers or {})


def hand_over(client, code: str, headers=None):
    return client.post(f"/admin/counter/{code}/hand-over",
                       data={"csrf_token": csrf_token(client, "/admin/counter")},
                       headers=headers or {})


def verdict(html: str) -> str:
    found = __import__("re").search(r'data-verdict="([a-z-]+)"', html)
    return found.group(1) if found else ""


# Finding the order

def test_a_scanned_code_shows_the_order_the_item_and_the_members_masked_name(clerk, pickup):
    html = text(scan(clerk, pickup.code))

    assert by_testid(html, "fulfil-button") == ["Hand over"]
    assert "Tea mug" in html and pickup.code in html
    member = by_testid(html, "fulfil-member")[0]
    assert member.startswith("测**员") and "139****" in member
    assert "测试会员" not in html


@pytest.mark.parametrize("typed", [
    lambda c: c, str.lower, lambda c: f" {c[:4]} {c[4:8]} {c[8:]} ", lambda c: f"{c[:5]}-{c[5:]}",
    lambda c: f"https://mall.example.com/orders/{c}",
    lambda c: f"http://127.0.0.1/orders/{c}/pickup.svg"])
def test_a_hand_typed_or_pasted_code_finds_the_same_order(clerk, pickup, typed):
    html = text(scan(clerk, typed(pickup.code)))

    assert by_testid(html, "fulfil-button") == ["Hand over"]


def test_a_full_width_code_from_a_chinese_keyboard_finds_the_order(clerk, pickup):
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in pickup.code)

    assert by_testid(text(scan(clerk, wide)), "fulfil-button") == ["Hand over"]


def test_an_unknown_code_says_so_and_changes_nothing(clerk, member, pickup):
    before = snapshot(member.id, pickup.item_id)

    html = text(scan(clerk, "ABCD2345XY"))

    assert verdict(html) == "unknown"
    assert "No order has the pickup code ABCD2345XY" in html
    assert by_testid(html, "fulfil-button") == []
    assert snapshot(member.id, pickup.item_id) == before


@pytest.mark.parametrize("typed", ["x" * 5000, "ABCD\x002345", "<script>alert(1)</script>",
                                   "'; DROP TABLE orders; --", "!!", "   "])
def test_hostile_input_in_the_code_field_gets_a_message_and_changes_nothing(clerk, member,
                                                                             pickup, typed):
    before = snapshot(member.id, pickup.item_id)

    response = scan(clerk, typed)

    html = text(response)
    if "\x00" in typed:  # refused before any page sees it
        assert response.status_code == 400
    else:
        assert response.status_code == 200 and by_testid(html, "error-message")
    assert "<script>alert" not in html
    assert by_testid(html, "fulfil-button") == []
    assert snapshot(member.id, pickup.item_id) == before


def test_the_counter_page_has_the_scan_field_focused_and_an_empty_result(clerk):
    html = text(clerk.get("/admin/counter"))

    field = __import__("re").search(r'<input[^>]*data-testid="pickup-code-input"[^>]*>', html)
    assert field and "autofocus" in field.group(0)
    assert by_testid(html, "fulfil-result") and by_testid(html, "error-message") == []


def test_htmx_gets_the_counter_panel_alone(clerk, pickup):
    html = text(scan(clerk, pickup.code, headers=HTMX))

    assert html.lstrip().startswith('<div id="counter"')
    assert "<html" not in html and by_testid(html, "fulfil-button") == ["Hand over"]


# Handing over

def test_a_clerk_hands_over_once_recording_who_where_and_an_audit_entry(clerk, member, pickup):
    response = hand_over(clerk, pickup.code)

    assert response.status_code == 302
    order = order_by_code(pickup.code)
    assert order.status == FULFILLED and order.fulfilled_at is not None
    assert order.handed_over_by == clerk.staff.id
    assert order.handed_over_store_id == clerk.staff.store_id
    assert len(audits("hand_over")) == 1


def test_scanning_again_says_when_where_and_by_whom_and_changes_nothing(clerk, member, pickup):
    hand_over(clerk, pickup.code)
    before = snapshot(member.id, pickup.item_id)

    html = text(scan(clerk, pickup.code))
    again = hand_over(clerk, pickup.code)

    assert verdict(html) == "handed-over"
    sentence = by_testid(html, "fulfil-verdict")[0]
    assert "Already handed over on" in sentence and "测试门店" in sentence
    assert clerk.staff.name in sentence
    assert by_testid(html, "fulfil-button") == []
    assert again.status_code == 409 and "Already handed over" in text(again)
    assert snapshot(member.id, pickup.item_id) == before
    assert len(audits("hand_over")) == 1


def test_handing_over_through_htmx_answers_the_panel_with_the_outcome(clerk, pickup):
    html = text(hand_over(clerk, pickup.code, headers=HTMX))

    assert html.lstrip().startswith('<div id="counter"')
    assert verdict(html) == "handed-over" and "Handed over" in html


def test_the_members_order_page_shows_the_order_collected(clerk, shopper, pickup):
    hand_over(clerk, pickup.code)

    html = text(shopper.get(f"/orders/{pickup.code}"))

    assert by_testid(html, "order-status") == ["Collected"]
    assert "Collected on" in html and "pickup.svg" not in html


def test_a_clerk_of_another_store_hands_over_and_the_record_names_that_store(
        staff_client, make_staff, clerk, pickup):
    elsewhere = staff_client(staff=make_staff("clerk", store="BJ002", name="Li Wei"))
    english(elsewhere)

    assert hand_over(elsewhere, pickup.code).status_code == 302

    order = order_by_code(pickup.code)
    assert order.handed_over_store.code == "BJ002"
    sentence = by_testid(text(scan(clerk, pickup.code)), "fulfil-verdict")[0]
    assert "Li Wei" in sentence


def test_an_administrator_may_hand_over_too(staff_client, pickup):
    admin = staff_client("admin")
    english(admin)

    assert hand_over(admin, pickup.code).status_code == 302
    order = order_by_code(pickup.code)
    assert order.status == FULFILLED and order.handed_over_store_id is None
    assert "the console" in by_testid(text(scan(admin, pickup.code)), "fulfil-verdict")[0]


@pytest.mark.parametrize("state, words", [("cancelled", "cancelled"), ("lapsed", "lapsed")])
def test_a_closed_order_says_so_and_is_not_handed_over(clerk, member, make_item, state, words):
    order = redemption.redeem(member.id, make_item(points_price=300, cash_fen=990).id,
                              new_key())
    if state == "cancelled":
        redemption.cancel(member.id, order.code)
    else:
        redemption.settle_payment(order.code, False, 990)
    before = snapshot(member.id, order.item_id)

    html = text(scan(clerk, order.code))
    refused = hand_over(clerk, order.code)

    assert verdict(html) == state and words in by_testid(html, "fulfil-verdict")[0]
    assert by_testid(html, "fulfil-button") == []
    assert refused.status_code == 409
    assert snapshot(member.id, order.item_id) == before
    assert order_by_code(order.code).status == state


def test_an_order_awaiting_payment_says_so_and_is_not_handed_over(clerk, member, make_item):
    order = redemption.redeem(member.id, make_item(points_price=300, cash_fen=990).id,
                              new_key())

    html = text(scan(clerk, order.code))
    refused = hand_over(clerk, order.code)

    assert verdict(html) == "awaiting-payment" and "¥9.90" in html
    assert by_testid(html, "fulfil-button") == []
    assert refused.status_code == 409 and "Take the cash due first" in text(refused)
    assert order_by_code(order.code).status == AWAITING_PAYMENT


def test_a_coupon_order_is_not_handed_over_at_the_counter(clerk, member, make_item):
    order = redemption.redeem(member.id, make_item(kind=COUPON).id, new_key())

    html = text(scan(clerk, order.code))
    refused = hand_over(clerk, order.code)

    assert verdict(html) == "coupon" and by_testid(html, "fulfil-button") == []
    assert refused.status_code == 409
    assert order_by_code(order.code).status == CONFIRMED


def test_handing_over_an_unknown_code_is_refused(clerk):
    response = hand_over(clerk, "NOSUCHCODE")

    assert response.status_code == 409 and "No order has this pickup code" in text(response)


def test_a_hand_over_without_the_form_token_is_refused(clerk, pickup):
    response = clerk.post(f"/admin/counter/{pickup.code}/hand-over")

    assert response.status_code in (400, 409)
    assert order_by_code(pickup.code).status == CONFIRMED


# Two clerks at once

def test_two_clerks_handing_over_the_same_order_at_once_only_one_succeeds(app, make_staff,
                                                                          pickup):
    first, second = make_staff("clerk"), make_staff("clerk", store="BJ002")
    code = pickup.code

    def by(staff):
        def call():
            return redemption.hand_over(code, actor_id=staff.id,
                                        store_id=staff.store_id).handed_over_by
        return call

    results = race([by(first), by(second)], app)

    done = [r for r in results if not isinstance(r, Exception)]
    assert len(done) == 1, results
    assert [type(r) for r in results if isinstance(r, Exception)] == [AlreadyHandedOver]
    assert not [r for r in results if isinstance(r, Exception)
                and not isinstance(r, DomainError)]
    assert order_by_code(code).handed_over_by == done[0]
    assert len(audits("hand_over")) == 1


# Masking

@pytest.mark.parametrize("name, masked", [("张三明", "张*明"), ("张三", "张*"),
                                          ("欧阳娜娜", "欧**娜"),
                                          ("John Smith", "J*** S."), ("John", "J***"),
                                          ("Mary Ann Lee", "M*** L."), ("", "")])
def test_a_members_name_is_masked_at_the_counter(name, masked):
    assert counter.masked_name(name) == masked
