"""Campaign listings for the member pages, flask campaigns, and the demo's store and campaigns."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import event, select

from app.demo import load
from app.extensions import db
from app.loyalty import campaigns
from app.loyalty.models import Campaign, Store, Tier
from app.loyalty.program import running_program
from app.loyalty.signed_in import MemberTier
from tests.conftest import tier_id


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


NOW = utc(2026, 6, 10, 4)  # 10 June, noon in Shanghai


def tier(code: str) -> Tier:
    return db.session.scalar(select(Tier).where(Tier.code == code))


def make(**fields):
    values = {"name": "活动", "name_en": "Campaign", "multiplier_pct": 200,
              "starts_at": NOW - timedelta(days=1), "ends_at": NOW + timedelta(days=1)}
    values.update(fields)
    return campaigns.create(**values)


def test_the_listing_splits_running_from_upcoming_within_30_days_for_the_members_tier(app):
    running = make(name_en="Running")
    make(name_en="Next week", starts_at=NOW + timedelta(days=7), ends_at=NOW + timedelta(days=9))
    make(name_en="Too far", starts_at=NOW + timedelta(days=31), ends_at=NOW + timedelta(days=40))
    make(name_en="Over", starts_at=NOW - timedelta(days=9), ends_at=NOW - timedelta(days=1))
    make(name_en="Gold only", tier_code="gold")
    make(name_en="Member day", monthly_day=18, starts_at=NOW - timedelta(days=60),
         ends_at=NOW + timedelta(days=365))

    now_running, upcoming = campaigns.listing(NOW, running_program(), tier("silver"))

    assert [c.name_en for c in now_running] == ["Running"]
    assert [c.name_en for c in upcoming] == ["Next week", "Member day"]
    member_day = upcoming[1]
    assert (member_day.starts, member_day.ends) == (utc(2026, 6, 17, 16), utc(2026, 6, 18, 16))
    assert now_running[0].id == running.id and now_running[0].tier is None
    gold_running, _ = campaigns.listing(NOW, running_program(), tier("gold"))
    assert {c.name_en for c in gold_running} == {"Running", "Gold only"}
    assert next(c for c in gold_running if c.name_en == "Gold only").tier.code == "gold"


def test_a_members_list_names_their_own_tier_in_one_statement_and_every_tier_s_list_all(app):
    make(name_en="Everyone")
    make(name_en="Gold only", tier_code="gold")
    make(name_en="Silver only", tier_code="silver")
    gold = tier("gold")
    held = MemberTier(*(getattr(gold, name) for name in MemberTier._fields))
    db.session.expunge_all()
    program, statements = running_program(), []

    def ran(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", ran)
    try:
        running, _ = campaigns.listing(NOW, program, held)
    finally:
        event.remove(db.engine, "before_cursor_execute", ran)

    assert len(statements) == 1
    assert {c.name_en: c.tier for c in running} == {"Everyone": None, "Gold only": held}
    every, _ = campaigns.listing(NOW, program, None)
    assert {c.name_en: c.tier and c.tier.code for c in every} == {
        "Everyone": None, "Gold only": "gold", "Silver only": "silver"}


def test_flask_campaigns_create_and_list(app):
    runner = app.test_cli_runner()
    today = datetime.now(running_program().tz).date()

    created = runner.invoke(args=[
        "campaigns", "create", "--name", "咖啡双倍", "--name-en", "Coffee double",
        "--multiplier", "200", "--starts", (today - timedelta(days=1)).isoformat(),
        "--ends", (today + timedelta(days=1)).isoformat(), "--category", "Coffee",
        "--tier", "gold"])
    listed = runner.invoke(args=["campaigns", "list"])

    assert created.exit_code == 0, created.output
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.category == "coffee" and campaign.tier_id == tier_id("gold")
    # --ends names the last local day, included
    assert campaign.ends_at.astimezone(running_program().tz).date() == today + timedelta(days=2)
    assert "Coffee double" in listed.output and "category coffee" in listed.output


def test_flask_campaigns_refuses_a_campaign_that_gives_no_bonus(app):
    runner = app.test_cli_runner()
    for args in (["--multiplier", "100", "--starts", "2026-06-01", "--ends", "2026-06-02"],
                 ["--starts", "2026-06-05", "--ends", "2026-06-01"],
                 ["--starts", "2026-06-01", "--ends", "2026-06-02", "--monthly-day", "31"],
                 ["--starts", "2026-06-01", "--ends", "2026-06-02", "--tier", "diamond"]):
        result = runner.invoke(args=["campaigns", "create", "--name", "x", "--name-en", "x",
                                     *args])
        assert result.exit_code == 1 and "Refused" in result.output, args
    assert db.session.scalars(select(Campaign)).all() == []


def test_the_demo_has_a_store_a_member_day_and_a_gold_week_running_now(app):
    load(now=NOW)

    assert db.session.scalar(select(Store.name).where(Store.code == "SH001")) == "上海南京西路店"
    running, upcoming = campaigns.listing(NOW, running_program(), tier("gold"))
    assert [c.name_en for c in running] == ["Gold and above: double points week"]
    assert [c.monthly_day for c in upcoming] == [18]
    silver_running, _ = campaigns.listing(NOW, running_program(), tier("silver"))
    assert silver_running == []
