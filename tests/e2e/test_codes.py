"""Joining, signing in with a code and a forgotten password, in the browser: the code is read
from the sandbox's development inbox, as a developer would. Screenshots on a phone."""
import itertools
import re

import pytest

from .helpers import SCREENSHOTS, Member, sign_in

pytestmark = pytest.mark.e2e

_phones = itertools.count(1)


def new_phone() -> str:
    return f"136{next(_phones):08d}"


def code_for(context, phone: str) -> str:
    """The code in the newest SMS to `phone`, read on the development inbox."""
    inbox = context.new_page()
    try:
        inbox.goto("/dev/sms")
        masked = f"{phone[:3]}****{phone[-4:]}"
        text = inbox.locator(f'[data-testid="sms-message"][data-phone="{masked}"]').first \
            .get_by_test_id("sms-text").inner_text()
    finally:
        inbox.close()
    return re.search(r"(?<![0-9])[0-9]{6}(?![0-9])", text).group(0)


@pytest.fixture
def phone_context(browser, playwright, base_url):
    context = browser.new_context(base_url=base_url, **playwright.devices["iPhone 13"])
    yield context
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"iphone13-{name}.png", full_page=True,
                    animations="disabled")


def test_a_visitor_joins_with_the_code_sent_to_their_phone(phone_context):
    page = phone_context.new_page()
    phone = new_phone()
    page.goto("/join")
    shot(page, "join-phone")
    page.locator("#phone").fill(phone)
    page.get_by_test_id("send-code-button").tap()
    page.get_by_test_id("code-sent").wait_for()
    shot(page, "join-code")

    page.get_by_test_id("code-field").fill(code_for(phone_context, phone))
    page.locator("#name").fill("新会员")
    page.locator("#password").fill("plum-blossom-9")
    page.get_by_test_id("join-button").tap()

    page.get_by_test_id("balance").wait_for()
    assert page.get_by_test_id("balance").inner_text().strip() == "0"


def test_a_member_signs_in_with_a_code_and_can_choose_a_new_password(phone_context, member):
    page = phone_context.new_page()
    page.goto("/login")
    shot(page, "login-with-links")
    page.get_by_test_id("sign-in-with-code").tap()
    page.locator("#phone").fill(member.phone)
    page.get_by_test_id("send-code-button").tap()
    page.get_by_test_id("code-sent").wait_for()
    page.get_by_test_id("code-field").fill(code_for(phone_context, member.phone))
    page.get_by_test_id("code-button").tap()
    page.get_by_test_id("balance").wait_for()

    inbox = phone_context.new_page()
    inbox.goto("/dev/sms")
    shot(inbox, "dev-sms")
    inbox.close()


def test_a_member_who_forgot_the_password_chooses_a_new_one(phone_context, member):
    page = phone_context.new_page()
    page.goto("/login")
    page.get_by_test_id("forgot-password").tap()
    page.locator("#phone").fill(member.phone)
    shot(page, "forgot-password")
    page.get_by_test_id("send-code-button").tap()
    page.get_by_test_id("code-sent").wait_for()
    page.get_by_test_id("code-field").fill(code_for(phone_context, member.phone))
    page.locator("#new_password").fill("winter-plum-77")
    page.locator("#confirm").fill("different-one-8")
    page.get_by_test_id("reset-button").tap()
    page.get_by_test_id("error-message").first.wait_for()
    shot(page, "reset-password-mismatch")
    page.locator("#new_password").fill("winter-plum-77")
    page.locator("#confirm").fill("winter-plum-77")
    page.get_by_test_id("reset-button").tap()

    page.get_by_test_id("balance").wait_for()
    phone_context.clear_cookies()
    sign_in(page, Member(member.id, member.phone, "winter-plum-77"))
    page.get_by_test_id("balance").wait_for()
