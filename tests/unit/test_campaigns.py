"""Campaign windows, monthly days across local midnight, tiers, categories, best bonus."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from app.loyalty.campaigns import applies, best_bonus_pct, occurrence
from app.loyalty.models import Campaign

SHANGHAI = ZoneInfo("Asia/Shanghai")
GOLD, SILVER = 2, 1


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def campaign(**fields) -> Campaign:
    values = {"name": "双倍", "name_en": "Double", "multiplier_pct": 200, "active": True,
              "starts_at": utc(2026, 1, 1), "ends_at": utc(2027, 1, 1), "monthly_day": None,
              "tier_id": None, "category": None}
    values.update(fields)
    return Campaign(**values)


def test_the_window_includes_its_start_and_excludes_its_end():
    c = campaign(starts_at=utc(2026, 3, 1, 2), ends_at=utc(2026, 3, 3, 2))
    assert not applies(c, utc(2026, 3, 1, 1, 59, 59), SHANGHAI, SILVER, "coffee")
    assert applies(c, utc(2026, 3, 1, 2), SHANGHAI, SILVER, "coffee")
    assert applies(c, utc(2026, 3, 3, 1, 59, 59), SHANGHAI, SILVER, "coffee")
    assert not applies(c, utc(2026, 3, 3, 2), SHANGHAI, SILVER, "coffee")


def test_a_monthly_campaign_runs_on_its_local_day_from_local_midnight_to_local_midnight():
    c = campaign(monthly_day=18)
    # Shanghai is UTC+8: the 18th runs from 17th 16:00 UTC to 18th 16:00 UTC.
    assert not applies(c, utc(2026, 5, 17, 15, 59), SHANGHAI, SILVER, None)
    assert applies(c, utc(2026, 5, 17, 16, 0), SHANGHAI, SILVER, None)
    assert applies(c, utc(2026, 5, 18, 15, 59), SHANGHAI, SILVER, None)
    assert not applies(c, utc(2026, 5, 18, 16, 0), SHANGHAI, SILVER, None)


def test_a_monthly_campaign_only_runs_inside_its_window():
    c = campaign(monthly_day=18, starts_at=utc(2026, 6, 1), ends_at=utc(2026, 8, 1))
    assert not applies(c, utc(2026, 5, 18, 4), SHANGHAI, SILVER, None)
    assert applies(c, utc(2026, 7, 18, 4), SHANGHAI, SILVER, None)
    assert not applies(c, utc(2026, 8, 18, 4), SHANGHAI, SILVER, None)


def test_a_tier_campaign_is_only_for_that_tier():
    c = campaign(tier_id=GOLD)
    assert applies(c, utc(2026, 5, 1), SHANGHAI, GOLD, None)
    assert not applies(c, utc(2026, 5, 1), SHANGHAI, SILVER, None)


def test_a_category_campaign_is_only_for_lines_of_that_category():
    c = campaign(category="coffee")
    assert applies(c, utc(2026, 5, 1), SHANGHAI, SILVER, "coffee")
    assert not applies(c, utc(2026, 5, 1), SHANGHAI, SILVER, "bakery")


def test_a_switched_off_campaign_gives_nothing():
    assert not applies(campaign(active=False), utc(2026, 5, 1), SHANGHAI, SILVER, None)


def test_the_best_bonus_wins_and_bonuses_do_not_stack():
    campaigns = [campaign(multiplier_pct=150), campaign(multiplier_pct=300, category="coffee"),
                 campaign(multiplier_pct=500, tier_id=GOLD)]
    at = utc(2026, 5, 1)
    assert best_bonus_pct(campaigns, at, SHANGHAI, SILVER, "coffee") == 300
    assert best_bonus_pct(campaigns, at, SHANGHAI, SILVER, "bakery") == 150
    assert best_bonus_pct(campaigns, at, SHANGHAI, GOLD, "bakery") == 500
    assert best_bonus_pct([], at, SHANGHAI, GOLD, "bakery") == 100


def test_the_next_run_of_a_monthly_campaign_is_its_next_local_day():
    c = campaign(monthly_day=18)
    # 18 May 16:30 UTC is already the 19th in Shanghai: the next run is 18 June.
    assert occurrence(c, utc(2026, 5, 18, 16, 30), SHANGHAI) == (utc(2026, 6, 17, 16),
                                                                 utc(2026, 6, 18, 16))
    # During the day itself, the current run.
    assert occurrence(c, utc(2026, 5, 18, 3), SHANGHAI) == (utc(2026, 5, 17, 16),
                                                           utc(2026, 5, 18, 16))


def test_a_monthly_run_past_december_rolls_into_the_next_year():
    c = campaign(monthly_day=5, ends_at=utc(2028, 1, 1))
    assert occurrence(c, utc(2026, 12, 20), SHANGHAI) == (utc(2027, 1, 4, 16), utc(2027, 1, 5, 16))


def test_a_finished_campaign_has_no_next_run():
    c = campaign(ends_at=utc(2026, 2, 1))
    assert occurrence(c, utc(2026, 2, 1), SHANGHAI) is None
    assert occurrence(campaign(monthly_day=28, ends_at=utc(2026, 2, 10)), utc(2026, 2, 1),
                      SHANGHAI) is None
