"""The member card at the counter: a clerk or an administrator scans or types the card's 6
digits and goes to the member's page; the code is used up and the look-up audited; a used,
expired or garbled code says so beside the field and changes nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import audit_log, card_tokens, redemption
from app.loyalty.models import CardToken
from tests.integration.route_support import HTMX, audits, by_testid, new_key, text
from tests.kiosk_support import card_code
from tests.support import csrf_token

REFUSED = "That member card code is unknown, used or expired"


def scan(client, typed: str, headers=None):
    return client.post("/admin/counter", data={
        "code": typed, "csrf_token": csrf_token(client, "/admin/counter")},
        headers=headers or {})


def tokens_used() -> int:
    db.session.rollback()
    return len(db.session.scalars(select(CardToken).where(CardToken.used_at.is_not(None))).all())


@pytest.mark.parametrize("role", ["clerk", "admin"])
def test_a_scanned_card_code_takes_the_clerk_or_administrator_to_the_members_page(
        request, role, make_member):
    client, member = request.getfixturevalue(role), make_member()

    response = scan(client, card_code(member.id))

    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/members/{member.member_no}"
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_card_code_typed_with_a_space_finds_the_member_through_htmx(clerk, make_member):
    member = make_member()
    code = card_code(member.id)

    response = scan(clerk, f"{code[:3]} {code[3:]}", headers=HTMX)

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/admin/members/{member.member_no}"


def test_the_look_up_is_audited_with_the_staff_and_the_member(clerk, make_member):
    member = make_member()

    scan(clerk, card_code(member.id))

    [entry] = audits(audit_log.MEMBER_FOUND_BY_CARD)
    assert entry.actor_id == clerk.staff.id
    assert entry.subject == f"member {member.member_no}"


def test_a_card_code_cannot_be_used_twice(clerk, make_member):
    code = card_code(make_member().id)
    assert scan(clerk, code).status_code == 303

    response = scan(clerk, code)

    assert response.status_code == 422
    assert REFUSED in text(response)
    assert len(audits(audit_log.MEMBER_FOUND_BY_CARD)) == 1


def test_a_card_code_used_on_a_kiosk_is_refused_at_the_counter(clerk, make_member):
    code = card_code(make_member().id)
    card_tokens.use(code, kiosk_id=None)

    assert scan(clerk, code).status_code == 422


def test_an_expired_card_code_is_refused_and_changes_nothing(clerk, make_member, clock):
    code = card_code(make_member().id)
    clock.shift(timedelta(seconds=card_tokens.VALID_SECONDS))

    response = scan(clerk, code, headers=HTMX)

    assert response.status_code == 422
    html = text(response)
    assert REFUSED in html and 'aria-invalid="true"' in html
    assert "HX-Redirect" not in response.headers
    assert tokens_used() == 0
    assert audits(audit_log.MEMBER_FOUND_BY_CARD) == []


def test_an_unknown_card_code_is_refused(clerk, make_member):
    code = card_code(make_member().id)
    other = f"{(int(code) + 1) % 1_000_000:06d}"

    assert REFUSED in text(scan(clerk, other))
    assert tokens_used() == 0


@pytest.mark.parametrize("garbage", ["", "   ", "<script>1", "9" * 5000,
                                     "12345!", "-1-2-3-4-5-6-", "一二三四五六"])
def test_garbage_is_refused_beside_the_field_and_changes_nothing(clerk, make_member, garbage):
    card_code(make_member().id)

    response = scan(clerk, garbage)

    assert response.status_code == 422
    assert by_testid(text(response), "error-message")
    assert "<script>1" not in text(response)
    assert tokens_used() == 0
    assert audits(audit_log.MEMBER_FOUND_BY_CARD) == []


def test_a_card_code_with_a_nul_is_refused_before_it_is_read(clerk, make_member):
    code = card_code(make_member().id)

    assert scan(clerk, "\x00" + code).status_code == 400
    assert tokens_used() == 0


@pytest.mark.parametrize("typed", ["12345", "1234567", "１２３４５６７"])
def test_five_or_seven_digits_are_looked_up_as_a_pickup_code_not_a_card(
        clerk, make_member, typed):
    card_code(make_member().id)

    response = scan(clerk, typed)

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/admin/counter?code=")
    assert tokens_used() == 0


def test_a_card_code_typed_in_full_width_digits_finds_the_member(clerk, make_member):
    member = make_member()
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in card_code(member.id))

    assert scan(clerk, wide).headers["Location"] == f"/admin/members/{member.member_no}"


def test_a_posted_pickup_code_still_shows_the_order(clerk, member, make_item):
    order = redemption.redeem(member.id, make_item(points_price=400).id, new_key())

    plain = scan(clerk, order.code)
    swapped = scan(clerk, order.code, headers=HTMX)

    assert plain.status_code == 303
    assert plain.headers["Location"] == f"/admin/counter?code={order.code}"
    assert by_testid(text(swapped), "fulfil-button") == ["Hand over"]
    assert swapped.headers["HX-Push-Url"] == f"/admin/counter?code={order.code}"


def test_a_card_code_in_a_link_is_not_used_up(clerk, make_member):
    code = card_code(make_member().id)

    response = clerk.get("/admin/counter", query_string={"code": code})

    assert "Press Look up to find the member" in text(response)
    assert tokens_used() == 0


def test_a_card_code_needs_the_forms_csrf_token(clerk, make_member):
    code = card_code(make_member().id)

    assert clerk.post("/admin/counter", data={"code": code}).status_code == 400
    assert tokens_used() == 0


def test_a_signed_in_member_cannot_use_the_counter(shopper, member):
    response = shopper.post("/admin/counter", data={"code": card_code(member.id)})

    assert response.status_code in (302, 400, 403, 404)
    assert tokens_used() == 0
