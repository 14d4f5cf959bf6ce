"""The staff console in a browser: an administrator signs in, turns on two-step sign-in with
a code from the secret the page shows, signs out and signs in again with a code."""
from datetime import timedelta

import pyotp
import pytest

from app.extensions import db
from app.loyalty import staff as staff_accounts
from app.loyalty.models import utcnow

pytestmark = pytest.mark.e2e

PASSWORD = "console-horse-2026"


@pytest.fixture
def administrator(live_app, live_server) -> str:
    with live_app.app_context():
        staff_accounts.create_staff(f"admin{utcnow().timestamp():.0f}"[-20:], "测试管理员",
                                    PASSWORD, "admin")
        username = staff_accounts.listing()[-1].username
        db.session.remove()
    return username


def console_sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/admin/login")
    page.get_by_test_id("staff-username").fill(username)
    page.get_by_test_id("staff-password").fill(password)
    page.get_by_test_id("staff-sign-in").click()
    page.wait_for_load_state()


def test_an_administrator_turns_on_two_step_sign_in_and_signs_in_with_a_code(
        page, administrator, clock):
    console_sign_in(page, administrator)
    page.get_by_test_id("staff-who").wait_for()
    page.goto("/admin/account")
    secret = page.get_by_test_id("two-step-secret").inner_text().strip()
    assert page.get_by_test_id("two-step-qr").locator("svg").count() == 1

    page.get_by_test_id("two-step-code").fill(pyotp.TOTP(secret).at(utcnow()))
    page.get_by_test_id("two-step-confirm").click()
    page.get_by_test_id("two-step-on").wait_for()

    page.get_by_test_id("staff-sign-out").click()
    page.get_by_test_id("staff-username").wait_for()
    clock.shift(timedelta(seconds=30))      # the next code: the last one is spent
    console_sign_in(page, administrator)
    assert page.url.endswith("/admin/login/code")
    page.get_by_test_id("staff-code").fill(pyotp.TOTP(secret).at(utcnow()))
    page.get_by_test_id("staff-code-submit").click()

    page.get_by_test_id("staff-who").wait_for()
    assert page.url.endswith("/admin/")
