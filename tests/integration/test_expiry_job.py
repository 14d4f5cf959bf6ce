"""The expiry job: every lapsed lot's remainder expires once, exactly as the per-member
expiry would write it, in batches, however many times and on however many hosts it runs."""
import random
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import accounts, expiry, ledger
from app.loyalty.errors import InsufficientPoints
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import (
    EARN,
    EXPIRE,
    REDEEM,
    LedgerEntry,
    LotAllocation,
    Member,
    PointLot,
    utcnow,
)
from app.loyalty.program import running_program
from app.loyalty.transaction import lock_member, write_transaction
from tests.conftest import days, utc
from tests.integration.route_support import by_testid, english, text
from tests.support import balance, race

NOW = utc(2026, 6, 1, 4, 0)
LONG_AGO = NOW - days(400)


def give(member_id: int, points: int, expires_at: datetime | None,
         earned_at: datetime = LONG_AGO) -> None:
    """A lot with its own expiry, written as a credit (which expires nothing by itself)."""
    with write_transaction():
        member = lock_member(member_id)
        ledger.credit(member, points, kind=EARN, detail="purchase", now=earned_at,
                      expires_at=expires_at)


def spend(member_id: int, points: int, at: datetime) -> None:
    with write_transaction():
        try:
            ledger.debit(lock_member(member_id), points, kind=REDEEM, detail="gift", now=at)
        except InsufficientPoints:
            pass


def expire_entries(member_id: int) -> list[LedgerEntry]:
    db.session.expire_all()
    return db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.member_id == member_id, LedgerEntry.kind == EXPIRE)
        .order_by(LedgerEntry.id)).all()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def picture(member_id: int) -> dict:
    """Everything expiry wrote for a member, with lots named by their place in the member's
    own list, so two members with the same history compare equal."""
    db.session.expire_all()
    lots = db.session.scalars(select(PointLot).where(PointLot.member_id == member_id)
                              .order_by(PointLot.id)).all()
    place = {lot.id: n for n, lot in enumerate(lots)}
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member_id)
                                 .order_by(LedgerEntry.id)).all()
    allocations = db.session.execute(
        select(LotAllocation.lot_id, LotAllocation.points)
        .join(LedgerEntry, LedgerEntry.id == LotAllocation.entry_id)
        .where(LedgerEntry.member_id == member_id, LedgerEntry.kind == EXPIRE)
        .order_by(LotAllocation.entry_id, LotAllocation.lot_id)).all()
    return {
        "balance": db.session.get(Member, member_id).points_balance,
        "lots": [(lot.points, lot.remaining, lot.expires_at) for lot in lots],
        "entries": [(e.kind, e.points, e.balance_after, e.detail, e.ref_type, e.ref_id,
                     place.get(e.lot_id), e.created_at) for e in entries],
        "allocations": [(place[lot_id], points) for lot_id, points in allocations],
    }


def random_history(rng: random.Random) -> list[tuple]:
    """Lots expiring before, at and after NOW (some never), and spending along the way."""
    steps = []
    for _ in range(rng.randint(1, 10)):
        if rng.random() < 0.7:
            expires = rng.choice([None, NOW, NOW - days(rng.randint(1, 300)),
                                  NOW + days(rng.randint(1, 300)),
                                  NOW - days(40)])  # several lots lapsing at one instant
            steps.append(("give", rng.randint(1, 500), expires))
        else:
            steps.append(("spend", rng.randint(1, 600), NOW - days(rng.randint(300, 399))))
    return steps


def play(member_id: int, steps: list[tuple]) -> None:
    for what, points, at in steps:
        if what == "give":
            give(member_id, points, at)
        else:
            spend(member_id, points, at)


@pytest.mark.parametrize("seed", range(6))
def test_the_job_writes_exactly_what_the_per_member_expiry_writes(make_member, seed):
    rng = random.Random(seed)
    twins = []
    for _ in range(8):
        steps = random_history(rng)
        one, other = make_member().id, make_member().id
        play(one, steps)
        play(other, steps)
        twins.append((one, other))

    by_member = sum(accounts.expire(one, NOW) for one, _ in twins)
    by_job = expiry.expire_all(NOW, batch_size=3)

    assert by_job == by_member
    for one, other in twins:
        assert picture(other) == picture(one)
    assert check_ledger() == []


