"""The mall speaks Simplified Chinese unless a member asks for English (DESIGN.md)."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_the_sign_in_page_speaks_simplified_chinese_by_default(browser, base_url):
    context = browser.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/login")
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        # No words compared: only whether the button's label is written in Han characters.
        assert HAN.search(page.locator("form.form button[type=submit]").inner_text())
    finally:
        context.close()
