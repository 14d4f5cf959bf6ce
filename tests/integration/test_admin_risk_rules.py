"""Risk rules and the block list in the console: edited through forms that refuse bad
values beside the field and change nothing, a dry run that saves nothing, every change
audited, administrators only."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import tasks
from app.loyalty.models import utcnow
from app.loyalty.models.risk import RiskRule
from app.loyalty.risk import blocklist, guard, rules
from app.loyalty.risk.signals import Origin
from tests.integration.route_support import audits, english
from tests.support import csrf_token

RULE = "/admin/risk/rules/check_in_per_device"
GOOD = {"threshold": "5", "window": "2", "unit": "hours", "action": "block", "enabled": "y"}


def _admin(staff_client):
    client = staff_client("admin")
    english(client)
    return client


def _rule(code: str = "check_in_per_device"):
    db.session.rollback()
    return next(r for r in guard.running_rules() if r.code == code)


def _entries():
    db.session.rollback()
    return blocklist.entries()


def test_the_rules_page_lists_every_rule_with_its_values(staff_client):
    page = _admin(staff_client).get("/admin/risk/rules").get_data(as_text=True)

    assert page.count('data-testid="rule-row"') == len(rules.DEFAULTS) == 15
    assert 'data-rule="purchase_amount"' in page and "50,000" in page


def test_saving_a_rule_keeps_its_values_and_audits_the_change(staff_client):
    client = _admin(staff_client)

    response = client.post(RULE, data={"csrf_token": csrf_token(client, RULE), **GOOD})

    assert response.status_code == 303
    rule = _rule()
    assert (rule.threshold, rule.window_seconds, rule.action, rule.enabled) == \
        (5, 7200, "block", True)
    [entry] = audits("risk_rule_change")
    assert entry.before["threshold"] == 3 and entry.after["window_seconds"] == 7200


def test_a_rule_can_be_switched_off_or_to_dry_run_only(staff_client):
    client = _admin(staff_client)
    data = {**GOOD, "dry_run_only": "y"}
    del data["enabled"]

    client.post(RULE, data={"csrf_token": csrf_token(client, RULE), **data})

    rule = _rule()
    assert rule.enabled is False and rule.dry_run_only is True and not rule.acting


@pytest.mark.parametrize("field, value", [
    ("threshold", "-1"), ("threshold", ""), ("threshold", "1e3"), ("threshold", "9" * 12),
    ("threshold", "<script>"), ("window", "0"), ("window", "-5"), ("window", "367"),
    ("window", "99999999999"), ("action", "explode"), ("unit", "weeks"),
])
def test_a_bad_value_is_refused_beside_the_field_and_changes_nothing(staff_client, field,
                                                                     value):
    client = _admin(staff_client)
    data = {**GOOD, "unit": "days", field: value}

    response = client.post(RULE, data={"csrf_token": csrf_token(client, RULE), **data})

    assert response.status_code == 422
    assert 'data-testid="error-message"' in response.get_data(as_text=True)
    assert _rule().threshold == 3 and audits("risk_rule_change") == []
    assert db.session.scalar(select(RiskRule.action)
                             .where(RiskRule.code == "check_in_per_device")) == "hold"


def test_an_unknown_rule_is_not_found(staff_client):
    client = _admin(staff_client)

    assert client.get("/admin/risk/rules/nope").status_code == 404
    assert client.post("/admin/risk/rules/nope", data={
        "csrf_token": csrf_token(client, RULE), **GOOD}).status_code == 404


def test_the_dry_run_shows_what_the_forms_values_would_catch_and_saves_nothing(
        staff_client, make_member):
    members = [make_member() for _ in range(3)]
    for member in members:
        tasks.check_in(member.id, now=utcnow() - timedelta(hours=2),
                       origin=Origin(device="front-desk"))
    client = _admin(staff_client)

    response = client.post(RULE + "/dry-run", data={
        "csrf_token": csrf_token(client, RULE), **GOOD, "threshold": "1", "unit": "days"})

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "2 cases" in page and "2 members involved" in page
    assert members[2].phone[-4:] in page
    assert _rule().threshold == 3 and audits("risk_rule_change") == []


def test_a_dry_run_with_bad_values_is_refused_beside_the_field(staff_client):
    client = _admin(staff_client)

    response = client.post(RULE + "/dry-run", data={
        "csrf_token": csrf_token(client, RULE), **GOOD, "window": "0"})

    assert response.status_code == 422
    assert 'data-testid="error-message"' in response.get_data(as_text=True)


def test_an_address_is_blocked_and_unblocked_from_the_console_audited(staff_client):
    client = _admin(staff_client)
    token = csrf_token(client, "/admin/risk/blocklist")

    added = client.post("/admin/risk/blocklist", data={
        "csrf_token": token, "kind": "address", "value": " 203.0.113.50 ",
        "reason": "Farm of accounts"})

    assert added.status_code == 303
    [entry] = _entries()
    assert (entry.kind, entry.value, entry.reason) == ("address", "203.0.113.50",
                                                       "Farm of accounts")
    page = client.get("/admin/risk/blocklist").get_data(as_text=True)
    assert "203.0.113.x" in page and "203.0.113.50" not in page

    removed = client.post(f"/admin/risk/blocklist/{entry.id}/remove", data={"csrf_token": token})

    assert removed.status_code == 303 and _entries() == []
    assert len(audits("block_added")) == 1 and len(audits("block_removed")) == 1


@pytest.mark.parametrize("data", [
    {"kind": "phone", "value": "12345", "reason": "Fake"},
    {"kind": "phone", "value": "", "reason": "Fake"},
    {"kind": "device", "value": "x" * 65, "reason": "Fake"},
    {"kind": "device", "value": "abc", "reason": ""},
    {"kind": "device", "value": "abc", "reason": "r" * 201},
    {"kind": "email", "value": "a@b.c", "reason": "Fake"},
])
def test_a_bad_block_list_entry_is_refused_beside_the_field(staff_client, data):
    client = _admin(staff_client)

    response = client.post("/admin/risk/blocklist", data={
        "csrf_token": csrf_token(client, "/admin/risk/blocklist"), **data})

    assert response.status_code == 422
    assert 'data-testid="error-message"' in response.get_data(as_text=True)
    assert _entries() == [] and audits("block_added") == []


def test_the_same_entry_twice_is_refused_and_kept_once(staff_client):
    client = _admin(staff_client)
    token = csrf_token(client, "/admin/risk/blocklist")
    data = {"csrf_token": token, "kind": "phone", "value": "13912345678", "reason": "Resold"}

    assert client.post("/admin/risk/blocklist", data=data).status_code == 303
    again = client.post("/admin/risk/blocklist", data=data)

    assert again.status_code == 422 and "on the block list already" in again.get_data(
        as_text=True)
    assert len(_entries()) == 1


def test_removing_an_entry_that_is_gone_is_not_found(staff_client):
    client = _admin(staff_client)

    response = client.post("/admin/risk/blocklist/999/remove", data={
        "csrf_token": csrf_token(client, "/admin/risk/blocklist")})

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/admin/risk/rules", RULE, "/admin/risk/blocklist"])
def test_clerks_may_not_open_the_rules_or_the_block_list(staff_client, path):
    assert staff_client("clerk").get(path).status_code == 403


def test_a_clerk_cannot_change_a_rule_or_block(staff_client):
    clerk = staff_client("clerk")
    token = csrf_token(clerk, "/admin/")

    assert clerk.post(RULE, data={"csrf_token": token, **GOOD}).status_code == 403
    assert clerk.post("/admin/risk/blocklist", data={
        "csrf_token": token, "kind": "device", "value": "abc", "reason": "x"}).status_code == 403
    assert _rule().threshold == 3 and _entries() == []
