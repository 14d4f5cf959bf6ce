"""Signing in with a phone number and password."""
import re

import pytest
from playwright.sync_api import expect

from .helpers import START_POINTS, points, sign_in

pytestmark = pytest.mark.e2e


def test_signing_in_with_phone_and_password_lands_on_home(page, base_url, member):
    sign_in(page, member)

    expect(page).to_have_url(base_url + "/")
    expect(page.get_by_test_id("balance")).to_be_visible()
    assert points(page.get_by_test_id("balance").inner_text()) == START_POINTS


def test_a_wrong_password_shows_an_error_and_stays_on_sign_in(page, base_url, member):
    sign_in(page, member, password="not-the-password")

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_test_id("error-message")).to_be_visible()
    expect(page.get_by_test_id("error-message")).not_to_be_empty()
    expect(page.get_by_test_id("balance")).to_have_count(0)
