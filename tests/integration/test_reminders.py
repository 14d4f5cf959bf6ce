"""Expiry reminders: the right expiring points, at the nearest lead time, once, with the
ledger's figures."""
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import ledger, reads, reminders
from app.loyalty.lots import end_of_local_day
from app.loyalty.models import ADJUST, EMAIL, INBOX, REDEEM, Notice, OutboxEmail, Reminder, utcnow
from app.loyalty.program import running_program
from app.loyalty.transaction import lock_member, write_transaction
from app.notify.expiry import remind
from tests.conftest import utc

TZ = ZoneInfo("Asia/Shanghai")
NOW = utc(2026, 11, 20, 2, 0)          # 10:00 on 20 November in Shanghai
TODAY = date(2026, 11, 20)
MALL_URL = "https://mall.example.cn"


@pytest.fixture(autouse=True)
def mall_url(app):
    app.config["MALL_URL"] = MALL_URL


def give(member_id: int, points: int, last_day: date) -> None:
    """`points` that can be spent until the end of local day `last_day`."""
    with write_transaction():
        member = lock_member(member_id)
        ledger.credit(member, points, kind=ADJUST, detail="test", now=NOW - timedelta(days=90),
                      expires_at=end_of_local_day(last_day, TZ))


def spend(member_id: int, points: int) -> None:
    with write_transaction():
        ledger.debit(lock_member(member_id), points, kind=REDEEM, detail="test", now=NOW)


def with_email(member, address: str = "li.na@example.cn"):
    member.email = address
    db.session.commit()
    return member


def rows(model, **where):
    db.session.rollback()
    return db.session.scalars(select(model).filter_by(**where).order_by(model.id)).all()


def test_points_thirty_days_from_expiry_get_one_inbox_reminder_with_the_figure_and_date(
        make_member):
    member = make_member()
    give(member.id, 1200, TODAY + timedelta(days=30))

    assert remind(NOW) == 1

    [notice] = rows(Notice, member_id=member.id)
    assert notice.kind == "expiry" and notice.read_at is None
    assert "1,200 积分将于 2026年12月20日 过期" in notice.body
    assert notice.link == "/catalog?affordable=1"
    [reminder] = rows(Reminder, member_id=member.id)
    assert (reminder.days_before, reminder.channel, reminder.points) == (30, INBOX, 1200)


def test_nothing_is_sent_before_the_farthest_lead_time(make_member):
    member = make_member()
    give(member.id, 1200, TODAY + timedelta(days=31))

    assert remind(NOW) == 0
    assert rows(Notice) == [] and rows(Reminder) == []


@pytest.mark.parametrize("now, due", [
    (utc(2026, 11, 29, 15, 30), False),   # 23:30 on 29 Nov in Shanghai: 31 local days before
    (utc(2026, 11, 29, 16, 30), True),    # 00:30 on 30 Nov in Shanghai: 30 local days before
])
def test_lead_times_count_local_days_in_the_programs_time_zone(make_member, now, due):
    member = make_member()
    give(member.id, 300, date(2026, 12, 30))

    assert remind(now) == int(due)


def test_points_first_seen_five_days_ahead_get_only_the_seven_day_reminder_then_the_one_day(
        make_member):
    member = with_email(make_member())
    last_day = TODAY + timedelta(days=5)
    give(member.id, 800, last_day)

    assert remind(NOW) == 1
    assert [(r.days_before, r.channel) for r in rows(Reminder)] == [(7, INBOX), (7, EMAIL)]
    assert len(rows(Notice)) == 1 and len(rows(OutboxEmail)) == 1

    assert remind(NOW + timedelta(days=3)) == 0   # still the 7-day window
    assert remind(NOW + timedelta(days=4)) == 1   # the day before the last day
    assert sorted({r.days_before for r in rows(Reminder)}) == [1, 7]
    assert len(rows(Notice)) == 2 and len(rows(OutboxEmail)) == 2


def test_running_twice_reminds_once_per_expiring_points_and_channel(make_member):
    member = with_email(make_member())
    give(member.id, 1200, TODAY + timedelta(days=7))

    assert remind(NOW) == 1
    assert remind(NOW) == 0
    assert remind(NOW + timedelta(hours=1)) == 0

    assert len(rows(Notice)) == 1 and len(rows(OutboxEmail)) == 1 and len(rows(Reminder)) == 2


