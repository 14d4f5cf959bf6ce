"""Campaigns in the console: listed with their state, created, edited and ended early by
administrators through the same core service as `flask campaigns`, every change audited."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import audit_log, campaigns
from app.loyalty.models import Campaign, utcnow
from app.loyalty.program import running_program
from tests.conftest import tier_id
from tests.integration.route_support import audits
from tests.support import csrf_token


def local(at: datetime) -> str:
    """A moment as the form's date-time field takes it: local time, to the minute."""
    return at.astimezone(running_program().tz).strftime("%Y-%m-%dT%H:%M")


def minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def form(client, **fields) -> dict:
    now = utcnow()
    values = {"name": "咖啡双倍", "name_en": "Coffee double", "description": "",
              "description_en": "", "multiplier": "200", "monthly_day": "",
              "starts": local(now - timedelta(days=1)), "ends": local(now + timedelta(days=6)),
              "tier": "", "category": "", "csrf_token": csrf_token(client, "/admin/campaigns")}
    values.update(fields)
    return values


def make(**fields) -> Campaign:
    now = utcnow()
    values = {"name": "活动", "name_en": "Campaign", "multiplier_pct": 150,
              "starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=1)}
    values.update(fields)
    return campaigns.create(**values)


def all_campaigns() -> list[Campaign]:
    db.session.rollback()
    return list(db.session.scalars(select(Campaign).order_by(Campaign.id)))


def test_the_list_shows_each_campaign_with_its_multiplier_window_tier_and_state(staff_client):
    now = utcnow()
    running = make(name_en="Running now", multiplier_pct=1000, tier_code="gold",
                   category="Coffee")
    upcoming = make(name_en="Next week", starts_at=now + timedelta(days=7),
                    ends_at=now + timedelta(days=9), monthly_day=18)
    over = make(name_en="Last month", starts_at=now - timedelta(days=40),
                ends_at=now - timedelta(days=10))
    admin = staff_client("admin")
    page = admin.get("/admin/campaigns").get_data(as_text=True)

    states = {c.id: s for c, s in ((running, "running"), (upcoming, "upcoming"),
                                   (over, "ended"))}
    for campaign_id, state in states.items():
        assert f'data-campaign-id="{campaign_id}" data-state="{state}"' in page
    assert page.index("Running now") < page.index("Next week") < page.index("Last month")
    assert "1,000%" in page and "coffee" in page
    assert page.count('data-testid="campaign-end"') == 2  # an ended one has no buttons


def test_an_administrator_creates_a_campaign_with_every_field_and_it_is_audited(staff_client):
    admin = staff_client("admin")
    now = utcnow()
    starts, ends = minute(now + timedelta(days=2)), minute(now + timedelta(days=30))

    response = admin.post("/admin/campaigns/new", data=form(
        admin, name=" 金卡咖啡日 ", name_en="Gold coffee day", description="每月18日",
        description_en="On the 18th", multiplier="250", monthly_day="18", tier="gold",
        category="Coffee", starts=local(starts), ends=local(ends)))

    assert response.status_code == 303 and response.headers["Location"] == "/admin/campaigns"
    [campaign] = all_campaigns()
    assert (campaign.name, campaign.name_en, campaign.description, campaign.description_en) \
        == ("金卡咖啡日", "Gold coffee day", "每月18日", "On the 18th")
    assert (campaign.multiplier_pct, campaign.monthly_day, campaign.tier_id, campaign.category) \
        == (250, 18, tier_id("gold"), "coffee")
    assert (campaign.starts_at, campaign.ends_at) == (starts, ends)
    [entry] = audits(audit_log.CAMPAIGN_CHANGE)
    assert entry.actor_id == admin.staff.id and entry.subject == f"campaign {campaign.id}"
    assert entry.before is None and entry.after["multiplier_pct"] == 250
    assert entry.after["tier"] == "gold"


def test_an_administrator_edits_a_running_campaign_and_the_change_is_audited(staff_client):
    campaign = make(name_en="Double", multiplier_pct=200)
    admin = staff_client("admin")
    page = admin.get(f"/admin/campaigns/{campaign.id}/edit").get_data(as_text=True)
    assert 'value="Double"' in page and 'value="200"' in page

    response = admin.post(f"/admin/campaigns/{campaign.id}/edit", data=form(
        admin, name_en="Triple", multiplier="300", starts=local(campaign.starts_at),
        ends=local(campaign.ends_at)))

    assert response.status_code == 303
    [saved] = all_campaigns()
    assert (saved.name_en, saved.multiplier_pct) == ("Triple", 300)
    [edited] = audits(audit_log.CAMPAIGN_CHANGE)   # made with no actor, edited by the administrator
    assert edited.actor_id == admin.staff.id
    assert (edited.before["multiplier_pct"], edited.after["multiplier_pct"]) == (200, 300)
    assert (edited.before["name_en"], edited.after["name_en"]) == ("Double", "Triple")


def test_ending_a_running_campaign_early_stops_it_now_and_is_audited(staff_client):
    campaign = make()
    admin = staff_client("admin")

    response = admin.post(f"/admin/campaigns/{campaign.id}/end",
                          data={"csrf_token": csrf_token(admin, "/admin/campaigns")})

    assert response.status_code == 303
    [ended] = all_campaigns()
    assert ended.ends_at <= utcnow() and campaigns.state(ended, utcnow()) == campaigns.ENDED
    assert campaigns.running_at(utcnow()) == []
    assert audits(audit_log.CAMPAIGN_CHANGE)[-1].after["ends_at"] == ended.ends_at.isoformat()
    page = admin.get("/admin/campaigns").get_data(as_text=True)
    assert 'data-state="ended"' in page


def test_calling_off_an_upcoming_campaign_means_it_never_starts(staff_client):
    now = utcnow()
    campaign = make(starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=4))
    admin = staff_client("admin")

    admin.post(f"/admin/campaigns/{campaign.id}/end",
               data={"csrf_token": csrf_token(admin, "/admin/campaigns")})

    [called_off] = all_campaigns()
    assert called_off.active is False
    assert campaigns.listing(now, running_program(), None) == ([], [])
    assert campaigns.running_at(now + timedelta(days=3, hours=1)) == []


