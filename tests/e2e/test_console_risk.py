"""Risk control in a browser: an administrator rejects a held purchase credit from the
review queue, and the member reads the reason in their points history."""
import pytest

from app.extensions import db
from app.loyalty import stores
from app.loyalty.models import Store
from tests.integration.risk_support import buy
from .helpers import DESKTOP, sign_in
from .test_console import console_sign_in
from .test_console_members import _staff

pytestmark = pytest.mark.e2e

REASON = "消费记录与门店核对不符"


def held_purchase(live_app, member) -> None:
    """A purchase above the single-amount rule's threshold: its points are held."""
    with live_app.app_context():
        store_id = db.session.scalar(db.select(Store.id).where(Store.code == "SH001"))
        if store_id is None:
            store_id = stores.create_store("SH001", "上海南京西路店").id
        buy(store_id, member, amount_fen=6_000_000)
        db.session.remove()


def test_an_administrator_rejects_a_held_credit_and_the_member_reads_why(
        browser, base_url, live_app, live_server, member):
    held_purchase(live_app, member)
    admin = _staff(live_app, "e2e-reviewer")
    console = browser.new_context(base_url=base_url, **DESKTOP)
    phone = browser.new_context(base_url=base_url, **DESKTOP)
    try:
        member_page = phone.new_page()
        sign_in(member_page, member)
        member_page.goto("/points")
        member_page.locator('[data-testid="ledger-row"][data-status="held"]').wait_for()

        page = console.new_page()
        console_sign_in(page, admin)
        page.goto("/admin/risk")
        row = page.get_by_test_id("review-row").filter(has_text=member.phone[-4:])
        assert row.count() == 1 and member.phone not in row.inner_text()
        assert row.get_attribute("data-rule") in ("purchase_amount", "new_member_points")
        row.get_by_test_id("review-reason").fill(REASON)
        row.get_by_test_id("review-reject").click()
        page.wait_for_load_state()
        assert page.locator('[data-testid="review-row"]').filter(
            has_text=member.phone[-4:]).count() == 0

        member_page.goto("/points")
        assert member_page.locator('[data-testid="ledger-row"][data-status="held"]').count() == 0
        refused = member_page.locator('[data-testid="ledger-row"][data-status="rejected"]')
        assert REASON in refused.first.inner_text()
    finally:
        console.close()
        phone.close()
