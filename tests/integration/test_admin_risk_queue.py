"""The review queue in the console: the cases with their evidence, approving and rejecting
one or several, what happens when two staff decide the same case, and who may."""
import pytest

from app.extensions import db
from app.loyalty.models import Member
from tests.integration.risk_support import cases, held_check_ins, ledger_holds
from tests.integration.route_support import audits, english
from tests.support import balance, csrf_token


@pytest.fixture(autouse=True)
def ledger_checked(app):
    yield
    ledger_holds()


def _admin(staff_client):
    client = staff_client("admin")
    english(client)
    return client


def _token(client) -> str:
    return csrf_token(client, "/admin/risk")


def test_the_queue_shows_each_held_case_with_its_rule_member_and_evidence(
        staff_client, make_member):
    [member_id] = held_check_ins(make_member)
    client = _admin(staff_client)

    page = client.get("/admin/risk").get_data(as_text=True)

    assert 'data-testid="review-row" data-rule="check_in_per_device"' in page
    member = db.session.get(Member, member_id)
    assert member.phone[:3] + "****" + member.phone[-4:] in page and member.phone not in page
    assert "203.0.113.x" in page and "203.0.113.9" not in page and "shared-d…" in page
    assert page.count("Check-in ·") == 4 and 'data-testid="review-approve"' in page


def test_approving_from_the_queue_posts_the_held_points_and_is_audited(
        staff_client, make_member):
    [member_id] = held_check_ins(make_member)
    client, [case] = _admin(staff_client), cases()

    response = client.post(f"/admin/risk/cases/{case.id}/approve",
                           data={"csrf_token": _token(client)})

    assert response.status_code == 303 and balance(member_id) == 3
    assert len(audits("risk_approval")) == 1
    assert 'data-testid="review-row"' not in client.get("/admin/risk").get_data(as_text=True)
    decided = client.get("/admin/risk?show=decided").get_data(as_text=True)
    assert 'data-testid="review-status"' in decided and client.staff.username in decided


def test_rejecting_from_the_queue_keeps_the_reason_the_member_reads(staff_client, make_member):
    [member_id] = held_check_ins(make_member)
    client, [case] = _admin(staff_client), cases()

    response = client.post(f"/admin/risk/cases/{case.id}/reject",
                           data={"csrf_token": _token(client), "reason": "  Shared device  "})

    assert response.status_code == 303 and balance(member_id) == 0
    [done] = cases()
    assert done.status == "rejected" and done.reason == "Shared device"
    assert len(audits("risk_rejection")) == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_rejection_without_a_fitting_reason_is_refused_beside_the_field(
        staff_client, make_member, reason):
    held_check_ins(make_member)
    client, [case] = _admin(staff_client), cases()

    response = client.post(f"/admin/risk/cases/{case.id}/reject",
                           data={"csrf_token": _token(client), "reason": reason})

    assert response.status_code == 422
    assert 'data-testid="error-message"' in response.get_data(as_text=True)
    assert [c.status for c in cases()] == ["open"] and audits("risk_rejection") == []


def test_an_unknown_case_is_not_found(staff_client):
    client = _admin(staff_client)

    token = _token(client)

    assert client.post("/admin/risk/cases/99999/approve",
                       data={"csrf_token": token}).status_code == 404
    assert client.post("/admin/risk/cases/99999/reject",
                       data={"csrf_token": token, "reason": ""}).status_code == 404


def test_of_two_staff_deciding_one_case_the_second_is_told_it_is_decided(
        staff_client, make_member):
    [member_id] = held_check_ins(make_member)
    first, second = _admin(staff_client), _admin(staff_client)
    [case] = cases()
    tokens = _token(first), _token(second)

    assert first.post(f"/admin/risk/cases/{case.id}/approve",
                      data={"csrf_token": tokens[0]}).status_code == 303
    late = second.post(f"/admin/risk/cases/{case.id}/reject",
                       data={"csrf_token": tokens[1], "reason": "Ring"})

    assert late.status_code == 409
    assert "This case has already been decided." in late.get_data(as_text=True)
    assert balance(member_id) == 3 and [c.status for c in cases()] == ["approved"]
    assert len(audits("risk_approval")) == 1 and audits("risk_rejection") == []


def test_a_ring_is_rejected_at_once_with_one_reason_each_case_audited(
        staff_client, make_member):
    held = held_check_ins(make_member, held=3)
    client = _admin(staff_client)
    ids = [c.id for c in cases()]

    response = client.post("/admin/risk/cases", data={
        "csrf_token": _token(client), "case_ids": [str(i) for i in ids],
        "decision": "reject", "reason": "One device, many accounts"})

    assert response.status_code == 303
    assert {c.reason for c in cases()} == {"One device, many accounts"}
    assert len(audits("risk_rejection")) == 3 and all(balance(m) == 0 for m in held)


def test_a_bulk_decision_reports_cases_decided_meanwhile_and_decides_the_rest_once(
        staff_client, make_member):
    held = held_check_ins(make_member, held=2)
    first, second = _admin(staff_client), _admin(staff_client)
    ids = [c.id for c in cases()]
    assert first.post(f"/admin/risk/cases/{ids[0]}/approve",
                      data={"csrf_token": _token(first)}).status_code == 303

    response = second.post("/admin/risk/cases", data={
        "csrf_token": _token(second), "case_ids": [str(i) for i in ids],
        "decision": "approve"})

    assert response.status_code == 409
    assert f"#{ids[0]}" in response.get_data(as_text=True)
    assert len(audits("risk_approval")) == 2 and [balance(m) for m in held] == [3, 3]


@pytest.mark.parametrize("data", [
    {"decision": "approve"},
    {"decision": "reject", "case_ids": ["1"], "reason": ""},
    {"decision": "reject", "case_ids": ["1"], "reason": "x" * 201},
    {"decision": "burn", "case_ids": ["1"]},
    {"decision": "approve", "case_ids": ["one"]},
])
def test_a_bulk_decision_with_bad_input_is_refused_and_changes_nothing(
        staff_client, make_member, data):
    held_check_ins(make_member)
    client = _admin(staff_client)

    response = client.post("/admin/risk/cases", data={"csrf_token": _token(client), **data})

    assert response.status_code == 422
    assert [c.status for c in cases()] == ["open"]


def test_clerks_may_not_open_the_queue_or_decide(staff_client, make_member):
    held_check_ins(make_member)
    clerk, [case] = staff_client("clerk"), cases()
    token = csrf_token(clerk, "/admin/")

    assert clerk.get("/admin/risk").status_code == 403
    assert clerk.post(f"/admin/risk/cases/{case.id}/approve",
                      data={"csrf_token": token}).status_code == 403
    assert [c.status for c in cases()] == ["open"]


def test_the_queue_is_read_a_page_at_a_time_oldest_first(app, make_member):
    from app.loyalty.risk import review
    held_check_ins(make_member, held=2)
    ids = [c.id for c in cases()]

    first, second = review.page(number=1, size=1), review.page(number=2, size=1)

    assert (first.pages, first.total) == (2, 2)
    assert [e.case.id for e in first.cases + second.cases] == ids
    assert review.page(number=99, size=1).number == 2
