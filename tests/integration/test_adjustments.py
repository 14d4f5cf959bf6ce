"""Adjustments in the console: + or − with a reason the member reads, never below zero,
large ones waiting for a second administrator who is not the one who asked."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import adjustments
from app.loyalty.models import ADJUST, APPROVED, AWAITING, REJECTED, LedgerEntry
from tests.conftest import sign_in
from tests.integration.member_admin_support import (
    adjust,
    form_token,
    latest_request,
    page,
    post,
    requests_count,
)
from tests.integration.route_support import audits, english, text
from tests.support import balance, race


def test_an_administrator_adds_points_with_a_reason_the_member_reads(
        staff_client, make_member, client):
    admin, member = staff_client("admin"), make_member(points=1000)

    response = adjust(admin, member, 300, reason="门店系统补录")

    assert response.status_code == 303
    assert balance(member.id) == 1300
    entry = db.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member.id)
                               .order_by(LedgerEntry.id.desc())).first()
    assert (entry.kind, entry.points, entry.detail) == (ADJUST, 300, "门店系统补录")
    [audit] = audits("adjustment")
    assert audit.actor_id == admin.staff.id and audit.after["points"] == 300
    assert audit.before == {"balance": 1000} and audit.after["balance"] == 1300
    sign_in(client, member.phone)
    english(client)
    assert "门店系统补录" in text(client.get("/points"))


def test_an_administrator_takes_points_down_to_exactly_zero(staff_client, make_member):
    admin, member = staff_client("admin"), make_member(points=800)

    assert adjust(admin, member, -800).status_code == 303
    assert balance(member.id) == 0


def test_taking_more_than_the_balance_is_refused_with_the_most_that_can_be_taken(
        staff_client, make_member):
    admin, member = staff_client("admin"), make_member(points=1234)

    response = adjust(admin, member, -1235)

    assert response.status_code == 422
    assert "at most 1,234 points can be taken" in text(response)
    assert balance(member.id) == 1234 and requests_count() == 0 and not audits("adjustment")


@pytest.mark.parametrize("points, reason, message", [
    ("0", "补录", "0 points changes nothing"),
    ("", "补录", "Enter the points"),
    ("abc", "补录", "whole number of points"),
    ("1.5", "补录", "whole number of points"),
    ("１００", "补录", "whole number of points"),
    ("99999999999", "补录", "whole number of points"),
    ("1000001", "补录", "At most 1,000,000 points"),
    ("-1000001", "补录", "At most 1,000,000 points"),
    ("100", "", "Enter a reason"),
    ("100", "   ", "Enter a reason"),
    ("100", "x" * 201, "200 characters"),
    ("<script>alert(1)</script>", "补录", "whole number of points"),
])
def test_a_bad_adjustment_is_refused_beside_the_field_and_changes_nothing(
        staff_client, make_member, points, reason, message):
    admin, member = staff_client("admin"), make_member(points=100)

    response = adjust(admin, member, points, reason=reason)

    assert response.status_code == 422
    assert message in text(response) and 'data-testid="error-message"' in text(response)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert balance(member.id) == 100 and requests_count() == 0 and not audits("adjustment")


def test_the_same_adjust_form_submitted_twice_posts_once(staff_client, make_member):
    admin, member = staff_client("admin"), make_member(points=100)
    token = form_token(admin, member)

    assert adjust(admin, member, 50, token=token).status_code == 303
    assert adjust(admin, member, 50, token=token).status_code == 303

    assert balance(member.id) == 150 and requests_count() == 1


def test_the_same_form_submitted_twice_at_once_posts_once(app, make_staff, make_member):
    admin_id, member_id = make_staff("admin").id, make_member(points=100).id

    def submit():
        return adjustments.adjust(member_id, 50, "补录", "t" * 32, actor_id=admin_id,
                                  address="10.0.0.1").id

    first, second = race([submit, submit], app=app)

    assert first == second and balance(member_id) == 150 and requests_count() == 1


def test_a_large_adjustment_waits_and_posts_when_another_administrator_approves_it(
        staff_client, make_member, make_staff):
    asker, approver = staff_client("admin"), staff_client("admin")
    member = make_member(points=100)

    assert adjust(asker, member, 5001).status_code == 303
    request = latest_request()
    assert request.status == AWAITING and balance(member.id) == 100
    assert "waits for a second administrator" in text(asker.get(page(member)))
    assert adjust(asker, member, 5000).status_code == 303   # at the limit: posts at once
    assert balance(member.id) == 5100

    listing = text(approver.get("/admin/approvals"))
    assert listing.count('data-testid="approval-row"') == 1 and "approve-button" in listing
    response = post(approver, f"/admin/approvals/{request.id}/approve", note="核实无误")

    assert response.status_code == 303
    assert balance(member.id) == 10101
    request = db.session.get(type(request), request.id)
    assert request.status == APPROVED and request.decided_by_id == approver.staff.id
    assert request.entry_id is not None and request.decision_note == "核实无误"
    [approval] = audits("approval")
    assert approval.actor_id == approver.staff.id and approval.after["status"] == APPROVED


def test_a_rejected_adjustment_posts_nothing(staff_client, make_member):
    asker, decider = staff_client("admin"), staff_client("admin")
    member = make_member(points=100)
    adjust(asker, member, 9000)
    request = latest_request()

    assert post(decider, f"/admin/approvals/{request.id}/reject").status_code == 303

    assert balance(member.id) == 100 and latest_request().status == REJECTED
    [rejection] = audits("rejection")
    assert rejection.actor_id == decider.staff.id
    assert post(decider, f"/admin/approvals/{request.id}/approve").status_code == 409
    assert balance(member.id) == 100


def test_nobody_approves_or_rejects_their_own_adjustment(staff_client, make_member):
    asker, member = staff_client("admin"), make_member(points=100)
    adjust(asker, member, 6000)
    request = latest_request()

    listing = text(asker.get("/admin/approvals"))
    assert 'data-testid="approval-row"' in listing and "approve-button" not in listing
    assert "reject-button" not in listing
    assert post(asker, f"/admin/approvals/{request.id}/approve").status_code == 403
    assert post(asker, f"/admin/approvals/{request.id}/reject").status_code == 403

    assert latest_request().status == AWAITING and balance(member.id) == 100
    assert not audits("approval") and not audits("rejection")


def test_a_negative_adjustment_that_no_longer_fits_is_refused_at_approval(
        staff_client, make_member, make_item):
    asker, approver = staff_client("admin"), staff_client("admin")
    member = make_member(points=8000)
    adjust(asker, member, -7000)
    request = latest_request()
    adjust(asker, member, -2000)   # posts at once: 6,000 left

    response = post(approver, f"/admin/approvals/{request.id}/approve")

    assert response.status_code == 409
    assert "at most 6,000 points can be taken" in text(response)
    assert balance(member.id) == 6000 and latest_request().status == APPROVED   # the -2000
    db.session.refresh(request)
    assert request.status == AWAITING and not audits("approval")


def test_an_unknown_approval_is_not_found(staff_client):
    admin = staff_client("admin")
    assert post(admin, "/admin/approvals/999999/approve").status_code == 404


def test_of_two_approvers_at_once_exactly_one_posts(app, make_staff, make_member):
    asker, first, second = make_staff("admin"), make_staff("admin"), make_staff("admin")
    member = make_member(points=100)
    request_id = adjustments.adjust(member.id, 7000, "补录", "r" * 32, actor_id=asker.id,
                                    address="").id
    first_id, second_id, member_id = first.id, second.id, member.id   # read before the threads

    outcomes = race([lambda: adjustments.approve(request_id, actor_id=first_id, address=""),
                     lambda: adjustments.approve(request_id, actor_id=second_id, address="")],
                    app=app)

    refused = [o for o in outcomes if isinstance(o, adjustments.AlreadyDecided)]
    assert len(refused) == 1, outcomes
    assert balance(member_id) == 7100 and len(audits("approval")) == 1


@pytest.mark.parametrize("method, url", [
    ("post", "/adjust"), ("post", "/freeze"), ("post", "/unfreeze"), ("post", "/phone")])
def test_a_clerk_cannot_adjust_freeze_or_show_a_phone(staff_client, make_member, method, url):
    clerk, member = staff_client("clerk"), make_member(points=100)

    response = post(clerk, page(member) + url, points="100", reason="补录", token="t" * 32)

    assert response.status_code == 403 and balance(member.id) == 100
    assert requests_count() == 0


def test_a_clerk_cannot_see_or_decide_approvals(staff_client, make_member):
    asker, clerk = staff_client("admin"), staff_client("clerk")
    member = make_member(points=100)
    adjust(asker, member, 9000)
    request = latest_request()

    assert clerk.get("/admin/approvals").status_code == 403
    assert post(clerk, f"/admin/approvals/{request.id}/approve").status_code == 403
    assert latest_request().status == AWAITING


def test_the_approval_limit_is_a_program_setting(app, staff_client, make_member):
    app.config["ADJUST_APPROVAL_ABOVE"] = 100
    admin, member = staff_client("admin"), make_member(points=0)

    adjust(admin, member, 101)

    assert latest_request().status == AWAITING and balance(member.id) == 0
