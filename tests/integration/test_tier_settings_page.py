"""Tiers in the console: names, thresholds and multipliers saved and audited, followed by
the rules page and the next purchase; a threshold not above the tier beneath, a base tier
above 0 or a multiplier below 1% refused beside its field, with nothing changed."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.loyalty import audit_log
from app.loyalty.models import Member, Tier
from tests.conftest import tier_id
from tests.integration.api_support import purchase_body
from tests.integration.route_support import audits, by_testid, text
from tests.support import csrf_token

CODES = ("silver", "gold", "platinum")


def tiers() -> list[Tier]:
    db.session.rollback()
    return db.session.scalars(select(Tier).order_by(Tier.rank)).all()


def form(client, **changes) -> dict:
    """The tiers form as the page fills it; `changes` as {"gold_threshold": 3000}."""
    data = {"csrf_token": csrf_token(client, "/admin/tiers")}
    for index, tier in enumerate(tiers()):
        for field in ("id", "name", "name_en", "threshold", "multiplier_pct"):
            value = changes.get(f"{tier.code}_{field}", getattr(tier, field))
            data[f"tiers-{index}-{field}"] = str(value)
    return data


def test_the_page_lists_each_tier_and_says_members_move_at_their_next_review(admin):
    html = text(admin.get("/admin/tiers"))

    assert len(by_testid(html, "tier-row")) == 3
    assert "Gold" in html and 'value="2000"' in html and 'value="150"' in html
    assert "next review" in by_testid(html, "tier-review-note")[0]


def test_saved_tiers_are_audited_and_the_rules_page_shows_them(admin, visitor):
    before = {t.code: t.threshold for t in tiers()}

    response = admin.post("/admin/tiers", data=form(
        admin, gold_threshold=3000, gold_multiplier_pct=175, platinum_name_en="Diamond",
        platinum_name="钻石"))

    assert response.status_code == 303 and response.headers["Location"] == "/admin/tiers"
    gold, platinum = tiers()[1:]
    assert (gold.threshold, gold.multiplier_pct) == (3000, 175)
    assert (platinum.name, platinum.name_en) == ("钻石", "Diamond")
    entries = audits(audit_log.SETTING_CHANGE)
    assert [e.subject for e in entries] == ["tier gold", "tier platinum"]
    assert entries[0].actor_id == admin.staff.id
    assert entries[0].before["threshold"] == before["gold"] and entries[0].after == {
        "name": "金卡", "name_en": "Gold", "threshold": 3000, "multiplier_pct": 175}
    rules = text(visitor.get("/rules"))
    assert "Diamond" in rules and "3,000" in rules and "1.75×" in rules


def test_a_members_tier_stays_and_the_next_purchase_earns_the_new_multiplier(
        admin, till, make_member):
    member = make_member(tier="gold")
    admin.post("/admin/tiers", data=form(admin, gold_threshold=5000, gold_multiplier_pct=200))

    answer = till.post("/purchases", purchase_body(member, amount_fen=1_000))

    assert answer.get_json()["points"] == 20
    db.session.rollback()
    assert db.session.get(Member, member.id).tier_id == tier_id("gold")


@pytest.mark.parametrize("changes, field, message", [
    ({"silver_threshold": 10}, "tiers-0-threshold", "The base tier's threshold is 0."),
    ({"gold_threshold": 0}, "tiers-1-threshold",
     "Enter a threshold above the tier beneath this one."),
    ({"platinum_threshold": 2000}, "tiers-2-threshold",
     "Enter a threshold above the tier beneath this one."),
    ({"gold_threshold": 9000}, "tiers-2-threshold",
     "Enter a threshold above the tier beneath this one."),
    ({"gold_multiplier_pct": 0}, "tiers-1-multiplier_pct", "Enter a whole number from 1 to"),
    ({"gold_multiplier_pct": -50}, "tiers-1-multiplier_pct", "Enter a whole number using"),
    ({"gold_multiplier_pct": 10_001}, "tiers-1-multiplier_pct", "from 1 to 10,000"),
    ({"gold_threshold": "lots"}, "tiers-1-threshold", "Enter a whole number using"),
    ({"gold_threshold": ""}, "tiers-1-threshold", "Enter a whole number."),
    ({"gold_name": "  "}, "tiers-1-name", "Enter a name."),
    ({"gold_name_en": "G" * 41}, "tiers-1-name_en", "Enter at most 40 characters."),
])
def test_a_bad_tier_is_refused_beside_its_field_and_nothing_changes(
        admin, changes, field, message):
    before = [(t.name, t.name_en, t.threshold, t.multiplier_pct) for t in tiers()]

    response = admin.post("/admin/tiers", data=form(admin, **changes))

    html = text(response)
    assert response.status_code == 422
    assert any(message in error for error in by_testid(html, "error-message")), \
        by_testid(html, "error-message")
    assert f'id="{field}-error"' in html
    assert [(t.name, t.name_en, t.threshold, t.multiplier_pct) for t in tiers()] == before
    assert audits(audit_log.SETTING_CHANGE) == []


@pytest.mark.parametrize("tampered", [
    {"tiers-1-id": "999"}, {"tiers-1-id": "x"}, {"tiers-1-id": ""},
    {"tiers-3-id": "1", "tiers-3-name": "x", "tiers-3-name_en": "x", "tiers-3-threshold": "9",
     "tiers-3-multiplier_pct": "100"},
])
def test_a_form_naming_other_tiers_than_the_programs_changes_nothing(admin, tampered):
    data = {**form(admin, gold_threshold=2500), **tampered}

    response = admin.post("/admin/tiers", data=data)

    assert response.status_code == 422 and by_testid(text(response), "error-message")
    assert tiers()[1].threshold == 2000 and audits(audit_log.SETTING_CHANGE) == []
