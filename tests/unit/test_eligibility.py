"""Eligibility: whether a member may redeem an item now, and if not, the reason that matters."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from app.loyalty.eligibility import MAX_QUANTITY, Shopper, refusal
from app.loyalty.errors import (
    InsufficientPoints,
    InvalidQuantity,
    LimitReached,
    NotOnSale,
    QuotaReached,
    SoldOut,
    TierTooLow,
)
from app.loyalty.quotas import QuotaUse
from app.web.errors import refusal_status

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
GOLD = 2


def item(**fields):
    values = {"active": True, "sale_starts_at": None, "sale_ends_at": None, "stock": 10,
              "per_member_limit": None, "points_price": 100, "quota": None,
              "quota_period": "month"}
    values.update(fields)
    return SimpleNamespace(**values)


def check(it, balance=1000, tier_rank=1, min_tier_rank=None, already_bought=0, quantity=1,
          now=NOW, quota=None):
    return refusal(it, Shopper(balance, tier_rank), min_tier_rank=min_tier_rank,
                   already_bought=already_bought, now=now, quantity=quantity, quota=quota)


def test_a_member_with_enough_points_may_redeem_an_item_on_sale():
    assert check(item()) is None


def test_a_member_may_spend_exactly_their_balance():
    assert check(item(points_price=1000), balance=1000) is None


def test_unlimited_stock_never_sells_out():
    assert check(item(stock=None), quantity=MAX_QUANTITY, balance=10_000) is None


def test_an_item_is_on_sale_from_its_start_until_just_before_its_end():
    window = {"sale_starts_at": NOW, "sale_ends_at": NOW + HOUR}
    assert check(item(**window)) is None
    assert check(item(**window), now=NOW + HOUR - timedelta(microseconds=1)) is None


# Each case breaks every rule from its row down, so only the first one can be the answer.
NOT_ON_SALE = {"active": False}
SOLD_OUT = {"stock": 0}
TIER_TOO_LOW = {"min_tier_rank": GOLD}
LIMIT = {"per_member_limit": 1, "already_bought": 1}
POOR = {"balance": 10}


def everything_wrong_from(*parts):
    item_fields, check_fields = {}, {}
    for part in parts:
        for key, value in part.items():
            target = check_fields if key in ("min_tier_rank", "already_bought",
                                             "balance") else item_fields
            target[key] = value
    return item_fields, check_fields


@pytest.mark.parametrize("parts, reason", [
    ((NOT_ON_SALE, SOLD_OUT, TIER_TOO_LOW, LIMIT, POOR), NotOnSale),
    (({"sale_starts_at": NOW + HOUR}, SOLD_OUT, TIER_TOO_LOW, LIMIT, POOR), NotOnSale),
    (({"sale_ends_at": NOW}, SOLD_OUT, TIER_TOO_LOW, LIMIT, POOR), NotOnSale),
    ((SOLD_OUT, TIER_TOO_LOW, LIMIT, POOR), SoldOut),
    ((TIER_TOO_LOW, LIMIT, POOR), TierTooLow),
    ((LIMIT, POOR), LimitReached),
    ((POOR,), InsufficientPoints),
], ids=["inactive", "before-start", "after-end", "sold-out", "tier", "limit", "points"])
def test_the_refusal_shown_is_the_one_the_member_can_do_least_about(parts, reason):
    item_fields, check_fields = everything_wrong_from(*parts)
    assert type(check(item(**item_fields), **check_fields)) is reason


def test_an_item_not_yet_on_sale_says_when_it_will_be():
    starts = NOW + HOUR
    problem = check(item(sale_starts_at=starts))
    assert isinstance(problem, NotOnSale) and problem.details["starts_at"] == starts


def test_an_item_whose_sale_ended_gives_no_start_date():
    problem = check(item(sale_ends_at=NOW - HOUR))
    assert isinstance(problem, NotOnSale) and problem.details["starts_at"] is None


def test_a_member_at_the_minimum_tier_may_redeem():
    assert check(item(), tier_rank=GOLD, min_tier_rank=GOLD) is None


def test_a_member_below_the_minimum_tier_may_not():
    assert isinstance(check(item(), tier_rank=GOLD - 1, min_tier_rank=GOLD), TierTooLow)


@pytest.mark.parametrize("already, quantity, allowed", [
    (0, 2, True), (1, 1, True), (2, 1, False), (1, 2, False), (0, 3, False),
])
def test_the_per_member_limit_counts_what_was_bought_before(already, quantity, allowed):
    problem = check(item(per_member_limit=2), already_bought=already, quantity=quantity)
    assert (problem is None) is allowed
    if not allowed:
        assert isinstance(problem, LimitReached)
        assert problem.details == {"limit": 2, "bought": already}


def test_stock_must_cover_the_whole_quantity():
    assert isinstance(check(item(stock=2), quantity=3), SoldOut)
    assert check(item(stock=3), quantity=3) is None


def test_insufficient_points_says_how_many_are_missing():
    problem = check(item(points_price=300), balance=500, quantity=2)
    assert isinstance(problem, InsufficientPoints)
    assert problem.details == {"needed": 600, "balance": 500, "short": 100}


@pytest.mark.parametrize("quantity", [1, MAX_QUANTITY])
def test_a_quantity_within_bounds_is_accepted(quantity):
    assert check(item(stock=None), balance=100 * quantity, quantity=quantity) is None


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY + 1])
def test_a_quantity_out_of_bounds_is_refused_before_anything_else(quantity):
    problem = check(item(active=False, stock=0), balance=0, quantity=quantity)
    assert isinstance(problem, InvalidQuantity)
    assert refusal_status(problem) == 422   # a refusal of what the member entered


def test_a_quota_refuses_once_the_periods_orders_would_pass_it_and_says_when_more_come():
    resumes = NOW + 10 * HOUR
    limited = item(quota=200, quota_period="day")
    assert check(limited, quota=QuotaUse(199, resumes)) is None
    gone = check(limited, quota=QuotaUse(200, resumes))
    assert isinstance(gone, QuotaReached)
    assert gone.details == {"period": "day", "quota": 200, "resumes_at": resumes}
    assert isinstance(check(limited, quota=QuotaUse(199, resumes), quantity=2), QuotaReached)


def test_a_gone_quota_comes_after_sold_out_and_before_tier_limit_and_points():
    use = QuotaUse(1, NOW)
    assert isinstance(check(item(stock=0, quota=1), quota=use), SoldOut)
    assert isinstance(check(item(quota=1, per_member_limit=1), min_tier_rank=GOLD,
                            already_bought=1, balance=0, quota=use), QuotaReached)