def test_an_ended_campaign_can_be_neither_edited_nor_ended_again(staff_client):
    now = utcnow()
    over = make(starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1))
    admin = staff_client("admin")
    token = csrf_token(admin, "/admin/campaigns")
    before = audits(audit_log.CAMPAIGN_CHANGE)

    again = admin.post(f"/admin/campaigns/{over.id}/end", data={"csrf_token": token})
    edited = admin.post(f"/admin/campaigns/{over.id}/edit",
                        data=form(admin, multiplier="300", starts=local(over.starts_at),
                                  ends=local(over.ends_at)))
    opened = admin.get(f"/admin/campaigns/{over.id}/edit")

    assert again.status_code == 422 and edited.status_code == 422
    assert 'data-testid="error-message"' in again.get_data(as_text=True)
    assert opened.status_code == 302
    assert all_campaigns()[0].multiplier_pct == 150 and audits(audit_log.CAMPAIGN_CHANGE) == before


def test_an_unknown_campaign_is_404(staff_client):
    admin = staff_client("admin")
    token = csrf_token(admin, "/admin/campaigns")
    assert admin.get("/admin/campaigns/999/edit").status_code == 404
    assert admin.post("/admin/campaigns/999/edit", data=form(admin)).status_code == 404
    assert admin.post("/admin/campaigns/999/end", data={"csrf_token": token}).status_code == 404


def _window_backwards():
    now = utcnow()
    return {"starts": local(now + timedelta(days=5)), "ends": local(now + timedelta(days=1))}


