"""Reviewing cases: approving a hold posts its points, rejecting it posts nothing and keeps
the reason the member reads, rejecting a flagged credit takes it back through the ledger;
a case is decided once, whoever acts at the same time."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import purchases, redemption, tasks
from app.loyalty.errors import NotFound
from app.loyalty.models import CheckIn, Member, Purchase
from app.loyalty.models.earning import HELD
from app.loyalty.risk import cases as review
from app.loyalty.risk import review as queue
from app.loyalty.risk import settings as rule_settings
from app.loyalty.risk.rules import Rule
from app.loyalty.risk.signals import Origin
from tests.integration.api_support import new_store
from tests.integration.risk_support import buy, cases, ledger_holds
from tests.integration.route_support import audits
from tests.support import balance, race


@pytest.fixture(autouse=True)
def ledger_checked(app):
    yield
    ledger_holds()


def _held_check_in(make_member) -> tuple[int, int]:
    """A member whose check-in was held (the fourth from one device); (member, case)."""
    members = [make_member() for _ in range(4)]
    for member in members:
        tasks.check_in(member.id, origin=Origin(device="shared"))
    [case] = cases("check_in_per_device")
    return members[-1].id, case.id


def test_approving_a_held_check_in_posts_its_points_as_the_check_ins_entry(
        app, make_member, make_staff):
    member_id, case_id = _held_check_in(make_member)

    case = review.approve(case_id, actor_id=make_staff("admin").id, address="10.0.0.1")

    assert balance(member_id) == 3 and len(audits("risk_approval")) == 1
    check_in = db.session.scalar(select(CheckIn).where(CheckIn.member_id == member_id))
    assert check_in.entry_id == case.entry_id is not None


def test_rejecting_a_hold_posts_nothing_and_keeps_the_reason(app, make_member, make_staff):
    member_id, case_id = _held_check_in(make_member)

    review.reject(case_id, "多个账户共用一台设备", actor_id=make_staff("admin").id)

    assert balance(member_id) == 0
    [held] = review.holds_of(member_id)
    assert held.status == "rejected" and held.reason == "多个账户共用一台设备"
    assert len(audits("risk_rejection")) == 1


def test_approving_a_held_purchase_credits_it_once(app, make_member, make_staff):
    store_id, _key = new_store()
    member = make_member()
    purchase = buy(store_id, member, amount_fen=6_000_000)
    [case] = cases()
    admin_id = make_staff("admin").id

    review.approve(case.id, actor_id=admin_id)
    with pytest.raises(review.CaseDecided):
        review.approve(case.id, actor_id=admin_id)

    assert balance(member.id) == 60_000
    assert db.session.get(Purchase, purchase.id).status == "credited"


def test_the_history_shows_a_held_purchase_less_what_a_refund_took_and_a_held_check_in(
        app, make_member):
    store_id, _key = new_store()
    member = make_member()
    purchase = buy(store_id, member, amount_fen=6_000_000)
    purchases.refund(store_id, purchase.reference, "R1", 1_000_000)
    checked_in, _case_id = _held_check_in(make_member)

    assert [(h.status, h.points) for h in review.holds_of(member.id)] == [("open", 50_000)]
    assert [(h.status, h.points) for h in review.holds_of(checked_in)] == [("open", 3)]


def test_the_queue_shows_the_points_each_case_keeps_back_as_the_history_does(app, make_member):
    store_id, _key = new_store()
    member = make_member()
    purchase = buy(store_id, member, amount_fen=6_000_000)
    purchases.refund(store_id, purchase.reference, "R1", 1_000_000)
    checked_in, _case_id = _held_check_in(make_member)

    shown = {e.case.member_id: e.held for e in queue.page().cases}

    assert shown == {member.id: 50_000, checked_in: 3}

def test_rejecting_a_flagged_credit_claws_it_back_with_the_reason(app, make_member, make_staff):
    rule_settings.change(Rule("check_in_per_device", 3, 86_400, "flag"),
                         actor_id=make_staff("admin").id)
    member_id, case_id = _held_check_in(make_member)
    assert balance(member_id) == 3

    review.reject(case_id, "共用设备", actor_id=make_staff("admin").id)

    assert balance(member_id) == 0


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_rejection_needs_a_reason_and_changes_nothing(app, make_member, make_staff, reason):
    member_id, case_id = _held_check_in(make_member)

    with pytest.raises(review.ReasonNeeded):
        review.reject(case_id, reason, actor_id=make_staff("admin").id)

    assert [c.status for c in cases()] == ["open"]


def test_of_two_staff_deciding_at_once_exactly_one_decides(app, make_member, make_staff):
    member_id, case_id = _held_check_in(make_member)
    first, second = make_staff("admin").id, make_staff("admin").id

    outcomes = race([lambda: review.approve(case_id, actor_id=first),
                     lambda: review.reject(case_id, "不予通过", actor_id=second)], app=app)

    refused = [o for o in outcomes if isinstance(o, review.CaseDecided)]
    assert len(refused) == 1, outcomes
    assert balance(member_id) in (0, 3) and len(cases()) == 1
    assert len(audits("risk_approval")) + len(audits("risk_rejection")) == 1


def test_a_rejection_racing_the_members_redemption_loses_or_owes_nothing(
        app, make_member, make_staff, make_item):
    rule_settings.change(Rule("check_in_per_device", 3, 86_400, "flag"),
                         actor_id=make_staff("admin").id)
    member_id, case_id = _held_check_in(make_member)
    item_id, admin_id = make_item(points_price=3).id, make_staff("admin").id

    outcomes = race([lambda: review.reject(case_id, "共用设备", actor_id=admin_id),
                     lambda: redemption.redeem(member_id, item_id, "race-key")], app=app)

    db.session.rollback()
    assert balance(member_id) == 0
    redeemed = not isinstance(outcomes[1], Exception)
    assert db.session.get(Member, member_id).points_owed == (3 if redeemed else 0)


def test_an_unknown_case_is_not_found(app, make_staff):
    with pytest.raises(NotFound):
        review.approve(999, actor_id=make_staff("admin").id)


def test_a_held_purchase_is_not_released_by_the_pending_job(app, make_member):
    store_id, _key = new_store()
    purchase = buy(store_id, make_member(), amount_fen=6_000_000)

    assert purchases.release_pending() == 0
    assert db.session.get(Purchase, purchase.id).status == HELD


def test_the_member_reads_under_review_then_the_reason_in_their_history(
        app, client, make_member, make_staff):
    from tests.conftest import sign_in
    from tests.integration.route_support import english
    member_id, case_id = _held_check_in(make_member)
    english(client)
    sign_in(client, db.session.get(Member, member_id).phone)

    assert 'data-status="held"' in client.get("/points").get_data(as_text=True)
    review.reject(case_id, "Shared device", actor_id=make_staff("admin").id)

    page = client.get("/points").get_data(as_text=True)
    assert 'data-status="rejected"' in page and "Shared device" in page
