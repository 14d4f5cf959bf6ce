"""The mall speaks Simplified Chinese unless a member asks for English (DESIGN.md)."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.xfail(strict=True, reason=(
    "Babel 2.18 parses the default locale zh_CN as zh_Hans_CN, so gettext looks for "
    "translations/zh_Hans_CN or translations/zh and never loads translations/zh_CN: "
    "the whole UI shows the English msgids. Remove this marker once it is fixed."))
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
