"""Pure price checks: may this member redeem this item now, and if not, why not."""
from dataclasses import dataclass
from datetime import datetime

from .errors import (
    DomainError,
    InsufficientPoints,
    InvalidQuantity,
    LimitReached,
    NotOnSale,
    QuotaReached,
    SoldOut,
    TierTooLow,
)

MAX_QUANTITY = 10


@dataclass(frozen=True)
class Shopper:
    """What the checks need to know of a member."""

    balance: int
    tier_rank: int


def refusal(item, shopper: Shopper, *, min_tier_rank: int | None, already_bought: int,
            now: datetime, quantity: int = 1, quota=None) -> DomainError | None:
    """The reason `shopper` may not redeem `quantity` of `item`, or None when they may.
    `quota`: the item's quota use this period (a quotas.QuotaUse), when it has a quota.

    Checks run from what the member can do least about to what they can do most about,
    so a card shows the reason that matters: not on sale, sold out, quota gone, tier,
    limit, points.
    """
    if not 1 <= quantity <= MAX_QUANTITY:
        return InvalidQuantity(quantity=quantity, maximum=MAX_QUANTITY)
    if not item.active or (item.sale_ends_at and now >= item.sale_ends_at):
        return NotOnSale(starts_at=None)
    if item.sale_starts_at and now < item.sale_starts_at:
        return NotOnSale(starts_at=item.sale_starts_at)
    if item.stock is not None and item.stock < quantity:
        return SoldOut(stock=item.stock)
    if item.quota is not None and quota is not None and quota.used + quantity > item.quota:
        return QuotaReached(period=item.quota_period, quota=item.quota,
                            resumes_at=quota.resumes_at)
    if min_tier_rank is not None and shopper.tier_rank < min_tier_rank:
        return TierTooLow(min_tier_rank=min_tier_rank)
    if item.per_member_limit is not None and already_bought + quantity > item.per_member_limit:
        return LimitReached(limit=item.per_member_limit, bought=already_bought)
    cost = item.points_price * quantity
    if shopper.balance < cost:
        return InsufficientPoints(needed=cost, balance=shopper.balance,
                                  short=cost - shopper.balance)
    return None


def member_refusal(item, member, *, balance: int, already_bought: int, now: datetime,
                   quantity: int = 1, quota=None) -> DomainError | None:
    """refusal() for a member and an item as the models hold them (tiers joined in)."""
    return refusal(item, Shopper(balance, member.tier.rank),
                   min_tier_rank=item.min_tier.rank if item.min_tier else None,
                   already_bought=already_bought, now=now, quantity=quantity, quota=quota)