@pytest.mark.parametrize("fields, field", [
    (_window_backwards, "ends"),
    (lambda: {"ends": local(utcnow() + timedelta(days=1)),
              "starts": local(utcnow() + timedelta(days=1))}, "ends"),
    ({"multiplier": "0"}, "multiplier"),
    ({"multiplier": "100"}, "multiplier"),
    ({"multiplier": "-200"}, "multiplier"),
    ({"multiplier": "1001"}, "multiplier"),
    ({"multiplier": "99999999999999999999"}, "multiplier"),
    ({"multiplier": "２００"}, "multiplier"),
    ({"multiplier": ""}, "multiplier"),
    ({"name": "   "}, "name"),
    ({"name_en": ""}, "name_en"),
    ({"name": "名" * 61}, "name"),
    ({"monthly_day": "31"}, "monthly_day"),
    ({"monthly_day": "0"}, "monthly_day"),
    ({"tier": "diamond"}, "tier"),
    ({"tier": "' OR 1=1 --"}, "tier"),
    ({"category": "c" * 41}, "category"),
    ({"starts": "tomorrow"}, "starts"),
    ({"starts": ""}, "starts"),
    ({"ends": "2026-02-30T10:00"}, "ends"),
    ({"description": "d" * 501}, "description"),
])
def test_bad_campaign_input_is_refused_beside_the_field_and_nothing_is_saved(
        staff_client, fields, field):
    admin = staff_client("admin")
    fields = fields() if callable(fields) else fields
    existing = make(name_en="Existing")
    before = audits(audit_log.CAMPAIGN_CHANGE)

    created = admin.post("/admin/campaigns/new", data=form(admin, **fields))
    edited = admin.post(f"/admin/campaigns/{existing.id}/edit", data=form(admin, **fields))

    for response in (created, edited):
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert f'id="{field}-error" data-testid="error-message"' in html, field
    assert [c.name_en for c in all_campaigns()] == ["Existing"]
    assert all_campaigns()[0].multiplier_pct == 150 and audits(audit_log.CAMPAIGN_CHANGE) == before


def test_a_hostile_name_is_saved_as_text_and_shown_escaped(staff_client):
    admin = staff_client("admin")
    admin.post("/admin/campaigns/new", data=form(admin, name_en="<script>alert(1)</script>"))
    page = admin.get("/admin/campaigns").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_campaign_without_a_csrf_token_is_refused(staff_client):
    admin = staff_client("admin")
    data = form(admin)
    del data["csrf_token"]
    assert admin.post("/admin/campaigns/new", data=data).status_code == 400
    assert all_campaigns() == []


def test_a_clerk_gets_403_on_every_campaign_page_and_changes_nothing(staff_client):
    campaign = make()
    clerk = staff_client("clerk")
    token = csrf_token(clerk, "/admin/")
    assert clerk.get("/admin/campaigns").status_code == 403
    assert clerk.get("/admin/campaigns/new").status_code == 403
    assert clerk.post("/admin/campaigns/new", data=form(clerk, csrf_token=token)
                      ).status_code == 403
    assert clerk.post(f"/admin/campaigns/{campaign.id}/end",
                      data={"csrf_token": token}).status_code == 403
    assert len(all_campaigns()) == 1 and campaigns.state(all_campaigns()[0], utcnow()) \
        == campaigns.RUNNING


def test_a_campaign_made_in_the_console_is_listed_by_flask_campaigns_and_back(app,
                                                                            staff_client):
    admin = staff_client("admin")
    admin.post("/admin/campaigns/new", data=form(admin, name_en="From the console"))
    today = datetime.now(running_program().tz).date()
    runner = app.test_cli_runner()
    made = runner.invoke(args=["campaigns", "create", "--name", "命令行", "--name-en",
                               "From the command line", "--starts", today.isoformat(),
                               "--ends", (today + timedelta(days=3)).isoformat()])

    listed = runner.invoke(args=["campaigns", "list"]).output
    page = admin.get("/admin/campaigns").get_data(as_text=True)

    assert made.exit_code == 0, made.output
    assert "From the console" in listed and "From the command line" in listed
    assert "From the console" in page and "From the command line" in page
    # the command line is no one
    assert [e.actor_id for e in audits(audit_log.CAMPAIGN_CHANGE)] == [admin.staff.id]


def test_the_core_refuses_a_huge_multiplier_from_the_command_line_too(app):
    with pytest.raises(campaigns.InvalidCampaign):
        make(multiplier_pct=campaigns.MULTIPLIER_MAX + 1)
    result = app.test_cli_runner().invoke(args=[
        "campaigns", "create", "--name", "x", "--name-en", "x", "--multiplier", "5000",
        "--starts", "2026-06-01", "--ends", "2026-06-02"])
    assert result.exit_code == 1 and all_campaigns() == []


def test_times_are_read_and_shown_in_the_programs_time_zone(staff_client):
    admin = staff_client("admin")
    admin.post("/admin/campaigns/new", data=form(
        admin, starts="2031-03-01T09:00", ends="2031-03-02T00:00"))
    [campaign] = all_campaigns()
    assert campaign.starts_at == datetime(2031, 3, 1, 9, tzinfo=running_program().tz).astimezone(
        timezone.utc)
    page = admin.get(f"/admin/campaigns/{campaign.id}/edit").get_data(as_text=True)
    assert 'value="2031-03-01T09:00"' in page
