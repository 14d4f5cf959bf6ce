"""Program settings in a browser: an administrator changes the earn rate to 1 point for
every ¥2; the rules page says so and the next purchase from a till earns by it."""
import json
import urllib.request
import uuid
from datetime import timedelta

import pytest

from app.extensions import db
from app.loyalty import settings, stores
from app.loyalty.models import utcnow
from app.program_source import running_settings
from tests.e2e.test_console import administrator, console_sign_in  # noqa: F401  (a fixture)

pytestmark = pytest.mark.e2e


@pytest.fixture
def till_key(live_app, live_server) -> str:
    code = f"E2E{uuid.uuid4().hex[:6].upper()}"
    with live_app.app_context():
        stores.create_store(code, "浏览器测试门店")
        key = stores.create_key(code)
        db.session.remove()
    return key


@pytest.fixture
def earn_rate_put_back(live_app):
    """The session's other browser tests earn 1 point for every ¥1: put it back after."""
    yield
    with live_app.app_context():
        settings.change({"EARN_POINTS": 1, "EARN_PER_YUAN": 1},
                        running_settings().configured(), None)
        running_settings().forget()
        db.session.remove()


def purchase(base_url: str, key: str, phone: str, amount_fen: int) -> dict:
    body = {"member_phone": phone, "reference": uuid.uuid4().hex[:16], "amount_fen": amount_fen,
            "lines": [{"category": "snacks", "amount_fen": amount_fen}],
            "occurred_at": (utcnow() - timedelta(minutes=1)).isoformat()}
    request = urllib.request.Request(
        f"{base_url}/api/v1/purchases", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex,
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.loads(response.read())


def test_an_administrator_changes_the_earn_rate_and_the_rules_and_next_purchase_follow(
        page, administrator, member, till_key, base_url, earn_rate_put_back):  # noqa: F811
    console_sign_in(page, administrator)
    page.get_by_test_id("staff-who").wait_for()
    page.goto("/admin/settings")
    page.get_by_test_id("setting-earn-points").fill("1")
    page.get_by_test_id("setting-earn-per-yuan").fill("2")
    page.get_by_test_id("settings-save").click()
    page.wait_for_load_state()
    assert "¥2" in page.get_by_test_id("earn-rate-now").inner_text()
    assert page.get_by_test_id("setting-change-row").count() >= 1

    page.goto("/rules")
    assert "¥2" in page.get_by_test_id("earn-rate").inner_text()

    assert purchase(base_url, till_key, member.phone, 1_990)["points"] == 9
    assert purchase(base_url, till_key, member.phone, 2_000)["points"] == 10
