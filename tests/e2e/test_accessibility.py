"""Accessibility: axe-core finds no serious or critical violation on the member's pages."""
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from app.loyalty.models import utcnow
from app.notify.expiry import remind
from .helpers import sign_in

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}


def blocking_violations(page, axe: Axe) -> list[str]:
    """Serious and critical violations on the current page, one readable line per element."""
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            found.append(
                f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']}"
                f"\n    at {' '.join(node['target'])}\n    {node.get('failureSummary', '')}"
                .replace("\n  Fix", "\n      Fix"))
    return found


@pytest.fixture
def with_a_notice(live_app, member):
    """The member's points expire within a year: a 30-day reminder once that is near."""
    with live_app.app_context():
        remind(utcnow() + timedelta(days=365))
        db.session.remove()


def test_member_pages_have_no_serious_or_critical_accessibility_violations(
        page, member, catalog, place_order):
    place_order(member, catalog.points_only)  # so orders and points history have rows
    axe = Axe()
    found = []

    page.goto("/login")
    found += blocking_violations(page, axe)
    sign_in(page, member)
    for path in ("/", "/catalog", f"/catalog/{catalog.points_only}", "/orders", "/points"):
        page.goto(path)
        found += blocking_violations(page, axe)
        if path == "/catalog":  # the inline confirm step and the result, too
            item = page.locator(
                f'[data-testid="catalog-item"][data-item-id="{catalog.points_only}"]')
            item.get_by_test_id("redeem-button").click()
            item.get_by_test_id("redeem-confirm").wait_for()
            found += blocking_violations(page, axe)
            item.get_by_test_id("redeem-confirm").click()
            item.get_by_test_id("redeem-result").wait_for()
            found += blocking_violations(page, axe)

    print("\n".join(found))
    assert not found, (f"{len(found)} serious or critical accessibility violation(s):\n"
                       + "\n".join(found))


def test_the_earn_pages_inbox_and_account_pages_have_no_serious_or_critical_violations(
        page, member, with_a_notice):
    axe = Axe()
    found = []
    sign_in(page, member)
    for path in ("/earn", "/profile", "/account/password", "/account/phone", "/inbox"):
        page.goto(path)
        found += blocking_violations(page, axe)
    page.get_by_test_id("notice-row").first.locator("a").first.click()
    page.wait_for_load_state()
    found += blocking_violations(page, axe)
    page.context.clear_cookies()
    for path in ("/join", "/login/code", "/password/forgot", "/join/code", "/dev/sms"):
        page.goto(path)
        found += blocking_violations(page, axe)
    page.goto("/password/forgot")
    page.locator("#phone").fill(member.phone)
    page.get_by_test_id("send-code-button").click()
    page.get_by_test_id("code-sent").wait_for()
    found += blocking_violations(page, axe)

    assert not found, (f"{len(found)} serious or critical accessibility violation(s):\n"
                       + "\n".join(found))
