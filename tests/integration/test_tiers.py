"""Members move up a tier the moment their qualifying points reach its threshold."""
from sqlalchemy import event, select

from app.extensions import db
from app.loyalty import accounts
from app.loyalty.models import ADJUST, Member, Tier
from tests.conftest import days, utc

NOW = utc(2026, 6, 1, 4, 0)


def tier_code(member_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Tier.code).join(Member, Member.tier_id == Tier.id)
                             .where(Member.id == member_id))


def test_earning_past_a_threshold_moves_the_member_up_at_once(make_member):
    member = make_member()
    accounts.award(member.id, 1999, "purchase", now=NOW)
    assert tier_code(member.id) == "silver"

    accounts.award(member.id, 1, "purchase", now=NOW + days(1))

    assert tier_code(member.id) == "gold"
    assert db.session.get(Member, member.id).tier_since == NOW + days(1)


def test_earning_enough_for_two_tiers_at_once_lands_on_the_higher(make_member):
    member = make_member()
    accounts.award(member.id, 8000, "purchase", now=NOW)
    assert tier_code(member.id) == "platinum"


def test_adjustments_do_not_count_towards_a_tier(make_member):
    member = make_member()
    accounts.award(member.id, 9000, "migrated balance", kind=ADJUST, now=NOW)
    assert tier_code(member.id) == "silver"


def test_points_earned_over_a_year_ago_do_not_count_towards_a_tier(make_member):
    member = make_member()
    accounts.award(member.id, 1500, "purchase", now=NOW - days(400))
    accounts.award(member.id, 1000, "purchase", now=NOW)
    assert tier_code(member.id) == "silver"


def test_a_member_is_never_moved_down_by_earning(make_member):
    member = make_member(tier="platinum")
    accounts.award(member.id, 10, "purchase", now=NOW)
    assert tier_code(member.id) == "platinum"


def test_a_member_at_the_top_tier_earns_without_their_years_points_being_counted(
        app, make_member):
    member = make_member(tier="platinum")
    counted = []

    def remember(_connection, _cursor, statement, *_rest):
        if "sum(ledger_entries.points)" in statement:
            counted.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        accounts.award(member.id, 500, "purchase", now=NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)

    assert counted == []
    assert tier_code(member.id) == "platinum"


def test_a_credit_weighs_the_tiers_above_without_loading_them_as_objects(make_member):
    member = make_member()
    accounts.award(member.id, 1999, "purchase", now=NOW)
    loaded = []

    def remember(target, _context):
        loaded.append(target.code)

    event.listen(Tier, "load", remember)
    try:
        accounts.award(member.id, 1, "purchase", now=NOW + days(1))
    finally:
        event.remove(Tier, "load", remember)

    assert tier_code(member.id) == "gold"
    # The member's own tier comes with the member's lock; the others are read as columns.
    assert set(loaded) == {"silver"}
