"""The daily check-in: points once per local day, streaks across days, the 7th-day bonus."""
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.loyalty import tasks
from app.loyalty.ledger_check import check_ledger
from app.loyalty.models import EARN, CheckIn, LedgerEntry
from tests.conftest import utc
from tests.support import balance, race

# 2026-06-01 10:00 in Shanghai
MORNING = utc(2026, 6, 1, 2, 0)


def check_ins(member_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(CheckIn)
                             .where(CheckIn.member_id == member_id))


def test_a_first_check_in_earns_the_daily_points_and_starts_a_streak_of_one(make_member):
    member = make_member()

    outcome = tasks.check_in(member.id, now=MORNING)

    assert (outcome.points, outcome.streak, outcome.already) == (3, 1, False)
    assert balance(member.id) == 3
    entry = db.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member.id)).one()
    assert (entry.kind, entry.points, entry.ref_type) == (EARN, 3, "check_in")
    assert check_ledger() == []


def test_a_second_check_in_on_the_same_day_earns_nothing(make_member):
    member = make_member()
    tasks.check_in(member.id, now=MORNING)

    again = tasks.check_in(member.id, now=MORNING + timedelta(hours=11))  # 23:00 local

    assert again.already and again.points == 0 and again.streak == 1
    assert balance(member.id) == 3
    assert check_ins(member.id) == 1


def test_two_devices_checking_in_at_once_earn_once(app, make_member):
    member_id = make_member().id

    results = race([lambda: tasks.check_in(member_id, now=MORNING)] * 6, app)

    assert not any(isinstance(r, Exception) for r in results), results
    assert sorted(r.already for r in results) == [False] + [True] * 5
    assert balance(member_id) == 3
    assert check_ins(member_id) == 1


def test_23_59_and_00_01_local_time_are_two_days_of_one_streak(make_member):
    member = make_member()
    before_midnight = utc(2026, 6, 1, 15, 59)   # 23:59 in Shanghai
    after_midnight = utc(2026, 6, 1, 16, 1)     # 00:01 the next day, same UTC date

    first = tasks.check_in(member.id, now=before_midnight)
    second = tasks.check_in(member.id, now=after_midnight)

    assert (first.day.isoformat(), second.day.isoformat()) == ("2026-06-01", "2026-06-02")
    assert (first.streak, second.streak) == (1, 2)
    assert balance(member.id) == 6


def test_the_seventh_day_in_a_row_earns_the_bonus_and_the_streak_runs_on(make_member):
    member = make_member()

    outcomes = [tasks.check_in(member.id, now=MORNING + timedelta(days=n)) for n in range(15)]

    assert [o.streak for o in outcomes] == list(range(1, 16))
    assert [o.points for o in outcomes] == [3] * 6 + [23] + [3] * 6 + [23] + [3]
    assert [o.bonus for o in outcomes].count(True) == 2
    assert balance(member.id) == 15 * 3 + 2 * 20


def test_a_missed_day_starts_the_streak_again(make_member):
    member = make_member()
    for n in range(5):
        tasks.check_in(member.id, now=MORNING + timedelta(days=n))

    after_gap = tasks.check_in(member.id, now=MORNING + timedelta(days=6))

    assert after_gap.streak == 1 and after_gap.points == 3


def test_the_card_shows_today_checked_in_and_the_days_to_the_bonus(app, make_member):
    from app.loyalty.program import running_program
    member = make_member()
    for n in range(4):
        tasks.check_in(member.id, now=MORNING + timedelta(days=n))

    today = tasks.check_in_card(member.id, MORNING + timedelta(days=3), running_program())
    tomorrow = tasks.check_in_card(member.id, MORNING + timedelta(days=4), running_program())
    later = tasks.check_in_card(member.id, MORNING + timedelta(days=6), running_program())

    assert today.state.checked_in_today and today.state.streak == 4
    assert today.today_points == 3 and today.state.to_bonus == 3
    assert not tomorrow.state.checked_in_today and tomorrow.state.streak == 4
    assert tomorrow.next_points == 3
    assert later.state.streak == 0 and later.state.to_bonus == 7
