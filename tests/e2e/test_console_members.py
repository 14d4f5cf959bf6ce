"""Members in the console, in a browser: an administrator adjusts a member's points and the
member sees it at home and in their history; a large adjustment is approved by the second
administrator (admin2)."""
import pytest

from app.extensions import db
from app.loyalty import staff as staff_accounts
from app.loyalty.models import Member as MemberRow
from .helpers import DESKTOP, START_POINTS, points, sign_in
from .test_console import PASSWORD, console_sign_in

pytestmark = pytest.mark.e2e


def _staff(live_app, username: str) -> str:
    with live_app.app_context():
        if staff_accounts.by_username(username) is None:
            staff_accounts.create_staff(username, f"管理员 {username}", PASSWORD, "admin")
        db.session.remove()
    return username


def _member_no(live_app, member) -> str:
    with live_app.app_context():
        number = db.session.get(MemberRow, member.id).member_no
        db.session.remove()
    return number


def _find_and_open(page, member, member_no: str) -> None:
    page.goto("/admin/members")
    page.get_by_test_id("member-search").fill(member.phone)
    page.get_by_test_id("member-search").press("Enter")
    row = page.get_by_test_id("member-row")
    assert row.count() == 1 and member.phone not in row.inner_text()
    row.get_by_role("link").click()
    page.get_by_test_id("member-balance").wait_for()
    assert member_no in page.url


def test_an_adjustment_shows_on_the_members_home_and_history(
        browser, base_url, live_app, live_server, member):
    admin = _staff(live_app, "e2e-adjuster")
    member_no = _member_no(live_app, member)
    console = browser.new_context(base_url=base_url, **DESKTOP)
    phone = browser.new_context(base_url=base_url, **DESKTOP)
    try:
        staff_page = console.new_page()
        console_sign_in(staff_page, admin)
        _find_and_open(staff_page, member, member_no)
        staff_page.get_by_test_id("adjust-points").fill("-250")
        staff_page.get_by_test_id("adjust-reason").fill("重复入账更正")
        staff_page.get_by_test_id("adjust-submit").click()
        staff_page.wait_for_load_state()
        assert points(staff_page.get_by_test_id("member-balance").inner_text()) == \
            START_POINTS - 250

        member_page = phone.new_page()
        sign_in(member_page, member)
        member_page.goto("/")
        assert points(member_page.get_by_test_id("balance").inner_text()) == START_POINTS - 250
        member_page.goto("/points")
        first = member_page.get_by_test_id("ledger-row").first.inner_text()
        assert "重复入账更正" in first and "250" in first
    finally:
        console.close()
        phone.close()


def test_the_second_administrator_approves_a_large_adjustment(
        browser, base_url, live_app, live_server, member):
    asker, approver = _staff(live_app, "e2e-asker"), _staff(live_app, "admin2")
    member_no = _member_no(live_app, member)
    first = browser.new_context(base_url=base_url, **DESKTOP)
    second = browser.new_context(base_url=base_url, **DESKTOP)
    try:
        page = first.new_page()
        console_sign_in(page, asker)
        _find_and_open(page, member, member_no)
        page.get_by_test_id("adjust-points").fill("6000")
        page.get_by_test_id("adjust-reason").fill("门店活动补发")
        page.get_by_test_id("adjust-submit").click()
        page.wait_for_load_state()
        assert points(page.get_by_test_id("member-balance").inner_text()) == START_POINTS
        page.goto("/admin/approvals")
        mine = page.get_by_test_id("approval-row").filter(has_text="门店活动补发")
        assert mine.count() == 1 and mine.get_by_test_id("approve-button").count() == 0

        other = second.new_page()
        console_sign_in(other, approver)
        other.goto("/admin/approvals")
        row = other.get_by_test_id("approval-row").filter(has_text="门店活动补发")
        row.get_by_test_id("approve-button").click()
        other.wait_for_load_state()
        left = other.get_by_test_id("approval-row").filter(has_text="门店活动补发")
        assert left.count() == 0

        page.goto(f"/admin/members/{member_no}")
        assert points(page.get_by_test_id("member-balance").inner_text()) == \
            START_POINTS + 6000
    finally:
        first.close()
        second.close()
