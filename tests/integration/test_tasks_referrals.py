"""Referrals: joining with a code, both members rewarded on the first purchase of at least
the qualifying amount only, the referrer's monthly cap, and no reward for inviting yourself."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import accounts, referrals, stores
from app.loyalty.models import (
    CREDITED,
    REFERRAL_INVITER,
    REFERRAL_NEW,
    Member,
    Purchase,
    Store,
    TaskReward,
)
from app.loyalty.transaction import lock_member, write_transaction
from tests.conftest import PASSWORD, utc
from tests.support import balance

NOW = utc(2026, 6, 10, 4, 0)


def first_purchase(member_id: int, now=NOW, amount_fen: int = 10_000
                   ) -> referrals.ReferralRewards:
    """What the purchase service does: lock the member, record the purchase (here without
    points of its own) and call the hook in its transaction."""
    store_id = db.session.scalar(select(Store.id)) or stores.create_store("SH001", "店").id
    with write_transaction():
        member = lock_member(member_id)
        purchase = Purchase(store_id=store_id, reference=f"P-{next(_references)}",
                            member_id=member.id, amount_fen=amount_fen, lines=[], points=0,
                            status=CREDITED, available_at=now, occurred_at=now, created_at=now)
        db.session.add(purchase)
        db.session.flush()
        return referrals.on_purchase(member, purchase, now)


_references = iter(range(10**6))


_phones = iter(range(10**6))


def invited_by(referrer: Member, now=NOW) -> Member:
    return referrals.join(f"137{next(_phones):08d}", "新朋友", PASSWORD,
                          referral_code=referrer.referral_code, now=now)


def test_joining_with_a_referral_code_records_the_referrer(make_member):
    referrer = make_member()

    friend = referrals.join("13700000001", "新朋友", PASSWORD,
                            referral_code=referrer.referral_code.lower(), now=NOW)

    assert friend.referred_by_id == referrer.id
    assert balance(friend.id) == 0 and balance(referrer.id) == 0


def test_the_first_purchase_rewards_both_the_friend_and_the_referrer(make_member):
    referrer = make_member()
    friend = invited_by(referrer)

    rewards = first_purchase(friend.id)

    assert (rewards.new_member, rewards.referrer) == (100, 200)
    assert balance(friend.id) == 100 and balance(referrer.id) == 200


def test_only_the_first_purchase_is_rewarded(make_member):
    referrer = make_member()
    friend = invited_by(referrer)
    first_purchase(friend.id)

    again = first_purchase(friend.id, now=NOW + timedelta(days=1))

    assert (again.new_member, again.referrer) == (0, 0)
    assert balance(friend.id) == 100 and balance(referrer.id) == 200


def test_a_member_who_was_not_invited_gets_nothing(make_member):
    member = make_member()

    assert first_purchase(member.id) == referrals.ReferralRewards(0, 0)
    assert balance(member.id) == 0


def test_the_referrer_is_rewarded_at_most_the_monthly_cap(make_member):
    referrer = make_member()
    friends = [invited_by(referrer) for _ in range(7)]

    results = [first_purchase(f.id) for f in friends]

    assert [r.referrer for r in results] == [200] * 5 + [0, 0]
    assert [r.new_member for r in results] == [100] * 7
    assert balance(referrer.id) == 1000
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(TaskReward).where(
        TaskReward.member_id == referrer.id, TaskReward.task == REFERRAL_INVITER)) == 5


def test_the_cap_starts_again_in_the_next_local_month(make_member):
    referrer = make_member()
    june = [invited_by(referrer) for _ in range(6)]
    for friend in june:
        first_purchase(friend.id)
    july_friend = invited_by(referrer)

    # 30 June 16:30 UTC is 1 July 00:30 in Shanghai: a new month for the cap
    result = first_purchase(july_friend.id, now=utc(2026, 6, 30, 16, 30))

    assert result.referrer == 200
    assert balance(referrer.id) == 6 * 200


def test_a_member_referred_by_themselves_earns_no_referral_points(make_member):
    member = make_member()
    db.session.get(Member, member.id).referred_by_id = member.id
    db.session.commit()

    assert first_purchase(member.id) == referrals.ReferralRewards(0, 0)
    assert balance(member.id) == 0
    assert db.session.scalar(select(func.count()).select_from(TaskReward).where(
        TaskReward.task.in_([REFERRAL_NEW, REFERRAL_INVITER]))) == 0


def test_an_unknown_referral_code_creates_no_account(make_member):
    before = db.session.scalar(select(func.count()).select_from(Member))

    with pytest.raises(referrals.UnknownReferral):
        referrals.join("13700000009", "新朋友", PASSWORD, referral_code="NOSUCH99", now=NOW)

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Member)) == before


def test_joining_with_a_phone_already_a_members_is_refused(make_member):
    existing = make_member()

    with pytest.raises(accounts.PhoneInUse):
        referrals.join(existing.phone, "又一个", PASSWORD, now=NOW)


def test_friends_joined_and_rewarded_this_month_are_counted(app, make_member):
    from app.loyalty.program import running_program
    referrer = make_member()
    friends = [invited_by(referrer) for _ in range(3)]
    invited_by(referrer, now=NOW - timedelta(days=40))   # joined last month
    first_purchase(friends[0].id)

    stats = referrals.stats(db.session.get(Member, referrer.id), NOW, running_program())

    assert (stats.joined_this_month, stats.rewarded_this_month) == (3, 1)
    assert stats.code == referrer.referral_code


def test_a_purchase_below_the_qualifying_amount_rewards_nobody(app, make_member):
    referrer = make_member()
    friend = invited_by(referrer)

    small = first_purchase(friend.id, amount_fen=app.config["REFERRAL_MIN_PURCHASE_FEN"] - 1)

    assert small == referrals.ReferralRewards(0, 0)
    assert balance(friend.id) == 0 and balance(referrer.id) == 0


def test_the_first_purchase_that_reaches_the_qualifying_amount_is_rewarded(app, make_member):
    referrer = make_member()
    friend = invited_by(referrer)
    first_purchase(friend.id, amount_fen=1)

    qualifying = first_purchase(friend.id, amount_fen=app.config["REFERRAL_MIN_PURCHASE_FEN"])

    assert (qualifying.new_member, qualifying.referrer) == (100, 200)
    assert balance(friend.id) == 100 and balance(referrer.id) == 200
