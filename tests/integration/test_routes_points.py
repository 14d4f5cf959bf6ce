"""The points history: ledger entries newest first, with lot expiry, page by page."""
import re

import pytest
from babel.dates import format_date

from app.loyalty import redemption
from app.loyalty.ledger_check import check_ledger
from app.loyalty.lots import expiry_day
from app.loyalty.models import PointLot
from app.loyalty.program import running_program
from tests.conftest import sign_in
from tests.integration.route_support import bulk_history, english, new_key, text


def rows(html: str) -> list[str]:
    """Each ledger row's text, whitespace squeezed."""
    found = re.findall(r'<li[^>]*data-testid="ledger-row"[^>]*>(.*?)</li>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in found]


def test_history_shows_entries_newest_first_with_signed_points_and_balance(shopper, member,
                                                                           make_item):
    order = redemption.redeem(member.id, make_item(points_price=300).id, new_key())
    redemption.cancel(member.id, order.code)

    found = rows(text(shopper.get("/points")))

    assert len(found) == 3
    assert found[0].startswith("Returned") and "+300 Balance 5,000" in found[0]
    assert found[1].startswith("Redeemed") and "−300 Balance 4,700" in found[1]
    assert found[2].startswith("Adjustment") and "+5,000 Balance 5,000" in found[2]


def test_an_earned_entry_shows_when_its_lot_expires(shopper, member, make_item):
    redemption.redeem(member.id, make_item(points_price=300).id, new_key())
    lot = PointLot.query.filter_by(member_id=member.id).one()
    day = format_date(expiry_day(lot.expires_at, running_program().tz), "medium", locale="en")

    earned, spent = reversed(rows(text(shopper.get("/points"))))

    assert f"expires on {day}" in earned
    assert "expires" not in spent


def test_a_member_without_entries_sees_the_empty_state(client, make_member):
    sign_in(client, make_member(points=0).phone)

    html = text(client.get("/points"))

    assert rows(html) == []
    assert 'class="empty"' in html


def test_history_pages_by_fifty_newest_first(client, make_member):
    member = make_member(points=0)
    bulk_history(member.id, 60)
    assert check_ledger() == []
    sign_in(client, member.phone)
    english(client)

    first, second = text(client.get("/points")), text(client.get("/points?page=2"))

    assert len(rows(first)) == 50 and len(rows(second)) == 10
    assert "visit 59" in rows(first)[0] and "Balance 60" in rows(first)[0]
    assert "visit 0 " in rows(second)[-1] + " " and "Balance 1" in rows(second)[-1]
    assert 'href="/points?page=2"' in first and 'href="/points?page=1"' not in first
    assert 'href="/points?page=1"' in second and 'href="/points?page=3"' not in second


@pytest.mark.parametrize("page_number", ["-1", "0", "abc", "", "999999999999", "1e3", "²", "٣",
                                  "2.0", "%20"])
def test_a_bogus_page_number_shows_the_first_page(client, make_member, page_number):
    member = make_member(points=0)
    bulk_history(member.id, 55)
    sign_in(client, member.phone)

    response = client.get(f"/points?page={page_number}")

    assert response.status_code == 200
    assert len(rows(text(response))) == 50


def test_a_page_past_the_end_is_empty_not_an_error(client, make_member):
    member = make_member(points=0)
    bulk_history(member.id, 5)
    sign_in(client, member.phone)

    response = client.get("/points?page=7")

    assert response.status_code == 200
    assert rows(text(response)) == []


def test_the_points_page_lists_when_points_expire_soonest_first(client, make_member):
    from datetime import timedelta

    from app.loyalty import accounts
    from app.loyalty.models import utcnow
    from tests.conftest import sign_in

    member = make_member(points=300, earned_at=utcnow() - timedelta(days=200))
    accounts.award(member.id, 500, "purchase")
    sign_in(client, member.phone)

    html = text(client.get("/points"))
    expiring = re.findall(
        r'data-testid="expiry-batch"><span>[^<]*</span>\s*<strong>([^<]*)</strong>', html)

    assert [b.split()[0] for b in expiring] == ["300", "500"]


def test_the_wallet_shows_the_six_soonest_expiry_dates_and_what_never_expires_not_lapsed_points(
        client, make_member):
    from datetime import timedelta

    from app.loyalty import ledger, reads
    from app.loyalty.models import ADJUST, EARN, utcnow
    from app.loyalty.transaction import lock_member, write_transaction

    member, now = make_member(points=0), utcnow()
    with write_transaction():
        locked = lock_member(member.id)
        for n in range(8):
            ledger.credit(locked, 101 + n, kind=EARN, detail="门店消费", now=now,
                          expires_at=now + timedelta(days=30 * (n + 1)))
        ledger.credit(locked, 50, kind=ADJUST, detail="老会员卡积分迁移", now=now, expires_at=None)
        ledger.credit(locked, 7, kind=EARN, detail="门店消费", now=now - timedelta(days=400),
                      expires_at=now - timedelta(days=1))     # lapsed; the job has not run
    sign_in(client, member.phone)
    english(client)

    html = text(client.get("/points"))
    batches = re.findall(
        r'data-testid="expiry-batch"><span>[^<]*</span>\s*<strong>([^<]*)</strong>', html)
    assert [b.split()[0] for b in batches] == ["101", "102", "103", "104", "105", "106"]
    assert "50 points never expire." in html
    wallet = reads.wallet(member.id, now, running_program())
    assert wallet.balance == sum(range(101, 109)) + 50        # the lapsed 7 are not spendable
    assert len(wallet.expiring) == 6 and wallet.never_expiring is None
    assert check_ledger() == []