def test_a_member_without_an_email_address_gets_the_inbox_notice_and_no_email(make_member):
    member = make_member()
    give(member.id, 1200, TODAY + timedelta(days=7))

    remind(NOW)

    assert len(rows(Notice, member_id=member.id)) == 1
    assert rows(OutboxEmail) == []
    assert [r.channel for r in rows(Reminder)] == [INBOX]


def test_the_email_states_the_figure_and_date_and_links_only_to_the_mall(make_member):
    member = with_email(make_member(), "wang.fang@example.cn")
    give(member.id, 2500, date(2026, 11, 30))

    remind(NOW)

    [email] = rows(OutboxEmail)
    assert email.to_address == "wang.fang@example.cn" and email.sent_at is None
    assert "2,500" in email.subject and "2026年11月30日" in email.subject
    for body in (email.body_text, email.body_html):
        assert "2,500 积分将于 2026年11月30日 过期" in body
        links = re.findall(r"https?://[^\s\"'<>]+", body)
        assert f"{MALL_URL}/catalog?affordable=1" in links
        assert all(link.startswith(MALL_URL + "/") for link in links)
    assert "<img" not in email.body_html


def test_the_figure_and_date_are_the_wallets_expiring_points(make_member):
    member = make_member()
    give(member.id, 640, TODAY + timedelta(days=1))

    remind(NOW)

    [expiring] = reads.wallet(member.id, NOW, running_program()).expiring
    [notice] = rows(Notice)
    day = expiring.day
    assert f"{expiring.points:,} 积分将于 {day.year}年{day.month}月{day.day}日" in notice.body


def test_points_expiring_at_two_moments_get_two_reminders(make_member):
    member = make_member()
    give(member.id, 100, TODAY + timedelta(days=3))
    give(member.id, 250, TODAY + timedelta(days=20))

    assert remind(NOW) == 2

    bodies = sorted(n.body for n in rows(Notice))
    assert any("100 积分将于 2026年11月23日" in b for b in bodies)
    assert any("250 积分将于 2026年12月10日" in b for b in bodies)


def test_points_already_spent_shrink_the_figure(make_member):
    member = make_member()
    give(member.id, 1200, TODAY + timedelta(days=7))
    spend(member.id, 500)

    remind(NOW)

    [notice] = rows(Notice)
    assert "700 积分将于" in notice.body
    assert rows(Reminder)[0].points == 700


def test_expiring_points_spent_in_full_get_no_reminder(make_member):
    member = make_member()
    give(member.id, 1200, TODAY + timedelta(days=7))
    spend(member.id, 1200)

    assert remind(NOW) == 0
    assert rows(Notice) == []


def test_points_that_never_expire_or_have_lapsed_get_no_reminder(make_member):
    member = make_member(points=5000)      # expire in a year or more
    give(member.id, 300, TODAY - timedelta(days=1))

    assert remind(NOW) == 0


def test_members_are_reminded_in_chunks_and_none_is_missed(make_member, monkeypatch):
    monkeypatch.setattr(reminders, "CHUNK", 2)
    members = [make_member() for _ in range(5)]
    for n, member in enumerate(members):
        give(member.id, 100 + n, TODAY + timedelta(days=7))

    assert remind(NOW) == 5
    assert sorted(n.member_id for n in rows(Notice)) == sorted(m.id for m in members)


def test_no_lead_times_configured_means_no_reminders(app, make_member):
    app.config["REMINDER_DAYS"] = ""
    member = make_member()
    give(member.id, 100, TODAY + timedelta(days=1))

    assert remind(NOW) == 0


@pytest.mark.parametrize("today, expected", [
    (date(2026, 10, 31), None), (date(2026, 11, 1), 30), (date(2026, 11, 23), 30),
    (date(2026, 11, 24), 7), (date(2026, 11, 30), 1), (date(2026, 12, 1), 1)])
def test_the_nearest_lead_time_reached_counts(today, expected):
    assert reminders.nearest_lead(date(2026, 12, 1), today, (30, 7, 1)) == expected


def test_flask_notify_remind_writes_the_reminders_due_now(app, make_member):
    member = make_member()
    today = utcnow().astimezone(TZ).date()
    give(member.id, 450, today + timedelta(days=2))

    result = app.test_cli_runner().invoke(args=["notify", "remind"])

    assert result.exit_code == 0, result.output
    assert "1 batch(es) reminded." in result.output
    assert "450 积分将于" in rows(Notice)[0].body
