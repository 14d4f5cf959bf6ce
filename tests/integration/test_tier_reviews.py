"""The yearly tier review, which points qualify, and where members see their tier's story."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import accounts, ledger, reads, tier_reviews
from app.loyalty.models import (
    ADJUST,
    CLAWBACK,
    DOWNGRADE,
    EARN,
    KEPT,
    RETURN,
    UPGRADE,
    Member,
    TierChange,
    utcnow,
)
from app.loyalty.tiers import next_review
from app.loyalty.transaction import lock_member, write_transaction
from tests.conftest import PASSWORD, days, sign_in, utc
from tests.integration.route_support import english, text
from tests.support import race

JOIN = utc(2025, 3, 10, 2, 0)


def join(phone: str = "13900000001", at=JOIN) -> int:
    return accounts.join(phone, "测试会员", PASSWORD, now=at).id


def state(member_id: int) -> tuple[str, object]:
    db.session.expire_all()
    member = db.session.get(Member, member_id)
    return member.tier.code, member.tier_review_at


def changes(member_id: int) -> list[tuple[str, str | None, str, int]]:
    db.session.expire_all()
    rows = db.session.scalars(select(TierChange).where(TierChange.member_id == member_id)
                              .order_by(TierChange.id)).all()
    return [(c.reason, c.from_tier.code if c.from_tier else None, c.to_tier.code,
             c.qualifying) for c in rows]


def tier_rows(html: str) -> list[tuple[str, str]]:
    """(reason, text) of each row of the tier changes list, top to bottom."""
    return [(reason, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))
            for reason, body in re.findall(
                r'data-testid="tier-change" data-reason="(\w+)">(.*?)</li>', html, flags=re.S)]


def claw_back(member_id: int, points: int, at) -> None:
    """A refunded purchase takes its points back, as the purchase refund does."""
    with write_transaction():
        ledger.debit(lock_member(member_id), points, kind=CLAWBACK, detail="refund", now=at,
                     ref=("purchase", "1"))


def test_a_platinum_member_short_of_the_threshold_moves_down_one_level_not_to_the_bottom(app):
    member_id = join()
    upgraded = JOIN + days(10)
    accounts.award(member_id, 8000, "purchase", now=upgraded)
    review_at = next_review(upgraded)
    accounts.award(member_id, 2500, "purchase", now=review_at - days(30))
    assert state(member_id) == ("platinum", review_at)

    ran = review_at + timedelta(hours=1)
    assert tier_reviews.review_due(ran) == 1

    # The 8,000 fell out of the twelve months; 2,500 is Gold, not Silver.
    assert state(member_id) == ("gold", next_review(ran))
    assert changes(member_id)[-1] == (DOWNGRADE, "platinum", "gold", 2500)
    assert db.session.get(Member, member_id).tier_since == ran


def test_a_member_at_the_threshold_keeps_the_tier_for_a_year_from_the_review_date(app):
    member_id = join()
    accounts.award(member_id, 2000, "purchase", now=JOIN + days(100))
    review_at = next_review(JOIN + days(100))
    accounts.award(member_id, 2000, "purchase", now=review_at - days(5))

    tier_reviews.review_due(review_at + days(3))  # the job ran late: the year runs on anyway

    assert state(member_id) == ("gold", next_review(review_at))
    assert changes(member_id) == [(UPGRADE, "silver", "gold", 2000), (KEPT, "gold", "gold", 2000)]


def test_upgraded_then_not_earning_for_a_year_moves_back_down_at_the_review(app):
    member_id = join()
    upgraded = JOIN + days(40)
    accounts.award(member_id, 2100, "purchase", now=upgraded)
    assert state(member_id) == ("gold", next_review(upgraded))

    assert tier_reviews.review_due(next_review(upgraded) - timedelta(seconds=1)) == 0
    assert state(member_id)[0] == "gold"
    assert tier_reviews.review_due(next_review(upgraded)) == 1

    assert state(member_id)[0] == "silver"
    assert changes(member_id) == [(UPGRADE, "silver", "gold", 2100),
                                  (DOWNGRADE, "gold", "silver", 0)]


def test_running_the_review_twice_reviews_each_member_once(app):
    member_id = join()
    accounts.award(member_id, 8000, "purchase", now=JOIN)
    ran = next_review(JOIN) + days(1)

    assert tier_reviews.review_due(ran) == 1
    assert tier_reviews.review_due(ran) == 0
    assert tier_reviews.review_due(ran + days(30)) == 0

    assert state(member_id) == ("gold", next_review(ran))
    assert [c[0] for c in changes(member_id)] == [UPGRADE, DOWNGRADE]


def test_two_hosts_reviewing_at_once_review_each_member_once(app):
    members = [join(f"1390000{n:04d}") for n in range(12)]
    for member_id in members:
        accounts.award(member_id, 8000, "purchase", now=JOIN)
    ran = next_review(JOIN) + days(1)
    results = race([lambda: tier_reviews.review_due(ran)] * 2, app)

    assert sum(results) == 12, results
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(TierChange.reason == DOWNGRADE)) == 12
    assert {state(m)[0] for m in members} == {"gold"}


def test_the_lowest_tier_is_never_reviewed_down_and_records_nothing(app):
    member_id = join()
    review_at = next_review(JOIN)

    assert tier_reviews.review_due(review_at + days(1)) == 1

    assert state(member_id) == ("silver", next_review(review_at))
    assert changes(member_id) == []


def test_a_review_missed_for_years_is_caught_up_in_one_run(app):
    member_id = join()
    tier_reviews.review_due(JOIN + days(365 * 3 + 10))
    assert state(member_id)[1] == utc(2029, 3, 10, 2, 0)
    assert tier_reviews.review_due(JOIN + days(365 * 3 + 10)) == 0


def test_members_not_yet_due_are_left_alone(app):
    member_id = join()
    accounts.award(member_id, 2000, "purchase", now=JOIN)

    assert tier_reviews.review_due(JOIN + days(200)) == 0
    assert state(member_id) == ("gold", next_review(JOIN))


def test_flask_tiers_review_says_how_many_members_it_reviewed(app):
    member_id = join()
    accounts.award(member_id, 2000, "purchase", now=JOIN)

    result = app.test_cli_runner().invoke(args=["tiers", "review", "--now",
                                                "2026-03-11T00:00:00+08:00"])

    assert result.exit_code == 0, result.output
    assert "1 member(s) reviewed" in result.output
    assert state(member_id)[0] == "silver"


class TestQualifyingKinds:
    AT = utc(2026, 6, 1)

    def history(self) -> int:
        member_id = join()
        accounts.award(member_id, 1500, "purchase", now=self.AT - days(20))
        accounts.award(member_id, 700, "purchase", now=self.AT - days(10))
        claw_back(member_id, 700, self.AT - days(5))
        accounts.award(member_id, 400, "goodwill", kind=ADJUST, now=self.AT - days(3))
        return member_id

    def test_a_refunded_purchase_does_not_qualify(self, app):
        assert reads.qualifying_points(self.history(), self.AT) == 1500

    @pytest.mark.parametrize("setting, qualifying", [
        ("earn", 2200), ("earn,clawback", 1500), ("earn,clawback,adjust", 1900),
        ("earn, adjust", 2600),
    ])
    def test_operators_choose_which_kinds_of_entry_qualify(self, app, setting, qualifying):
        app.config["QUALIFYING_KINDS"] = setting
        assert reads.qualifying_points(self.history(), self.AT) == qualifying

    def test_adjustments_can_move_a_member_up_when_the_program_counts_them(self, app):
        app.config["QUALIFYING_KINDS"] = "earn,clawback,adjust"
        member_id = join()
        accounts.award(member_id, 2000, "migrated balance", kind=ADJUST, now=self.AT)
        assert state(member_id)[0] == "gold"

    def test_refunds_can_count_when_the_program_says_so(self, app):
        app.config["QUALIFYING_KINDS"] = "earn,refund"
        member_id = join()
        accounts.award(member_id, 100, "returned order", kind=RETURN, now=self.AT)
        assert reads.qualifying_points(member_id, self.AT) == 100

    def test_qualifying_points_never_go_below_zero(self, app):
        member_id = join()
        with write_transaction():  # earned over a year ago, in points that never expire
            ledger.credit(lock_member(member_id), 500, kind=EARN, detail="purchase",
                          now=self.AT - days(400), expires_at=None)
        claw_back(member_id, 500, self.AT - days(2))
        assert reads.qualifying_points(member_id, self.AT) == 0

    def test_points_owed_set_earlier_in_the_same_transaction_count_against_them(self, app):
        member_id = join()
        accounts.award(member_id, 1000, "purchase", now=self.AT - days(3))
        with write_transaction():
            lock_member(member_id).points_owed = 300
            qualifying = reads.qualifying_points(member_id, self.AT)
        assert qualifying == 700


class TestWhatMembersSee:
    def gold_member(self, client, qualifying: int) -> int:
        now = utcnow()
        member_id = join(at=now - days(200))
        accounts.award(member_id, 2000, "purchase", now=now - days(100))
        if qualifying > 2000:
            accounts.award(member_id, qualifying - 2000, "purchase", now=now - days(1))
        assert sign_in(client, "13900000001").status_code == 302
        english(client)
        return member_id

    def test_home_shows_what_keeps_the_tier_by_the_local_review_date(self, client):
        member_id = self.gold_member(client, 2000)
        with write_transaction():  # 20:00 UTC is already the next day in Shanghai
            db.session.execute(db.update(Member).where(Member.id == member_id)
                               .values(tier_review_at=utc(2027, 1, 14, 20)))

        html = text(client.get("/"))

        assert "Gold is yours until at least Jan 15, 2027." in html

    def test_home_says_how_many_more_points_keep_the_tier(self, client, app):
        member_id = self.gold_member(client, 2000)
        claw_back(member_id, 300, utcnow() - days(1))
        with write_transaction():
            db.session.execute(db.update(Member).where(Member.id == member_id)
                               .values(tier_review_at=utc(2027, 1, 14, 20)))

        html = text(client.get("/"))

        assert "Earn 300 more qualifying points by Jan 15, 2027 to keep Gold." in html

    def test_the_entry_tier_has_nothing_to_keep(self, client, make_member):
        member = make_member()
        sign_in(client, member.phone)
        english(client)
        html = text(client.get("/"))
        assert "to keep Silver" not in html and "Silver is yours" not in html

    def test_points_history_lists_tier_changes_newest_first(self, client):
        self.gold_member(client, 2000)
        tier_reviews.review_due(next_review(utcnow()) + days(1))  # a year on, nothing earned

        html = text(client.get("/points"))

        rows = tier_rows(html)
        assert [reason for reason, _ in rows] == [DOWNGRADE, UPGRADE]
        assert "Moved down" in rows[0][1] and "Gold → Silver" in rows[0][1]
        assert "0 qualifying points" in rows[0][1]
        assert "Moved up" in rows[1][1] and "Silver → Gold" in rows[1][1]
        assert "2,000 qualifying points" in rows[1][1]

    def test_points_history_in_chinese_names_the_change(self, client, make_member):
        member = make_member()
        accounts.award(member.id, 2000, "purchase")
        sign_in(client, member.phone)

        html = text(client.get("/points"))

        assert "等级变动" in html and "升级" in html and "银卡 → 金卡" in html

    def test_a_member_without_tier_changes_sees_no_tier_section(self, client, make_member):
        member = make_member(points=100)
        sign_in(client, member.phone)
        assert 'data-testid="tier-change"' not in text(client.get("/points"))


def test_the_demo_member_brought_gold_over_and_moved_down_at_its_review(app):
    from app.demo import DEMO_PHONE, load

    now = utc(2026, 6, 1, 4, 0)
    load(now=now)
    member_id = db.session.scalar(select(Member.id).where(Member.phone == DEMO_PHONE))

    assert [(reason, was, became) for reason, was, became, _ in changes(member_id)] == [
        (UPGRADE, "silver", "gold"), (DOWNGRADE, "gold", "silver")]
    assert state(member_id)[1] > now  # the next review is still ahead
