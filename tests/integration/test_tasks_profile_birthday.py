"""Profile reward once ever; the birthday is set once; the birthday gift once a year, in the
month."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import tasks
from app.loyalty.models import BIRTHDAY, PROFILE, Member, TaskReward
from tests.conftest import utc
from tests.support import balance

NOW = utc(2026, 6, 10, 4, 0)


def rewards(member_id: int, task: str) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(TaskReward).where(
        TaskReward.member_id == member_id, TaskReward.task == task))


def test_filling_name_email_and_birthday_gives_the_profile_points_once(make_member):
    member = make_member()

    first = tasks.save_profile(member.id, "李雷", "lilei@example.com", date(1990, 3, 4), now=NOW)
    second = tasks.save_profile(member.id, "李雷", "lilei@example.com", date(1990, 3, 4), now=NOW)

    assert (first, second) == (30, 0)
    assert balance(member.id) == 30
    assert rewards(member.id, PROFILE) == 1


def test_a_partial_profile_earns_nothing_until_it_is_complete(make_member):
    member = make_member()

    assert tasks.save_profile(member.id, "李雷", None, date(1990, 3, 4), now=NOW) == 0
    assert balance(member.id) == 0
    assert tasks.save_profile(member.id, "李雷", "lilei@example.com", None, now=NOW) == 30
    assert balance(member.id) == 30


def test_clearing_and_refilling_the_email_does_not_give_the_reward_again(make_member):
    member = make_member()
    tasks.save_profile(member.id, "李雷", "lilei@example.com", date(1990, 3, 4), now=NOW)

    tasks.save_profile(member.id, "李雷", "", None, now=NOW)
    again = tasks.save_profile(member.id, "李雷", "new@example.com", None, now=NOW)

    assert again == 0
    assert balance(member.id) == 30
    assert db.session.get(Member, member.id).email == "new@example.com"


def test_a_birthday_once_set_cannot_be_changed(make_member):
    member = make_member()
    tasks.save_profile(member.id, "李雷", None, date(1990, 3, 4), now=NOW)

    with pytest.raises(tasks.BirthdayLocked):
        tasks.save_profile(member.id, "韩梅梅", "x@example.com", date(1990, 6, 1), now=NOW)

    db.session.rollback()
    saved = db.session.get(Member, member.id)
    assert (saved.name, saved.email, saved.birthday) == ("李雷", None, date(1990, 3, 4))
    assert balance(member.id) == 0


@pytest.fixture
def gift_program(app):
    app.config["BIRTHDAY_BONUS"] = "gift"
    return app


def with_birthday(make_member, birthday):
    member = make_member()
    tasks.save_profile(member.id, "李雷", None, birthday, now=NOW)
    return member


def test_the_birthday_gift_is_given_once_in_the_birthday_month(gift_program, make_member):
    member = with_birthday(make_member, date(1990, 6, 25))

    points = tasks.claim_birthday_gift(member.id, now=NOW)
    with pytest.raises(tasks.AlreadyClaimed):
        tasks.claim_birthday_gift(member.id, now=utc(2026, 6, 28, 4, 0))

    assert points == 200
    assert balance(member.id) == 200
    assert rewards(member.id, BIRTHDAY) == 1


def test_the_birthday_gift_comes_again_the_next_year(gift_program, make_member):
    member = with_birthday(make_member, date(1990, 6, 25))
    tasks.claim_birthday_gift(member.id, now=NOW)

    assert tasks.claim_birthday_gift(member.id, now=utc(2027, 6, 2, 4, 0)) == 200
    assert balance(member.id) == 400


def test_the_birthday_gift_is_refused_outside_the_month(gift_program, make_member):
    member = with_birthday(make_member, date(1990, 7, 1))

    with pytest.raises(tasks.NotBirthdayMonth):
        tasks.claim_birthday_gift(member.id, now=NOW)
    assert balance(member.id) == 0


def test_the_birthday_month_is_the_local_month(gift_program, make_member):
    member = with_birthday(make_member, date(1990, 7, 15))
    # 30 June 17:00 UTC is already 1 July in Shanghai
    assert tasks.claim_birthday_gift(member.id, now=utc(2026, 6, 30, 17, 0)) == 200


def test_the_birthday_gift_needs_a_birthday(gift_program, make_member):
    member = make_member()

    with pytest.raises(tasks.NoBirthday):
        tasks.claim_birthday_gift(member.id, now=NOW)


def test_there_is_no_gift_to_claim_when_the_birthday_bonus_is_double_points(app, make_member):
    member = with_birthday(make_member, date(1990, 6, 25))

    with pytest.raises(tasks.GiftNotOffered):
        tasks.claim_birthday_gift(member.id, now=NOW)
    assert balance(member.id) == 0
