"""The risk, budget and price-step pages of the console against hostile input: staff who may
not, writes without a token, ids that are no case or step of this item, bulk selections too
large or of ids no case can have, moments out of range, and markup in reasons."""
from datetime import timedelta

import pytest

from app.extensions import db
from app.loyalty import price_steps
from app.loyalty.models import utcnow
from tests.integration.risk_support import cases, held_check_ins, ledger_holds
from tests.integration.route_support import audits, text
from tests.integration.sweep_support import changes, snapshot
from tests.support import csrf_token

HUGE = "99999999999999999999"
RULE = "/admin/risk/rules/check_in_per_device"
RULE_VALUES = {"threshold": "1", "window": "1", "unit": "days", "action": "block",
               "enabled": "y"}


@pytest.fixture(autouse=True)
def ledger_checked(app):
    yield
    ledger_holds()


@pytest.fixture
def things(make_member, make_item):
    """An open case, an item with a step to come, and a block-list entry: (case, item, step,
    entry) ids."""
    from app.loyalty.risk import blocklist

    held_check_ins(make_member)
    db.session.rollback()
    item = make_item(points_price=1000)
    step = price_steps.add_step(item.id, utcnow() + timedelta(days=2), 800)
    entry = blocklist.add("address", "198.51.100.99", "Ring", actor_id=None)
    db.session.commit()
    return cases()[0].id, item.id, step.id, entry.id


def _writes(things) -> list[tuple[str, dict]]:
    """Every write of these pages, aimed at things that exist, with values it would take."""
    case_id, item_id, step_id, entry_id = things
    starts = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    return [
        (f"/admin/risk/cases/{case_id}/approve", {}),
        (f"/admin/risk/cases/{case_id}/reject", {"reason": "Ring"}),
        ("/admin/risk/cases", {"case_ids": [str(case_id)], "decision": "approve"}),
        (RULE, RULE_VALUES),
        (f"{RULE}/dry-run", RULE_VALUES),
        ("/admin/risk/blocklist", {"kind": "phone", "value": "13900001111", "reason": "Ring"}),
        (f"/admin/risk/blocklist/{entry_id}/remove", {}),
        ("/admin/budget", {"year": "2026", "budget": "1000"}),
        (f"/admin/items/{item_id}/prices", {"starts_at": starts, "points_price": "700"}),
        (f"/admin/items/{item_id}/prices/{step_id}/removed", {}),
    ]


def test_a_clerk_and_a_signed_out_visitor_change_nothing_of_real_cases_rules_and_steps(
        clerk, client, things):
    tokens = {"clerk": csrf_token(clerk, "/admin/"), "visitor": csrf_token(client, "/rules")}
    before = snapshot()

    for path, data in _writes(things):
        assert clerk.post(path, data={"csrf_token": tokens["clerk"], **data}).status_code \
            == 403, path
        response = client.post(path, data={"csrf_token": tokens["visitor"], **data})
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/admin/login"), path

    assert changes(before, snapshot()) == []


def test_a_write_without_a_token_on_real_cases_rules_and_steps_is_refused(admin, things):
    before = snapshot()

    for path, data in _writes(things):
        assert admin.post(path, data=data).status_code == 400, path

    assert changes(before, snapshot()) == []


def test_a_step_of_another_item_is_not_found_on_this_items_address(admin, make_item, things):
    _case_id, item_id, step_id, _entry_id = things
    db.session.rollback()
    other = make_item(points_price=500)
    token = csrf_token(admin, f"/admin/items/{other.id}/prices")

    for step in (str(step_id), HUGE, "-1", "abc"):
        response = admin.post(f"/admin/items/{other.id}/prices/{step}/removed",
                              data={"csrf_token": token})
        assert response.status_code == 404, step

    db.session.rollback()
    assert [s.id for s in price_steps.steps(item_id)] == [step_id]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_step_at_a_moment_out_of_any_calendar_the_mall_keeps_is_refused(admin, make_item,
                                                                         moment):
    db.session.rollback()
    item = make_item(points_price=1000)
    url = f"/admin/items/{item.id}/prices"

    response = admin.post(url, data={"csrf_token": csrf_token(admin, url),
                                     "starts_at": moment, "points_price": "800"})

    assert response.status_code == 422
    assert 'id="starts_at-error"' in text(response)
    assert "between the years 2000 and 2999" in text(response)
    db.session.rollback()
    assert price_steps.steps(item.id) == []


def test_a_bulk_decision_naming_ids_no_case_can_have_is_refused_and_decides_nothing(
        admin, things):
    case_id = things[0]
    token = csrf_token(admin, "/admin/risk")

    for wrong in (HUGE, "2147483648", "-1", "+1", "１"):
        response = admin.post("/admin/risk/cases", data={
            "csrf_token": token, "decision": "approve", "case_ids": [str(case_id), wrong]})
        assert response.status_code == 422, wrong

    assert [c.status for c in cases()] == ["open"] and audits("risk_approval") == []


def test_a_bulk_decision_of_more_cases_than_it_takes_is_refused_and_decides_none(
        admin, things):
    case_id = things[0]

    response = admin.post("/admin/risk/cases", data={
        "csrf_token": csrf_token(admin, "/admin/risk"), "decision": "approve",
        "case_ids": [str(case_id)] + [str(n) for n in range(100_000, 110_000)]})

    assert response.status_code == 422
    assert "at most 100 cases" in text(response)
    assert [c.status for c in cases()] == ["open"] and audits("risk_approval") == []


def test_a_case_named_twice_is_decided_once_and_markup_in_its_reason_is_shown_as_text(
        admin, things):
    case_id = things[0]
    token = csrf_token(admin, "/admin/risk")

    too_long = admin.post("/admin/risk/cases", data={
        "csrf_token": token, "decision": "reject", "case_ids": [str(case_id)],
        "reason": "x" * 10_000})
    response = admin.post("/admin/risk/cases", data={
        "csrf_token": token, "decision": "reject", "case_ids": [str(case_id)] * 2,
        "reason": "<script>alert(1)</script>"})

    assert too_long.status_code == 422
    assert response.status_code == 303
    assert len(audits("risk_rejection")) == 1
    page = text(admin.get("/admin/risk?show=decided"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