def test_expired_points_leave_the_balance_and_each_lot_gets_one_entry_dated_at_its_expiry(
        make_member):
    member_id = make_member().id
    give(member_id, 300, NOW - days(10))
    give(member_id, 200, NOW - days(40))
    spend(member_id, 50, NOW - days(60))   # drawn from the lot that lapses first

    assert expiry.expire_all(NOW) == 450

    entries = expire_entries(member_id)
    assert [(e.points, e.balance_after, e.created_at, e.detail) for e in entries] == [
        (-150, 300, NOW - days(40), ""), (-300, 0, NOW - days(10), "")]
    assert balance(member_id) == 0
    assert check_ledger() == []


def test_live_lots_keep_their_points_beside_lapsed_ones(make_member):
    member_id = make_member().id
    give(member_id, 100, NOW - days(1))
    give(member_id, 200, NOW + days(1))
    give(member_id, 300, None)

    assert expiry.expire_all(NOW) == 100

    assert balance(member_id) == 500
    remaining = db.session.scalars(select(PointLot.remaining).where(
        PointLot.member_id == member_id).order_by(PointLot.id)).all()
    assert remaining == [0, 200, 300]
    assert check_ledger() == []


def test_a_lot_lapsing_exactly_now_expires_and_one_a_moment_later_does_not(make_member):
    member_id = make_member().id
    give(member_id, 100, NOW)
    give(member_id, 200, NOW + timedelta(microseconds=1))

    assert expiry.expire_all(NOW) == 100
    assert [e.points for e in expire_entries(member_id)] == [-100]
    assert balance(member_id) == 200


def test_running_the_job_twice_expires_each_lot_once(make_member):
    members = [make_member().id for _ in range(4)]
    for member_id in members:
        give(member_id, 120, NOW - days(5))
        give(member_id, 80, NOW - days(3))

    assert expiry.expire_all(NOW, batch_size=3) == 800
    assert expiry.expire_all(NOW, batch_size=3) == 0
    assert expiry.expire_all(NOW + days(30)) == 0

    assert count(LedgerEntry, LedgerEntry.kind == EXPIRE) == 8
    assert count(LotAllocation) == 8
    assert all(balance(m) == 0 for m in members)
    assert check_ledger() == []


def test_members_without_lapsed_points_are_left_alone(make_member):
    untouched = make_member().id
    give(untouched, 100, NOW + days(10))
    lapsing = make_member().id
    give(lapsing, 100, NOW - days(10))

    expiry.expire_all(NOW)

    assert expire_entries(untouched) == [] and balance(untouched) == 100
    assert balance(lapsing) == 0


def test_every_batch_is_covered_whatever_its_size(make_member):
    members = [make_member().id for _ in range(7)]
    for n, member_id in enumerate(members):
        give(member_id, 10 + n, NOW - days(1 + n))

    assert expiry.expire_all(NOW, batch_size=2) == sum(10 + n for n in range(7))
    assert all(balance(m) == 0 for m in members)


def test_two_hosts_running_the_job_at_once_expire_each_lot_once(app, make_member):
    members = [make_member().id for _ in range(30)]
    for n, member_id in enumerate(members):
        give(member_id, 100, NOW - days(1 + n % 5))
        give(member_id, 50, NOW - days(2))
        give(member_id, 25, NOW + days(3))
    results = race([lambda: expiry.expire_all(NOW, batch_size=4)] * 2, app)

    assert not any(isinstance(r, Exception) for r in results), results
    assert sum(results) == 30 * 150
    db.session.rollback()
    # One entry a member a moment: six members' two lots lapsed at the same moment.
    assert count(LedgerEntry, LedgerEntry.kind == EXPIRE) == 54
    assert count(LotAllocation) == 60
    assert all(balance(m) == 25 for m in members)
    assert check_ledger() == []


