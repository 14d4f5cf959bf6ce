"""The earn page: check-in without JavaScript and with htmx, tasks, invite link, campaigns."""
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import campaigns, tasks
from app.loyalty.models import CheckIn, Member, utcnow
from tests.integration.route_support import HTMX, attrs, by_testid, text
from tests.support import balance, csrf_token


def check_in_count(member_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(CheckIn)
                             .where(CheckIn.member_id == member_id))


def test_the_earn_page_shows_the_check_in_card_tasks_and_invite_link(shopper, member):
    response = shopper.get("/earn")

    html = text(response)
    assert response.status_code == 200 and "<html" in html
    assert attrs(html, "check-in-streak")["data-streak"] == "0"
    assert "Check in: +3 points" in by_testid(html, "check-in-button")[0]
    assert "7 more days to +20" in html
    code = db.session.get(Member, member.id).referral_code
    assert by_testid(html, "invite-code") == [code]
    assert attrs(html, "invite-link")["value"] == f"http://localhost/join?invite={code}"
    assert "Complete your profile" in html and "+30" in html
    assert "¥1 = 1 × 1 (Silver) = 1 points" in html


def test_checking_in_without_javascript_credits_and_redirects_back(shopper, member):
    response = shopper.post("/earn/check-in", data={"csrf_token": csrf_token(shopper, "/earn")})

    assert response.status_code == 303 and response.headers["Location"] == "/earn"
    assert balance(member.id) == 5003
    page = text(shopper.get("/earn"))
    assert "+3 points. Day 1 of your streak." in page
    assert attrs(page, "check-in-streak")["data-streak"] == "1"
    assert 'disabled data-testid="check-in-button"' in page


def test_checking_in_with_htmx_swaps_the_card_and_the_header_balance(shopper, member):
    response = shopper.post("/earn/check-in", headers=HTMX,
                            data={"csrf_token": csrf_token(shopper, "/earn")})

    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="check-in"')
    assert by_testid(html, "check-in-result") == ["+3 points. Day 1 of your streak."]
    assert attrs(html, "check-in-streak")["data-streak"] == "1"
    assert 'id="wallet"' in html and 'hx-swap-oob="true"' in html
    assert by_testid(html, "balance") == ["5,003"]


def test_a_second_check_in_says_already_checked_in_and_earns_nothing(shopper, member):
    form = {"csrf_token": csrf_token(shopper, "/earn")}
    shopper.post("/earn/check-in", headers=HTMX, data=form)

    again = shopper.post("/earn/check-in", headers=HTMX, data=form)

    assert again.status_code == 200
    assert by_testid(text(again), "check-in-result") == [
        "You have already checked in today. Come back tomorrow!"]
    assert balance(member.id) == 5003
    assert check_in_count(member.id) == 1


def test_a_check_in_without_the_csrf_token_is_refused_and_earns_nothing(shopper, member):
    response = shopper.post("/earn/check-in", headers=HTMX, data={})

    assert response.status_code == 400
    assert balance(member.id) == 5000 and check_in_count(member.id) == 0


def test_the_earn_page_for_htmx_is_the_check_in_card_alone(shopper):
    response = shopper.get("/earn", headers=HTMX)

    html = text(response)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="check-in"')


def test_the_earn_page_restored_from_history_by_htmx_is_the_whole_page(shopper):
    response = shopper.get("/earn", headers={**HTMX, "HX-History-Restore-Request": "true"})

    html = text(response)
    assert response.status_code == 200 and "<html" in html and 'class="topbar"' in html


def test_the_earn_page_needs_a_signed_in_member(client):
    response = client.get("/earn")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_strip_counts_down_to_the_streak_bonus(shopper, member):
    now = utcnow()
    for n in range(5, 0, -1):
        tasks.check_in(member.id, now=now - timedelta(days=n))

    html = text(shopper.get("/earn"))

    assert attrs(html, "check-in-streak")["data-streak"] == "5"
    assert "2 more days to +20" in html
    assert html.count("strip__day--done") == 5


def test_the_day_before_the_bonus_the_card_says_so(shopper, member):
    now = utcnow()
    for n in range(6, 0, -1):
        tasks.check_in(member.id, now=now - timedelta(days=n))

    html = text(shopper.get("/earn"))

    assert "Check in today for the +20 streak bonus!" in html
    assert "Check in: +23 points" in by_testid(html, "check-in-button")[0]


@pytest.fixture
def gift_birthday(app, member):
    app.config["BIRTHDAY_BONUS"] = "gift"
    today = utcnow() + timedelta(hours=8)
    # Born today in a leap year, so that the date exists on 29 February too.
    tasks.save_profile(member.id, "测试会员", None, today.date().replace(year=1992))
    return member


def test_the_birthday_gift_is_claimed_from_the_earn_page_once(shopper, gift_birthday):
    page = unescape(text(shopper.get("/earn")))
    assert "It's your birthday month: claim your gift!" in page

    first = shopper.post("/earn/birthday", data={"csrf_token": csrf_token(shopper, "/earn")})
    second = shopper.post("/earn/birthday", data={"csrf_token": csrf_token(shopper, "/earn")},
                          follow_redirects=True)

    assert first.status_code == 303
    assert balance(gift_birthday.id) == 5200
    assert "You have already claimed this year's birthday gift." in unescape(text(second))


def test_in_double_mode_the_page_says_purchases_earn_double_and_offers_no_claim(shopper):
    html = text(shopper.get("/earn"))

    assert "Birthday double points" in html
    assert "/earn/birthday" not in html


def test_running_and_upcoming_campaigns_are_listed(shopper):
    now = utcnow()
    campaigns.create(name="双倍积分周", name_en="Double points week", multiplier_pct=200,
                     starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=2))
    campaigns.create(name="会员日", name_en="Member day", multiplier_pct=150,
                     starts_at=now + timedelta(days=5), ends_at=now + timedelta(days=6))

    html = text(shopper.get("/earn"))
    home = text(shopper.get("/"))

    assert "Double points week" in html and "Member day" in html
    assert re.search(r"Until .*", html) and re.search(r"From .*", html)
    assert by_testid(home, "campaign-running")[0].startswith("2×")
    assert "Member day" not in home


def test_home_nudges_to_check_in_until_the_member_has(shopper, member):
    assert by_testid(text(shopper.get("/")), "check-in-nudge")

    tasks.check_in(member.id)

    assert not by_testid(text(shopper.get("/")), "check-in-nudge")


def test_the_earn_tab_is_in_the_navigation(shopper):
    html = text(shopper.get("/"))

    assert html.count('href="/earn"') >= 2


def test_the_points_history_names_a_check_in(shopper, member):
    shopper.post("/earn/check-in", data={"csrf_token": csrf_token(shopper, "/earn")})

    rows = by_testid(text(shopper.get("/points")), "ledger-row")

    assert any("Daily check-in" in row for row in rows), rows
