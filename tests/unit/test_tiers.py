"""Tiers: where a member stands, how far the next tier is, when the tier is reviewed."""
from datetime import date

import pytest

from app.loyalty.tiers import TierView, next_review, progress, review, tier_for

SILVER = TierView(1, "silver", 1, 0, 100)
GOLD = TierView(2, "gold", 2, 2000, 150)
PLATINUM = TierView(3, "platinum", 3, 8000, 200)
TIERS = [PLATINUM, SILVER, GOLD]  # in no particular order: the rules sort by rank


@pytest.mark.parametrize("qualifying, tier", [
    (0, SILVER), (1999, SILVER), (2000, GOLD), (7999, GOLD), (8000, PLATINUM),
    (1_000_000, PLATINUM),
])
def test_a_member_reaches_the_highest_tier_whose_threshold_they_meet(qualifying, tier):
    assert tier_for(TIERS, qualifying) == tier


def test_a_member_below_every_threshold_is_in_the_entry_tier():
    entry = TierView(9, "basic", 1, 100, 100)
    assert tier_for([GOLD, entry], 50) == entry


def test_progress_from_the_bottom_of_a_tier_starts_at_zero():
    p = progress(TIERS, SILVER, 0)
    assert (p.next, p.percent, p.to_next, p.to_keep) == (GOLD, 0, 2000, 0)


def test_progress_halfway_to_the_next_tier_is_fifty_percent():
    p = progress(TIERS, GOLD, 5000)
    assert (p.next, p.percent, p.to_next, p.to_keep) == (PLATINUM, 50, 3000, 0)


def test_progress_rounds_down_so_a_member_never_sees_a_tier_as_reached_early():
    p = progress(TIERS, SILVER, 1999)
    assert (p.percent, p.to_next) == (99, 1)


def test_progress_at_the_next_threshold_is_complete():
    p = progress(TIERS, SILVER, 2000)
    assert (p.percent, p.to_next) == (100, 0)


def test_progress_past_the_next_threshold_stays_at_one_hundred_percent():
    p = progress(TIERS, SILVER, 9000)
    assert (p.next, p.percent, p.to_next) == (GOLD, 100, 0)


def test_a_member_short_of_their_tier_threshold_sees_what_keeps_it():
    p = progress(TIERS, GOLD, 1500)
    assert (p.to_keep, p.percent, p.to_next) == (500, 0, 6500)


def test_a_member_exactly_at_their_threshold_needs_nothing_more_to_keep_it():
    assert progress(TIERS, GOLD, 2000).to_keep == 0


def test_the_top_tier_has_no_next_tier_and_shows_full_progress():
    p = progress(TIERS, PLATINUM, 8500)
    assert (p.next, p.percent, p.to_next, p.to_keep) == (None, 100, 0, 0)


def test_the_top_tier_still_shows_what_keeps_it():
    p = progress(TIERS, PLATINUM, 6000)
    assert (p.next, p.to_keep) == (None, 2000)


def test_progress_carries_the_qualifying_points_and_current_tier():
    p = progress(TIERS, GOLD, 3210)
    assert (p.current, p.qualifying) == (GOLD, 3210)


@pytest.mark.parametrize("since, reviewed_on", [
    (date(2026, 3, 15), date(2027, 3, 15)),
    (date(2026, 12, 31), date(2027, 12, 31)),
    (date(2024, 2, 29), date(2025, 2, 28)),
    (date(2023, 2, 28), date(2024, 2, 28)),
])
def test_a_tier_is_reviewed_one_year_after_it_was_reached(since, reviewed_on):
    assert next_review(since) == reviewed_on


@pytest.mark.parametrize("current, qualifying, after", [
    (PLATINUM, 7999, GOLD),       # below the threshold: one level down, not to the bottom
    (PLATINUM, 0, GOLD),
    (GOLD, 1999, SILVER),
    (PLATINUM, 8000, PLATINUM),   # at the threshold: kept
    (GOLD, 2000, GOLD),
    (GOLD, 9000, GOLD),           # a review keeps; moving up happens when points are earned
    (SILVER, 0, SILVER),          # the lowest tier is never lost
])
def test_a_review_keeps_the_tier_at_its_threshold_and_otherwise_moves_down_one(
        current, qualifying, after):
    assert review(TIERS, current, qualifying) == after


def test_a_review_moves_down_to_the_next_lower_rank_even_with_gaps_in_the_ranks():
    entry, top = TierView(7, "basic", 10, 100, 100), TierView(8, "black", 30, 5000, 300)
    assert review([top, entry], top, 10) == entry
    assert review([top, entry], entry, 0) == entry