def test_flask_points_expire_reports_what_it_expired(app, make_member):
    member_id = make_member().id
    give(member_id, 120, NOW - days(1))

    result = app.test_cli_runner().invoke(args=["points", "expire", "--now",
                                                "2026-06-01T04:00:00+00:00"])

    assert result.exit_code == 0, result.output
    assert "120 points expired" in result.output
    assert balance(member_id) == 0


def test_flask_points_expire_refuses_a_time_without_a_zone(app):
    result = app.test_cli_runner().invoke(args=["points", "expire", "--now",
                                                "2026-06-01T04:00:00"])
    assert result.exit_code != 0
    assert "time zone" in result.output


class TestActivityPolicy:
    """Under the activity policy a purchase keeps every live point alive for another term."""

    @pytest.fixture(autouse=True)
    def activity(self, app):
        app.config["EXPIRY_POLICY"] = "activity"

    def purchase(self, member_id: int, at: datetime) -> int:
        with write_transaction():
            return expiry.on_activity(lock_member(member_id), at, running_program())

    def test_a_purchase_moves_every_live_lot_to_a_full_term_from_now(self, make_member):
        member_id = make_member().id
        give(member_id, 100, NOW + days(3))
        give(member_id, 200, NOW + days(200))

        assert self.purchase(member_id, NOW) == 2

        expiries = set(db.session.scalars(select(PointLot.expires_at)
                                          .where(PointLot.member_id == member_id)))
        assert expiries == {expiry.lot_expiry(NOW, running_program())}
        assert expiries == {utc(2027, 6, 30, 16)}  # end of June 2027, Shanghai

    def test_points_already_lapsed_stay_lapsed_and_still_expire(self, make_member):
        member_id = make_member().id
        give(member_id, 100, NOW - days(1))
        give(member_id, 300, None)

        self.purchase(member_id, NOW)

        lots = db.session.execute(select(PointLot.points, PointLot.expires_at)
                                  .where(PointLot.member_id == member_id)
                                  .order_by(PointLot.id)).all()
        assert lots == [(100, NOW - days(1)), (300, None)]
        assert expiry.expire_all(NOW) == 100

    def test_a_purchase_moves_only_that_members_points(self, make_member):
        buyer, other = make_member().id, make_member().id
        give(buyer, 100, NOW + days(3))
        give(other, 100, NOW + days(3))

        self.purchase(buyer, NOW)

        assert db.session.scalar(select(PointLot.expires_at)
                                 .where(PointLot.member_id == other)) == NOW + days(3)

    def test_under_other_policies_a_purchase_changes_no_expiry(self, app, make_member):
        app.config["EXPIRY_POLICY"] = "monthly"
        member_id = make_member().id
        give(member_id, 100, NOW + days(3))

        assert self.purchase(member_id, NOW) == 0
        assert db.session.scalar(select(PointLot.expires_at)
                                 .where(PointLot.member_id == member_id)) == NOW + days(3)


@pytest.mark.parametrize("policy, words", [
    ("monthly", "Points last until the end of the month, 12 months after the month you earned"),
    ("annual", "All the points you earn in a calendar year expire together"),
    ("activity", "every purchase extends all your points to the end of the month 12 months"),
])
def test_the_rules_page_states_the_expiry_policy_in_force(app, client, policy, words):
    app.config["EXPIRY_POLICY"] = policy
    english(client)

    stated = by_testid(text(client.get("/rules")), "expiry-policy")

    assert len(stated) == 1 and words in stated[0]


def test_the_rules_page_says_when_points_earned_today_clear_under_the_annual_policy(app, client):
    app.config.update(EXPIRY_POLICY="annual", EXPIRY_CLEARING_DATE="06-30")
    english(client)
    next_year = utcnow().astimezone(running_program().tz).year + 1

    stated = by_testid(text(client.get("/rules")), "expiry-policy")[0]

    assert f"expire at the end of Jun 30, {next_year}" in stated


def test_the_rules_page_reads_in_chinese_under_every_policy(app, client):
    for policy, words in (("annual", "积分清零日"), ("activity", "只要持续消费")):
        app.config["EXPIRY_POLICY"] = policy
        assert words in by_testid(text(client.get("/rules")), "expiry-policy")[0]
